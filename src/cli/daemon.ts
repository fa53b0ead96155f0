// `continuum daemon`: holds the store in the background for a while, with the knowledge graph's
// worker and its folder watches warm, so that the next `continuum graph build` (a git hook after each
// commit, an agent's hook, a person at a terminal with no window open) asks it instead of opening the
// store itself: after a one-line edit of PatternFly that is about 70 ms instead of 250 (bench:graph).
// A `graph build` that built alone starts one (daemonStart.ts). It steps aside for any process that
// would hold the store (a VS Code window, an agent's MCP server, a `continuum run`, any other CLI
// command), and ends after it has served nothing for a while, on SIGTERM or SIGINT, or when its
// store folder is removed.
import * as fs from 'fs';
import * as path from 'path';
import { callAgentTool } from '../core/agents';
import { openContinuum } from '../core/continuum';
import type { Logger } from '../core/ports';
import { connectOrHold, type StoreConnection } from '../node/endpoint/connection';
import { nodeFileSystem } from '../node/fileSystem';
import { WorkerGraphParser } from '../node/graphWorkerParser';
import { nodeLock } from '../node/lock';
import { currentOwner } from '../node/lockOwner';
import { askDaemonToStepAside } from './daemonAside';
import { daemonOwner, daemonStartingFile } from './daemonFiles';
import { defaultIdleMinutes, idleMinutesOf } from './daemonStart';

export const daemonUsage = `usage: continuum daemon --store DIR [--idle-minutes N]
       continuum daemon stop --store DIR
  Holds the store in the background so that \`continuum graph build\` is quick (a build that found
  nobody holding the store starts one: CONTINUUM_DAEMON=off turns that off). It gives the store to any
  process that would hold it (a VS Code window, an agent's MCP server, a run, any other command) and
  ends after N minutes without a call (default ${defaultIdleMinutes}, or CONTINUUM_DAEMON_IDLE_MINUTES).
  stop: asks the daemon holding the store to end.`;

interface DaemonArgs {
  stop: boolean;
  store?: string;
  idleMinutes: number;
  help: boolean;
}

class DaemonUsageError extends Error {}

export function parseDaemonArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DaemonArgs {
  const args: DaemonArgs = { stop: false, idleMinutes: idleMinutesOf(env), help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new DaemonUsageError(`${a} needs a value.`);
      return v;
    };
    if (a === 'stop' && i === 0) args.stop = true;
    else if (a === '--store') args.store = value();
    else if (a === '--idle-minutes') {
      const v = Number(value());
      if (!(v > 0)) throw new DaemonUsageError('--idle-minutes takes a number of minutes above 0.');
      args.idleMinutes = v;
    } else if (a === '--help' || a === '-h') args.help = true;
    else throw new DaemonUsageError(`unknown option '${a}'.`);
  }
  return args;
}

/** Lines for its log (daemon.log in the store folder, when a graph build started it). */
const logger: Logger = {
  info: message => console.error(`${new Date().toISOString()} ${message}`),
  warn: message => console.error(`${new Date().toISOString()} warning: ${message}`),
  error: (message, err) =>
    console.error(
      `${new Date().toISOString()} error: ${message}${err ? `: ${(err as Error)?.stack ?? String(err)}` : ''}`,
    ),
};

export async function daemonFromTerminal(argv: readonly string[]): Promise<number> {
  let args: DaemonArgs;
  try {
    args = parseDaemonArgs(argv, process.env);
  } catch (err) {
    if (!(err instanceof DaemonUsageError)) throw err;
    console.error(`continuum: ${err.message}\n${daemonUsage}`);
    return 2;
  }
  if (args.help) {
    console.log(daemonUsage);
    return 0;
  }
  if (!args.store) {
    console.error(`continuum: say which store with --store DIR\n${daemonUsage}`);
    return 2;
  }
  const store = path.resolve(args.store);
  if (args.stop) {
    const pid = await askDaemonToStepAside(store, 'stop');
    console.log(pid ? `continuum: the daemon (pid ${pid}) ended` : 'continuum: no daemon holds this store');
    return 0;
  }
  return runDaemon(store, args.idleMinutes * 60_000);
}

/** Holds the store until idle for `idleMs`, stopped, handed over, or its folder is gone; the exit code. */
async function runDaemon(store: string, idleMs: number): Promise<number> {
  let connection: StoreConnection;
  let lastCall = Date.now();
  let end!: (why: string) => void;
  const ended = new Promise<string>(resolve => {
    end = resolve;
  });
  try {
    connection = await connectOrHold({
      storeFolder: store,
      kind: 'daemon',
      handsOver: true,
      afterHandover: () => end('it gave the store to the process that asked for it'),
      logger,
      callTool: callAgentTool,
      // no workspace here: a tool that would run a command (done's verify) has no port to run it with;
      // an agent's MCP server takes the store from the daemon before it calls any
      toolContext: () => ({ trusted: false }),
      activity: () => {
        lastCall = Date.now();
      },
      open: lock =>
        openContinuum({
          folder: store,
          fs: nodeFileSystem,
          lock,
          owner: currentOwner(daemonOwner),
          logger,
          // the worker stays as long as the daemon: its folder watches are what make a build quick
          graphParser: () => new WorkerGraphParser(path.join(__dirname, 'graphWorker.js'), { lightIdleMs: idleMs }),
        }),
      lock: nodeLock(),
      waitForHolderMs: 10_000,
    });
  } catch (err) {
    logger.warn(`not started: ${(err as Error).message}`);
    return 0;
  } finally {
    // a build waits for this daemon while its note says it is starting: it serves now, or gives up
    fs.rmSync(path.join(store, daemonStartingFile), { force: true });
  }
  if (connection.role !== 'holder') {
    logger.info(`not started: the store is held by pid ${connection.holder?.pid ?? 'unknown'}`);
    await connection.close();
    return 0;
  }
  // handed over (to a window, an MCP server, a command; once it has answered) or taken by another
  // process after this one lost the lock: nothing left to keep warm
  connection.onDidChangeRole(role => {
    if (role === 'client' || role === 'closed') end('another process holds the store');
  });
  // its lock lost (its folder removed, or taken over after a long stall): it does not take the
  // store again, which in a removed folder would make a new, empty one
  connection.core?.store.onDidLoseLock(reason => end(`it lost the store: ${reason}`));
  process.once('SIGTERM', () => end('SIGTERM'));
  process.once('SIGINT', () => end('SIGINT'));
  const check = setInterval(
    () => {
      if (!fs.existsSync(store)) end('its store folder is gone');
      else if (Date.now() - lastCall >= idleMs) end(`nothing asked it for ${minutes(idleMs)}`);
    },
    Math.min(idleMs, 5_000),
  );
  logger.info(`holds the store in ${store} (pid ${process.pid}); ends after ${minutes(idleMs)} without a call`);
  void warm(connection);
  const why = await ended;
  clearInterval(check);
  logger.info(`ends: ${why}`);
  await connection.close();
  return 0;
}

/** The graph's last build again: the worker starts and watches the folders before the next build is asked for. */
async function warm(connection: StoreConnection): Promise<void> {
  const core = connection.core;
  const settings = core?.graph.settings;
  if (!core || !settings) return;
  const started = Date.now();
  try {
    const summary = await core.graph.build({ roots: settings.roots, exclude: settings.exclude });
    logger.info(`warmed the graph in ${Date.now() - started} ms (${summary.parsed} file(s) read again)`);
  } catch (err) {
    if (connection.role === 'holder') logger.warn(`warming the graph failed: ${(err as Error).message}`);
  }
}

function minutes(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 6_000) / 10} min`;
}
