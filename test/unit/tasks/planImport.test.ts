import * as assert from 'assert';
import { parsePlan } from '../../../src/core/tasks/plan';
import { summarisePreview } from '../../../src/core/tasks/planImport';
import type { Task } from '../../../src/core/tasks/model';
import { makeWorld } from '../helpers';

const plan = `# Login feature

## Phase 1: Backend
- [x] 1.1 Create the users table
- [ ] 1.2 Add the login endpoint
  Priority: HIGH
  Dependencies: 1.1
  Run: npm test

## Phase 2: Frontend
- [ ] 2.1 Create login page
  Depends on: Add the login endpoint
  - [ ] Form
  - [ ] Error messages
`;

describe('plan import', () => {
  it('creates phases, tasks, subtasks, priorities, dependencies and done items', async () => {
    const { tasks } = await makeWorld();
    await tasks.importPlan(parsePlan(plan, 'PLAN.md'));
    const byTitle = new Map(tasks.list().map(t => [t.title, t]));
    assert.deepStrictEqual(
      tasks.phases().map(p => p.title),
      ['Backend', 'Frontend'],
    );
    assert.strictEqual(byTitle.get('Create the users table')?.status, 'done');
    const endpoint = byTitle.get('Add the login endpoint')!;
    assert.strictEqual(endpoint.priority, 'high');
    assert.deepStrictEqual(endpoint.dependsOn, [byTitle.get('Create the users table')!.id]);
    assert.deepStrictEqual(endpoint.action, { kind: 'shell', command: 'npm test' });
    const page = byTitle.get('Create login page')!;
    assert.deepStrictEqual(page.dependsOn, [endpoint.id]);
    assert.strictEqual(byTitle.get('Form')?.parentId, page.id);
    assert.deepStrictEqual(
      tasks.readyTasks().map(t => t.title),
      ['Add the login endpoint', 'Form', 'Error messages'],
    );
  });

  it('changes nothing when the same plan is imported again', async () => {
    const { tasks } = await makeWorld();
    await tasks.importPlan(parsePlan(plan, 'PLAN.md'));
    const before = JSON.stringify(tasks.list().map(t => ({ ...t, updatedAt: 0 })));
    const preview = tasks.previewImport(parsePlan(plan, 'PLAN.md'));
    assert.strictEqual(summarisePreview(preview), '0 new, 0 updated, 5 unchanged');
    await tasks.importPlan(parsePlan(plan, 'PLAN.md'));
    assert.strictEqual(JSON.stringify(tasks.list().map(t => ({ ...t, updatedAt: 0 }))), before);
    assert.strictEqual(tasks.phases().length, 2);
  });

  it('updates a changed item in place and adds new items', async () => {
    const { tasks } = await makeWorld();
    await tasks.importPlan(parsePlan(plan, 'PLAN.md'));
    const id = tasks.list().find(t => t.title === 'Add the login endpoint')!.id;
    const edited = plan
      .replace('1.2 Add the login endpoint', '1.2 Add the login and logout endpoints')
      .replace('- [ ] Error messages', '- [ ] Error messages\n  - [ ] Remember me');
    const preview = tasks.previewImport(parsePlan(edited, 'PLAN.md'));
    assert.deepStrictEqual(
      preview.update.map(u => u.changes),
      [['title']],
    );
    assert.deepStrictEqual(
      preview.create.map(c => c.title),
      ['Remember me'],
    );
    await tasks.importPlan(parsePlan(edited, 'PLAN.md'));
    assert.strictEqual(tasks.get(id)?.title, 'Add the login and logout endpoints');
    assert.strictEqual(tasks.list().length, 6);
  });

  it('never resets the status of work in progress on re-import', async () => {
    const { tasks } = await makeWorld();
    await tasks.importPlan(parsePlan(plan, 'PLAN.md'));
    const endpoint = tasks.list().find(t => t.title === 'Add the login endpoint')!;
    await tasks.setStatus(endpoint.id, 'running');
    await tasks.importPlan(parsePlan(plan, 'PLAN.md'));
    assert.strictEqual(tasks.get(endpoint.id)?.status, 'running');
  });

  it('imports only the items kept in the preview', async () => {
    const { tasks } = await makeWorld();
    const parsed = parsePlan(plan, 'PLAN.md');
    const keep = new Set(parsed.tasks.filter(t => t.title.startsWith('Create')).map(t => t.key));
    await tasks.importPlan(parsed, { only: keep });
    assert.deepStrictEqual(
      tasks.list().map(t => t.title),
      ['Create the users table', 'Create login page'],
    );
  });

  it('lists the commands a plan would run, for confirmation', async () => {
    const { tasks } = await makeWorld();
    assert.deepStrictEqual(tasks.previewImport(parsePlan(plan, 'PLAN.md')).commands, ['npm test']);
  });

  it('refuses a plan whose dependencies form a cycle, naming it, and imports nothing', async () => {
    const { tasks } = await makeWorld();
    const cyclic = '## 1 Work\n- [ ] 1.1 Alpha\n  Depends on: 1.2\n- [ ] 1.2 Beta\n  Depends on: 1.1\n';
    await assert.rejects(
      tasks.importPlan(parsePlan(cyclic, 'c.md')),
      /cycle: '1\.2 Beta' → '1\.1 Alpha' → '1\.2 Beta'|cycle: '1\.1 Alpha' → '1\.2 Beta' → '1\.1 Alpha'/,
    );
    assert.strictEqual(tasks.list().length, 0);
  });

  const nested = `# Resilience

### Phase 1: Basics (Priority: CRITICAL)
#### 1.1 Database Connection
**Status:** ✅ Complete
**Tasks:**
- [x] Create pool
**Dependencies:** None

### Phase 2: Health Monitoring (Priority: HIGH)
#### 2.1 Health Check System
**Estimated Time:** 1.5 hours
**Tasks:**
- [ ] Implement connection health checks
- [ ] Add a health endpoint
**Dependencies:** Phase 1.1
**Testing:**
- Test connection failure detection

#### 2.2 Retry Logic
**Priority:** LOW
- [ ] Exponential backoff
  Depends on: Phase 2.1

## Implementation Order
1. Phase 1.1 (Database Connection)
2. Phase 2.1 Health Check System
`;

  it('stores nested phases with their parents, priorities, estimates, status and testing notes', async () => {
    const { tasks } = await makeWorld();
    await tasks.importPlan(parsePlan(nested, 'PLAN.md'));
    const phases = tasks.phases();
    const byNumber = new Map(phases.map(p => [p.number, p]));
    assert.deepStrictEqual(
      phases.map(p => [p.number, p.title, p.parentId && phases.find(x => x.id === p.parentId)?.number]),
      [
        ['1', 'Basics', undefined],
        ['1.1', 'Database Connection', '1'],
        ['2', 'Health Monitoring', undefined],
        ['2.1', 'Health Check System', '2'],
        ['2.2', 'Retry Logic', '2'],
      ],
    );
    assert.strictEqual(byNumber.get('2.1')?.priority, 'high');
    assert.strictEqual(byNumber.get('2.1')?.estimate, '1.5 hours');
    assert.deepStrictEqual(byNumber.get('2.1')?.notes, ['Test connection failure detection']);
    assert.deepStrictEqual(byNumber.get('2.1')?.dependsOnKeys, ['PLAN.md#p1.1']);
    assert.strictEqual(byNumber.get('1.1')?.status, 'done');
    const byTitle = new Map(tasks.list().map(t => [t.title, t]));
    assert.strictEqual(byTitle.get('Implement connection health checks')?.priority, 'high');
    assert.strictEqual(byTitle.get('Exponential backoff')?.priority, 'low');
    assert.strictEqual(byTitle.get('Create pool')?.status, 'done');
    assert.strictEqual(tasks.list().length, 4, 'the implementation order created nothing');
  });

  it('turns a dependency on a phase into one on each of its tasks', async () => {
    const { tasks } = await makeWorld();
    await tasks.importPlan(parsePlan(nested, 'PLAN.md'));
    const byTitle = new Map(tasks.list().map(t => [t.title, t]));
    const id = (title: string) => byTitle.get(title)!.id;
    assert.deepStrictEqual(byTitle.get('Implement connection health checks')?.dependsOn, [id('Create pool')]);
    assert.deepStrictEqual(
      [...byTitle.get('Exponential backoff')!.dependsOn].sort(),
      [id('Implement connection health checks'), id('Add a health endpoint')].sort(),
    );
    assert.deepStrictEqual(
      tasks.readyTasks().map(t => t.title),
      ['Implement connection health checks', 'Add a health endpoint'],
    );
  });

  it('duplicates nothing when a nested plan is imported again', async () => {
    const { tasks } = await makeWorld();
    await tasks.importPlan(parsePlan(nested, 'PLAN.md'));
    const before = JSON.stringify({ t: tasks.list().map(t => ({ ...t, updatedAt: 0 })), p: tasks.phases() });
    assert.strictEqual(
      summarisePreview(tasks.previewImport(parsePlan(nested, 'PLAN.md'))),
      '0 new, 0 updated, 4 unchanged',
    );
    await tasks.importPlan(parsePlan(nested, 'PLAN.md'));
    assert.strictEqual(
      JSON.stringify({ t: tasks.list().map(t => ({ ...t, updatedAt: 0 })), p: tasks.phases() }),
      before,
    );
  });

  it('writes in slices that each leave every stored task with all of its dependencies', async () => {
    const { tasks } = await makeWorld();
    const plan = parsePlan(
      [
        '## Phase 1: A',
        '- [ ] 1.1 a',
        '  Depends on: 1.3',
        '- [ ] 1.2 b',
        '  Depends on: 1.1',
        '- [ ] 1.3 c',
        '## Phase 2: B',
        'Depends on: Phase 1',
        '- [ ] 2.1 d',
        '  - [ ] e',
        '- [ ] 2.2 f',
        '  Depends on: 2.1, 1.2',
      ].join('\n'),
      'P.md',
    );
    const expected = new Map<string, number>([
      ['a', 1],
      ['b', 1],
      ['c', 0],
      ['d', 3],
      ['e', 3],
      ['f', 4],
    ]);
    let slices = 0;
    await tasks.importPlan(plan, {
      sliceMs: 0,
      pause: async () => {
        slices++;
        for (const t of tasks.list() as Task[])
          assert.strictEqual(t.dependsOn.length, expected.get(t.title), `${t.title} after slice ${slices}`);
      },
    });
    assert.ok(slices >= 7, `${slices} slices`);
    assert.strictEqual(tasks.list().length, 6);
  });

  it('refuses an import whose new dependency would close a cycle through dependencies already stored', async () => {
    const { tasks } = await makeWorld();
    await tasks.importPlan(parsePlan('- [ ] 1.1 a\n- [ ] 1.2 b\n  Depends on: 1.1\n', 'P.md'));
    await assert.rejects(
      tasks.importPlan(parsePlan('- [ ] 1.1 a\n  Depends on: 1.2\n- [ ] 1.2 b\n', 'P.md')),
      /cycle with tasks already there: '1\.1 a' → '1\.2 b' → '1\.1 a'|cycle with tasks already there: '1\.2 b' → '1\.1 a' → '1\.2 b'/,
    );
    assert.deepStrictEqual(tasks.list().find(t => t.title === 'a')?.dependsOn, []);
  });

  it('refuses a slice when someone else added a dependency during the import that the import would close into a cycle', async () => {
    const { tasks } = await makeWorld();
    await tasks.importPlan(parsePlan('- [ ] 1.1 a\n- [ ] 1.2 b\n', 'P.md'));
    const [a, b] = tasks.list();
    let added = false;
    await assert.rejects(
      tasks.importPlan(parsePlan('- [ ] 1.1 a\n- [ ] 1.2 b\n  Depends on: 1.1\n', 'P.md'), {
        sliceMs: 0,
        pause: async () => {
          if (!added && tasks.list().length === 2) {
            added = true;
            await tasks.addDependency(a.id, b.id); // a waits for b: fine until the import adds b → a
          }
        },
      }),
      /cycle/,
    );
    assert.deepStrictEqual(tasks.get(b.id)?.dependsOn, []);
  });
});

describe('plan import order', () => {
  it('numbers tasks in plan order even though it writes them in dependency order', async () => {
    const { tasks } = await makeWorld();
    const text = [
      '## Phase 2: Store and output',
      '- [ ] 2.1 In-memory store',
      '  Dependencies: 2.2',
      '- [ ] 2.2 Text formatting',
      '- [x] 2.3 README for the library',
    ].join('\n');
    await tasks.importPlan(parsePlan(text, 'PLAN.md'));
    assert.deepStrictEqual(
      tasks.list().map(t => t.title),
      ['In-memory store', 'Text formatting', 'README for the library'],
    );
  });
});
