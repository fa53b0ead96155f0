import * as assert from 'assert';
import { SessionManager } from '../../../src/core/sessions/sessionManager';
import type { CheckpointState } from '../../../src/core/sessions/checkpointState';
import { exportState, importState, parseState } from '../../../src/core/state/stateFile';
import type { SqlValue, Store } from '../../../src/core/store/types';
import { counterIds, openTestStore } from '../context/openTestStore';
import { seededRandom } from '../fakes/random';
import { insertTasks, setStatus, setup } from './fixtures';

interface SavedRow {
  id: string;
  base_id: string | null;
  state: string;
}

/** The tasks' state as a checkpoint must give it back, read straight from the table. */
function stateNow(store: Store): CheckpointState['tasks'] {
  return store
    .all<{
      id: string;
      status: string;
      progress: number;
      attempts: number;
      result: string | null;
      error: string | null;
      started_at: number | null;
      completed_at: number | null;
    }>('SELECT id, status, progress, attempts, result, error, started_at, completed_at FROM tasks ORDER BY seq')
    .map(r => ({
      id: r.id,
      status: r.status,
      progress: r.progress,
      attempts: r.attempts,
      result: r.result,
      error: r.error,
      startedAt: r.started_at,
      completedAt: r.completed_at,
    }));
}

const byId = (tasks: CheckpointState['tasks']) => [...tasks].sort((a, b) => a.id.localeCompare(b.id));

/** A seeded run of task changes, creations and deletions with a checkpoint after each; returns what each checkpoint must hold. */
async function history(
  store: Store,
  sessions: SessionManager,
  clock: Awaited<ReturnType<typeof setup>>['clock'],
  seed: number,
  steps = 60,
): Promise<Map<string, CheckpointState['tasks']>> {
  const random = seededRandom(seed);
  const expected = new Map<string, CheckpointState['tasks']>();
  let next = 0;
  await insertTasks(
    store,
    clock,
    Array.from({ length: 30 }, () => ({ id: `t${++next}` })),
  );
  for (let step = 0; step < steps; step++) {
    const ids = stateNow(store).map(t => t.id);
    const pick = () => ids[Math.floor(random() * ids.length)];
    const changes = 1 + Math.floor(random() * 4);
    for (let c = 0; c < changes; c++) {
      const r = random();
      if (r < 0.6 && ids.length)
        await setStatus(store, pick(), ['running', 'done', 'failed', 'pending'][Math.floor(random() * 4)], {
          progress: Math.floor(random() * 100),
          attempts: Math.floor(random() * 3),
        });
      else if (r < 0.8) await insertTasks(store, clock, [{ id: `t${++next}` }]);
      else if (ids.length)
        await store.write(w => {
          w.run('DELETE FROM tasks WHERE id = ?', [pick()]);
        });
    }
    if (random() < 0.1)
      await store.write(w => {
        w.run("UPDATE tasks SET result = 'ok', error = NULL, completed_at = ? WHERE id = ?", [clock.now(), pick()]);
      });
    clock.advance(1000);
    const checkpoint = await sessions.createCheckpoint({ trigger: 'every-n-tasks' });
    expected.set(checkpoint.id, stateNow(store));
  }
  return expected;
}

function assertRestorable(
  sessions: SessionManager,
  expected: Map<string, CheckpointState['tasks']>,
  when: string,
): void {
  for (const [id, tasks] of expected) {
    assert.deepStrictEqual(byId(sessions.checkpointState(id)!.tasks), byId(tasks), `checkpoint ${id} ${when}`);
  }
}

describe('saved checkpoint states', () => {
  it('save only the tasks that changed, with a complete checkpoint every N', async () => {
    const { store, clock, sessions } = await setup({ fullCheckpointEvery: 4 });
    await insertTasks(
      store,
      clock,
      Array.from({ length: 100 }, (_, i) => ({ id: `t${i}` })),
    );
    for (let i = 0; i < 9; i++) {
      await setStatus(store, `t${i}`, 'done');
      await sessions.createCheckpoint({ trigger: 'every-n-tasks' });
    }
    const rows = store.all<SavedRow>('SELECT id, base_id, state FROM checkpoints ORDER BY rowid');
    assert.deepStrictEqual(
      rows.map(r => r.base_id === null),
      [true, false, false, false, true, false, false, false, true],
    );
    assert.deepStrictEqual(
      rows.map(r => Object.keys(JSON.parse(r.state).tasks).length),
      [100, 1, 1, 1, 100, 1, 1, 1, 100],
    );
    assert.deepStrictEqual(
      rows.slice(1).map((r, i) => r.base_id ?? rows[i].id),
      rows.slice(0, -1).map(r => r.id),
      'each builds on the one before',
    );
    assert.deepStrictEqual(JSON.parse(rows[2].state).tasks, { t2: ['done', 0, 0, null, null, null, null] });
  });

  it('give back the state at each checkpoint, across task changes, creations and deletions', async () => {
    for (const seed of [1, 2, 3]) {
      const { store, clock, sessions } = await setup({ fullCheckpointEvery: 5 });
      const expected = await history(store, sessions, clock, seed);
      assertRestorable(sessions, expected, `(seed ${seed})`);
      assert.ok(
        store.get<{ n: number }>('SELECT count(*) AS n FROM checkpoints WHERE base_id IS NOT NULL')!.n > 30,
        'most are deltas',
      );
      // a manager without the cache of the last save reads the same
      assertRestorable(new SessionManager(store, clock), expected, `read afresh (seed ${seed})`);
    }
  });

  it('give back the state at each checkpoint when restores, deleted checkpoints and a second manager come between', async () => {
    for (const seed of [21, 22, 23, 24]) {
      const { store, clock, sessions } = await setup({ fullCheckpointEvery: 7 });
      let n = 0;
      const other = new SessionManager(store, clock, {
        ids: prefix => `other-${prefix}-${++n}`,
        fullCheckpointEvery: 7,
      });
      const random = seededRandom(seed);
      const expected = new Map<string, CheckpointState['tasks']>();
      let next = 0;
      await insertTasks(
        store,
        clock,
        Array.from({ length: 40 }, () => ({ id: `t${++next}` })),
      );
      for (let step = 0; step < 80; step++) {
        const ids = stateNow(store).map(t => t.id);
        const pick = () => ids[Math.floor(random() * ids.length)];
        const r = random();
        if (r < 0.45 && ids.length)
          await setStatus(store, pick(), ['running', 'done', 'failed', 'pending'][Math.floor(random() * 4)], {
            progress: Math.floor(random() * 100),
          });
        else if (r < 0.55) await insertTasks(store, clock, [{ id: `t${++next}` }]);
        else if (r < 0.62 && ids.length)
          await store.write(w => {
            w.run('DELETE FROM tasks WHERE id = ?', [pick()]);
          });
        else if (r < 0.7 && ids.length)
          await store.write(w => {
            w.run('UPDATE tasks SET title = ?, error = ?, started_at = ? WHERE id = ?', [
              `renamed ${step}`,
              random() < 0.5 ? null : `error ${step}`,
              clock.now(),
              pick(),
            ]);
          });
        else if (r < 0.8 && expected.size) {
          const at = [...expected.keys()][Math.floor(random() * expected.size)];
          const before = stateNow(store);
          const restored = await sessions.restoreCheckpoint(at, 'user');
          expected.set(restored.checkpointId, before);
        } else if (r < 0.86 && expected.size) {
          // the newest one as often as any other: the next checkpoint then builds on an older one
          const keys = [...expected.keys()];
          const doomed = random() < 0.5 ? keys[keys.length - 1] : keys[Math.floor(random() * keys.length)];
          await store.write(w => {
            w.run('DELETE FROM checkpoints WHERE id = ?', [doomed]);
          });
          expected.delete(doomed);
        }
        clock.advance(1000);
        const by = random() < 0.3 ? other : sessions;
        const checkpoint = await by.createCheckpoint({ trigger: 'every-n-tasks' });
        expected.set(checkpoint.id, stateNow(store));
      }
      assertRestorable(sessions, expected, `(seed ${seed})`);
      assertRestorable(other, expected, `by the second manager (seed ${seed})`);
      assertRestorable(new SessionManager(store, clock), expected, `read afresh (seed ${seed})`);
    }
  });

  it('read only the tasks changed since the checkpoint before, between complete checkpoints', async () => {
    const { store, clock, sessions } = await setup({ fullCheckpointEvery: 5 });
    await insertTasks(
      store,
      clock,
      Array.from({ length: 300 }, (_, i) => ({ id: `t${i}` })),
    );
    let taskRowsRead = 0;
    const write = store.write.bind(store);
    store.write = ((fn, actor) =>
      write(w => {
        const counting = Object.create(w) as typeof w;
        counting.all = ((sql: string, params?: readonly SqlValue[]) => {
          const rows = w.all(sql, params);
          if (/\b(FROM|JOIN) tasks\b/.test(sql)) taskRowsRead += rows.length;
          return rows;
        }) as typeof w.all;
        return fn(counting);
      }, actor)) as typeof store.write;
    await sessions.createCheckpoint({ trigger: 'manual' });
    assert.strictEqual(taskRowsRead, 300, 'the first checkpoint reads every task');
    const reads: number[] = [];
    for (let i = 0; i < 5; i++) {
      await setStatus(store, `t${i}`, 'done');
      taskRowsRead = 0;
      await sessions.createCheckpoint({ trigger: 'every-n-tasks' });
      reads.push(taskRowsRead);
    }
    assert.deepStrictEqual(reads, [1, 1, 1, 1, 300], 'one row per changed task; the fifth is complete again');
    assert.deepStrictEqual(
      byId(sessions.checkpointState(sessions.listCheckpoints()[0].id)!.tasks),
      byId(stateNow(store)),
    );
  });

  it('stay complete when checkpoints they build on are deleted', async () => {
    const { store, clock, sessions } = await setup({ fullCheckpointEvery: 6 });
    const expected = await history(store, sessions, clock, 7);
    const random = seededRandom(99);
    const ids = [...expected.keys()];
    // delete complete ones, deltas in the middle of chains, and runs of neighbours
    const doomed = ids.filter((_, i) => i === 0 || i === 6 || i === 7 || i === 8 || random() < 0.3);
    for (const id of doomed) {
      await store.write(w => {
        w.run('DELETE FROM checkpoints WHERE id = ?', [id]);
      });
      expected.delete(id);
    }
    assert.ok(expected.size > 10);
    assertRestorable(new SessionManager(store, clock), expected, 'after deletes');
    // and the next checkpoint still builds on the newest one correctly
    await setStatus(store, stateNow(store)[0].id, 'done', { progress: 100 });
    const after = await sessions.createCheckpoint({ trigger: 'manual' });
    expected.set(after.id, stateNow(store));
    assertRestorable(new SessionManager(store, clock), expected, 'after deletes and a new checkpoint');
  });

  it('restore a delta checkpoint: the tasks come back as they were at it', async () => {
    const { store, clock, sessions } = await setup({ fullCheckpointEvery: 10 });
    await insertTasks(store, clock, [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    await sessions.createCheckpoint({ trigger: 'manual' });
    await setStatus(store, 'a', 'done', { progress: 100 });
    const middle = await sessions.createCheckpoint({ trigger: 'every-n-tasks' });
    await setStatus(store, 'b', 'failed', { attempts: 3 });
    await setStatus(store, 'a', 'pending', { progress: 0 });
    await sessions.createCheckpoint({ trigger: 'every-n-tasks' });
    const at = stateNow(store);
    const result = await sessions.restoreCheckpoint(middle.id, 'user');
    assert.strictEqual(result.changed, 2);
    assert.deepStrictEqual(
      stateNow(store).map(t => [t.id, t.status, t.progress, t.attempts]),
      [
        ['a', 'done', 100, 0],
        ['b', 'pending', 0, 0],
        ['c', 'pending', 0, 0],
      ],
    );
    // the before-restore backup is itself a delta that gives back the state from before the restore
    assert.deepStrictEqual(sessions.checkpointState(result.checkpointId)!.tasks, at);
  });

  it('list how many tasks each checkpoint saved and how many were done, for new and older saves', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'a', status: 'done' }, { id: 'b' }, { id: 'c' }]);
    const first = await sessions.createCheckpoint({ trigger: 'manual' });
    await setStatus(store, 'b', 'done');
    clock.advance(1000);
    const second = await sessions.createCheckpoint({ trigger: 'manual' });
    assert.deepStrictEqual([second.taskCount, second.tasksDone], [3, 2]);
    // a checkpoint saved before schema 6: every task in an array, no counts in columns
    const older = JSON.stringify({ schema: 1, tasks: stateNow(store).map(t => ({ ...t, status: 'done' })) });
    await store.write(w => {
      w.run("INSERT INTO checkpoints (id, created_at, trigger, note, state) VALUES ('older', ?, 'manual', '', ?)", [
        clock.now() + 1000,
        older,
      ]);
    });
    assert.deepStrictEqual(
      sessions.listCheckpoints().map(c => [c.id, c.taskCount, c.tasksDone]),
      [
        ['older', 3, 3],
        [second.id, 3, 2],
        [first.id, 3, 1],
      ],
    );
    assert.deepStrictEqual(
      sessions.checkpointState('older')!.tasks.map(t => t.status),
      ['done', 'done', 'done'],
    );
    // an older save is no base for a delta: the next checkpoint saves every task
    const next = await sessions.createCheckpoint({ trigger: 'manual' });
    assert.strictEqual(
      store.get<{ base_id: string | null }>('SELECT base_id FROM checkpoints WHERE id = ?', [next.id])!.base_id,
      null,
    );
  });

  it('survive export and import: every checkpoint gives back the same state in the other store', async () => {
    const { store, clock, sessions } = await setup({ fullCheckpointEvery: 4 });
    const expected = await history(store, sessions, clock, 11, 20);
    const file = JSON.stringify(exportState(store, clock.now()));
    const target = await openTestStore();
    await importState(target.store, parseState(file));
    const imported = new SessionManager(target.store, target.clock, { ids: counterIds() });
    assertRestorable(imported, expected, 'after import');
    assert.deepStrictEqual(
      imported.listCheckpoints().map(c => [c.id, c.taskCount, c.tasksDone]),
      sessions.listCheckpoints().map(c => [c.id, c.taskCount, c.tasksDone]),
    );
  });

  it('refuse an import whose checkpoint builds on one that is not in the file', async () => {
    const { store, clock, sessions } = await setup();
    await insertTasks(store, clock, [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    await sessions.createCheckpoint({ trigger: 'manual' });
    await setStatus(store, 'a', 'done');
    await sessions.createCheckpoint({ trigger: 'manual' });
    const state = exportState(store, 0);
    state.tables.checkpoints = state.tables.checkpoints.filter(c => c.base_id);
    assert.throws(
      () => parseState(JSON.stringify(state)),
      /checkpoint 'checkpoint-2' builds on unknown checkpoint 'checkpoint-1'/,
    );
  });
});
