// The guards around `lm` tasks: a checkpoint before each run, a circuit breaker per model, the
// rulebook and the confidence gate on model failures, and the tokens and time each task used.
import * as assert from 'assert';
import type { CheckpointFiles } from '../../../src/core/git/checkpointFiles';
import type { TaskFiles } from '../../../src/core/execution/run';
import { ExecutionGuards } from '../../../src/core/execution/guards/guards';
import { performanceReport } from '../../../src/core/execution/guards/reports';
import { describeLastLmRun, formatTokens } from '../../../src/core/execution/lmUsage';
import { describeSummary, formatDuration, lmTaskLines } from '../../../src/core/execution/summary';
import { ModelError } from '../../../src/core/lm/model';
import { stepsOfTask } from '../../../src/core/execution/journal';
import type { LmHost } from '../../../src/core/lm/host';
import type { TaskAction } from '../../../src/core/tasks/model';
import { fastResilience, makeExecWorld, until, type ExecWorld, type TestExecutorOptions } from '../execution/world';
import { makeWorld, type TestWorld } from '../helpers';
import { MemoryWorkspace, ScriptedModel, call, lmHost, says, type Turn } from './fakes';

const root = '/work/ws';

interface Setup {
  w: ExecWorld;
  model: ScriptedModel;
  host: LmHost;
  files: MemoryWorkspace;
  task: string;
  session: string;
  executor(more?: TestExecutorOptions): ReturnType<ExecWorld['newExecutor']>;
  run(more?: TestExecutorOptions): Promise<void>;
}

async function setUp(
  turns: Turn[],
  action: Partial<Extract<TaskAction, { kind: 'lm' }>> = {},
  files: Record<string, string> = { 'a.txt': 'one\n' },
  world: TestExecutorOptions = {},
  base?: TestWorld,
): Promise<Setup> {
  const w = await makeExecWorld(world, base);
  const model = new ScriptedModel(turns);
  const workspace = new MemoryWorkspace(root, files);
  const host = lmHost(model, workspace);
  const task = (await w.tasks.create({ title: 'Change a', action: { kind: 'lm', ...action } })).id;
  const session = await w.session([task]);
  const executor = (more: TestExecutorOptions = {}) =>
    w.newExecutor({
      ports: w.portsWith({ lm: host }),
      ...more,
    });
  return {
    w,
    model,
    host,
    files: workspace,
    task,
    session,
    executor,
    async run(more) {
      await (
        await executor(more).run(session)
      ).finished;
    },
  };
}

/** The two calls a run makes of the checkpoint files (TaskFiles), standing for CheckpointFiles. */
const fakeFiles = (f: TaskFiles) => f as unknown as CheckpointFiles;

const lmCheckpoints = (w: ExecWorld) =>
  w.store.all<{ id: string; note: string }>(
    "SELECT id, note FROM checkpoints WHERE trigger = 'before-lm-task' ORDER BY created_at, rowid",
  );

describe('the guards around lm tasks', () => {
  describe('a checkpoint before each run', () => {
    it('saves a checkpoint naming the task before the model changes anything, holding the task as it was', async () => {
      const s = await setUp([
        says('', call('edit_file', { path: 'a.txt', oldText: 'one', newText: 'two' })),
        says('Done.'),
      ]);
      await s.run();
      assert.strictEqual(s.w.tasks.get(s.task)!.status, 'done', s.w.tasks.get(s.task)!.error);
      const saved = lmCheckpoints(s.w);
      assert.strictEqual(saved.length, 1);
      assert.match(saved[0].note, /before 'Change a' \(run 1\)/);
      const state = s.w.sessions.checkpointState(saved[0].id)!;
      assert.strictEqual(state.tasks.find(t => t.id === s.task)?.status, 'pending');
      assert.match(s.w.logs.logs.get(s.task)!, /checkpoint \S+ saved before this run/);
    });

    it('waits for the checkpoint’s files before the model’s first request', async () => {
      const s = await setUp([says('Done.')]);
      const order: string[] = [];
      s.model.requests.push = (...r) => {
        order.push('model');
        return Array.prototype.push.apply(s.model.requests, r);
      };
      await s.run({
        taskFiles: fakeFiles({
          taskBoundary: async () => undefined,
          filesFor: async () => {
            await new Promise(r => setTimeout(r, 20));
            order.push('files');
          },
        }),
      });
      assert.deepStrictEqual(order, ['files', 'model']);
      assert.match(s.w.logs.logs.get(s.task)!, /saved before this run \(files and task state\)/);
    });

    it('takes a new checkpoint for each new run of the task, and none when the setting is off', async () => {
      const s = await setUp([new Error('the provider fell over'), says('Done.')]);
      await s.run();
      assert.strictEqual(s.w.tasks.get(s.task)!.status, 'failed');
      await s.w.tasks.setStatus(s.task, 'pending', 'user');
      await s.w.sessions.resume(s.session).catch(() => undefined);
      await s.run();
      assert.strictEqual(s.w.tasks.get(s.task)!.status, 'done', s.w.tasks.get(s.task)!.error);
      assert.deepStrictEqual(
        lmCheckpoints(s.w).map(c => c.note),
        ["before 'Change a' (run 1)", "before 'Change a' (run 2)"],
      );

      const off = await setUp([says('Done.')]);
      await off.run({ settings: () => ({ concurrency: 1, checkpointEvery: 0, checkpointBeforeLm: false }) });
      assert.strictEqual(off.w.tasks.get(off.task)!.status, 'done');
      assert.strictEqual(lmCheckpoints(off.w).length, 0);
    });

    it('is not taken again when the run is killed after it and the task resumes', async () => {
      const s = await setUp([says('Done.')]);
      // killed while the checkpoint's files are being saved: the task is not yet recorded running
      let saving = false;
      const killed = s.executor({
        taskFiles: fakeFiles({
          taskBoundary: async () => undefined,
          filesFor: () => {
            saving = true;
            return new Promise(() => undefined);
          },
        }),
      });
      void (await killed.run(s.session)).finished;
      const end = Date.now() + 3000;
      while (!saving) {
        if (Date.now() > end) throw new Error('the run never saved its checkpoint');
        await new Promise(r => setTimeout(r, 1));
      }
      killed.abandon();
      s.w.clock.advance(60_000);
      await s.w.sessions.recoverInterrupted();
      assert.strictEqual(lmCheckpoints(s.w).length, 1);
      await s.run();
      assert.strictEqual(s.w.tasks.get(s.task)!.status, 'done', s.w.tasks.get(s.task)!.error);
      assert.strictEqual(lmCheckpoints(s.w).length, 1, 'no second checkpoint');
      assert.match(s.w.logs.logs.get(s.task)!, /from before this run exists; not taken again/);
    });

    it('is not taken again when a task killed while the model worked resumes', async () => {
      const s = await setUp(['block', says('Done.')]);
      const killed = s.executor();
      void (await killed.run(s.session)).finished;
      const end = Date.now() + 3000;
      while (s.model.requests.length < 1) {
        if (Date.now() > end) throw new Error('the model was never asked');
        await new Promise(r => setTimeout(r, 1));
      }
      killed.abandon();
      await new Promise(r => setTimeout(r, 5));
      s.w.clock.advance(60_000);
      await s.w.sessions.recoverInterrupted();
      await s.run();
      assert.strictEqual(s.w.tasks.get(s.task)!.status, 'done', s.w.tasks.get(s.task)!.error);
      assert.strictEqual(lmCheckpoints(s.w).length, 1);
    });
  });

  describe('a circuit breaker per model', () => {
    const resilience = { ...fastResilience, breakerThreshold: 2, attempts: 3 };
    const unavailable = () => new ModelError('503 overloaded', 'unavailable', undefined, 503);

    it("opens a failing model's circuit: its lm tasks wait, not fail, other tasks go on, and they run once it half-opens", async () => {
      const s = await setUp([unavailable(), unavailable(), says('Done.')], {}, {}, { resilience });
      const second = (await s.w.tasks.create({ title: 'Change b', action: { kind: 'lm' } })).id;
      const shell = await s.w.shell('Build', 'npm run build', { priority: 'low' });
      const session = await s.w.session([s.task, second, shell]);
      s.w.processes.script('npm run build', { code: 0 });
      const ends: string[] = [];
      s.w.tasks.onDidChange(e => {
        for (const id of e.taskIds) {
          const t = s.w.tasks.get(id);
          if (t && (t.status === 'done' || t.status === 'failed') && !ends.includes(`${t.title} ${t.status}`))
            ends.push(`${t.title} ${t.status}`);
        }
      });
      await (
        await s.executor({ settings: () => ({ concurrency: 1, checkpointEvery: 0 }) }).run(session)
      ).finished;
      assert.deepStrictEqual(ends, ['Build done', 'Change a done', 'Change b done']);
      const log = s.w.logs.logs.get(s.task)!;
      assert.match(log, /circuit for the model scripted model: closed → open after 2 failures in a row/);
      assert.match(log, /not started: the circuit for the model scripted model is open .* it waits/);
      const circuits = s.w.store.all<{ kind: string }>('SELECT kind FROM circuit_breakers ORDER BY kind');
      assert.ok(circuits.some(c => c.kind === 'lm:scripted model'));
    });

    it("counts only the model's own failures: tasks whose limits run out do not open its circuit", async () => {
      const s = await setUp(
        [says('', call('list_files', {})), says('', call('list_files', {}))],
        { maxTokens: 15 },
        {},
        { resilience },
      );
      const more = [];
      for (const title of ['Change b', 'Change c'])
        more.push((await s.w.tasks.create({ title, action: { kind: 'lm', maxTokens: 15 } })).id);
      const session = await s.w.session([s.task, ...more]);
      await (
        await s.executor({ settings: () => ({ concurrency: 1, checkpointEvery: 0 }) }).run(session)
      ).finished;
      for (const id of [s.task, ...more]) assert.strictEqual(s.w.tasks.get(id)!.status, 'failed');
      assert.strictEqual(s.model.requests.length, 6, 'every task asked its model');
      assert.doesNotMatch([...s.w.logs.logs.values()].join(''), /circuit for/);
    });

    it("keeps each model's circuit its own: another model runs the tasks the open one holds back", async () => {
      const s = await setUp(
        [unavailable(), unavailable(), unavailable()],
        {},
        {},
        { resilience: { ...resilience, halfOpenAfterMs: 60_000 } },
      );
      const first = await s.executor().run(s.session);
      await until('the circuit opened', () => /closed → open/.test(s.w.logs.logs.get(s.task) ?? ''));
      await first.stopNow();
      const other = new ScriptedModel([says('Done.')]);
      Object.assign(other, { name: 'another model' });
      s.host.model = other;
      await s.w.sessions.resume(s.session).catch(() => undefined);
      const second = await s.executor().run(s.session);
      await until('the task ran on the other model', () => s.w.tasks.get(s.task)!.status === 'done');
      await second.finished;
      assert.strictEqual(other.requests.length, 1);
    });
  });

  describe('rate limits and the error budget', () => {
    it("waits at least the provider's Retry-After before the executor's next try", async () => {
      const limited = () => new ModelError('429 slow down', 'rate-limited', 40, 429);
      const s = await setUp([limited(), limited(), limited(), limited(), says('Done.')]);
      await s.run();
      assert.strictEqual(s.w.tasks.get(s.task)!.status, 'done', s.w.tasks.get(s.task)!.error);
      assert.match(s.w.logs.logs.get(s.task)!, /\(the model is rate-limited\); trying again in 40 ms/);
    });

    it('counts a rate limit waited out within a request against the error budget', async () => {
      const base = await makeWorld();
      const guards = new ExecutionGuards({
        store: base.store,
        clock: base.clock,
        questions: { allowLowConfidenceTask: async () => 'allow', runFix: async () => 'fail' },
        budget: { limit: 2 },
      });
      const limited = () => new ModelError('429 slow down', 'rate-limited', 5, 429);
      const s = await setUp([limited(), limited(), says('Done.')], {}, {}, { hooks: guards }, base);
      const summary = await (await s.executor().run(s.session)).finished;
      assert.strictEqual(guards.budgetStatus().remaining, 0);
      assert.strictEqual(summary.outcome, 'paused');
      assert.match(summary.pausedBecause ?? '', /error budget is spent/);
      assert.strictEqual(s.model.requests.length, 2, 'not asked again once the budget was spent');
    });
  });

  describe('tokens and time per task', () => {
    it('records the tokens and time of each run with its end, and the session summary tells them', async () => {
      const s = await setUp([
        says('', call('list_files', {})),
        says('', call('read_file', { path: 'a.txt' })),
        says('Done.'),
      ]);
      const summary = await (await s.executor().run(s.session)).finished;
      const usage = s.w.tasks.events(s.task).find(e => e.kind === 'lm-usage');
      assert.deepStrictEqual(
        { tokens: usage?.detail.tokens, turns: usage?.detail.turns, outcome: usage?.detail.outcome },
        { tokens: 30, turns: 3, outcome: 'done' },
      );
      assert.deepStrictEqual(
        summary.lmTasks?.map(r => [r.title, r.tokens, r.turns, r.outcome]),
        [['Change a', 30, 3, 'done']],
      );
      assert.match(describeSummary(summary), /completed: .*\. Language models used 30 tokens on 1 task in \d+ ms\.$/);
      assert.deepStrictEqual(lmTaskLines(summary), [
        `'Change a' done: 30 tokens in 3 turns, ${formatDuration(summary.lmTasks![0].durationMs)}`,
      ]);
    });

    it('counts the turns an earlier process asked for when a killed task resumes, each once', async () => {
      const s = await setUp([says('', call('list_files', {})), 'block', says('Done.')]);
      const killed = s.executor();
      void (await killed.run(s.session)).finished;
      await until('the second turn was asked', () => s.model.requests.length >= 2);
      killed.abandon();
      await new Promise(r => setTimeout(r, 5));
      s.w.clock.advance(60_000);
      await s.w.sessions.recoverInterrupted();
      const summary = await (await s.executor().run(s.session)).finished;
      assert.strictEqual(s.w.tasks.get(s.task)!.status, 'done', s.w.tasks.get(s.task)!.error);
      // turn 1 was answered before the kill and replayed after it; turn 2 was asked again (it had no answer)
      assert.deepStrictEqual(
        summary.lmTasks?.map(r => [r.tokens, r.turns]),
        [[20, 2]],
      );
    });

    it('records the tokens of a run that failed', async () => {
      const s = await setUp([says('', call('list_files', {})), says('', call('list_files', {}))], { maxTokens: 15 });
      await s.run();
      const usage = s.w.tasks.events(s.task).find(e => e.kind === 'lm-usage');
      assert.deepStrictEqual([usage?.detail.tokens, usage?.detail.outcome], [20, 'failed']);
    });

    it("shows the last run's tokens and time in the task's tooltip line, and the latest runs in the Performance Report", () => {
      const events = [
        { kind: 'confidence', detail: {} },
        { kind: 'lm-usage', detail: { tokens: 12_345, turns: 4, durationMs: 123_000, outcome: 'done' } },
        { kind: 'lm-usage', detail: { tokens: 5, turns: 1, durationMs: 1, outcome: 'failed' } },
      ];
      assert.strictEqual(
        describeLastLmRun(events, formatDuration),
        'Last run: 12.3k tokens in 4 turns, 2 min 3 s (done)',
      );
      assert.strictEqual(describeLastLmRun([{ kind: 'status', detail: {} }], formatDuration), undefined);
      assert.deepStrictEqual(
        [formatTokens(850), formatTokens(12_345), formatTokens(1_250_000)],
        ['850 tokens', '12.3k tokens', '1.3M tokens'],
      );
      const report = performanceReport(
        [],
        [
          {
            taskId: 't1',
            title: '<b>Add</b> [x](y)',
            tokens: 12_345,
            turns: 4,
            durationMs: 123_000,
            at: 0,
            outcome: 'done',
          },
        ],
      );
      assert.match(report, /## Language-model tasks/);
      assert.match(
        report,
        /\| &lt;b&gt;Add&lt;\/b&gt; \\\[x\\\]\\\(y\\\) \| done \| 12\.3k tokens \| 4 \| 2 min 3 s \|/,
      );
    });
  });

  describe('the journal per turn', () => {
    it('writes a turn — the model answer and the file reads it asked for — to disk in one write', async () => {
      const turns: Turn[] = [];
      for (let i = 0; i < 10; i++) turns.push(says('', call('read_file', { path: 'a.txt' }), call('list_files', {})));
      turns.push(says('Done.'));
      const s = await setUp(turns);
      const store = s.w.store;
      const write = store.write.bind(store);
      let writes = 0;
      store.write = ((fn, actor) => {
        writes++;
        return write(fn, actor);
      }) as typeof store.write;
      await s.run();
      assert.strictEqual(s.w.tasks.get(s.task)!.status, 'done', s.w.tasks.get(s.task)!.error);
      // per turn: the model's answer, its reads held back to go with the next answer
      assert.ok(writes <= 11 + 8, `${writes} writes for 11 turns`);
      const steps = stepsOfTask(store, s.task);
      assert.strictEqual(steps.filter(x => x.status === 'succeeded').length, steps.length, 'every step recorded done');
      assert.strictEqual(steps.length, 1 + 11 + 20);
    });
  });

  describe('the rulebook and the confidence gate', () => {
    const questions = { allowLowConfidenceTask: async () => 'allow' as const, runFix: async () => 'fail' as const };

    it("matches a model's failure by its kind and message: a rule pauses the session on a refused key", async () => {
      const base = await makeWorld();
      const guards = new ExecutionGuards({ store: base.store, clock: base.clock, questions });
      guards.setRules([{ name: 'keys', match: { actionKind: 'lm', regex: '\\(auth\\)' }, then: { do: 'pause' } }]);
      const s = await setUp(
        [new ModelError('401 invalid api key', 'auth', undefined, 401)],
        {},
        {},
        { hooks: guards },
        base,
      );
      const summary = await (await s.executor().run(s.session)).finished;
      assert.strictEqual(summary.outcome, 'paused');
      assert.match(
        summary.pausedBecause ?? '',
        /a rule \(keys\) pauses the session on 'The request to scripted model failed \(auth\): 401 invalid api key/,
      );
    });

    it('starts from the outcomes of earlier lm runs, also in a new window', async () => {
      const base = await makeWorld();
      const first = new ExecutionGuards({ store: base.store, clock: base.clock, questions });
      const s = await setUp(
        [says('', call('list_files', {})), says('', call('list_files', {}))],
        { maxTokens: 15 },
        {},
        { hooks: first },
        base,
      );
      const second = (await s.w.tasks.create({ title: 'Change b', action: { kind: 'lm', maxTokens: 15 } })).id;
      const session = await s.w.session([s.task, second]);
      await (
        await s.executor({ settings: () => ({ concurrency: 1, checkpointEvery: 0 }) }).run(session)
      ).finished;
      assert.strictEqual(s.w.tasks.get(second)!.status, 'failed');
      const score = async (store: typeof base.store) => {
        const guards = new ExecutionGuards({ store, clock: base.clock, questions });
        const verdict = await guards.beforeTask(
          { id: 'x', title: 'Another', kind: 'lm', sessionId: session },
          new AbortController().signal,
        );
        return Number(/confidence (\d\.\d+)/.exec(verdict.note ?? '')?.[1]);
      };
      const afterFailures = await score(base.store);
      const fresh = await score((await makeWorld()).store);
      assert.ok(afterFailures < fresh, `after two failed lm runs ${afterFailures}, without any ${fresh}`);
    });
  });
});
