// The agent tools, as one list every host serves (the MCP server, VS Code's language-model tools,
// the @continuum chat participant), and the one way to call them: input checked against the
// tool's schema, the caller's leases renewed, the core's errors turned into the tool's error.
import type { z } from 'zod/v4';
import { addTasksTool } from './addTasks';
import { briefingTool } from './briefing';
import { checkpointTool } from './checkpoint';
import { contextTool } from './context';
import { graphTool } from './graph';
import { knownErrorsTool } from './knownErrors';
import { nextTaskTool } from './nextTask';
import { getTaskTool, listTasksTool } from './taskTools';
import { updateTaskTool } from './updateTask';
import { asToolError, leaseMsOf } from './common';
import { AgentToolError, type AgentTool, type ToolContext, type ToolResult } from './tool';

export { briefingMarkdown, briefingOf, type Briefing, type BriefingDetail } from './briefing';
export {
  AgentToolError,
  type AgentIdentity,
  type AgentTool,
  type ToolContext,
  type ToolResult,
  type VerifyPort,
} from './tool';
export { defaultLeaseMs, leaseMsFromSettings, type TaskLine } from './common';
export type { AddTasksAnswer } from './addTasks';
export type { CheckpointAnswer } from './checkpoint';
export type { ContextAnswer } from './context';
export type { GraphAnswer } from './graph';
export type { KnownErrorsAnswer } from './knownErrors';
export type { NextTaskAnswer } from './nextTask';
export type { TaskWork } from './taskWork';
export type { UpdateAnswer } from './updateTask';

/** Every tool, lean ones first. Names are stable: hosts and agents' configurations refer to them. */
export const agentTools: readonly AgentTool[] = [
  briefingTool,
  nextTaskTool,
  updateTaskTool,
  addTasksTool,
  checkpointTool,
  contextTool,
  knownErrorsTool,
  graphTool,
  listTasksTool,
  getTaskTool,
] as readonly AgentTool[];

/** The default set: what every prompt carries (at most 10 tools; their tools/list stays under 3,000 tokens). */
export const leanAgentTools: readonly AgentTool[] = agentTools.filter(t => t.lean);

export function findAgentTool(name: string): AgentTool | undefined {
  return agentTools.find(t => t.name === name);
}

/**
 * Runs the tool `name` for `ctx.agent` with `rawInput` (anything: it is checked here). Resolves with
 * its result, or rejects with an AgentToolError whose message names the field or the problem and
 * says what to do; an error that is not the caller's to fix (a defect) rejects as it is.
 */
export async function callAgentTool(ctx: ToolContext, name: string, rawInput: unknown): Promise<ToolResult> {
  const tool = findAgentTool(name);
  if (!tool)
    throw new AgentToolError(
      `There is no Continuum tool '${String(name).slice(0, 100)}'. The tools are: ${agentTools.map(t => t.name).join(', ')}.`,
    );
  const parsed = tool.input.safeParse(rawInput ?? {});
  if (!parsed.success)
    throw new AgentToolError(
      `${tool.name} was called with input it cannot use: ${describeIssues(parsed.error)}. Fix that and call again.`,
    );
  try {
    await renewLeases(ctx);
    return await tool.run(ctx, parsed.data);
  } catch (err) {
    throw asToolError(err);
  }
}

/**
 * Whether this call only reads the store, so a read replica can answer it as the holder would: a
 * read-only tool, or a reading input of one that can write (and input the tool refuses, which the
 * replica refuses alike) — but not while the agent holds a lease due for renewal, which its call
 * renews on the holder.
 */
export function callOnlyReads(ctx: ToolContext, name: string, rawInput: unknown): boolean {
  const tool = findAgentTool(name);
  if (!tool) return false;
  const parsed = tool.input.safeParse(rawInput ?? {});
  if (!parsed.success) return true;
  if (!tool.readOnly && !tool.readsOnly?.(parsed.data)) return false;
  return !leasesDue(ctx);
}

/** Whether the agent's call renews leases: once they are half used, so most calls only read. */
function leasesDue(ctx: ToolContext): boolean {
  return ctx.trusted && ctx.core.tasks.hasClaimsEndingBefore(ctx.agent.id, ctx.core.clock.now() + leaseMsOf(ctx) / 2);
}

/** Every call from an agent is a sign of life: its leases move on. */
async function renewLeases(ctx: ToolContext): Promise<void> {
  if (ctx.core.store.readOnly || !leasesDue(ctx)) return;
  const leaseMs = leaseMsOf(ctx);
  const now = ctx.core.clock.now();
  await ctx.core.tasks.renewClaims(ctx.agent.id, now + leaseMs, now + leaseMs / 2);
}

function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 5).map(issue => {
    const field = issue.path.length ? issue.path.map(String).join('.') : undefined;
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.map(k => `'${k.slice(0, 50)}'`).join(', ')}: leave them out`
        : issue.message;
    return field ? `field '${field}': ${message}` : message;
  });
  return shown.join('; ') + (error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '');
}
