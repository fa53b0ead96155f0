import * as assert from 'assert';
import { computeProgress, sessionStateText, type ProgressTask } from '../../../src/core/sessions/progress';

let seq = 0;
function task(id: string, extra: Partial<ProgressTask> = {}): ProgressTask {
  return {
    id,
    title: `Task ${id}`,
    status: 'pending',
    priority: 2,
    deadline: null,
    seq: ++seq,
    unfinishedDeps: 0,
    forPerson: 0,
    ...extra,
  };
}

describe('session progress: what waits for a person', () => {
  it('counts the to-dos a person can do now as waiting for you', () => {
    const p = computeProgress([
      task('todo', { forPerson: 1 }),
      task('manual', { forPerson: 1, priority: 0 }),
      task('todo later', { forPerson: 1, unfinishedDeps: 1 }),
      task('todo done', { forPerson: 1, status: 'done' }),
      task('shell'),
    ]);
    assert.strictEqual(p.waitingForYou, 2);
  });

  it('counts a manual task the run has started as waiting for you: it waits until a person marks it done', () => {
    const p = computeProgress([
      task('manual', { forPerson: 1, status: 'running' }),
      task('shell', { unfinishedDeps: 1 }),
    ]);
    assert.deepStrictEqual([p.waitingForYou, p.runnableNow], [1, 0]);
  });

  it('leaves to-dos out of the work the run can do', () => {
    const p = computeProgress([
      task('todo', { forPerson: 1 }),
      task('todo later', { forPerson: 1, unfinishedDeps: 1 }),
      task('shell'),
      task('shell done', { status: 'done' }),
      task('shell skipped', { status: 'skipped' }),
      task('shell failed', { status: 'failed' }),
    ]);
    assert.strictEqual(p.runnableLeft, 2, 'the pending and the failed shell task');
  });

  it('counts what the run can work on now: not a shell task that waits for a to-do', () => {
    const p = computeProgress([
      task('todo', { forPerson: 1 }),
      task('after the todo', { unfinishedDeps: 1 }),
      task('running', { status: 'running' }),
    ]);
    assert.deepStrictEqual([p.runnableLeft, p.runnableNow], [2, 1]);
  });

  it('continues at the first task the run can do, not at a to-do of higher priority', () => {
    const p = computeProgress([task('todo', { forPerson: 1, priority: 0 }), task('shell', { priority: 3 })]);
    assert.strictEqual(p.nextTask?.id, 'shell');
  });
});

describe('session progress read from the store', () => {
  it('knows a task without an action or with a manual one as a to-do, and a shell task as work the run does', async () => {
    const { setup, insertTasks } = await import('./fixtures');
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'todo' }, { id: 'manual' }, { id: 'shell' }]);
    await store.write(w => {
      w.run('UPDATE tasks SET action = ? WHERE id = ?', [JSON.stringify({ kind: 'manual' }), 'manual']);
      w.run('UPDATE tasks SET action = ? WHERE id = ?', [
        JSON.stringify({ kind: 'shell', command: 'echo hi' }),
        'shell',
      ]);
    });
    const { id } = await sessions.create({ name: 'S', taskIds: ['todo', 'manual', 'shell'] });
    const p = sessions.progress(id);
    assert.deepStrictEqual([p.waitingForYou, p.runnableLeft, p.nextTask?.id], [2, 1, 'shell']);
  });
});

describe("a session's state in words", () => {
  it('says a session that only waits for a to-do waits for you, also after its window closed (interrupted)', () => {
    const p = computeProgress([task('review', { forPerson: 1 }), task('shell', { status: 'done' })]);
    for (const status of ['running', 'interrupted'] as const)
      assert.strictEqual(sessionStateText(status, p), 'waits for you (1 to-do: do it, then Mark Done in VS Code)');
  });

  it('keeps the status of a session with work the run can do, or that is paused', () => {
    const p = computeProgress([task('review', { forPerson: 1 }), task('shell')]);
    assert.strictEqual(sessionStateText('interrupted', p), 'interrupted');
    const only = computeProgress([task('review', { forPerson: 1 })]);
    assert.strictEqual(sessionStateText('paused', only), 'paused');
  });
});
