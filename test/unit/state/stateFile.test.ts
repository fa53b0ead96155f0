import * as assert from 'assert';
import { exportState, importState, parseState, type StateFile } from '../../../src/core/state/stateFile';
import { makeWorld } from '../helpers';
import { SessionManager } from '../../../src/core/sessions/sessionManager';
import { counterIds } from '../context/openTestStore';
import { seededRandom } from '../fakes/random';
import type { TaskAction } from '../../../src/core/tasks/model';
import { parsePlan } from '../../../src/core/tasks/plan';

async function worldWithTasks() {
  const world = await makeWorld();
  const a = await world.tasks.create({ title: 'Design <b>schema</b>', priority: 'high' });
  const b = await world.tasks.create({ title: 'Build', dependsOn: [a.id] });
  await world.tasks.setStatus(a.id, 'done');
  return { ...world, a, b };
}

/** Every row of every table, less the columns the store derives (rebuilt on import). */
function dump(
  world: { store: { all(sql: string): Array<Record<string, unknown>> } },
  options: { origin?: boolean } = {},
): string {
  return JSON.stringify(
    [
      'tasks',
      'task_deps',
      'task_events',
      'phases',
      'sessions',
      'session_tasks',
      'checkpoints',
      'checkpoint_files',
      'context_versions',
    ].map(t =>
      world.store.all(`SELECT * FROM ${t} ORDER BY 1`).map(({ revision: _r, ...row }) => {
        if (options.origin === false) delete row.origin; // an import marks its commands as not this person's (checked apart)
        return row;
      }),
    ),
  );
}

const fileLink = (checkpointId: string) => ({
  checkpoint_id: checkpointId,
  session_key: 's',
  seq: 1,
  commit_id: 'a'.repeat(40),
  tree_id: 'b'.repeat(40),
  ref: 'refs/continuum/checkpoints/s/1',
  files_changed: 1,
  scoped: 0 as const,
  created_at: 0,
});

function withTask(s: StateFile, fields: Record<string, unknown>): unknown {
  return { ...s, tables: { ...s.tables, tasks: [{ ...s.tables.tasks[0], ...fields }, ...s.tables.tasks.slice(1)] } };
}

function withSession(s: StateFile, twice: boolean): unknown {
  const session = { id: 's1', name: 'one', status: 'created', created_at: 0, updated_at: 0, running_ms: 0 };
  const link = { session_id: 's1', task_id: s.tables.tasks[0].id };
  return { ...s, tables: { ...s.tables, sessions: [session], session_tasks: twice ? [link, link] : [link] } };
}

const phase = (id: string, key: string) => ({ id, key, title: id, position: 0 });

describe('state export and import', () => {
  it('round-trips the whole state through JSON into another store', async () => {
    const source = await worldWithTasks();
    const file = JSON.stringify(exportState(source.store, source.clock.now()));
    const target = await makeWorld();
    await target.tasks.create({ title: 'replaced by the import' });
    const summary = await importState(target.store, parseState(file));
    assert.strictEqual(summary.tasks, 2);
    assert.strictEqual(dump(target), dump(source));
    assert.strictEqual(target.tasks.get(source.b.id)?.dependsOn[0], source.a.id);
  });

  it("carries agents' claims: who holds a task and until when", async () => {
    const source = await makeWorld();
    const task = await source.tasks.create({ title: 'held by an agent' });
    await source.tasks.claimNext(
      { id: 'claude#1', name: 'Claude Code' },
      { kinds: ['todo'], leaseMs: 600_000, taskId: task.id },
    );
    const state = exportState(source.store, 0);
    const row = state.tables.tasks.find(t => t.id === task.id)!;
    assert.strictEqual(row.claimed_by, 'claude#1');
    assert.strictEqual(row.claimed_by_name, 'Claude Code');
    assert.strictEqual(row.lease_until, source.clock.now() + 600_000);
    const target = await makeWorld(undefined, source.clock);
    await importState(target.store, parseState(JSON.stringify(state)));
    assert.strictEqual(target.tasks.claimOf(task.id)?.agentName, 'Claude Code');
  });

  it('keeps an imported state after reopening', async () => {
    const source = await worldWithTasks();
    const target = await makeWorld();
    await importState(target.store, parseState(JSON.stringify(exportState(source.store, 0))));
    const reopened = await makeWorld(target.fs, target.clock);
    assert.strictEqual(dump(reopened), dump(source));
  });

  const bad: Array<[string, (s: StateFile) => unknown, RegExp]> = [
    ['is not JSON', () => '{"format": ', /not valid JSON/],
    ['is random bytes', () => Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)), /not valid JSON/],
    ['has the wrong format marker', s => ({ ...s, format: 'other' }), /format/],
    ['comes from a newer Continuum', s => ({ ...s, version: 99 }), /newer Continuum/],
    ['has an unknown field', s => ({ ...s, extra: 1 }), /extra|Unrecognized/i],
    [
      'has a wrong type',
      s => ({ ...s, tables: { ...s.tables, tasks: [{ ...s.tables.tasks[0], priority: 'high' }] } }),
      /tables\.tasks\.0\.priority/,
    ],
    [
      'has a 10 MB title',
      s => ({ ...s, tables: { ...s.tables, tasks: [{ ...s.tables.tasks[0], title: 'x'.repeat(10 * 1024 * 1024) }] } }),
      /tables\.tasks\.0\.title/,
    ],
    [
      'has a dependency cycle',
      s => ({
        ...s,
        tables: {
          ...s.tables,
          task_deps: [
            ...s.tables.task_deps,
            { task_id: s.tables.task_deps[0].depends_on, depends_on: s.tables.task_deps[0].task_id },
          ],
        },
      }),
      /cycle/,
    ],
    [
      'links an unknown task',
      s => ({ ...s, tables: { ...s.tables, task_deps: [{ task_id: 'ghost', depends_on: s.tables.tasks[0].id }] } }),
      /unknown task 'ghost'/,
    ],
    [
      'repeats a task id',
      s => ({ ...s, tables: { ...s.tables, tasks: [s.tables.tasks[0], s.tables.tasks[0]] } }),
      /two tasks with id/,
    ],
    [
      'links files to an unknown checkpoint',
      s => ({ ...s, tables: { ...s.tables, checkpoint_files: [fileLink('ghost')] } }),
      /unknown checkpoint 'ghost'/,
    ],
    [
      'has a file snapshot ref outside refs/continuum/',
      s => ({ ...s, tables: { ...s.tables, checkpoint_files: [{ ...fileLink('ghost'), ref: 'refs/heads/main' }] } }),
      /checkpoint_files\.0\.ref/,
    ],
    [
      'has a shell action without a command',
      s => withTask(s, { action: '{"kind":"shell"}' }),
      /tables\.tasks\.0\.action\.command/,
    ],
    [
      'has an action of an unknown kind',
      s => withTask(s, { action: '{"kind":"nope"}' }),
      /tables\.tasks\.0\.action\.kind/,
    ],
    ['has an action that is a number', s => withTask(s, { action: '42' }), /tables\.tasks\.0\.action/],
    [
      'has an action that is a bare command line',
      s => withTask(s, { action: JSON.stringify('rm -rf /') }),
      /tables\.tasks\.0\.action/,
    ],
    ['has an action that is not JSON', s => withTask(s, { action: 'rm -rf /' }), /tables\.tasks\.0\.action/],
    [
      'has capabilities that are not a list of names',
      s => withTask(s, { capabilities: '{"a":1}' }),
      /tables\.tasks\.0\.capabilities/,
    ],
    [
      'repeats a dependency',
      s => ({ ...s, tables: { ...s.tables, task_deps: [s.tables.task_deps[0], s.tables.task_deps[0]] } }),
      /two dependencies .*tables\.task_deps\.1\.depends_on/,
    ],
    [
      'repeats a task event id',
      s => ({ ...s, tables: { ...s.tables, task_events: [s.tables.task_events[0], s.tables.task_events[0]] } }),
      /tables\.task_events\.1\.id/,
    ],
    ['repeats a task of a session', s => withSession(s, true), /tables\.session_tasks\.1/],
    [
      'repeats a phase key',
      s => ({ ...s, tables: { ...s.tables, phases: [phase('p1', 'k'), phase('p2', 'k')] } }),
      /tables\.phases\.1\.key/,
    ],
    ['is deeply nested', () => '['.repeat(100_000) + ']'.repeat(100_000), /not valid JSON|not a valid Continuum state/],
  ];
  for (const [name, make, expected] of bad) {
    it(`refuses a state file that ${name}, and leaves the store unchanged`, async () => {
      const world = await worldWithTasks();
      const before = dump(world);
      const made = make(exportState(world.store, 0));
      const raw = typeof made === 'string' || made instanceof Uint8Array ? made : JSON.stringify(made);
      assert.throws(() => parseState(raw), expected);
      assert.strictEqual(dump(world), before);
    });
  }

  it('reads a state file written before checkpoint_files was exported (as none)', async () => {
    const world = await worldWithTasks();
    const { checkpoint_files: _omitted, ...older } = exportState(world.store, 0).tables;
    assert.deepEqual(
      parseState(JSON.stringify({ ...exportState(world.store, 0), tables: older })).tables.checkpoint_files,
      [],
    );
  });

  it('exports markup as data, never changed or interpreted', async () => {
    const world = await worldWithTasks();
    const state = exportState(world.store, 0);
    assert.ok(state.tables.tasks.some(t => t.title === 'Design <b>schema</b>'));
  });
});

describe('state export and import of any state the product can produce', () => {
  /** Shuffles a copy of `rows` with `random`. */
  function shuffled<T>(rows: readonly T[], random: () => number): T[] {
    const out = [...rows];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  const actions: ReadonlyArray<TaskAction | undefined> = [
    undefined,
    { kind: 'shell', command: 'npm test', rerunnable: true },
    { kind: 'shell', command: 'node', args: ['-e', '1'], shell: false, env: { A: 'b' } },
    { kind: 'vscodeTask', label: 'build', shellEquivalent: 'npm run build' },
    { kind: 'manual', verify: 'true' },
  ];

  /** Tasks with parents (also parents created after their children), dependencies, statuses, sessions, events and checkpoints, made through the product's own managers. */
  async function randomWorld(seed: number) {
    const random = seededRandom(seed);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const world = await makeWorld();
    const sessions = new SessionManager(world.store, world.clock, { ids: counterIds() });
    const ids: string[] = [];
    for (let step = 0; step < 60; step++) {
      world.clock.advance(1000);
      const roll = random();
      try {
        if (roll < 0.35 || ids.length < 3) {
          const parentId = ids.length && random() < 0.4 ? pick(ids) : undefined;
          const action = pick(actions);
          const task = await world.tasks.create({
            title: `task ${step} <i>x</i>`,
            parentId,
            action: action && { ...action },
            priority: pick(['critical', 'high', 'normal', 'low'] as const),
          });
          ids.push(task.id);
        } else if (roll < 0.45) {
          await world.tasks.update(pick(ids), { parentId: pick(ids) }); // a parent made after its child: the order that broke import
        } else if (roll < 0.6) {
          await world.tasks.addDependency(pick(ids), pick(ids));
        } else if (roll < 0.7) {
          await world.tasks.setStatus(pick(ids), pick(['running', 'done', 'failed', 'skipped', 'pending'] as const));
        } else if (roll < 0.75) {
          const id = pick(ids);
          await world.tasks.delete(id);
          ids.splice(ids.indexOf(id), 1);
        } else if (roll < 0.85) {
          const session = await sessions.create({ name: `session ${step}`, taskIds: ids.filter(() => random() < 0.5) });
          await sessions.start(session.id);
          if (random() < 0.5) await sessions.pause(session.id, 'for a while');
        } else {
          await sessions.createCheckpoint({ trigger: 'manual', note: `note ${step}` });
        }
      } catch {
        // a refused change (a cycle, a transition that makes no sense) is part of what users do too
      }
    }
    return world;
  }

  for (let seed = 1; seed <= 25; seed++) {
    it(`round-trips random state ${seed} with every table's rows in a random order`, async () => {
      const source = await randomWorld(seed);
      const state = exportState(source.store, 0);
      const random = seededRandom(seed * 7919);
      const tables = Object.fromEntries(
        Object.entries(state.tables).map(([name, rows]) => [name, shuffled(rows as unknown[], random)]),
      );
      const target = await makeWorld();
      await importState(target.store, parseState(JSON.stringify({ ...state, tables })));
      assert.strictEqual(dump(target, { origin: false }), dump(source, { origin: false }));
      const reopened = await makeWorld(target.fs, target.clock);
      assert.strictEqual(dump(reopened, { origin: false }), dump(source, { origin: false }));
      // every imported command waits for this person's confirmation before it runs
      const unconfirmed = reopened.store.all('SELECT id FROM tasks WHERE action IS NOT NULL AND origin IS NULL');
      assert.deepStrictEqual(unconfirmed, []);
    });
  }
});

describe('state import of sessions', () => {
  it('marks an imported running session with a heartbeat in the future as interrupted once it goes quiet', async () => {
    const source = await makeWorld();
    const sessions = new SessionManager(source.store, source.clock, { ids: counterIds() });
    const session = await sessions.create({ name: 'elsewhere', taskIds: [] });
    await sessions.start(session.id);
    const state = exportState(source.store, 0);
    const future = source.clock.now() + 10 * 365 * 24 * 3600_000; // written on a machine whose clock ran ahead
    const skewed = {
      ...state,
      tables: { ...state.tables, sessions: state.tables.sessions.map(s => ({ ...s, heartbeat_at: future })) },
    };
    const target = await makeWorld();
    await importState(target.store, parseState(JSON.stringify(skewed)), 'user', target.clock.now());
    target.clock.advance(60_000);
    const recovered = await new SessionManager(target.store, target.clock, {
      staleAfterMs: 30_000,
    }).recoverInterrupted();
    assert.deepStrictEqual(
      recovered.map(s => [s.id, s.status]),
      [[session.id, 'interrupted']],
    );
  });
});

describe('state export and import of an imported plan', () => {
  it("keeps the plan's structure: nested phases with their priority and details, and task estimates", async () => {
    const source = await makeWorld();
    const plan = [
      '### Phase 1: Setup (Priority: HIGH)',
      '#### 1.1 Database',
      '**Estimated Time:** 2 hours',
      '- [ ] Create the schema',
      '### Phase 2: Health',
      '#### 2.1 Checks',
      '**Dependencies:** Phase 1.1',
      '- [ ] Ping the pool',
      '**Testing:**',
      '- the pool answers',
    ].join('\n');
    await source.tasks.importPlan(parsePlan(plan, 'PLAN.md'));
    const state = exportState(source.store, 0);
    // children before their parents: the order a file may come in
    const tables = { ...state.tables, phases: [...state.tables.phases].reverse() };
    const target = await makeWorld();
    await importState(target.store, parseState(JSON.stringify({ ...state, tables })));
    const phases = (w: typeof source) =>
      w.store.all('SELECT id, parent_id, priority, details, number, title FROM phases ORDER BY position');
    assert.ok(
      phases(source).some(p => p.parent_id !== null),
      'the plan has nested phases',
    );
    assert.deepStrictEqual(phases(target), phases(source));
    assert.deepStrictEqual(
      target.store.all('SELECT id, estimate FROM tasks ORDER BY id'),
      source.store.all('SELECT id, estimate FROM tasks ORDER BY id'),
    );
  });
});
