// A task that a restore, Retry or a re-import puts back to pending is a new attempt: its steps run
// again, and the step journal of the earlier attempt stays as history (issue 13, item 2).
import * as assert from 'assert';
import { stepsOfTask } from '../../../src/core/execution/journal';
import { makeExecWorld } from './world';

describe('a task put back to pending is a new attempt', () => {
  it('runs the tasks a restore put back to pending again when the session resumes, keeping the earlier steps as history', async () => {
    const w = await makeExecWorld();
    const t = await w.shell('Build', 'make', { action: { kind: 'shell', command: 'make', verify: 'make check' } });
    const session = await w.session([t]);
    const before = await w.sessions.createCheckpoint({ sessionId: session, trigger: 'manual', note: 'before the run' });
    await (
      await w.executor.run(session)
    ).finished;
    assert.strictEqual(w.tasks.get(t)!.status, 'done');

    await w.sessions.restoreCheckpoint(before.id, 'user');
    assert.strictEqual(w.tasks.get(t)!.status, 'pending');
    const summary = await (await w.executor.run(session)).finished;
    assert.deepStrictEqual(w.processes.lines(), ['make', 'make check', 'make', 'make check']);
    assert.strictEqual(summary.outcome, 'completed');
    assert.doesNotMatch(await w.logs.read(t), /completed before; not run again/);
    const steps = stepsOfTask(w.store, t);
    assert.deepStrictEqual(
      steps.map(s => [s.attempt, s.step, s.status]),
      [
        [1, 'run', 'succeeded'],
        [1, 'verify', 'succeeded'],
        [2, 'run', 'succeeded'],
        [2, 'verify', 'succeeded'],
      ],
    );
  });

  it('runs a task again that a restore brings back from a checkpoint taken while it was running', async () => {
    const w = await makeExecWorld();
    w.processes.script('make', { block: true });
    const t = await w.shell('Build', 'make');
    const session = await w.session([t]);
    const run = await w.executor.run(session);
    while (w.processes.running === 0) await new Promise(r => setTimeout(r, 2));
    const during = await w.sessions.createCheckpoint({ sessionId: session, trigger: 'manual', note: 'while it ran' });
    w.processes.release('make');
    await run.finished;
    assert.strictEqual(w.tasks.get(t)!.status, 'done');

    await w.sessions.restoreCheckpoint(during.id, 'user');
    w.processes.script('make', { code: 0 });
    await (
      await w.executor.run(session)
    ).finished;
    assert.deepStrictEqual(w.processes.lines(), ['make', 'make']);
    assert.strictEqual(w.tasks.get(t)!.status, 'done');
  });

  it('runs a task again after Retry, even when a restore had set its run count back', async () => {
    const w = await makeExecWorld();
    w.processes.script('deploy', { code: 2 }, { code: 0 });
    const t = await w.shell('Deploy', 'deploy', { action: { kind: 'shell', command: 'deploy', rerunnable: false } });
    const session = await w.session([t]);
    const before = await w.sessions.createCheckpoint({ sessionId: session, trigger: 'manual', note: 'before the run' });
    await (
      await w.executor.run(session)
    ).finished;
    assert.strictEqual(w.tasks.get(t)!.status, 'failed');
    await w.sessions.restoreCheckpoint(before.id, 'user');
    await w.tasks.setStatus(t, 'failed', 'user', { error: 'marked failed again' });
    await w.tasks.setStatus(t, 'pending', 'user'); // Retry
    await (
      await w.executor.run(session)
    ).finished;
    assert.deepStrictEqual(w.processes.lines(), ['deploy', 'deploy']);
    assert.deepStrictEqual(w.questions.interrupted, [], 'a new attempt asks nothing about the earlier one');
    assert.strictEqual(w.tasks.get(t)!.status, 'done');
    assert.deepStrictEqual(
      stepsOfTask(w.store, t).map(s => [s.attempt, s.status]),
      [
        [1, 'failed'],
        [2, 'succeeded'],
      ],
    );
  });
});
