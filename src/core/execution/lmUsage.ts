// Tokens and time of each run of an `lm` task. The tokens come from the run's recorded model answers
// (the step journal keeps each answer's usage, so a resumed run counts the turns an earlier process
// asked for too); the run's end writes them as a task event ('lm-usage') in the same write as the
// task's status, where the Tasks view's tooltip, the session summary and the Performance Report read them.
import type { StoreReader } from '../store/types';
import { latestEventsOfKind } from '../tasks/taskEvents';

export interface LmRunUsage {
  /** Input plus output tokens of the run's model requests. */
  tokens: number;
  /** Model requests answered. */
  turns: number;
  /** From the run's start (the task recorded running) to its end. */
  durationMs: number;
}

export interface LmTaskUsage extends LmRunUsage {
  taskId: string;
  title: string;
  /** When the run ended. */
  at: number;
  outcome: string;
}

/** Tokens and turns of one run of a task, from the model answers its step journal recorded. */
export function tokensOfRun(r: StoreReader, taskId: string, attempt: number): { tokens: number; turns: number } {
  const row = r.get<{ tokens: number | null; turns: number }>(
    `SELECT sum(coalesce(json_extract(result, '$.usage.inputTokens'), 0) + coalesce(json_extract(result, '$.usage.outputTokens'), 0)) AS tokens,
      count(*) AS turns
    FROM execution_steps WHERE task_id = ? AND attempt = ? AND status = 'succeeded' AND step GLOB 'model [0-9]*'`,
    [taskId, attempt],
  );
  return { tokens: row?.tokens ?? 0, turns: row?.turns ?? 0 };
}

/** A run's usage from its 'lm-usage' event; undefined when the detail is not one. Pure. */
export function usageOfEvent(detail: Record<string, unknown>): LmRunUsage & { outcome?: string } {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    tokens: n(detail.tokens),
    turns: n(detail.turns),
    durationMs: n(detail.durationMs),
    ...(typeof detail.outcome === 'string' ? { outcome: detail.outcome } : {}),
  };
}

/** The latest runs of lm tasks, newest first, for the Performance Report. */
export function recentLmRuns(
  r: StoreReader,
  titleOf: (taskId: string) => string | undefined,
  limit = 20,
): LmTaskUsage[] {
  return latestEventsOfKind(r, 'lm-usage', limit).map(e => {
    const usage = usageOfEvent(e.detail);
    return {
      taskId: e.taskId,
      title: titleOf(e.taskId) ?? '(deleted task)',
      at: e.at,
      ...usage,
      outcome: usage.outcome ?? '',
    };
  });
}

/** "850 tokens", "12.3k tokens", "1.2M tokens". Pure. */
export function formatTokens(n: number): string {
  if (n < 1000) return `${Math.round(n)} tokens`;
  if (n < 999_950) return `${(n / 1000).toFixed(1)}k tokens`;
  return `${(n / 1_000_000).toFixed(1)}M tokens`;
}

/**
 * The tooltip's line for an lm task, from its event log (newest first): "Last run: 12.3k tokens in 4
 * turns, 2 min 3 s (done)"; undefined before its first run ended. Pure.
 */
export function describeLastLmRun(
  events: ReadonlyArray<{ kind: string; detail: Record<string, unknown> }>,
  formatDuration: (ms: number) => string,
): string | undefined {
  const latest = events.find(e => e.kind === 'lm-usage');
  if (!latest) return undefined;
  const u = usageOfEvent(latest.detail);
  return `Last run: ${formatTokens(u.tokens)} in ${u.turns} turn${u.turns === 1 ? '' : 's'}, ${formatDuration(u.durationMs)}${u.outcome ? ` (${u.outcome})` : ''}`;
}
