import * as assert from 'assert';
import { makeWorld } from '../helpers';
import { TaskManager } from '../../../src/core/tasks/taskManager';
import { sequentialIds } from '../../../src/core/ids';
import { SessionManager } from '../../../src/core/sessions/sessionManager';
import { exportState, importState, parseState } from '../../../src/core/state/stateFile';

describe('TaskManager', () => {
  it('creates a pending task with normal priority by default', async () => {
    const { tasks } = await makeWorld();
    const t = await tasks.create({ title: 'Write the parser' });
    assert.strictEqual(t.status, 'pending');
    assert.strictEqual(t.priority, 'normal');
    assert.strictEqual(t.progress, 0);
    assert.strictEqual(t.maxAttempts, 3);
  });

  it('keeps a created task after the store is reopened', async () => {
    const world = await makeWorld();
    const t = await world.tasks.create({ title: 'Durable', priority: 'high', capabilities: ['node'] });
    const again = await makeWorld(world.fs, world.clock);
    assert.deepStrictEqual(again.tasks.get(t.id), t);
  });

  it('refuses a task without a title, with a message naming the field', async () => {
    const { tasks } = await makeWorld();
    await assert.rejects(tasks.create({ title: '   ' }), /title: a task needs a title/);
  });

  it('refuses oversized values and unknown fields', async () => {
    const { tasks } = await makeWorld();
    await assert.rejects(tasks.create({ title: 'x'.repeat(501) }), /at most 500 characters/);
    await assert.rejects(tasks.create({ title: 'ok', colour: 'red' } as never), /colour|Unrecognized/i);
  });

  it('orders ready tasks by priority, then deadline (none last), then creation', async () => {
    const { tasks } = await makeWorld();
    const lowOld = await tasks.create({ title: 'low', priority: 'low' });
    const normalNoDeadline = await tasks.create({ title: 'normal, no deadline' });
    const normalLate = await tasks.create({ title: 'normal, late deadline', deadline: 2000 });
    const normalSoon = await tasks.create({ title: 'normal, soon', deadline: 1000 });
    const critical = await tasks.create({ title: 'critical', priority: 'critical' });
    assert.deepStrictEqual(
      tasks.readyTasks().map(t => t.id),
      [critical.id, normalSoon.id, normalLate.id, normalNoDeadline.id, lowOld.id],
    );
    assert.strictEqual(tasks.nextTask()?.id, critical.id);
  });

  it('makes a task ready only when all its dependencies are done', async () => {
    const { tasks } = await makeWorld();
    const a = await tasks.create({ title: 'a' });
    const b = await tasks.create({ title: 'b' });
    const c = await tasks.create({ title: 'c', dependsOn: [a.id, b.id] });
    assert.ok(!tasks.readyTasks().some(t => t.id === c.id));
    await tasks.setStatus(a.id, 'done');
    assert.deepStrictEqual(
      tasks.blockers(c.id).map(t => t.title),
      ['b'],
    );
    await tasks.setStatus(b.id, 'done');
    assert.deepStrictEqual(
      tasks.readyTasks().map(t => t.id),
      [c.id],
    );
  });

  it('shows an edited task as edited in the ready list, not a stale copy', async () => {
    const { tasks } = await makeWorld();
    const a = await tasks.create({ title: 'before' });
    assert.strictEqual(tasks.readyTasks()[0].title, 'before');
    await tasks.update(a.id, { title: 'after', priority: 'high' });
    assert.deepStrictEqual(
      tasks.readyTasks().map(t => [t.title, t.priority]),
      [['after', 'high']],
    );
    assert.ok(Object.isFrozen(tasks.readyTasks()[0]));
  });

  it('refuses a dependency that would close a cycle, naming the cycle', async () => {
    const { tasks } = await makeWorld();
    const a = await tasks.create({ title: 'Design' });
    const b = await tasks.create({ title: 'Build', dependsOn: [a.id] });
    const c = await tasks.create({ title: 'Ship', dependsOn: [b.id] });
    await assert.rejects(tasks.addDependency(a.id, c.id), /cycle: 'Design' → 'Ship' → 'Build' → 'Design'/);
    assert.deepStrictEqual(tasks.dependenciesOf(a.id), []);
  });

  it('refuses a task that depends on itself', async () => {
    const { tasks } = await makeWorld();
    const a = await tasks.create({ title: 'Loop' });
    await assert.rejects(tasks.update(a.id, { dependsOn: [a.id] }), /cycle: 'Loop' → 'Loop'/);
  });

  it('refuses an unknown dependency, naming it', async () => {
    const { tasks } = await makeWorld();
    await assert.rejects(
      tasks.create({ title: 'x', dependsOn: ['task_nope'] }),
      /depends on 'task_nope', which is not a known task/,
    );
    assert.strictEqual(tasks.list().length, 0);
  });

  it('refuses to start a task whose dependencies are unfinished', async () => {
    const { tasks } = await makeWorld();
    const a = await tasks.create({ title: 'first' });
    const b = await tasks.create({ title: 'second', dependsOn: [a.id] });
    await assert.rejects(tasks.setStatus(b.id, 'running'), /waits for 'first'/);
  });

  it('never moves a done task except by reopening it', async () => {
    const { tasks } = await makeWorld();
    const a = await tasks.create({ title: 'finished' });
    await tasks.setStatus(a.id, 'done');
    await assert.rejects(tasks.setStatus(a.id, 'running'), /is done and cannot become running. Reopen it first/);
    await tasks.setStatus(a.id, 'pending');
    assert.strictEqual(tasks.get(a.id)?.status, 'pending');
  });

  it('counts attempts and records timestamps and errors through status changes', async () => {
    const { tasks, clock } = await makeWorld();
    const a = await tasks.create({ title: 'flaky' });
    await tasks.setStatus(a.id, 'running', 'executor');
    await tasks.setStatus(a.id, 'failed', 'executor', { error: 'ECONNRESET' });
    assert.strictEqual(tasks.get(a.id)?.error, 'ECONNRESET');
    await tasks.setStatus(a.id, 'running', 'executor');
    clock.advance(5000);
    const done = await tasks.setStatus(a.id, 'done', 'executor', { result: 'ok' });
    assert.strictEqual(done.attempts, 2);
    assert.strictEqual(done.progress, 100);
    assert.strictEqual(done.error, undefined);
    assert.strictEqual(done.result, 'ok');
    assert.strictEqual(done.completedAt, clock.now());
  });

  it('keeps an append-only event log of who changed what', async () => {
    const { tasks } = await makeWorld();
    const a = await tasks.create({ title: 'logged' }, 'agent');
    await tasks.setProgress(a.id, 40, 'executor');
    await tasks.setStatus(a.id, 'done', 'user');
    const log = tasks.events(a.id).reverse();
    assert.deepStrictEqual(
      log.map(e => [e.kind, e.actor]),
      [
        ['created', 'agent'],
        ['progress', 'executor'],
        ['status', 'user'],
      ],
    );
    assert.deepStrictEqual(log[2].detail, { from: 'pending', to: 'done' });
  });

  it('refuses progress outside 0–100', async () => {
    const { tasks } = await makeWorld();
    const a = await tasks.create({ title: 'p' });
    await assert.rejects(tasks.setProgress(a.id, 101), /from 0 to 100/);
    await assert.rejects(tasks.setProgress(a.id, Number.NaN), /from 0 to 100/);
  });

  it('removes a deleted task from its dependents and says so in their log', async () => {
    const { tasks } = await makeWorld();
    const a = await tasks.create({ title: 'gone soon' });
    const b = await tasks.create({ title: 'stays', dependsOn: [a.id] });
    await tasks.delete(a.id);
    assert.deepStrictEqual(tasks.dependenciesOf(b.id), []);
    assert.match(JSON.stringify(tasks.events(b.id)[0].detail), /gone soon' was deleted/);
  });

  it('computes counts, completion, throughput and ETA', async () => {
    const { tasks, clock } = await makeWorld();
    const ids = (await tasks.createMany(Array.from({ length: 10 }, (_, i) => ({ title: `t${i}` })))).map(t => t.id);
    await tasks.setStatus(ids[9], 'cancelled');
    for (const id of ids.slice(0, 3)) {
      clock.advance(20 * 60_000);
      await tasks.setStatus(id, 'done');
    }
    clock.advance(20 * 60_000); // three done across 60 minutes since the first
    const s = tasks.statistics();
    assert.strictEqual(s.total, 10);
    assert.strictEqual(s.counts.done, 3);
    assert.strictEqual(s.completionPercent, 33.3);
    assert.strictEqual(s.throughputPerHour, (3 / 60) * 60);
    assert.strictEqual(Math.round(s.etaMs! / 60_000), 6 * 20);
  });

  it('tells listeners which tasks changed', async () => {
    const { tasks } = await makeWorld();
    const seen: string[][] = [];
    tasks.onDidChange(c => seen.push(c.taskIds));
    const a = await tasks.create({ title: 'a' });
    await tasks.setStatus(a.id, 'done');
    assert.deepStrictEqual(seen, [[a.id], [a.id]]);
  });

  it('tells its views of every saved change to the tasks, whoever made it: a checkpoint restore, a state import', async () => {
    const world = await makeWorld();
    const sessions = new SessionManager(world.store, world.clock, { ids: sequentialIds() });
    const a = await world.tasks.create({ title: 'a' });
    const checkpoint = await sessions.createCheckpoint({ trigger: 'manual' });
    await world.tasks.setStatus(a.id, 'done');
    let changes = 0;
    world.tasks.onDidChangeStored(() => changes++);
    await sessions.restoreCheckpoint(checkpoint.id, 'user');
    assert.strictEqual(world.tasks.get(a.id)?.status, 'pending');
    assert.strictEqual(changes, 1, 'the restore was announced');
    const other = await makeWorld();
    await other.tasks.create({ title: 'imported' });
    await importState(world.store, parseState(JSON.stringify(exportState(other.store, 0))));
    assert.strictEqual(changes, 2, 'the import was announced');
  });

  it('announces its own changes to its views once each', async () => {
    const world = await makeWorld();
    let changes = 0;
    world.tasks.onDidChangeStored(() => changes++);
    const a = await world.tasks.create({ title: 'a' });
    await world.tasks.setStatus(a.id, 'done');
    assert.strictEqual(changes, 2);
  });

  it('shows nothing of a rejected change to other readers', async () => {
    const world = await makeWorld();
    const a = await world.tasks.create({ title: 'a' });
    await assert.rejects(world.tasks.createMany([{ title: 'fine' }, { title: 'bad', dependsOn: ['missing'] }]));
    const reader = new TaskManager(world.store, world.clock, sequentialIds());
    assert.deepStrictEqual(
      reader.list().map(t => t.id),
      [a.id],
    );
  });
});

describe('the ready count kept by the store', () => {
  const mismatches = `SELECT count(*) AS n FROM tasks t WHERE open_deps <> (
    SELECT count(*) FROM task_deps d JOIN tasks u ON u.id = d.depends_on WHERE d.task_id = t.id AND u.status <> 'done')`;

  it('matches the real number of unfinished dependencies through random changes, deletes and a reopen', async () => {
    const world = await makeWorld();
    const { tasks } = world;
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const ids: string[] = [];
    for (let step = 0; step < 300; step++) {
      const op = rand(6);
      if (op < 2 || ids.length < 3) {
        const deps = ids.length ? [...new Set([ids[rand(ids.length)], ids[rand(ids.length)]])] : [];
        ids.push((await tasks.create({ title: `t${step}`, dependsOn: deps })).id);
      } else if (op === 2) {
        await tasks.setStatus(ids[rand(ids.length)], 'done').catch(() => undefined);
      } else if (op === 3) {
        await tasks.setStatus(ids[rand(ids.length)], 'pending').catch(() => undefined);
      } else if (op === 4) {
        const [id] = ids.splice(rand(ids.length), 1);
        await tasks.delete(id);
      } else {
        await tasks.addDependency(ids[rand(ids.length)], ids[rand(ids.length)]).catch(() => undefined);
      }
      assert.strictEqual(world.store.get<{ n: number }>(mismatches)?.n, 0, `after step ${step}`);
    }
    const reopened = await makeWorld(world.fs, world.clock);
    assert.strictEqual(reopened.store.get<{ n: number }>(mismatches)?.n, 0);
    assert.deepStrictEqual(
      reopened.tasks.readyTasks().map(t => t.id),
      tasks.readyTasks().map(t => t.id),
    );
  });
});
