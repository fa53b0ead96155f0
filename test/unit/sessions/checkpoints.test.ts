import * as assert from 'assert';
import { ContextManager } from '../../../src/core/context/contextManager';
import { insertTasks, setStatus, setup, statusOf } from './fixtures';

interface EventRow {
  task_id: string;
  actor: string;
  kind: string;
  detail: string;
}

describe('checkpoints', () => {
  it('saves every task, the session and the context version', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'a', status: 'done' }, { id: 'b' }]);
    await new ContextManager(store, clock).setCompletion({ percent: 10 });
    const { id } = await sessions.create({ name: 'S', taskIds: ['a'] });
    await sessions.start(id);
    await sessions.setCurrentTask(id, 'a');
    const checkpoint = await sessions.createCheckpoint({ sessionId: id, trigger: 'manual', note: 'before refactor' });
    assert.deepStrictEqual(
      [checkpoint.trigger, checkpoint.note, checkpoint.taskCount, checkpoint.contextVersion],
      ['manual', 'before refactor', 2, 1],
    );
    const state = sessions.checkpointState(checkpoint.id)!;
    assert.deepStrictEqual(
      state.tasks.map(t => [t.id, t.status]),
      [
        ['a', 'done'],
        ['b', 'pending'],
      ],
    );
    assert.deepStrictEqual(state.session, { id, status: 'running', currentTaskId: 'a', note: null, error: null });
    assert.strictEqual(state.contextVersion, 1);
  });

  it('lists checkpoints newest first, all or per session', async () => {
    const { clock, sessions } = await setup();
    const { id } = await sessions.create({ name: 'S', taskIds: [] });
    const first = await sessions.createCheckpoint({ trigger: 'manual' });
    clock.advance(1000);
    const second = await sessions.createCheckpoint({ sessionId: id, trigger: 'before-risky-action' });
    assert.deepStrictEqual(
      sessions.listCheckpoints().map(c => c.id),
      [second.id, first.id],
    );
    assert.deepStrictEqual(
      sessions.listCheckpoints(id).map(c => c.id),
      [second.id],
    );
  });

  it('refuses an unknown trigger, listing the valid ones', async () => {
    const { sessions } = await setup();
    const trigger = 'whenever' as unknown as 'manual';
    await assert.rejects(
      sessions.createCheckpoint({ trigger }),
      /'whenever' is not a checkpoint trigger; use one of manual, every-n-tasks/,
    );
  });

  it('previews a restore without changing anything', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'a', title: 'Build API' }, { id: 'b' }]);
    const checkpoint = await sessions.createCheckpoint({ trigger: 'manual' });
    await setStatus(store, 'a', 'done', { progress: 100 });
    const preview = sessions.previewRestore(checkpoint.id);
    assert.deepStrictEqual(preview.tasks, [
      { id: 'a', title: 'Build API', from: 'done', to: 'pending', fields: ['status', 'progress'] },
    ]);
    assert.strictEqual(statusOf(store, 'a'), 'done');
    assert.strictEqual(sessions.listCheckpoints().length, 1);
  });

  it('writes back the saved task state', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'a' }, { id: 'b' }]);
    const checkpoint = await sessions.createCheckpoint({ trigger: 'manual' });
    await setStatus(store, 'a', 'failed', { attempts: 3 });
    await setStatus(store, 'b', 'done', { progress: 100 });
    const result = await sessions.restoreCheckpoint(checkpoint.id, 'user');
    assert.strictEqual(result.changed, 2);
    const rows = store.all<{ id: string; status: string; progress: number; attempts: number }>(
      'SELECT id, status, progress, attempts FROM tasks ORDER BY seq',
    );
    assert.deepStrictEqual(rows, [
      { id: 'a', status: 'pending', progress: 0, attempts: 0 },
      { id: 'b', status: 'pending', progress: 0, attempts: 0 },
    ]);
  });

  it('first saves the current state as a before-restore checkpoint', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'a' }]);
    const checkpoint = await sessions.createCheckpoint({ trigger: 'manual' });
    await setStatus(store, 'a', 'done');
    clock.advance(1000);
    const result = await sessions.restoreCheckpoint(checkpoint.id, 'user');
    const backup = sessions.listCheckpoints()[0];
    assert.deepStrictEqual([backup.id, backup.trigger], [result.checkpointId, 'before-restore']);
    assert.deepStrictEqual(
      sessions.checkpointState(backup.id)!.tasks.map(t => t.status),
      ['done'],
    );
    // and the backup can undo the restore
    await sessions.restoreCheckpoint(backup.id, 'user');
    assert.strictEqual(statusOf(store, 'a'), 'done');
  });

  it('leaves tasks created after the checkpoint alone and does not bring back deleted ones', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'kept' }, { id: 'deleted' }]);
    const checkpoint = await sessions.createCheckpoint({ trigger: 'manual' });
    await store.write(w => {
      w.run("DELETE FROM tasks WHERE id = 'deleted'");
    });
    await insertTasks(store, clock, [{ id: 'later', status: 'done' }]);
    await setStatus(store, 'kept', 'done');
    const preview = sessions.previewRestore(checkpoint.id);
    assert.deepStrictEqual([preview.createdSince, preview.deletedSince], [1, 1]);
    const result = await sessions.restoreCheckpoint(checkpoint.id, 'user');
    assert.deepStrictEqual([result.changed, result.createdSince, result.deletedSince], [1, 1, 1]);
    assert.strictEqual(statusOf(store, 'later'), 'done');
    assert.strictEqual(statusOf(store, 'deleted'), undefined);
    assert.strictEqual(statusOf(store, 'kept'), 'pending');
  });

  it('brings a session saved as running back paused', async () => {
    const { clock, sessions } = await setup();
    const { id } = await sessions.create({ name: 'S', taskIds: [] });
    await sessions.start(id);
    const checkpoint = await sessions.createCheckpoint({ sessionId: id, trigger: 'every-n-tasks' });
    clock.advance(60_000);
    await sessions.complete(id);
    const result = await sessions.restoreCheckpoint(checkpoint.id, 'user');
    assert.deepStrictEqual(result.session, { id, from: 'completed', to: 'paused' });
    const session = sessions.get(id)!;
    assert.deepStrictEqual([session.status, session.endedAt], ['paused', undefined]);
    assert.strictEqual(sessions.statistics(id).durationMs, 60_000);
  });

  it('logs a restored event for every task it changes', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'a' }, { id: 'same' }]);
    const checkpoint = await sessions.createCheckpoint({ trigger: 'manual' });
    await setStatus(store, 'a', 'done', { progress: 100 });
    const result = await sessions.restoreCheckpoint(checkpoint.id, 'agent');
    const events = store.all<EventRow>("SELECT task_id, actor, kind, detail FROM task_events WHERE kind = 'restored'");
    assert.strictEqual(events.length, 1);
    assert.deepStrictEqual([events[0].task_id, events[0].actor], ['a', 'agent']);
    assert.deepStrictEqual(JSON.parse(events[0].detail), {
      checkpointId: checkpoint.id,
      backupCheckpointId: result.checkpointId,
      from: { status: 'done', progress: 100 },
      to: { status: 'pending', progress: 0 },
    });
  });

  it('refuses an unknown checkpoint and changes nothing', async () => {
    const { sessions } = await setup();
    await assert.rejects(sessions.restoreCheckpoint('nope', 'user'), /No checkpoint has the id 'nope'/);
    assert.deepStrictEqual(sessions.listCheckpoints(), []);
  });

  it('refuses a checkpoint from a newer Continuum and changes nothing', async () => {
    const { store, sessions } = await setup();
    const checkpoint = await sessions.createCheckpoint({ trigger: 'manual' });
    await store.write(w => {
      w.run('UPDATE checkpoints SET state = ? WHERE id = ?', [JSON.stringify({ schema: 3, tasks: [] }), checkpoint.id]);
    });
    await assert.rejects(
      sessions.restoreCheckpoint(checkpoint.id, 'user'),
      /state\.schema: is not 1 or 2: this checkpoint was made by a newer Continuum/,
    );
    assert.strictEqual(sessions.listCheckpoints().length, 1);
  });
});
