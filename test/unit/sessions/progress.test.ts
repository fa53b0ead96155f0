import * as assert from 'assert';
import {
  computeProgress,
  describeResume,
  type ProgressTask,
  type SessionProgress,
} from '../../../src/core/sessions/progress';

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
    ...extra,
  };
}

function progress(extra: Partial<SessionProgress>): SessionProgress {
  return {
    completed: 0,
    total: 0,
    failed: 0,
    skipped: 0,
    running: 0,
    pending: 0,
    blocked: 0,
    waitingForYou: 0,
    runnableLeft: 0,
    runnableNow: 0,
    ...extra,
  };
}

describe('session progress', () => {
  it('counts tasks by status, with cancelled counted as skipped', () => {
    const p = computeProgress([
      task('a', { status: 'done' }),
      task('b', { status: 'done' }),
      task('c', { status: 'failed' }),
      task('d', { status: 'skipped' }),
      task('e', { status: 'cancelled' }),
      task('f', { status: 'running' }),
      task('g'),
    ]);
    assert.deepStrictEqual([p.completed, p.total, p.failed, p.skipped, p.running, p.pending], [2, 7, 1, 2, 1, 1]);
  });

  it('takes the next task by priority first', () => {
    const p = computeProgress([
      task('low', { priority: 3 }),
      task('critical', { priority: 0 }),
      task('high', { priority: 1 }),
    ]);
    assert.strictEqual(p.nextTask?.id, 'critical');
  });

  it('breaks priority ties by deadline, with no deadline last', () => {
    const p = computeProgress([task('none'), task('late', { deadline: 2000 }), task('soon', { deadline: 1000 })]);
    assert.strictEqual(p.nextTask?.id, 'soon');
  });

  it('breaks remaining ties by creation order', () => {
    const p = computeProgress([task('second', { seq: 20 }), task('first', { seq: 10 })]);
    assert.strictEqual(p.nextTask?.id, 'first');
  });

  it('skips pending tasks whose dependencies are unfinished', () => {
    const p = computeProgress([task('waiting', { priority: 0, unfinishedDeps: 1 }), task('free', { priority: 3 })]);
    assert.strictEqual(p.nextTask?.id, 'free');
  });

  it('reports the current task the session recorded while it is unfinished', () => {
    const tasks = [task('a', { status: 'running' }), task('b', { status: 'running' })];
    assert.strictEqual(computeProgress(tasks, 'b').currentTask?.id, 'b');
    assert.strictEqual(computeProgress([task('a', { status: 'done' })], 'a').currentTask, undefined);
  });

  it('falls back to the first running task as the current one', () => {
    assert.strictEqual(computeProgress([task('p'), task('r', { status: 'running' })]).currentTask?.id, 'r');
  });
});

describe('describeResume', () => {
  it('says how much is done and where the session continues', () => {
    const text = describeResume(
      progress({ completed: 12, total: 50, nextTask: { id: 't', title: 'Create login page' } }),
    );
    assert.strictEqual(text, "12 of 50 done — continues at 'Create login page'");
  });

  it('prefers the current task over the next one', () => {
    const text = describeResume(
      progress({
        completed: 1,
        total: 3,
        currentTask: { id: 'c', title: 'Current' },
        nextTask: { id: 'n', title: 'Next' },
      }),
    );
    assert.match(text, /continues at 'Current'/);
  });

  it('explains why nothing is ready', () => {
    const text = describeResume(progress({ completed: 2, total: 5, failed: 1, pending: 2 }));
    assert.strictEqual(
      text,
      '2 of 5 done — nothing is ready to run: 1 failed (retry or skip it), 2 waiting on dependencies or blocked',
    );
  });

  it('says when everything is finished', () => {
    assert.strictEqual(describeResume(progress({ completed: 4, total: 4 })), 'All 4 tasks done.');
    assert.strictEqual(
      describeResume(progress({ completed: 3, skipped: 1, total: 4 })),
      'All 4 tasks finished (3 done, 1 skipped).',
    );
  });

  it('shortens a long title to one line', () => {
    const text = describeResume(
      progress({ total: 1, nextTask: { id: 'x', title: `Line one\nline two ${'x'.repeat(100)}` } }),
    );
    assert.match(text, /continues at 'Line one line two x+…'$/);
  });

  it('says so when the session has no tasks', () => {
    assert.strictEqual(describeResume(progress({})), 'This session has no tasks.');
  });
});
