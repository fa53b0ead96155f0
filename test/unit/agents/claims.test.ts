// continuum_next_task: claims with a lease, two agents never get the same task, ended leases free
// the task (issue 16, tool 2).
import * as assert from 'assert';
import { callAgentTool } from '../../../src/core/agents/index';
import type { NextTaskAnswer } from '../../../src/core/agents/nextTask';
import { makeAgentWorld, type AgentWorld } from './world';

describe('claiming the next task', () => {
  let w: AgentWorld;
  beforeEach(async () => {
    w = await makeAgentWorld();
  });
  afterEach(() => w.close());

  it('gives 20 agents asking at the same instant 5 distinct tasks, and the other 15 "nothing ready"', async () => {
    await w.core.tasks.createMany(Array.from({ length: 5 }, (_, i) => ({ title: `Task ${i + 1}` })));
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => w.call<NextTaskAnswer>(w.as(`Agent ${i}`), 'continuum_next_task')),
    );
    const claimed = answers.map(a => a.structured.task?.id).filter((id): id is string => id !== undefined);
    assert.strictEqual(claimed.length, 5);
    assert.strictEqual(new Set(claimed).size, 5, `a task was claimed twice: ${claimed.join(', ')}`);
    assert.strictEqual(answers.filter(a => /Nothing ready to claim/.test(a.structured.message)).length, 15);
    for (const t of w.core.tasks.list()) assert.strictEqual(t.status, 'running');
  });

  it('takes tasks in the ready order, names the agent in the task log, and returns what the task needs', async () => {
    const [db, login] = await w.core.tasks.createMany([
      { title: 'Set up the database in src/db.ts', priority: 'low' },
      {
        title: 'Write the login page',
        priority: 'high',
        description: 'Touches src/login.ts and README.md.',
        action: { kind: 'manual', verify: 'npm test' },
      },
    ]);
    await w.core.tasks.update(login.id, { result: 'irrelevant' });
    const claude = w.as('Claude Code');
    const first = await w.call<NextTaskAnswer>(claude, 'continuum_next_task');
    assert.strictEqual(first.structured.task?.id, login.id, 'high priority first');
    assert.strictEqual(first.structured.task?.verify, 'npm test');
    assert.deepStrictEqual(first.structured.task?.files, ['src/login.ts', 'README.md']);
    assert.match(JSON.stringify(first.structured.task?.affected), /No knowledge graph is built/);
    assert.strictEqual(first.structured.leaseUntil, w.clock.now() + 10 * 60_000);
    const claimed = w.core.tasks.events(login.id).find(e => e.kind === 'claimed');
    assert.strictEqual(claimed?.agent, 'Claude Code');
    assert.strictEqual(w.core.tasks.claimOf(login.id)?.agentName, 'Claude Code');
    const second = await w.call<NextTaskAnswer>(claude, 'continuum_next_task');
    assert.strictEqual(second.structured.task?.id, db.id);
  });

  it('hands a task the results and notes of the tasks it depends on', async () => {
    const [schema, api] = await w.core.tasks.createMany([{ title: 'Schema' }, { title: 'API' }]);
    await w.core.tasks.addDependency(api.id, schema.id);
    const a = w.as('Cline');
    await w.call(a, 'continuum_next_task');
    await w.call(a, 'continuum_update_task', { taskId: schema.id, note: 'tables users and sessions' });
    await w.call(a, 'continuum_update_task', { taskId: schema.id, status: 'done', result: 'migrations in db/001.sql' });
    const next = await w.call<NextTaskAnswer>(a, 'continuum_next_task');
    assert.strictEqual(next.structured.task?.id, api.id);
    assert.deepStrictEqual(
      next.structured.task?.dependencies.map(d => [d.title, d.result, d.notes]),
      [['Schema', 'migrations in db/001.sql', ['Cline: tables users and sessions']]],
    );
    assert.match(
      next.summary,
      /Dependencies:\n- Schema \(done\): migrations in db\/001\.sql\n {2}- note Cline: tables users and sessions/,
    );
  });

  it('takes only the kinds of work the agent says it can do: commands only when asked', async () => {
    const [build] = await w.core.tasks.createMany([{ title: 'Build', action: { kind: 'shell', command: 'make' } }]);
    const none = await w.call<NextTaskAnswer>(w.as('Gemini'), 'continuum_next_task');
    assert.strictEqual(none.structured.task, undefined);
    assert.match(none.structured.message, /Other ready tasks are of other kinds: pass kinds/);
    const shell = await w.call<NextTaskAnswer>(w.as('Gemini'), 'continuum_next_task', { kinds: ['shell'] });
    assert.strictEqual(shell.structured.task?.id, build.id);
    assert.strictEqual(shell.structured.task?.command, 'make');
  });

  it('frees a task whose lease ended (no call from its agent for the lease time), for another agent to claim', async () => {
    const [task] = await w.core.tasks.createMany([{ title: 'Long job' }]);
    const first = w.as('Claude Code');
    await w.call(first, 'continuum_next_task');
    w.clock.advance(9 * 60_000);
    assert.strictEqual(
      (await w.call<NextTaskAnswer>(w.as('Cursor'), 'continuum_next_task')).structured.task,
      undefined,
      'still held',
    );
    w.clock.advance(2 * 60_000);
    assert.strictEqual(w.core.tasks.claimOf(task.id), undefined, 'reads see the lease has ended');
    assert.deepStrictEqual(
      w.core.tasks.expiredClaims().map(t => t.id),
      [task.id],
    );
    const second = await w.call<NextTaskAnswer>(w.as('Cursor'), 'continuum_next_task');
    assert.strictEqual(second.structured.task?.id, task.id);
    assert.strictEqual(w.core.tasks.claimOf(task.id)?.agentName, 'Cursor');
    assert.ok(w.core.tasks.events(task.id).some(e => e.kind === 'lease ended'));
  });

  it('frees a claim when a checkpoint restore puts the task back to pending', async () => {
    const [task] = await w.core.tasks.createMany([{ title: 'Undone by a restore' }]);
    const before = await w.core.sessions.createCheckpoint({ trigger: 'manual' });
    await w.call(w.as('Claude Code'), 'continuum_next_task');
    await w.core.sessions.restoreCheckpoint(before.id, 'user');
    assert.strictEqual(w.core.tasks.get(task.id)!.status, 'pending');
    assert.strictEqual(w.core.tasks.claimOf(task.id), undefined);
    const next = await w.call<NextTaskAnswer>(w.as('Cursor'), 'continuum_next_task');
    assert.strictEqual(next.structured.task?.id, task.id);
    assert.strictEqual(w.core.tasks.claimOf(task.id)?.agentName, 'Cursor');
  });

  it("renews an agent's leases when it calls any tool", async () => {
    const [task] = await w.core.tasks.createMany([{ title: 'Long job' }]);
    const agent = w.as('Claude Code');
    await w.call(agent, 'continuum_next_task');
    for (let i = 0; i < 5; i++) {
      w.clock.advance(6 * 60_000);
      await w.call(agent, 'continuum_briefing');
    }
    assert.strictEqual(w.core.tasks.claimOf(task.id)?.agentName, 'Claude Code', '30 minutes later, still held');
    assert.strictEqual(
      (await w.call<NextTaskAnswer>(w.as('Cursor'), 'continuum_next_task')).structured.task,
      undefined,
    );
  });

  it('uses the lease length the host gives', async () => {
    await w.core.tasks.createMany([{ title: 'Short' }]);
    const answer = await w.call<NextTaskAnswer>(w.as('Codex', { leaseMs: 60_000 }), 'continuum_next_task');
    assert.strictEqual(answer.structured.leaseUntil, w.clock.now() + 60_000);
  });

  it('refuses an unknown kind, naming the field', async () => {
    await assert.rejects(
      callAgentTool(w.as('Cline'), 'continuum_next_task', { kinds: ['python'] }),
      (err: Error) => err.name === 'AgentToolError' && /field 'kinds\.0'/.test(err.message),
    );
  });
});
