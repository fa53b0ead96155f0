import * as assert from 'assert';
import { insertTasks, setStatus, setup } from './fixtures';

describe('session manager', () => {
  it('tells of every saved change to sessions, also one it did not make (a pause in another window), and not of task-only changes', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'a' }]);
    const session = await sessions.create({ name: 'Sprint', taskIds: ['a'] });
    let told = 0;
    sessions.onDidChangeStored(() => told++);
    // written by another process, as a replica reads it: no call of this manager
    await store.write(w => w.run("UPDATE sessions SET status = 'paused' WHERE id = ?", [session.id]));
    assert.strictEqual(told, 1);
    await store.write(w => w.run("UPDATE tasks SET title = 'renamed' WHERE id = 'a'"));
    assert.strictEqual(told, 1, "a change to a task alone is the task manager's to tell");
  });

  it('creates a session in the created status with its tasks as its scope', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    const session = await sessions.create({ name: 'Sprint', taskIds: ['b', 'a', 'b'] });
    assert.strictEqual(session.status, 'created');
    assert.deepStrictEqual(session.taskIds, ['a', 'b']);
    assert.deepStrictEqual(
      sessions.list().map(s => s.id),
      [session.id],
    );
  });

  it('refuses to create a session with unknown tasks, naming them, and saves nothing', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'a' }]);
    await assert.rejects(
      sessions.create({ name: 'Sprint', taskIds: ['a', 'ghost'] }),
      /no task has the id 'ghost'. Create the tasks first/,
    );
    assert.deepStrictEqual(sessions.list(), []);
  });

  it('refuses a session without a name', async () => {
    const { sessions } = await setup();
    await assert.rejects(sessions.create({ name: '  ', taskIds: [] }), /needs a name/);
  });

  it('goes through start, pause, resume and complete', async () => {
    const { clock, sessions } = await setup();
    const { id } = await sessions.create({ name: 'S', taskIds: [] });
    assert.strictEqual((await sessions.start(id)).status, 'running');
    const paused = await sessions.pause(id, 'lunch');
    assert.deepStrictEqual([paused.status, paused.note], ['paused', 'lunch']);
    assert.strictEqual((await sessions.resume(id)).status, 'running');
    clock.advance(5);
    const done = await sessions.complete(id);
    assert.deepStrictEqual([done.status, done.endedAt], ['completed', clock.now()]);
  });

  it('records the error of a failed session', async () => {
    const { sessions } = await setup();
    const { id } = await sessions.create({ name: 'S', taskIds: [] });
    await sessions.start(id);
    const failed = await sessions.fail(id, new Error('disk full'));
    assert.deepStrictEqual([failed.status, failed.error], ['failed', 'disk full']);
  });

  it('refuses an illegal change with the transition error and leaves the session as it was', async () => {
    const { sessions } = await setup();
    const { id } = await sessions.create({ name: 'S', taskIds: [] });
    await assert.rejects(
      sessions.resume(id),
      /Session 'S' cannot be resumed from created: it has never run; start it instead/,
    );
    assert.strictEqual(sessions.get(id)!.status, 'created');
  });

  it('names an unknown session in the error', async () => {
    const { sessions } = await setup();
    await assert.rejects(sessions.start('nope'), /No session has the id 'nope'/);
  });

  it('saves a pause checkpoint when a session is paused', async () => {
    const { sessions } = await setup();
    const { id } = await sessions.create({ name: 'S', taskIds: [] });
    await sessions.start(id);
    await sessions.pause(id, 'break');
    const [checkpoint] = sessions.listCheckpoints(id);
    assert.deepStrictEqual([checkpoint.trigger, checkpoint.note], ['pause', 'break']);
    assert.strictEqual(sessions.checkpointState(checkpoint.id)!.session!.status, 'paused');
  });

  it('tells listeners which session changed', async () => {
    const { sessions } = await setup();
    const seen: string[] = [];
    sessions.onDidChange(e => seen.push(e.sessionId));
    const { id } = await sessions.create({ name: 'S', taskIds: [] });
    await sessions.start(id);
    assert.deepStrictEqual(seen, [id, id]);
  });

  it('records the current task only when it belongs to the session', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'in' }, { id: 'out' }]);
    const { id } = await sessions.create({ name: 'S', taskIds: ['in'] });
    await sessions.setCurrentTask(id, 'in');
    assert.strictEqual(sessions.get(id)!.currentTaskId, 'in');
    await assert.rejects(sessions.setCurrentTask(id, 'out'), /Task 'out' is not part of session 'S'/);
  });

  describe('heartbeat and recovery', () => {
    it('records heartbeats on the clock until disposed', async () => {
      const { clock, sessions } = await setup({ heartbeatMs: 1000 });
      const { id } = await sessions.create({ name: 'S', taskIds: [] });
      await sessions.start(id);
      const started = clock.now();
      const beat = sessions.startHeartbeat(id);
      clock.advance(1000);
      await flush();
      clock.advance(1000);
      await flush();
      assert.strictEqual(sessions.get(id)!.heartbeatAt, started + 2000);
      beat.dispose();
      clock.advance(5000);
      await flush();
      assert.strictEqual(sessions.get(id)!.heartbeatAt, started + 2000);
    });

    it('stops the heartbeat when the session is no longer running', async () => {
      const { clock, sessions } = await setup({ heartbeatMs: 1000 });
      const { id } = await sessions.create({ name: 'S', taskIds: [] });
      await sessions.start(id);
      sessions.startHeartbeat(id);
      await sessions.pause(id);
      const heartbeatAt = sessions.get(id)!.heartbeatAt;
      clock.advance(3000);
      await flush();
      assert.strictEqual(sessions.get(id)!.heartbeatAt, heartbeatAt);
      assert.strictEqual(await sessions.heartbeat(id), false);
    });

    it('marks a running session without a recent heartbeat as interrupted', async () => {
      const { clock, sessions } = await setup({ staleAfterMs: 30_000 });
      const { id } = await sessions.create({ name: 'S', taskIds: [] });
      await sessions.start(id);
      clock.advance(31_000);
      const recovered = await sessions.recoverInterrupted();
      assert.deepStrictEqual(
        recovered.map(s => [s.id, s.status]),
        [[id, 'interrupted']],
      );
    });

    it('leaves a running session with a fresh heartbeat alone', async () => {
      const { clock, sessions } = await setup({ staleAfterMs: 30_000 });
      const { id } = await sessions.create({ name: 'S', taskIds: [] });
      await sessions.start(id);
      clock.advance(25_000);
      await sessions.heartbeat(id);
      clock.advance(25_000);
      assert.deepStrictEqual(await sessions.recoverInterrupted(), []);
      assert.strictEqual(sessions.get(id)!.status, 'running');
    });

    it('marks a running session that never had a heartbeat as interrupted', async () => {
      const { store, sessions } = await setup();
      const { id } = await sessions.create({ name: 'S', taskIds: [] });
      await sessions.start(id);
      await store.write(w => {
        w.run('UPDATE sessions SET heartbeat_at = NULL WHERE id = ?', [id]);
      });
      assert.deepStrictEqual(
        (await sessions.recoverInterrupted()).map(s => s.status),
        ['interrupted'],
      );
    });

    it('counts the running time of an interrupted session only up to its last heartbeat', async () => {
      const { clock, sessions } = await setup();
      const { id } = await sessions.create({ name: 'S', taskIds: [] });
      await sessions.start(id);
      clock.advance(10_000);
      await sessions.heartbeat(id);
      clock.advance(3_600_000);
      await sessions.recoverInterrupted();
      assert.strictEqual(sessions.statistics(id).durationMs, 10_000);
    });

    it('lets an interrupted session resume', async () => {
      const { clock, sessions } = await setup();
      const { id } = await sessions.create({ name: 'S', taskIds: [] });
      await sessions.start(id);
      clock.advance(60_000);
      await sessions.recoverInterrupted();
      assert.strictEqual((await sessions.resume(id)).status, 'running');
    });
  });

  describe('resume point', () => {
    it('is the most recently interrupted or paused session', async () => {
      const { clock, sessions } = await setup();
      const older = await sessions.create({ name: 'older', taskIds: [] });
      const newer = await sessions.create({ name: 'newer', taskIds: [] });
      const done = await sessions.create({ name: 'done', taskIds: [] });
      for (const s of [older, newer, done]) await sessions.start(s.id);
      await sessions.pause(newer.id);
      clock.advance(60_000);
      await sessions.heartbeat(done.id);
      await sessions.recoverInterrupted(); // interrupts `older`, now the most recent
      await sessions.complete(done.id);
      assert.strictEqual(sessions.resumePoint()?.id, older.id);
      clock.advance(1000);
      await sessions.resume(older.id);
      assert.strictEqual(sessions.resumePoint()?.id, newer.id);
    });

    it('is undefined when nothing is paused or interrupted', async () => {
      const { sessions } = await setup();
      await sessions.create({ name: 'S', taskIds: [] });
      assert.strictEqual(sessions.resumePoint(), undefined);
    });
  });

  describe('progress', () => {
    it('counts the session tasks only and finds the next ready task in order', async () => {
      const { store, clock, sessions } = await setup();
      await insertTasks(store, clock, [
        { id: 'done', status: 'done' },
        { id: 'failed', status: 'failed' },
        { id: 'blocked-by-dep', priority: 0, dependsOn: ['failed'] },
        { id: 'normal', priority: 2 },
        { id: 'high-late', priority: 1, deadline: 5000 },
        { id: 'high-soon', priority: 1, deadline: 1000, title: 'Create login page' },
        { id: 'outside', priority: 0 },
      ]);
      const { id } = await sessions.create({
        name: 'S',
        taskIds: ['done', 'failed', 'blocked-by-dep', 'normal', 'high-late', 'high-soon'],
      });
      const p = sessions.progress(id);
      assert.deepStrictEqual([p.completed, p.total, p.failed], [1, 6, 1]);
      assert.deepStrictEqual(p.nextTask, { id: 'high-soon', title: 'Create login page' });
      assert.strictEqual(sessions.describeResume(id), "1 of 6 done — continues at 'Create login page'");
    });

    it('makes a task ready once its dependency outside the session is done', async () => {
      const { store, clock, sessions } = await setup();
      await insertTasks(store, clock, [{ id: 'base' }, { id: 'top', dependsOn: ['base'] }]);
      const { id } = await sessions.create({ name: 'S', taskIds: ['top'] });
      assert.strictEqual(sessions.progress(id).nextTask, undefined);
      await setStatus(store, 'base', 'done');
      assert.strictEqual(sessions.progress(id).nextTask?.id, 'top');
    });
  });

  describe('statistics', () => {
    it('counts only running periods, including the current one', async () => {
      const { clock, sessions } = await setup();
      const { id } = await sessions.create({ name: 'S', taskIds: [] });
      clock.advance(99_000); // not running yet
      await sessions.start(id);
      clock.advance(60_000);
      await sessions.pause(id);
      clock.advance(3_600_000); // paused
      await sessions.resume(id);
      clock.advance(30_000);
      assert.strictEqual(sessions.statistics(id).durationMs, 90_000);
    });

    it('reports tasks done per hour of running time', async () => {
      const { store, clock, sessions } = await setup();
      await insertTasks(store, clock, [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
      const { id } = await sessions.create({ name: 'S', taskIds: ['a', 'b', 'c'] });
      assert.strictEqual(sessions.statistics(id).tasksPerHour, 0);
      await sessions.start(id);
      clock.advance(30 * 60_000);
      await setStatus(store, 'a', 'done');
      await setStatus(store, 'b', 'done');
      assert.strictEqual(sessions.statistics(id).tasksPerHour, 4);
    });
  });
});

/** Lets pending store writes (started by timers) finish. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve));
}
