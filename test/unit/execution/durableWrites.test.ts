// How many durable writes (journal appends, each one fdatasync) a task costs the executor. Each one
// that a task waits for lies on its path: the contracts need a task's start on disk before its
// process starts, and its end on disk before it counts as done — and nothing more in between.
import * as assert from 'assert';
import { ExecutionGuards } from '../../../src/core/execution/guards/guards';
import type { Store } from '../../../src/core/store/types';
import { makeWorld } from '../helpers';
import { FakeProcesses, MemoryTaskLogs, fakeHostTasks } from '../fakes/fakeProcesses';
import { makeExecWorld, ScriptedQuestions } from './world';

/** A real disk answers on a later turn of the event loop: so do these paths' lookups. */
class DiskLikeProcesses extends FakeProcesses {
  override realPath(p: string): Promise<string | undefined> {
    return new Promise(resolve => setImmediate(() => resolve(p)));
  }
}

async function guardedWorld() {
  const base = await makeWorld();
  const guards = new ExecutionGuards({
    store: base.store,
    clock: base.clock,
    questions: { allowLowConfidenceTask: async () => 'allow', runFix: async () => 'fail' },
    budget: {},
  });
  const processes = new DiskLikeProcesses();
  const w = await makeExecWorld(
    {
      hooks: guards,
      settings: () => ({ concurrency: 1, checkpointEvery: 0 }),
      ports: {
        processes,
        hostTasks: fakeHostTasks(processes),
        trust: { isTrusted: () => true },
        logs: new MemoryTaskLogs(),
        questions: new ScriptedQuestions(),
      },
    },
    base,
  );
  return { w, processes, guards };
}

/** Runs `n` shell tasks at concurrency 1; returns the journal appends made before the run and before each process started. */
async function appendsAtEachStart(n: number): Promise<{ before: number; atStart: number[] }> {
  const { w, processes, guards } = await guardedWorld();
  const atStart: number[] = [];
  const run = processes.run.bind(processes);
  processes.run = (spec, options) => {
    atStart.push(w.fs.appends);
    return run(spec, options);
  };
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) ids.push(await w.shell(`Step ${i}`, `step ${i}`));
  const sessionId = await w.session(ids);
  const before = w.fs.appends;
  const summary = await (await w.executor.run(sessionId)).finished;
  assert.strictEqual(summary.done, n);
  await guards.settled();
  return { before, atStart };
}

/** The SQL statements of each durable write the store makes from now on, one list per write. */
function recordStatements(store: Store): string[][] {
  const write = store.write.bind(store);
  const writes: string[][] = [];
  store.write = (fn, actor) => {
    const statements: string[] = [];
    writes.push(statements);
    return write(
      writer =>
        fn({
          ...writer,
          run: (sql, params) => {
            statements.push(sql);
            return writer.run(sql, params);
          },
        }),
      actor,
    );
  };
  return writes;
}

describe('durable writes per task', () => {
  it("writes a task's start (its running status, the session's current task and its step's start) in one durable write, even when its folder is looked up on disk first", async () => {
    const { before, atStart } = await appendsAtEachStart(1);
    // the session's start, then the task's
    assert.strictEqual(atStart[0] - before, 2);
  });

  it("writes a task's end and the next task's start in one durable write, one task at a time", async () => {
    const { atStart } = await appendsAtEachStart(6);
    const between = atStart.slice(1).map((a, i) => a - atStart[i]);
    assert.deepStrictEqual(between, [1, 1, 1, 1, 1]);
  });

  it("saves a circuit's state only when it changed, not after every task that went through it", async () => {
    const { w, processes, guards } = await guardedWorld();
    const write = w.store.write.bind(w.store);
    let circuitWrites = 0;
    w.store.write = (fn, actor) =>
      write(
        writer =>
          fn({
            ...writer,
            run: (sql, params) => {
              if (sql.includes('circuit_breakers')) circuitWrites++;
              return writer.run(sql, params);
            },
          }),
        actor,
      );
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push(await w.shell(`Step ${i}`, `step ${i}`));
    processes.script('step 3', { code: 1, output: 'boom' });
    const summary = await (await w.executor.run(await w.session(ids))).finished;
    await guards.settled();
    assert.strictEqual(summary.done, 4);
    // its first state, the failure that changed it (a closed circuit counting one failure), the success that set it back
    assert.strictEqual(circuitWrites, 3, `${circuitWrites} writes of the circuit's state for 5 tasks`);
  });

  it("records a task's running status and the session's current task in one write", async () => {
    const { w, guards } = await guardedWorld();
    const writes = recordStatements(w.store);
    const id = await w.shell('Step', 'step');
    await (
      await w.executor.run(await w.session([id]))
    ).finished;
    await guards.settled();
    const setsCurrent = writes.filter(st => st.some(sql => sql.includes('SET current_task_id')));
    assert.strictEqual(setsCurrent.length, 1);
    assert.ok(
      setsCurrent[0].some(sql => sql.startsWith('UPDATE tasks SET status')),
      'the same write moves the task to running',
    );
  });

  it('looks for ready tasks only when one could start: not while every slot is taken', async () => {
    const { w, guards } = await guardedWorld();
    const all = w.store.all.bind(w.store);
    let readyLooks = 0;
    w.store.all = <T>(sql: string, params?: Parameters<typeof all>[1]): T[] => {
      if (sql.includes("json_extract(t.action, '$.kind') AS kind")) readyLooks++;
      return all<T>(sql, params);
    };
    const ids: string[] = [];
    for (let i = 1; i <= 10; i++) ids.push(await w.shell(`Step ${i}`, `step ${i}`));
    const summary = await (await w.executor.run(await w.session(ids))).finished;
    await guards.settled();
    assert.strictEqual(summary.done, 10);
    // per task: a look for each kind that takes a slot (shell, vscodeTask) and for manual ones when its
    // slot is free, and for manual ones while it runs; a few more at the start and the end
    assert.ok(readyLooks <= 10 * 4 + 6, `${readyLooks} looks for ready tasks for 10 tasks`);
  });

  it('shows no more tasks running than the concurrency allows while an end goes to disk with the next start', async () => {
    const { w, guards } = await guardedWorld();
    let most = 0;
    w.executor.onDidChange(e => (most = Math.max(most, e.running.length)));
    const ids: string[] = [];
    for (let i = 1; i <= 4; i++) ids.push(await w.shell(`Step ${i}`, `step ${i}`));
    const summary = await (await w.executor.run(await w.session(ids))).finished;
    await guards.settled();
    assert.strictEqual(summary.done, 4);
    assert.strictEqual(most, 1);
  });

  it("writes a step's end in the same write as its task's end when that follows at once", async () => {
    const { w, guards } = await guardedWorld();
    const writes = recordStatements(w.store);
    const id = await w.shell('Step', 'step', { action: { kind: 'shell', command: 'step', verify: 'check' } });
    const summary = await (await w.executor.run(await w.session([id]))).finished;
    await guards.settled();
    assert.strictEqual(summary.done, 1);
    const stepEnds = writes.filter(st => st.some(sql => sql.startsWith('UPDATE execution_steps SET status')));
    // the run step's end with the verify step's start, the verify step's end with the task's end
    assert.strictEqual(stepEnds.length, 2);
    assert.ok(stepEnds[0].some(sql => sql.startsWith('INSERT INTO execution_steps')));
    assert.ok(stepEnds[1].some(sql => sql.startsWith('UPDATE tasks SET status')));
  });
});
