// A VS Code window's store, without VS Code: opens the store exactly as a window does
// (openWindowStore, src/node/endpoint/window.ts) and runs commands read from stdin, one JSON line
// each, on the window's core. Bundled and run as a real process by windowClient.test.ts.
// stdout: {"ready": role, "pid"}, then {"id", "result"} or {"id", "error"} per command, and
// {"event": "role" | "tasks", ...} as the store changes under it.
import * as readline from 'readline';
import { openContinuum, type Continuum } from '../../../src/core/continuum';
import type { Logger } from '../../../src/core/ports';
import type { SessionControlParams } from '../../../src/node/endpoint/protocol';
import { openWindowStore } from '../../../src/node/endpoint/window';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { nodeLock } from '../../../src/node/lock';
import { currentOwner } from '../../../src/node/lockOwner';

const folder = process.argv[2];
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const logger: Logger = {
  info: m => process.stderr.write(`info: ${m}\n`),
  warn: m => process.stderr.write(`warn: ${m}\n`),
  error: (m, e) => process.stderr.write(`error: ${m} ${String(e)}\n`),
};

/** What a window that runs a session says when another window asks for the store (set with the `busy` command). */
let busy: string | undefined;
/** The session this window "runs" (set with the `runs` command): another window may pause, stop or cancel it here. */
let runsSession: string | undefined;

async function main(): Promise<void> {
  const common = { folder, fs: nodeFileSystem, owner: currentOwner('test window'), logger, idleCompactMs: 0 };
  const store = await openWindowStore({
    storeFolder: folder,
    logger,
    open: lock => openContinuum({ ...common, lock }),
    replica: () =>
      openContinuum({ ...common, readOnly: true, readOnlyReason: 'a test window is a client', followMs: 50 }),
    readOnly: () => openContinuum({ ...common, lock: nodeLock() }),
    trusted: () => true,
    waitForHolderMs: 10_000,
    busy: what => busy && `${busy}, to ${what} here`,
    controlSession: async ({ sessionId, action }) => {
      if (sessionId !== runsSession) return { done: false };
      say({ event: 'control', sessionId, action });
      return { done: true };
    },
  });
  const watch = (core: Continuum) =>
    core.tasks.onDidChangeStored(() => {
      if (store.core === core) say({ event: 'tasks', tasks: core.tasks.list().map(t => [t.title, t.status]) });
    });
  watch(store.core);
  store.onDidChangeCore(core => {
    watch(core);
    say({ event: 'role', role: store.role });
  });
  say({ ready: store.role, pid: process.pid });
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', line => {
    const { id, cmd, arg } = JSON.parse(line) as { id: number; cmd: string; arg?: string };
    const ran =
      cmd === 'takeover'
        ? store.takeOver(arg ?? 'a test command')
        : cmd === 'next-task' // Copilot's language-model tool, as the window runs it
          ? store
              .callTool({ id: 'vscode-chat:test', name: 'Copilot' }, 'continuum_next_task', {})
              .then(r => r.structured)
          : cmd === 'busy'
            ? Promise.resolve((busy = arg || undefined))
            : cmd === 'runs'
              ? Promise.resolve((runsSession = arg || undefined))
              : cmd === 'control' // Pause or Cancel Session, as the window's command asks where the session runs
                ? store.controlSession(JSON.parse(arg ?? '{}') as SessionControlParams)
                : run(store.core, cmd, arg);
    void ran.then(
      result => say({ id, result }),
      (err: Error) => say({ id, error: `${err.name}: ${err.message}` }),
    );
  });
  lines.on('close', () => void store.close().then(() => process.exit(0)));
}

async function run(core: Continuum, cmd: string, arg = ''): Promise<unknown> {
  switch (cmd) {
    case 'add':
      return (await core.tasks.create({ title: arg })).id;
    case 'done':
      return (await core.tasks.setStatus(arg, 'done', 'user')).status;
    case 'list':
      return core.tasks.list().map(t => [t.title, t.status]);
    case 'checkpoint':
      return (await core.sessions.createCheckpoint({ trigger: 'manual', note: arg })).id;
    case 'session':
      return (await core.sessions.create({ name: arg, taskIds: [] })).id;
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

main().catch(err => {
  process.stderr.write(`window process failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
