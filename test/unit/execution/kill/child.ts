// The kill-test child: opens the store (finding the session interrupted when a kill cut off the
// previous child), runs the session with the real executor and real processes, and prints "done"
// when the session has finished. Its parent SIGKILLs it at random moments.
//
//   node child.js <store folder> <workspace> <session id> <concurrency>
//
// Environment, for the contract soak (kill/contracts.ts):
//   ORPHANS=wait|stop|random     the answer about a step's process left running by a killed run
//   INTERRUPTED=rerun|skip|fail|random  the answer about a cut-off step that must not run twice (default rerun; random: skip or fail)
//   KILL_AFTER_WRITE=N           SIGKILL itself once its Nth store write is on disk (a step boundary)
//   KILL_IN_WRITE=N              SIGKILL itself right after issuing its Nth write, before it is on disk
//   KILL_ON_SPAWN=N              SIGKILL itself the instant its Nth task process has started
import { openContinuum } from '../../../../src/core/continuum';
import { assembleExecutor } from '../../../../src/core/execution/assemble';
import type { InterruptedStepChoice, OrphanChoice, ProcessPort } from '../../../../src/core/execution/ports';
import { nodeFileSystem } from '../../../../src/node/fileSystem';
import { nodeProcesses } from '../../../../src/node/processes';
import { nodeTaskLogs } from '../../../../src/node/taskLogs';
import * as path from 'path';

async function main(): Promise<void> {
  const [folder, workspace, sessionId, concurrency] = process.argv.slice(2);
  const core = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0 });
  process.stdout.write('open\n');
  killAtWrite(core.store, Number(process.env.KILL_AFTER_WRITE ?? 0), Number(process.env.KILL_IN_WRITE ?? 0));
  const orphans = process.env.ORPHANS ?? 'stop';
  const settings: Record<string, unknown> = {
    'executor.concurrency': Number(concurrency),
    'executor.checkpointEvery': 5,
  };
  // the one assembly every host uses; without guards, as the contracts under test are the executor's own
  const { executor } = assembleExecutor(core, {
    workspace,
    settings: key => settings[key],
    guards: 'none',
    ports: {
      processes: killOnSpawn(Number(process.env.KILL_ON_SPAWN ?? 0)),
      hostTasks: { run: async () => ({ code: null, error: { message: 'no VS Code here' } }) },
      trust: { isTrusted: () => true },
      logs: nodeTaskLogs(path.join(folder, 'logs')),
      questions: {
        confirmPlanCommands: async () => true,
        interruptedStep: async () => {
          const answer = process.env.INTERRUPTED ?? 'rerun';
          return (answer === 'random' ? (Math.random() < 0.5 ? 'skip' : 'fail') : answer) as InterruptedStepChoice;
        },
        orphanedStep: async () =>
          (orphans === 'random' ? (Math.random() < 0.5 ? 'wait' : 'stop') : orphans) as OrphanChoice,
      },
    },
  });
  const session = core.sessions.get(sessionId);
  if (session?.status === 'completed') {
    process.stdout.write('done\n');
    return;
  }
  const summary = await (await executor.run(sessionId)).finished;
  await core.close();
  process.stdout.write(`${summary.outcome === 'completed' ? 'done' : `ended ${summary.outcome}`}\n`);
}

/** The real process port; with `nth`, it dies by SIGKILL as soon as its nth process has started, in the same turn. */
function killOnSpawn(nth: number): ProcessPort {
  if (!nth) return nodeProcesses;
  let n = 0;
  return {
    ...nodeProcesses,
    run: (spec, options) =>
      nodeProcesses.run(spec, {
        ...options,
        onStarted: started => {
          options.onStarted?.(started);
          if (++n === nth) process.kill(process.pid, 'SIGKILL');
        },
      }),
  };
}

/** Dies by SIGKILL at a chosen store write: once it is durable, or while it is still in flight. */
function killAtWrite(store: { write: (...args: never[]) => Promise<unknown> }, after: number, during: number): void {
  if (!after && !during) return;
  const write = store.write.bind(store) as (...args: unknown[]) => Promise<unknown>;
  let n = 0;
  store.write = ((...args: unknown[]) => {
    n++;
    const promise = write(...args);
    if (n === during) process.kill(process.pid, 'SIGKILL');
    if (n === after) void promise.finally(() => process.kill(process.pid, 'SIGKILL'));
    return promise;
  }) as typeof store.write;
}

main().catch(err => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
