// What the agent tools share: the trust check for writes, a task as an agent reads it, errors in
// the tools' words, and the lease length. Pure except where it reads the core it is given.
import { ContextError } from '../context/model';
import { GraphError } from '../graph/model';
import { SessionError } from '../sessions/model';
import { readSetting, type SettingsSource } from '../settings';
import { ClaimHeldError, type ClaimingAgent } from '../tasks/taskManager';
import type { Task } from '../tasks/model';
import { ReadOnlyStoreError, StoreError } from '../store/types';
import { AgentToolError, type ToolContext } from './tool';

/** How long a claimed task stays an agent's without a sign of life (its calls renew it), unless the host says otherwise. */
export const defaultLeaseMs = 10 * 60_000;

/** The lease length the person set (continuum.agents.leaseMinutes), for a host building a ToolContext. */
export function leaseMsFromSettings(settings: SettingsSource): number {
  return readSetting(settings, 'agents.leaseMinutes') * 60_000;
}

export function leaseMsOf(ctx: ToolContext): number {
  return ctx.leaseMs ?? defaultLeaseMs;
}

export function claimingAgent(ctx: ToolContext): ClaimingAgent {
  return { id: ctx.agent.id, name: ctx.agent.name };
}

/** Refuses a change in an untrusted workspace (reading stays allowed). */
export function requireTrusted(ctx: ToolContext, doing: string): void {
  if (!ctx.trusted) {
    throw new AgentToolError(
      `Cannot ${doing}: this workspace is not trusted, so Continuum's agent tools only read here. Ask the person to trust the workspace (VS Code: Manage Workspace Trust), then call again.`,
    );
  }
  if (ctx.core.store.readOnly) {
    throw new AgentToolError(
      `Cannot ${doing}: Continuum's store is read-only in this process (${ctx.core.store.health().readOnlyReason ?? 'another process holds it'}). Call again through the process that holds the store.`,
    );
  }
}

/** Errors the core raises for a person to act on, which become the tool's error; anything else is a defect and passes through. */
export function asToolError(err: unknown): unknown {
  if (err instanceof AgentToolError) return err;
  const domain =
    err instanceof ClaimHeldError ||
    err instanceof SessionError ||
    err instanceof ContextError ||
    err instanceof GraphError ||
    err instanceof StoreError ||
    err instanceof ReadOnlyStoreError ||
    // the task manager says what was wrong in a plain Error ("Task 'x' is done and cannot become running …")
    (err instanceof Error && err.constructor === Error);
  return domain ? new AgentToolError((err as Error).message, { cause: err }) : err;
}

/** The task, or an error saying there is none and what to do. */
export function requireTask(ctx: ToolContext, id: string): Task {
  const task = ctx.core.tasks.get(id);
  if (!task)
    throw new AgentToolError(
      `There is no task with the id '${id}'. Call continuum_briefing (or continuum_list_tasks) for the current tasks' ids.`,
    );
  return task;
}

/** What kind of work a task is: 'todo' (no action) or its action's kind. */
export function workKindOf(task: Task): string {
  return task.action?.kind ?? 'todo';
}

/** One task in a list, as an agent reads it. */
export interface TaskLine {
  id: string;
  title: string;
  status: string;
  priority: string;
  progress: number;
  kind: string;
  number?: string;
}

export function taskLine(t: Task): TaskLine {
  return {
    id: t.id,
    title: t.title,
    status: t.status,
    priority: t.priority,
    progress: t.progress,
    kind: workKindOf(t),
    ...(t.number ? { number: t.number } : {}),
  };
}

/** At most `max` characters, on one line when `oneLine`; a cut is marked with "…". */
export function clip(text: string, max: number, oneLine = false): string {
  const s = oneLine ? text.replace(/\s+/g, ' ').trim() : text;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
