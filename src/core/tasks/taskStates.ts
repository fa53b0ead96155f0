// Every task's changing state (status, progress, attempts, result, error, start and end), as a
// checkpoint saves it and a restore writes it back. The session manager does both inside its own
// write, together with the checkpoint and the session (one durable write), so these take its handle.
import type { StoreReader, StoreWriter } from '../store/types';

/** A task's saved state as the store holds it. */
export interface TaskStateRow {
  id: string;
  status: string;
  progress: number;
  attempts: number;
  result: string | null;
  error: string | null;
  started_at: number | null;
  completed_at: number | null;
}

/** A task's state as a checkpoint keeps it. */
export interface TaskStateValues {
  id: string;
  status: string;
  progress: number;
  attempts: number;
  result: string | null;
  error: string | null;
  startedAt: number | null;
  completedAt: number | null;
}

/** Every task's state, in creation order. */
export function taskStatesInOrder(r: StoreReader): TaskStateRow[] {
  return r.all<TaskStateRow>(
    'SELECT id, status, progress, attempts, result, error, started_at, completed_at FROM tasks ORDER BY seq',
  );
}

/** The state of each task listed in task_state_changes that still exists (see src/core/sessions/savedStates.ts). */
export function statesOfChangedTasks(r: StoreReader): TaskStateRow[] {
  return r.all<TaskStateRow>(
    `SELECT t.id, t.status, t.progress, t.attempts, t.result, t.error, t.started_at, t.completed_at
     FROM task_state_changes c JOIN tasks t ON t.id = c.task_id ORDER BY t.seq`,
  );
}

/** Every task's state with its title (for saying what a restore changes). */
export function taskStatesWithTitles(r: StoreReader): Array<TaskStateRow & { title: string }> {
  return r.all<TaskStateRow & { title: string }>(
    'SELECT id, title, status, progress, attempts, result, error, started_at, completed_at FROM tasks',
  );
}

const restoreSql =
  'UPDATE tasks SET status = ?, progress = ?, attempts = ?, result = ?, error = ?, started_at = ?, completed_at = ?, updated_at = ? WHERE id = ?';

/** Writes a task's saved state back, inside the caller's write (a checkpoint restore). */
export function restoreTaskStateIn(w: StoreWriter, to: TaskStateValues, updatedAt: number): void {
  w.run(restoreSql, [
    to.status,
    to.progress,
    to.attempts,
    to.result,
    to.error,
    to.startedAt,
    to.completedAt,
    updatedAt,
    to.id,
  ]);
}
