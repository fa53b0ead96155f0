import * as assert from 'assert';
import { parsePlan } from '../../../src/core/tasks/plan';
import { summarisePreview } from '../../../src/core/tasks/planImport';
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
    assert.deepStrictEqual(tasks.phases().map(p => p.title), ['Backend', 'Frontend']);
    assert.strictEqual(byTitle.get('Create the users table')?.status, 'done');
    const endpoint = byTitle.get('Add the login endpoint')!;
    assert.strictEqual(endpoint.priority, 'high');
    assert.deepStrictEqual(endpoint.dependsOn, [byTitle.get('Create the users table')!.id]);
    assert.deepStrictEqual(endpoint.action, { kind: 'shell', command: 'npm test' });
    const page = byTitle.get('Create login page')!;
    assert.deepStrictEqual(page.dependsOn, [endpoint.id]);
    assert.strictEqual(byTitle.get('Form')?.parentId, page.id);
    assert.deepStrictEqual(tasks.readyTasks().map(t => t.title), ['Add the login endpoint', 'Form', 'Error messages']);
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
    const edited = plan.replace('1.2 Add the login endpoint', '1.2 Add the login and logout endpoints').replace('- [ ] Error messages', '- [ ] Error messages\n  - [ ] Remember me');
    const preview = tasks.previewImport(parsePlan(edited, 'PLAN.md'));
    assert.deepStrictEqual(preview.update.map(u => u.changes), [['title']]);
    assert.deepStrictEqual(preview.create.map(c => c.title), ['Remember me']);
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
    assert.deepStrictEqual(tasks.list().map(t => t.title), ['Create the users table', 'Create login page']);
  });

  it('lists the commands a plan would run, for confirmation', async () => {
    const { tasks } = await makeWorld();
    assert.deepStrictEqual(tasks.previewImport(parsePlan(plan, 'PLAN.md')).commands, ['npm test']);
  });

  it('refuses a plan whose dependencies form a cycle, naming it, and imports nothing', async () => {
    const { tasks } = await makeWorld();
    const cyclic = '## 1 Work\n- [ ] 1.1 Alpha\n  Depends on: 1.2\n- [ ] 1.2 Beta\n  Depends on: 1.1\n';
    await assert.rejects(tasks.importPlan(parsePlan(cyclic, 'c.md')), /cycle: 'Beta' → 'Alpha' → 'Beta'|cycle: 'Alpha' → 'Beta' → 'Alpha'/);
    assert.strictEqual(tasks.list().length, 0);
  });
});
