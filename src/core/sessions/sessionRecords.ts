// Small questions about sessions and checkpoints for modules that hold a store handle (the
// walkthrough's progress, the briefing, the guards' checkpoint gate). The SQL on the sessions and
// checkpoints tables lives in src/core/sessions.
import type { StoreReader } from '../store/types';
import type { CheckpointTrigger } from './model';

/** Whether any session exists (stops at the first). */
export function hasAnySession(r: StoreReader): boolean {
  return (r.get<{ n: number }>('SELECT COUNT(*) AS n FROM (SELECT 1 FROM sessions LIMIT 1)')?.n ?? 0) > 0;
}

/** Whether any checkpoint was made by `trigger` (stops at the first). */
export function hasCheckpointBy(r: StoreReader, trigger: CheckpointTrigger): boolean {
  return (
    (r.get<{ n: number }>('SELECT COUNT(*) AS n FROM (SELECT 1 FROM checkpoints WHERE trigger = ? LIMIT 1)', [trigger])
      ?.n ?? 0) > 0
  );
}

/** When the newest checkpoint was made; undefined when there is none. */
export function lastCheckpointAt(r: StoreReader): number | undefined {
  return r.get<{ at: number | null }>('SELECT MAX(created_at) AS at FROM checkpoints')?.at ?? undefined;
}

export interface CheckpointSummary {
  id: string;
  created_at: number;
  trigger: string;
  note: string;
  task_count: number;
  tasks_done: number;
}

/** The newest checkpoint, with how many tasks it saved and how many of them were done. */
export function latestCheckpoint(r: StoreReader): CheckpointSummary | undefined {
  return r.get<CheckpointSummary>(
    `SELECT id, created_at, trigger, note, coalesce(task_count, json_array_length(state, '$.tasks')) AS task_count,
      coalesce(tasks_done, 0) AS tasks_done FROM checkpoints ORDER BY created_at DESC, rowid DESC LIMIT 1`,
  );
}
