// Benchmark of the executor on the real file system with real processes.
//   npm run bench:executor
// Prints a table, then (last line) one JSON object.
//
//   overhead_ms_per_task   1,000 no-op shell tasks (`true`, no shell) through the executor as every
//                          host assembles it (assembleExecutor, autonomy guards on), on a store opened
//                          as the hosts open it (the real lock, the snapshot copy's worker thread), at
//                          concurrency 1 with the default settings (a checkpoint every 5 tasks),
//                          in ten sessions of 100 taking turns with ten loops of 100 spawns,
//                          (and again with no every-N checkpoints, to show what they cost: each
//                          saves only the tasks that changed since the previous one)
//                          minus the same 1,000 spawns awaited one after another in a plain loop,
//                          per task; both in this run
//   speedup_cN             8 independent tasks of `sleep 1` at concurrency N: 8 s of work divided by
//                          the wall time of the session (so c1 shows the executor's own cost too)
//   resume_ms              an interrupted 1,000-task session (400 done, 2 cut off while running):
//                          from opening its store to the first resumed task's process starting
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { openContinuum, type Continuum } from '../src/core/continuum';
import { assembleExecutor } from '../src/core/execution/assemble';
import type { Executor } from '../src/core/execution/executor';
import type { ProcessPort } from '../src/core/execution/ports';
import { stepKey } from '../src/core/execution/journal';
import { nodeFileSystem } from '../src/node/fileSystem';
import { nodeProcesses } from '../src/node/processes';
import { nodeTaskLogs } from '../src/node/taskLogs';
import { hostStoreOptions } from './lib/hostStore';
import { realDiskFolder, round } from './lib/stats';

/** Every store here opens as the hosts open theirs: with the real lock and the snapshot copy's worker. */
let hostStore: ReturnType<typeof hostStoreOptions>;

/** The executor as every host assembles it, autonomy guards included. */
function executorFor(
  core: Continuum,
  workspace: string,
  concurrency: number,
  processes: ProcessPort = nodeProcesses,
  checkpointEvery = 5,
): Executor {
  const settings: Record<string, unknown> = {
    'executor.concurrency': concurrency,
    'executor.checkpointEvery': checkpointEvery,
  };
  return assembleExecutor(core, {
    workspace,
    settings: key => settings[key],
    ports: {
      processes,
      hostTasks: { run: async () => ({ code: null, error: { message: 'no VS Code here' } }) },
      trust: { isTrusted: () => true },
      logs: nodeTaskLogs(path.join(core.store.folder, 'logs')),
      questions: {
        confirmPlanCommands: async () => true,
        interruptedStep: async () => 'rerun',
        orphanedStep: async () => 'stop',
      },
    },
    guardQuestions: { allowLowConfidenceTask: async () => 'allow', runFix: async () => 'fail' },
  }).executor;
}

async function sessionOf(core: Continuum, n: number, command: string, name: string): Promise<string> {
  const tasks = await core.tasks.createMany(
    Array.from({ length: n }, (_, i) => ({ title: `${name} ${i + 1}`, action: { kind: 'shell' as const, command } })),
  );
  return (await core.sessions.create({ name, taskIds: tasks.map(t => t.id) })).id;
}

function plainSpawn(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

async function overhead(
  root: string,
  workspace: string,
  checkpointEvery = 5,
): Promise<{ executorMs: number; loopMs: number; perTask: number }> {
  const n = 1000;
  const blocks = 10;
  const core = await openContinuum({
    folder: path.join(root, `overhead-${checkpointEvery}`),
    fs: nodeFileSystem,
    idleCompactMs: 0,
    ...hostStore,
  });
  const tasks = await core.tasks.createMany(
    Array.from({ length: n }, (_, i) => ({
      title: `no-op ${i + 1}`,
      action: { kind: 'shell' as const, command: 'true' },
    })),
  );
  const executor = executorFor(core, workspace, 1, nodeProcesses, checkpointEvery);
  // Loop and executor take turns, a tenth of the work at a time, so that a change in the load of a
  // shared machine falls on both alike; all 1,000 tasks are in the store throughout.
  let loopMs = 0;
  let executorMs = 0;
  let done = 0;
  for (let b = 0; b < blocks; b++) {
    const slice = tasks.slice((b * n) / blocks, ((b + 1) * n) / blocks);
    const loopStarted = performance.now();
    for (let i = 0; i < slice.length; i++) await plainSpawn('true', [], workspace);
    loopMs += performance.now() - loopStarted;
    const sessionId = (await core.sessions.create({ name: `no-op ${b + 1}`, taskIds: slice.map(t => t.id) })).id;
    const started = performance.now();
    const summary = await (await executor.run(sessionId)).finished;
    executorMs += performance.now() - started;
    if (summary.done !== slice.length)
      throw new Error(
        `only ${summary.done} of ${slice.length} tasks done: ${JSON.stringify(summary.failures.slice(0, 3))}`,
      );
    done += summary.done;
  }
  if (done !== n) throw new Error(`only ${done} of ${n} tasks done`);
  await core.close();
  return { executorMs, loopMs, perTask: (executorMs - loopMs) / n };
}

async function speedup(root: string, workspace: string, concurrency: number): Promise<{ ms: number; speedup: number }> {
  const core = await openContinuum({
    folder: path.join(root, `speedup-c${concurrency}`),
    fs: nodeFileSystem,
    idleCompactMs: 0,
    ...hostStore,
  });
  const sessionId = await sessionOf(core, 8, 'sleep 1', `sleep c${concurrency}`);
  const started = performance.now();
  const summary = await (await executorFor(core, workspace, concurrency).run(sessionId)).finished;
  const ms = performance.now() - started;
  if (summary.done !== 8) throw new Error(`only ${summary.done} of 8 sleep tasks done`);
  await core.close();
  return { ms, speedup: 8000 / ms };
}

async function resume(root: string, workspace: string): Promise<number> {
  const folder = path.join(root, 'resume');
  const setup = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0, ...hostStore });
  const sessionId = await sessionOf(setup, 1000, 'true', 'interrupted');
  await setup.sessions.start(sessionId);
  const ids = setup.sessions.get(sessionId)!.taskIds;
  // what a crash leaves: 400 done, 2 cut off while running (their steps started, no result)
  await setup.store.write(w => {
    for (const id of ids.slice(0, 400)) setup.tasks.setStatusIn(w, id, 'running', 'executor');
    for (const id of ids.slice(0, 400)) setup.tasks.setStatusIn(w, id, 'done', 'executor');
    for (const id of ids.slice(400, 402)) {
      setup.tasks.setStatusIn(w, id, 'running', 'executor');
      w.run(
        "INSERT INTO execution_steps (key, task_id, attempt, step, status, rerunnable, started_at) VALUES (?, ?, 1, 'run', 'started', 1, ?)",
        [stepKey(id, 1, 'run'), id, Date.now()],
      );
    }
  }, 'executor');
  await setup.close(); // a clean close compacts; the session is still marked running, as after a crash

  let firstStart = 0;
  const watching: ProcessPort = {
    run: (spec, options) => {
      firstStart ||= performance.now();
      return nodeProcesses.run(spec, options);
    },
    realPath: p => nodeProcesses.realPath(p),
    isRunning: p => nodeProcesses.isRunning(p),
    stop: p => nodeProcesses.stop(p),
    findByMarker: m => nodeProcesses.findByMarker(m),
  };
  const started = performance.now();
  const core = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0, ...hostStore });
  const executor = executorFor(core, workspace, 2, watching);
  const run = await executor.run(sessionId);
  while (!firstStart) await new Promise(r => setImmediate(r));
  const ms = firstStart - started;
  await run.pause();
  await core.close();
  return ms;
}

async function main(): Promise<void> {
  const { folder: root, fsType } = realDiskFolder('continuum-bench-executor-');
  hostStore = hostStoreOptions(path.join(root, 'bin'));
  const workspace = path.join(root, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  console.log(`executor benchmark in ${root} (${fsType}); node ${process.version}`);
  try {
    const o = await overhead(root, workspace);
    const bare = await overhead(root, workspace, 0);
    const s1 = await speedup(root, workspace, 1);
    const s2 = await speedup(root, workspace, 2);
    const s4 = await speedup(root, workspace, 4);
    const r = await resume(root, workspace);
    const rows: Array<[string, string, string, string]> = [
      ['1,000 spawns of `true`, plain loop', `${round(o.loopMs / 1000, 2)} s`, '', ''],
      ['1,000 no-op tasks, executor with guards', `${round(o.executorMs / 1000, 2)} s`, '', ''],
      ['overhead per task', `${round(o.perTask, 2)} ms`, '≤ 10 ms', o.perTask <= 10 ? 'met' : 'MISSED'],
      [
        '  the same without every-5 checkpoints',
        `${round(bare.perTask, 2)} ms`,
        `(loop ${round(bare.loopMs / 1000, 2)} s)`,
        '',
      ],
      ['8 × sleep 1, concurrency 1', `${round(s1.ms / 1000, 2)} s`, `${round(s1.speedup, 2)}×`, ''],
      ['8 × sleep 1, concurrency 2', `${round(s2.ms / 1000, 2)} s`, `${round(s2.speedup, 2)}×`, ''],
      [
        '8 × sleep 1, concurrency 4',
        `${round(s4.ms / 1000, 2)} s`,
        `${round(s4.speedup, 2)}× (≥ 3.5×)`,
        s4.speedup >= 3.5 ? 'met' : 'MISSED',
      ],
      ['resume of a 1,000-task session', `${round(r, 1)} ms`, '≤ 1,000 ms', r <= 1000 ? 'met' : 'MISSED'],
    ];
    console.log('');
    for (const [a, b, c, d] of rows) console.log(`${a.padEnd(42)}${b.padStart(10)}  ${c.padEnd(18)}${d}`);
    console.log('');
    console.log(
      JSON.stringify({
        overhead_ms_per_task: round(o.perTask, 2),
        overhead_ms_per_task_without_checkpoints: round(bare.perTask, 2),
        speedup_c1: round(s1.speedup, 2),
        speedup_c2: round(s2.speedup, 2),
        speedup_c4: round(s4.speedup, 2),
        resume_ms: round(r, 1),
      }),
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
