// The kill-test child: opens the store (finding the session interrupted when a kill cut off the
// previous child), runs the session with the real executor and real processes, and prints "done"
// when the session has finished. Its parent SIGKILLs it at random moments.
//
//   node child.js <store folder> <workspace> <session id> <concurrency>
import { openContinuum } from '../../../../src/core/continuum';
import { Executor } from '../../../../src/core/execution/executor';
import { nodeFileSystem } from '../../../../src/node/fileSystem';
import { nodeProcesses } from '../../../../src/node/processes';
import { nodeTaskLogs } from '../../../../src/node/taskLogs';
import * as path from 'path';

async function main(): Promise<void> {
  const [folder, workspace, sessionId, concurrency] = process.argv.slice(2);
  const core = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0 });
  process.stdout.write('open\n');
  const executor = new Executor({
    store: core.store, tasks: core.tasks, sessions: core.sessions, clock: core.clock, workspace,
    ports: {
      processes: nodeProcesses,
      hostTasks: { run: async () => ({ code: null, error: { message: 'no VS Code here' } }) },
      trust: { isTrusted: () => true },
      logs: nodeTaskLogs(path.join(folder, 'logs')),
      questions: { confirmPlanCommands: async () => true, interruptedStep: async () => 'rerun', orphanedStep: async () => (process.env.ORPHANS === 'wait' ? 'wait' : 'stop') },
    },
    settings: () => ({ concurrency: Number(concurrency), checkpointEvery: 5 }),
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

main().catch(err => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
