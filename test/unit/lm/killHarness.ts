// The `lm` kill loop shared by the system test (a few kills) and `npm run bench:lm`: a CLI
// `continuum run` of lm tasks against the local fake provider, SIGKILLed at random moments and
// resumed with `continuum resume` until the session ends. Each task's model, turn by turn, edits
// its own file (a line per turn) and now and then runs a command that appends an id to cmds.log.
// After each kill the store is read: a model request the next run sends for a turn recorded by
// then, or for one the killed run had moved past (it had asked for a later turn), is a repeated
// model call; a non-re-runnable command's id twice in cmds.log a repeated tool
// call. The final files are compared with a run without kills.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { bundleForNode } from '../fakes/bundledCli';
import { startFakeProvider, type FakeProvider, type Reply } from './fakeProvider';

export const buildCli = (outDir: string): string => bundleForNode(outDir);

export interface LmKillOptions {
  work: string;
  cli: string;
  tasks: number;
  turns: number;
  kills: number;
  /**
   * Kill moments are drawn from [0, maxDelayMs] after the run's session has started, and never later
   * than 80 % of the time the run without kills took from there to its end: a moment after a run's
   * end kills nothing, and a batch whose first run ended before its moment left the loop without a
   * kill (a third of them with 1.5 s; still some when bounded by the whole reference run, its start
   * and set-up included).
   */
  maxDelayMs: number;
  log?: (line: string) => void;
}

export interface LmKillResult {
  kills: number;
  killsMidRun: number;
  modelRequests: number;
  /** Requests for a turn whose answer was recorded before the kill, or that the client had moved past: must be 0. */
  repeatedModelCalls: number;
  /** Non-re-runnable commands run more than once: must be 0. */
  repeatedToolCalls: number;
  /** Per task: 'done', or why it failed. */
  outcomes: Record<string, string>;
  /** Tasks whose file differs from the run without kills (only a task failed by an interruption may, and then only by missing lines). */
  differingFiles: string[];
  /** Lines some edit wrote twice: must be empty. */
  editsTwice: string[];
  elapsedMs: number;
}

const title = (j: number) => `Task ${j}`;
/** Task 0's commands must not run twice; the others' may. */
const rerunnable = (j: number) => j !== 0;

/** The model's script: turn 1 creates the task's file, each later turn adds a line before END (and every 4th runs a command), the last says done. */
export function killScript(turns: number): (conversation: string, turn: number) => Reply {
  return (conversation, turn) => {
    const j = Number(/^Task (\d+)$/.exec(conversation)?.[1] ?? -1);
    const file = `out/task-${j}.txt`;
    if (turn === 1)
      return { text: 'Creating the file.', calls: [{ name: 'edit_file', input: { path: file, newText: 'END\n' } }] };
    if (turn >= turns) return { text: 'Done.' };
    // every third turn only reads: nothing flushes the journal after its answer but the answer's own record
    if (turn % 3 === 0)
      return { text: `Turn ${turn}: reading.`, calls: [{ name: 'read_file', input: { path: file } }] };
    const calls = [{ name: 'edit_file', input: { path: file, oldText: 'END', newText: `line ${turn}\nEND` } }];
    if (turn % 4 === 0)
      calls.push({ name: 'run_command', input: { command: `node tools/append.js task-${j}-turn-${turn}` } } as never);
    return { text: `Turn ${turn}.`, calls };
  };
}

async function setUp(folder: string, workspace: string, tasks: number, turns: number): Promise<void> {
  fs.mkdirSync(path.join(workspace, 'tools'), { recursive: true });
  fs.writeFileSync(
    path.join(workspace, 'tools', 'append.js'),
    "require('fs').appendFileSync(require('path').join(__dirname, '..', 'cmds.log'), process.argv[2] + '\\n');\n",
  );
  const core = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0 });
  await core.tasks.createMany(
    Array.from({ length: tasks }, (_, j) => ({
      title: title(j),
      description: `Write out/task-${j}.txt, a line per turn.`,
      action: { kind: 'lm' as const, maxTurns: turns + 5, rerunnable: rerunnable(j) },
    })),
  );
  await core.close();
}

function cliEnv(url: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CONTINUUM_LM_PROVIDER: 'openai',
    CONTINUUM_LM_MODEL: 'fake-model',
    CONTINUUM_LM_BASE_URL: `${url}/v1`,
    CONTINUUM_LM_API_KEY: 'sk-kill-test',
  };
}

/**
 * Runs the CLI until it ends, or SIGKILLs it `delayMs` after its session started. `sessionMs`: from
 * the session's start to the process's end, when it said it started one.
 */
function runCli(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  delayMs: number,
): Promise<{ killed: boolean; code: number | null; out: string; sessionMs?: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    let sessionAt: number | undefined;
    const onText = (text: string) => {
      out += text;
      if (sessionAt !== undefined || !/Session '/.test(out)) return;
      sessionAt = Date.now();
      if (Number.isFinite(delayMs)) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    child.stdout.setEncoding('utf8').on('data', onText);
    child.stderr.setEncoding('utf8').on('data', onText);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        killed: signal === 'SIGKILL',
        code,
        out,
        ...(sessionAt !== undefined ? { sessionMs: Date.now() - sessionAt } : {}),
      });
    });
  });
}

/** The model turns recorded as answered, as "Task j#turn". */
async function recordedTurns(folder: string): Promise<Set<string>> {
  const core = await openContinuum({ folder, fs: nodeFileSystem, readOnly: true });
  try {
    const rows = core.store.all<{
      title: string;
      step: string;
    }>(`SELECT t.title, s.step FROM execution_steps s JOIN tasks t ON t.id = s.task_id
      WHERE s.status = 'succeeded' AND s.step LIKE 'model %'`);
    return new Set(rows.map(r => `${r.title}#${r.step.slice('model '.length)}`));
  } finally {
    await core.close();
  }
}

async function outcomes(folder: string): Promise<Record<string, string>> {
  const core = await openContinuum({ folder, fs: nodeFileSystem, readOnly: true });
  try {
    return Object.fromEntries(
      core.tasks
        .list()
        .map(t => [t.title, t.status === 'done' ? 'done' : `${t.status}${t.error ? `: ${t.error}` : ''}`]),
    );
  } finally {
    await core.close();
  }
}

const fileOf = (workspace: string, j: number) => {
  const p = path.join(workspace, 'out', `task-${j}.txt`);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
};

/**
 * The same tasks run once without kills: each task's file as it should end, and how long its session
 * took from its start to the process's end.
 */
export async function referenceRun(
  work: string,
  cli: string,
  provider: FakeProvider,
  tasks: number,
  turns: number,
): Promise<{ files: string[]; sessionMs: number }> {
  const folder = path.join(work, 'reference-store');
  const workspace = path.join(work, 'reference-ws');
  await setUp(folder, workspace, tasks, turns);
  const r = await runCli(
    cli,
    ['run', '--store', folder, '--workspace', workspace, '--yes'],
    cliEnv(provider.url),
    Infinity,
  );
  if (r.code !== 0 || r.sessionMs === undefined)
    throw new Error(`the run without kills did not complete (exit ${r.code}):\n${r.out}`);
  return { files: Array.from({ length: tasks }, (_, j) => fileOf(workspace, j)), sessionMs: r.sessionMs };
}

export async function runLmKillLoop(o: LmKillOptions): Promise<LmKillResult> {
  const began = Date.now();
  const provider = await startFakeProvider(killScript(o.turns));
  try {
    const { files: reference, sessionMs } = await referenceRun(o.work, o.cli, provider, o.tasks, o.turns);
    const killWithinMs = Math.min(o.maxDelayMs, 0.8 * sessionMs);
    const total: LmKillResult = {
      kills: 0,
      killsMidRun: 0,
      modelRequests: 0,
      repeatedModelCalls: 0,
      repeatedToolCalls: 0,
      outcomes: {},
      differingFiles: [],
      editsTwice: [],
      elapsedMs: 0,
    };
    // Each batch's tasks end after a few kills: fresh tasks in a fresh store until the kills asked for are reached.
    for (let batch = 1; total.kills < o.kills || batch === 1; batch++) {
      const b = await killBatch(
        { ...o, maxDelayMs: killWithinMs },
        provider,
        reference,
        path.join(o.work, `batch-${batch}`),
        o.kills - total.kills,
        (killed, left) => o.log?.(`batch ${batch}, kill ${total.kills + killed}/${o.kills}: ${left} task(s) left`),
      );
      if (b.kills === 0 && total.kills < o.kills && batch > 1)
        throw new Error(`batch ${batch} ended without a single kill; the kill moments miss the runs`);
      const named = (t: string) => (batch === 1 ? t : `batch ${batch}: ${t}`);
      total.kills += b.kills;
      total.killsMidRun += b.killsMidRun;
      total.modelRequests += b.modelRequests;
      total.repeatedModelCalls += b.repeatedModelCalls;
      total.repeatedToolCalls += b.repeatedToolCalls;
      for (const [t, outcome] of Object.entries(b.outcomes)) total.outcomes[named(t)] = outcome;
      total.differingFiles.push(...b.differingFiles.map(named));
      total.editsTwice.push(...b.editsTwice.map(named));
    }
    total.elapsedMs = Date.now() - began;
    return total;
  } finally {
    await provider.close();
  }
}

/** One store of `o.tasks` lm tasks, run, killed (up to `kills` times) and resumed until its session ends. */
async function killBatch(
  o: LmKillOptions,
  provider: FakeProvider,
  reference: string[],
  dir: string,
  kills: number,
  log: (killed: number, left: number) => void,
): Promise<Omit<LmKillResult, 'elapsedMs'>> {
  const folder = path.join(dir, 'store');
  const workspace = path.join(dir, 'ws');
  await setUp(folder, workspace, o.tasks, o.turns);
  const env = cliEnv(provider.url);
  const before = provider.requests.length;
  let repeatedModelCalls = 0;
  let killsMidRun = 0;
  let killed = 0;
  let first = true;
  for (let round = 0; round < kills + 4; round++) {
    const recorded = await recordedTurns(folder);
    // a turn the client had moved past (it asked for a later one) was answered and acted on
    const passed = new Map<string, number>();
    for (const req of provider.requests.slice(before))
      passed.set(req.conversation, Math.max(passed.get(req.conversation) ?? 0, req.turn));
    const from = provider.requests.length;
    const killing = killed < kills;
    const args = [first ? 'run' : 'resume', '--store', folder, '--workspace', workspace, '--yes'];
    first = false;
    const r = await runCli(o.cli, args, env, killing ? Math.random() * o.maxDelayMs : Infinity);
    for (const req of provider.requests.slice(from)) {
      if (recorded.has(`${req.conversation}#${req.turn}`) || req.turn < (passed.get(req.conversation) ?? 0))
        repeatedModelCalls++;
    }
    if (r.killed) {
      killed++;
      const left = Object.values(await outcomes(folder)).filter(s => s !== 'done' && !s.startsWith('failed')).length;
      if (left) killsMidRun++;
      log(killed, left);
      continue;
    }
    if (/There is no paused or interrupted session/.test(r.out)) {
      // the first run was killed before its session existed (start-up now also reads the workspace's
      // files): start it again rather than stop with every task left
      if (Object.values(await outcomes(folder)).some(s => s !== 'done' && !s.startsWith('failed'))) {
        first = true;
        continue;
      }
      break;
    }
    const left = Object.values(await outcomes(folder)).filter(s => s !== 'done' && !s.startsWith('failed')).length;
    if (!left) break;
    if (!killing) throw new Error(`the run after the kills ended with ${left} task(s) left:\n${r.out}`);
  }
  const ids = fs.existsSync(path.join(workspace, 'cmds.log'))
    ? fs.readFileSync(path.join(workspace, 'cmds.log'), 'utf8').split('\n').filter(Boolean)
    : [];
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  const repeatedToolCalls = [...seen].filter(
    ([id, n]) => n > 1 && !rerunnable(Number(/^task-(\d+)-/.exec(id)?.[1])),
  ).length;
  const differingFiles: string[] = [];
  const editsTwice: string[] = [];
  for (let j = 0; j < o.tasks; j++) {
    const text = fileOf(workspace, j);
    if (text !== reference[j]) differingFiles.push(title(j));
    const lines = text.split('\n').filter(Boolean);
    for (const l of new Set(lines)) if (lines.filter(x => x === l).length > 1) editsTwice.push(`${title(j)}: ${l}`);
  }
  return {
    kills: killed,
    killsMidRun,
    modelRequests: provider.requests.length - before,
    repeatedModelCalls,
    repeatedToolCalls,
    outcomes: await outcomes(folder),
    differingFiles,
    editsTwice,
  };
}
