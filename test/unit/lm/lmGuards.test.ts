// The guards around `lm` tasks: a checkpoint before each run, a circuit breaker per model, the
// rulebook and the confidence gate on model failures, and the tokens and time each task used.
import * as assert from 'assert';
import type { ExecutorOptions } from '../../../src/core/execution/executor';
import type { LmHost } from '../../../src/core/lm/host';
import type { TaskAction } from '../../../src/core/tasks/model';
import { makeExecWorld, type ExecWorld } from '../execution/world';
import { fakeHostTasks } from '../fakes/fakeProcesses';
import { MemoryWorkspace, ScriptedModel, call, lmHost, says, type Turn } from './fakes';

const root = '/work/ws';

interface Setup {
  w: ExecWorld;
  model: ScriptedModel;
  host: LmHost;
  files: MemoryWorkspace;
  task: string;
  session: string;
  executor(more?: Partial<ExecutorOptions>): ReturnType<ExecWorld['newExecutor']>;
  run(more?: Partial<ExecutorOptions>): Promise<void>;
}

async function setUp(
  turns: Turn[],
  action: Partial<Extract<TaskAction, { kind: 'lm' }>> = {},
  files: Record<string, string> = { 'a.txt': 'one\n' },
): Promise<Setup> {
  const w = await makeExecWorld();
  const model = new ScriptedModel(turns);
  const workspace = new MemoryWorkspace(root, files);
  const host = lmHost(model, workspace);
  const task = (await w.tasks.create({ title: 'Change a', action: { kind: 'lm', ...action } })).id;
  const session = await w.session([task]);
  const executor = (more: Partial<ExecutorOptions> = {}) =>
    w.newExecutor({
      ports: {
        processes: w.processes,
        hostTasks: fakeHostTasks(w.processes),
        trust: { isTrusted: () => true },
        logs: w.logs,
        questions: w.questions,
        lm: host,
      },
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
        taskFiles: {
          taskBoundary: async () => undefined,
          filesFor: async () => {
            await new Promise(r => setTimeout(r, 20));
            order.push('files');
          },
        },
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
        taskFiles: {
          taskBoundary: async () => undefined,
          filesFor: () => {
            saving = true;
            return new Promise(() => undefined);
          },
        },
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
});
