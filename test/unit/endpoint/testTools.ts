// A small list of agent tools for the endpoint's tests, built on the AgentTool interface, and a
// caller that validates input and runs a tool as src/core/agents' callAgentTool does.
import { z } from 'zod/v4';
import { AgentToolError, type AgentTool, type ToolContext, type ToolResult } from '../../../src/core/agents/tool';
import type { AgentToolCaller } from '../../../src/node/endpoint/holder';

const addTask: AgentTool = {
  name: 'test_add_task',
  title: 'Add a task',
  description: 'Adds one task.',
  readOnly: false,
  destructive: false,
  lean: true,
  input: z.object({ title: z.string().min(1).max(200) }),
  async run(ctx, input) {
    const { title } = input as { title: string };
    const task = await ctx.core.tasks.create({ title }, 'agent');
    return { structured: { id: task.id, by: ctx.agent.name }, summary: `added ${title}` };
  },
};

const countTasks: AgentTool = {
  name: 'test_count',
  title: 'Count tasks',
  description: 'How many tasks there are.',
  readOnly: true,
  destructive: false,
  lean: true,
  input: z.object({}),
  async run(ctx) {
    return {
      structured: { count: ctx.core.tasks.list().length, pid: process.pid, trusted: ctx.trusted },
      summary: 'counted',
    };
  },
};

const slow: AgentTool = {
  name: 'test_slow',
  title: 'Slow',
  description: 'Waits, then adds a task.',
  readOnly: false,
  destructive: false,
  lean: false,
  input: z.object({ ms: z.number().int().min(0).max(60_000), title: z.string().max(200) }),
  async run(ctx, input) {
    const { ms, title } = input as { ms: number; title: string };
    await new Promise(r => setTimeout(r, ms));
    const task = await ctx.core.tasks.create({ title }, 'agent');
    return { structured: { id: task.id }, summary: 'slowly added' };
  },
};

const briefing: AgentTool = {
  name: 'continuum_briefing',
  title: 'Briefing',
  description: 'Where the work stands.',
  readOnly: true,
  destructive: false,
  lean: true,
  input: z.object({ detail: z.enum(['concise', 'detailed']).default('concise') }),
  async run(ctx) {
    return { structured: { tasks: ctx.core.tasks.list().length }, summary: 'briefed' };
  },
};

export const testTools: readonly AgentTool[] = [addTask, countTasks, slow, briefing];

export const callTestTool: AgentToolCaller = async (
  ctx: ToolContext,
  name: string,
  raw: unknown,
): Promise<ToolResult> => {
  const tool = testTools.find(t => t.name === name);
  if (!tool) throw new AgentToolError(`There is no tool '${name}'.`);
  const parsed = tool.input.safeParse(raw);
  if (!parsed.success)
    throw new AgentToolError(
      `Invalid input: ${parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return tool.run(ctx, parsed.data);
};
