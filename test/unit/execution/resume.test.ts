// A resume treats every step state it finds in the journal by the contract (DESIGN.md, "No repeated
// work"), and a step's end and its task's end are one durable write (issue 18, item 1).
import * as assert from 'assert';
import { stepKey, stepsOfTask } from '../../../src/core/execution/journal';
import type { StoreWriter } from '../../../src/core/store/types';
import { makeExecWorld, type ExecWorld } from './world';

/** What a killed run leaves: the session interrupted, the task running, its step in `state`. */
async function leftByAKill(
  w: ExecWorld,
  state: 'started' | 'failed',
  result: unknown = null,
): Promise<{ task: string; session: string }> {
  const task = await w.shell('Deploy', 'deploy', { action: { kind: 'shell', command: 'deploy', rerunnable: false } });
  const session = await w.session([task]);
  await w.sessions.start(session);
  await w.tasks.setStatus(task, 'running', 'executor');
  await w.store.write(wr =>
    wr.run(
      "INSERT INTO execution_steps (key, task_id, attempt, step, status, rerunnable, started_at, ended_at, result) VALUES (?, ?, 1, 'run', ?, 0, 1, ?, ?)",
      [
        stepKey(task, 1, 'run'),
        task,
        state,
        state === 'started' ? null : 2,
        state === 'started' ? null : JSON.stringify(result),
      ],
    ),
  );
  w.clock.advance(60_000);
  await w.sessions.recoverInterrupted();
  return { task, session };
}

describe('a resume and the step journal', () => {
  it('asks before running again a step that must not run twice and was found failed while its task still ran', async () => {
    const w = await makeExecWorld();
    w.questions.interruptedAnswer = 'fail';
    const { task, session } = await leftByAKill(w, 'failed', { error: 'exit 1' });
    await (
      await w.executor.run(session)
    ).finished;
    assert.deepStrictEqual(w.questions.interrupted, ['Deploy/run']);
    assert.deepStrictEqual(w.processes.lines(), [], 'not run again unasked');
    assert.strictEqual(w.tasks.get(task)!.status, 'failed');
  });

  it("finishes a task whose step a person chose to fail, when the kill came before the task's failure was saved, without running it or asking again", async () => {
    const w = await makeExecWorld();
    const { task, session } = await leftByAKill(w, 'failed', { failedByPerson: true });
    await (
      await w.executor.run(session)
    ).finished;
    assert.deepStrictEqual(w.questions.interrupted, []);
    assert.deepStrictEqual(w.processes.lines(), []);
    assert.strictEqual(w.tasks.get(task)!.status, 'failed');
    assert.match(w.tasks.get(task)!.error!, /a person chose to fail the task/);
  });

  it("records a person's choice to fail a cut-off step and the task's failure in one durable write", async () => {
    const w = await makeExecWorld();
    w.questions.interruptedAnswer = 'fail';
    const { task, session } = await leftByAKill(w, 'started');
    const writes: string[][] = [];
    const write = w.store.write.bind(w.store);
    w.store.write = (fn, actor) =>
      write((wr: StoreWriter) => {
        const statements: string[] = [];
        writes.push(statements);
        return fn({
          ...wr,
          run: (sql, params) => {
            statements.push(sql.trim().split(/\s+/).slice(0, 3).join(' '));
            return wr.run(sql, params);
          },
        });
      }, actor);
    await (
      await w.executor.run(session)
    ).finished;
    assert.strictEqual(w.tasks.get(task)!.status, 'failed');
    assert.strictEqual(stepsOfTask(w.store, task)[0].status, 'failed');
    const together = writes.filter(
      s => s.some(x => x.startsWith('UPDATE execution_steps')) && s.some(x => x.startsWith('UPDATE tasks SET')),
    );
    assert.strictEqual(
      together.length,
      1,
      `the step's end and the task's status in one write; writes were ${JSON.stringify(writes)}`,
    );
  });

  it('says that nobody was asked when no one could be, instead of "a person chose"', async () => {
    const w = await makeExecWorld();
    w.questions.interruptedAnswer = 'fail-unasked';
    const { task, session } = await leftByAKill(w, 'started');
    await (
      await w.executor.run(session)
    ).finished;
    assert.strictEqual(w.tasks.get(task)!.status, 'failed');
    assert.doesNotMatch(w.tasks.get(task)!.error!, /a person chose/);
    assert.match(w.tasks.get(task)!.error!, /nobody could be asked/);
    assert.deepStrictEqual(w.processes.lines(), []);
  });

  it('runs a re-runnable step found failed while its task still ran again, without asking', async () => {
    const w = await makeExecWorld();
    const task = await w.shell('Build', 'make');
    const session = await w.session([task]);
    await w.sessions.start(session);
    await w.tasks.setStatus(task, 'running', 'executor');
    await w.store.write(wr =>
      wr.run(
        "INSERT INTO execution_steps (key, task_id, attempt, step, status, rerunnable, started_at, ended_at, result) VALUES (?, ?, 1, 'run', 'failed', 1, 1, 2, '{}')",
        [stepKey(task, 1, 'run'), task],
      ),
    );
    w.clock.advance(60_000);
    await w.sessions.recoverInterrupted();
    await (
      await w.executor.run(session)
    ).finished;
    assert.deepStrictEqual(w.processes.lines(), ['make']);
    assert.deepStrictEqual(w.questions.interrupted, []);
    assert.strictEqual(w.tasks.get(task)!.status, 'done');
  });
});
