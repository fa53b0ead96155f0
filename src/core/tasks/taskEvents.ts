// A task's event log (task_events): what changed, when, and by whom. TaskManager records its own
// changes; the executor (retries, circuit changes, steps asked about) and a checkpoint restore record
// theirs through this, inside the write that makes the change.
import type { Actor, StoreReader, StoreWriter } from '../store/types';

export interface TaskEventRecord {
  taskId: string;
  at: number;
  actor: Actor;
  kind: string;
  detail: Record<string, unknown>;
  /** The agent that made the change, by name, when an agent did. */
  agent?: string;
}

/** Adds an entry to a task's event log, inside the caller's write. */
export function recordTaskEventIn(w: StoreWriter, e: TaskEventRecord): void {
  w.run('INSERT INTO task_events (task_id, at, actor, kind, detail, agent) VALUES (?, ?, ?, ?, ?, ?)', [
    e.taskId,
    e.at,
    e.actor,
    e.kind,
    JSON.stringify(e.detail),
    e.agent ?? null,
  ]);
}

/** The latest events of one kind across tasks, newest first (the lm runs' usage, for reports and the confidence gate). */
export function latestEventsOfKind(
  r: StoreReader,
  kind: string,
  limit: number,
): Array<{ taskId: string; at: number; detail: Record<string, unknown> }> {
  return r
    .all<{ task_id: string; at: number; detail: string }>(
      'SELECT task_id, at, detail FROM task_events WHERE kind = ? ORDER BY id DESC LIMIT ?',
      [kind, limit],
    )
    .map(row => ({ taskId: row.task_id, at: row.at, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}

/**
 * The checkpoint taken before a task's next run (after `runsBefore` runs), if one was: a run killed
 * after its checkpoint and before the task was recorded running finds it on resume and takes no other.
 */
export function checkpointBeforeRun(r: StoreReader, taskId: string, runsBefore: number): string | undefined {
  return r.get<{ id: string }>(
    `SELECT json_extract(detail, '$.checkpointId') AS id FROM task_events
    WHERE task_id = ? AND kind = 'checkpoint-before' AND json_extract(detail, '$.runsBefore') = ? ORDER BY id DESC LIMIT 1`,
    [taskId, runsBefore],
  )?.id;
}
