// A task's event log (task_events): what changed, when, and by whom. TaskManager records its own
// changes; the executor (retries, circuit changes, steps asked about) and a checkpoint restore record
// theirs through this, inside the write that makes the change.
import type { Actor, StoreWriter } from '../store/types';

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
