// What an agent can do with Continuum, as one list of tools: the MCP server (`continuum mcp`), VS
// Code's language-model tools and the @continuum chat participant all serve this same list, and a
// process that does not hold the store forwards a call (tool name, agent, input) to the one that
// does, which runs it on its core. Nothing here may import `vscode` or Node's `net`.
import type { z } from 'zod/v4';
import type { Continuum } from '../continuum';

/** Who is calling: shown in the task tree, the event log and the timeline ("claimed by Claude Code"). */
export interface AgentIdentity {
  /** Stable for one agent conversation: the client's name plus its MCP session (or chat) id. */
  id: string;
  /** What a person reads: the MCP `clientInfo.name` ("Claude Code"), or "Copilot" in VS Code chat. */
  name: string;
  /** The client's version, when it says (`clientInfo.version`). */
  version?: string;
}

/** What the host that holds the store lends a tool while it runs. */
export interface ToolContext {
  core: Continuum;
  agent: AgentIdentity;
  /** Whether the workspace is trusted: in an untrusted one, tools that write refuse. */
  trusted: boolean;
  /** Runs a task's verify command under the executor's rules; absent where no executor runs (then "done" cannot verify and says so). */
  verify?: VerifyPort;
  signal?: AbortSignal;
  /** How long a claimed task stays the agent's without a call from it (continuum.agents.leaseMinutes); default 10 minutes. */
  leaseMs?: number;
}

export interface VerifyPort {
  /** Runs the task's verify command; resolves with whether it passed and its output (trimmed to a readable tail). */
  run(taskId: string, signal?: AbortSignal): Promise<{ passed: boolean; output: string }>;
}

/** A tool's answer: data for programs (MCP `structuredContent`) and one short text for people and models. */
export interface ToolResult<O = unknown> {
  structured: O;
  summary: string;
}

/**
 * A call that cannot be done as asked. Its message says what was wrong and what to do next; the
 * MCP server turns it into an `isError` result, VS Code into the tool's error text.
 */
export class AgentToolError extends Error {
  override readonly name = 'AgentToolError';
}

export interface AgentTool<I extends z.ZodType = z.ZodType, O = unknown> {
  /** snake_case, prefixed `continuum_` (MCP clients show it beside other servers' tools). */
  name: string;
  /** A short human title. */
  title: string;
  /** What it does and when to call it, for the model (keep the lean set's total small: it is in every prompt). */
  description: string;
  /** An object schema, every string and array with a size limit. */
  input: I;
  /** True when the tool only reads (MCP `readOnlyHint`; VS Code asks no confirmation). */
  readOnly: boolean;
  /**
   * For a tool that can write: whether this input only reads (context's read, a known error's
   * lookup …). A process that keeps a read replica answers such a call there, without the holder.
   */
  readsOnly?(input: z.infer<I>): boolean;
  /** True when it can remove or overwrite something a person made (MCP `destructiveHint`). */
  destructive: boolean;
  /** In the default (lean) set; the rest are offered only when the full set is asked for. */
  lean: boolean;
  run(ctx: ToolContext, input: z.infer<I>): Promise<ToolResult<O>>;
}
