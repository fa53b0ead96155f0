// What Start Session costs until the first task's process starts, with and without the per-task file
// records (recordTaskFiles: the files read as each task starts and ends, for per-task pull-request
// commits), on a realistic repository, in one run so both see the same machine load.
//   npm run bench:start-session    (FILES=3000 ROUNDS=5 CONFIRM_MS=0: the repository, the rounds, and how long
//                                   the person takes to confirm the plan's commands, as the first session asks)
// Prints a table, then (last line) one JSON object:
//   first_session_ms_{with,without}   a fresh store (the window's first session on this folder): from the
//                                     person's confirmation to the first task's process starting, median
//   next_session_ms_{with,without}    a second session in the same store and window, median
//   files                             tracked files in the repository (plus 20 untracked ones)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { performance } from 'perf_hooks';
import { openContinuum, type Continuum } from '../src/core/continuum';
import { assembleExecutor } from '../src/core/execution/assemble';
import type { ProcessPort } from '../src/core/execution/ports';
import { nodeFileSystem } from '../src/node/fileSystem';
import { nodeProcesses } from '../src/node/processes';
import { nodeTaskLogs } from '../src/node/taskLogs';
import { median, realDiskFolder, round } from './lib/stats';

const files = Number(process.env.FILES ?? 3000);
const rounds = Number(process.env.ROUNDS ?? 5);
/** How long the person takes to confirm the plan's commands (the first session of a plan asks). */
const confirmMs = Number(process.env.CONFIRM_MS ?? 0);

/** A repository like a person's project: `files` source files in nested folders, one commit, a few untracked files. */
function makeRepository(root: string): string {
  const repo = path.join(root, 'project');
  for (let i = 0; i < files; i++) {
    const dir = path.join(repo, 'src', `area${i % 30}`, `module${i % 7}`);
    fs.mkdirSync(dir, { recursive: true });
    const body =
      `// file ${i}\n` + `export function f${i}(x: number): number {\n  return x * ${i} + 1;\n}\n`.repeat(20);
    fs.writeFileSync(path.join(dir, `file${i}.ts`), body);
  }
  fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\n');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=b', '-c', 'user.email=b@example.invalid', 'add', '-A');
  git('-c', 'user.name=b', '-c', 'user.email=b@example.invalid', 'commit', '-qm', 'the project');
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(repo, `notes${i}.md`), `untracked ${i}\n`);
  return repo;
}

/** Resolves with the time the first process is started through it. */
function watchedProcesses(): { port: ProcessPort; first: Promise<number> } {
  let seen: (t: number) => void = () => undefined;
  const first = new Promise<number>(r => (seen = r));
  const port: ProcessPort = {
    ...nodeProcesses,
    run: (spec, options) => {
      seen(performance.now());
      return nodeProcesses.run(spec, options);
    },
  };
  return { port, first };
}

/** Creates a session of 10 `true` tasks and runs it; the ms from the person's confirmation to the first process. */
async function startSession(core: Continuum, workspace: string, recordTaskFiles: boolean): Promise<number> {
  const { port, first } = watchedProcesses();
  const settings: Record<string, unknown> = { 'executor.concurrency': 2, 'executor.checkpointEvery': 0 };
  const { executor, dispose } = assembleExecutor(core, {
    workspace,
    settings: key => settings[key],
    recordTaskFiles,
    ports: {
      processes: port,
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
  });
  const tasks = await core.tasks.createMany(
    Array.from({ length: 10 }, (_, i) => ({
      title: `task ${i + 1}`,
      action: { kind: 'shell' as const, command: 'true' },
    })),
  );
  // as Start Session does: trust and the plan's commands (a person answers), then the session is created
  await executor.prepare(tasks.map(t => t.id));
  if (confirmMs) await new Promise(r => setTimeout(r, confirmMs));
  const started = performance.now();
  const session = await core.sessions.create({ name: 'bench', taskIds: tasks.map(t => t.id) });
  const run = await executor.run(session.id);
  const ms = (await first) - started;
  await run.finished;
  dispose();
  return ms;
}

async function main(): Promise<void> {
  // loaded before any timing, as in the bundled extension (tsx would compile it during the first session)
  await import('../src/core/git/workspaceSnapshots');
  const { folder: root, fsType } = realDiskFolder('continuum-bench-start-');
  try {
    const workspace = makeRepository(root);
    const results: Record<string, { first: number[]; next: number[] }> = {
      with: { first: [], next: [] },
      without: { first: [], next: [] },
    };
    for (let r = 0; r < rounds; r++) {
      // taking turns, so both see the same load
      for (const mode of r % 2 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
        const core = await openContinuum({
          folder: path.join(root, `store-${mode}-${r}`),
          fs: nodeFileSystem,
          idleCompactMs: 0,
          workspaceFolder: workspace,
        });
        results[mode].first.push(await startSession(core, workspace, mode === 'with'));
        results[mode].next.push(await startSession(core, workspace, mode === 'with'));
        await core.close();
      }
    }
    const out = {
      files,
      rounds,
      confirm_ms: confirmMs,
      first_session_ms_with: round(median(results.with.first)),
      first_session_ms_without: round(median(results.without.first)),
      next_session_ms_with: round(median(results.with.next)),
      next_session_ms_without: round(median(results.without.next)),
      load: os.loadavg().map(l => round(l)),
      fs: fsType,
    };
    console.log(
      `Start Session → first task's process, ${files} files (+20 untracked), the person confirming in ${confirmMs} ms, median of ${rounds}:`,
    );
    console.log(
      `  first session in the store  with task files ${out.first_session_ms_with} ms  without ${out.first_session_ms_without} ms`,
    );
    console.log(
      `  next session, same window   with task files ${out.next_session_ms_with} ms  without ${out.next_session_ms_without} ms`,
    );
    console.log(`  every run (ms): ${JSON.stringify(results)}`);
    console.log(`  load ${out.load.join(' ')}`);
    console.log(JSON.stringify(out));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
