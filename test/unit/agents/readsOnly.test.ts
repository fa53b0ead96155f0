// Which calls a read replica may answer (callOnlyReads): a process that is a client of the store's
// holder runs these on its replica, and sends the others to the holder.
import * as assert from 'assert';
import { callOnlyReads } from '../../../src/core/agents/index';
import { makeAgentWorld, type AgentWorld } from './world';

describe('which agent calls only read', () => {
  let w: AgentWorld;
  beforeEach(async () => {
    w = await makeAgentWorld();
  });
  afterEach(() => w.close());

  it('answers yes for the read-only tools and for the reading actions of tools that can write', () => {
    const agent = w.as('Claude Code');
    for (const [tool, input] of [
      ['continuum_briefing', {}],
      ['continuum_list_tasks', {}],
      ['continuum_get_task', { taskId: 'x' }],
      ['continuum_graph', { target: 'src/a.ts' }],
      ['continuum_context', {}],
      ['continuum_context', { action: 'read' }],
      ['continuum_known_errors', { error: 'TypeError: x is undefined' }],
      ['continuum_checkpoint', { action: 'list' }],
      ['continuum_add_tasks', { tasks: [{ title: 'a' }], dryRun: true }],
    ] as const)
      assert.strictEqual(callOnlyReads(agent, tool, input), true, `${tool} ${JSON.stringify(input)}`);
  });

  it('answers no for calls that write, and for a tool it does not know', () => {
    const agent = w.as('Claude Code');
    for (const [tool, input] of [
      ['continuum_next_task', {}],
      ['continuum_update_task', { taskId: 'x', progress: 10 }],
      ['continuum_add_tasks', { tasks: [{ title: 'a' }] }],
      ['continuum_checkpoint', {}],
      ['continuum_context', { action: 'add', title: 't', body: 'b' }],
      ['continuum_known_errors', { action: 'record', error: 'e', fixCommand: 'npm i', worked: true }],
      ['continuum_no_such_tool', {}],
    ] as const)
      assert.strictEqual(callOnlyReads(agent, tool, input), false, `${tool} ${JSON.stringify(input)}`);
  });

  it("sends a read to the holder once the agent's lease is half used, so the call renews it there", async () => {
    await w.core.tasks.createMany([{ title: 'Long job' }]);
    const agent = w.as('Claude Code');
    await w.call(agent, 'continuum_next_task');
    assert.strictEqual(callOnlyReads(agent, 'continuum_briefing', {}), true, 'a fresh lease needs nothing');
    w.clock.advance(6 * 60_000);
    assert.strictEqual(callOnlyReads(agent, 'continuum_briefing', {}), false, 'a lease past half its time');
    assert.strictEqual(callOnlyReads(w.as('Cursor'), 'continuum_briefing', {}), true, 'another agent holds nothing');
    await w.call(agent, 'continuum_briefing'); // renews it
    assert.strictEqual(callOnlyReads(agent, 'continuum_briefing', {}), true);
  });
});
