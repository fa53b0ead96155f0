// The cost of an `lm` task's continuity, on a real store (sql.js on the Node file system): the step
// journal's time per model turn (each turn a model request and a tool call, both recorded; the model
// answers at once, so the time is the journal's), the time a resume takes to replay a 200-turn task
// up to its next request, and the kill loop of test/unit/lm/kill.test.ts (a CLI run against the
// local fake provider, SIGKILLed at random and resumed). Its stores open as the hosts open theirs:
// with the real lock and the snapshot copy's worker thread.
//
//   npm run bench:lm          last line: one JSON object (journal_syncs_per_turn: fdatasync calls per turn, steady under load)
//   LM_KILL_ROUNDS=50 npm run bench:lm    the soak
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { openContinuum, type Continuum } from '../src/core/continuum';
import { assembleExecutor } from '../src/core/execution/assemble';
import type { Executor } from '../src/core/execution/executor';
import type { ExecutorPorts } from '../src/core/execution/ports';
import type { ModelPort, ModelRequest, ModelResponse } from '../src/core/lm/model';
import { nodeFileSystem } from '../src/node/fileSystem';
import { nodeWorkspaceFiles } from '../src/node/lm/workspaceFiles';
import { nodeProcesses } from '../src/node/processes';
import { nodeTaskLogs } from '../src/node/taskLogs';
import { buildCli, runLmKillLoop } from '../test/unit/lm/killHarness';
import { hostStoreOptions } from './lib/hostStore';

/** Set in main(): the lock and the bundled worker every store here opens with. */
let hostStore: ReturnType<typeof hostStoreOptions>;

const turns = 200;

/** Answers at once: each turn reads a file, turn `turns + 1` says done — or, with `holdLast`, waits until aborted. */
class InstantModel implements ModelPort {
  readonly name = 'instant model';
  requests = 0;
  reached: (() => void) | undefined;
  constructor(private readonly holdLast: boolean) {}
  async send(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse> {
    this.requests++;
    const turn = request.messages.filter(m => m.role === 'assistant').length + 1;
    const usage = { inputTokens: 10, outputTokens: 5 };
    if (turn <= turns)
      return {
        text: `turn ${turn}`,
        toolCalls: [{ id: `c${turn}`, name: 'read_file', input: { path: 'a.txt' } }],
        usage,
        stop: 'tool_use',
      };
    if (!this.holdLast) return { text: 'Done.', toolCalls: [], usage, stop: 'end' };
    this.reached?.();
    return new Promise((_, reject) =>
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
    );
  }
}

function executorFor(core: Continuum, workspace: string, logs: string, model: ModelPort): Executor {
  const ports: ExecutorPorts = {
    processes: nodeProcesses,
    hostTasks: { run: async () => ({ code: null, error: { message: 'no VS Code' } }) },
    trust: { isTrusted: () => true },
    logs: nodeTaskLogs(logs),
    questions: {
      confirmPlanCommands: async () => true,
      interruptedStep: async () => 'fail-unasked',
      orphanedStep: async () => 'stop',
    },
    lm: {
      model,
      files: nodeWorkspaceFiles,
      limits: { turns: turns + 10, tokens: 1e9, wallMs: 3_600_000 },
      approveCommand: async () => ({ run: false, why: 'bench' }),
    },
  };
  const settings: Record<string, unknown> = { 'executor.concurrency': 1, 'executor.checkpointEvery': 0 };
  // the one assembly (src/core/execution/assemble.ts); without guards, so the figure is the journal's alone
  return assembleExecutor(core, { workspace, ports, settings: key => settings[key], guards: 'none' }).executor;
}

/** Counts the fdatasync calls of every file handle (the store's journal flushes) until stopped. */
async function countDataSyncs(): Promise<{ stop(): number }> {
  const handle = await fs.promises.open(__filename, 'r');
  const proto = Object.getPrototypeOf(handle) as { datasync(): Promise<void> };
  await handle.close();
  const real = proto.datasync;
  let n = 0;
  proto.datasync = function (this: unknown) {
    n++;
    return real.call(this);
  };
  return {
    stop() {
      proto.datasync = real;
      return n;
    },
  };
}

async function newTask(folder: string): Promise<{ core: Continuum; session: string }> {
  const core = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0, ...hostStore });
  const task = await core.tasks.create({ title: 'Long lm task', action: { kind: 'lm', maxTurns: turns + 10 } });
  const session = (await core.sessions.create({ name: 'bench', taskIds: [task.id] })).id;
  return { core, session };
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-bench-lm-'));
  const workspace = path.join(work, 'ws');
  fs.mkdirSync(workspace);
  fs.writeFileSync(path.join(workspace, 'a.txt'), 'hello\n');
  hostStore = hostStoreOptions(path.join(work, 'bin'));

  // 1. the journal per turn: a 200-turn task run to its end
  const a = await newTask(path.join(work, 'store-a'));
  const model = new InstantModel(false);
  const syncs = await countDataSyncs();
  let t = performance.now();
  await (
    await executorFor(a.core, workspace, path.join(work, 'logs-a'), model).run(a.session)
  ).finished;
  const runMs = performance.now() - t;
  const done = a.core.tasks.list()[0];
  if (done.status !== 'done') throw new Error(`the task did not finish: ${done.error}`);
  await a.core.close();
  const journalMsPerTurn = runMs / (turns + 1);
  const syncsPerTurn = syncs.stop() / (turns + 1);
  console.log(
    `journal per turn      ${journalMsPerTurn.toFixed(3)} ms  (a ${turns}-turn task, a model request and a tool call recorded per turn, ${runMs.toFixed(0)} ms in all; target ≤ 2 ms); ${syncsPerTurn.toFixed(2)} fdatasync per turn (a figure the machine's load does not change)`,
  );

  // 2. resume: 200 turns recorded, the process gone while the next request waits; a new process replays them
  const folder = path.join(work, 'store-b');
  const b = await newTask(folder);
  const held = new InstantModel(true);
  const reached = new Promise<void>(r => {
    held.reached = r;
  });
  const first = executorFor(b.core, workspace, path.join(work, 'logs-b'), held);
  void (await first.run(b.session)).finished;
  await reached;
  first.abandon();
  await b.core.close();
  const again = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0, ...hostStore });
  const resumed = new InstantModel(true);
  const replayed = new Promise<void>(r => {
    resumed.reached = r;
  });
  const executor = executorFor(again, workspace, path.join(work, 'logs-b'), resumed);
  t = performance.now();
  const run = await executor.run(b.session);
  await replayed;
  const resumeMs = performance.now() - t;
  void run.finished;
  executor.abandon();
  await again.close();
  console.log(
    `resume of ${turns} turns  ${resumeMs.toFixed(1)} ms  (to the next model request; ${resumed.requests - 1} of the recorded turns asked again; target ≤ 200 ms)`,
  );
  if (resumed.requests !== 1) throw new Error(`the resume asked the model ${resumed.requests} times`);

  // 3. the kill loop
  const kills = Number(process.env.LM_KILL_ROUNDS ?? 10);
  const kw = path.join(work, 'kill');
  fs.mkdirSync(kw);
  const cli = buildCli(path.join(kw, 'bin'));
  const k = await runLmKillLoop({
    work: kw,
    cli,
    tasks: 3,
    turns: 12,
    kills,
    maxDelayMs: 1500,
    log: line => console.log(`  ${line}`),
  });
  console.log(
    `kills                 ${k.kills} (${k.killsMidRun} mid-run), ${k.modelRequests} model requests, ${(k.elapsedMs / 1000).toFixed(1)} s`,
  );
  console.log(`repeated model calls  ${k.repeatedModelCalls}  (requests for turns recorded before a kill; target 0)`);
  console.log(
    `repeated tool calls   ${k.repeatedToolCalls}  (non-re-runnable commands run twice; target 0); edits applied twice: ${k.editsTwice.length}; outcomes ${JSON.stringify(k.outcomes)}`,
  );
  fs.rmSync(work, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      bench: 'lm',
      turns,
      journal_ms_per_turn: round(journalMsPerTurn),
      journal_syncs_per_turn: round(syncsPerTurn),
      resume_ms: round(resumeMs),
      kills: k.kills,
      repeated_model_calls: k.repeatedModelCalls,
      repeated_tool_calls: k.repeatedToolCalls,
      edits_applied_twice: k.editsTwice.length,
      targets: { journal_ms_per_turn: 2, resume_ms: 200, repeated_model_calls: 0, repeated_tool_calls: 0 },
    }),
  );
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

void main();
