// Small questions about tasks, and one change, for modules that hold a store handle rather than
// the TaskManager: the executor and its guards inside their own writes (a task's event is recorded
// in the same write only while the task exists), confirmations, the briefing, a state import (in
// its one write). The SQL on the tasks table lives here, beside TaskManager.
import type { StoreReader, StoreWriter } from '../store/types';
import { taskColumns, toTask } from './rows';
import type { TaskRow } from './rows';
import type { Task } from './model';

/** Whether a task with this id exists (it may have been deleted since it was read). */
export function taskExists(r: StoreReader, id: string): boolean {
  return !!r.get('SELECT 1 FROM tasks WHERE id = ?', [id]);
}

/** Where a task's commands came from when not from this person here (a state file, an agent); undefined when unrecorded. */
export function recordedOriginOf(r: StoreReader, id: string): string | undefined {
  return r.get<{ origin: string | null }>('SELECT origin FROM tasks WHERE id = ?', [id])?.origin ?? undefined;
}

/** The file or plan a phase was imported from; undefined when unrecorded. */
export function phaseSourceOf(r: StoreReader, phaseId: string): string | undefined {
  return r.get<{ source: string | null }>('SELECT source FROM phases WHERE id = ?', [phaseId])?.source ?? undefined;
}

/** A task's action as stored (JSON), without reading the rest of the task; undefined for a to-do or no task. */
export function storedActionOf(r: StoreReader, id: string): string | undefined {
  return r.get<{ action: string | null }>('SELECT action FROM tasks WHERE id = ?', [id])?.action ?? undefined;
}

/** Whether there is any task at all (stops at the first). */
export function hasAnyTask(r: StoreReader): boolean {
  return (r.get<{ n: number }>('SELECT COUNT(*) AS n FROM (SELECT 1 FROM tasks LIMIT 1)')?.n ?? 0) > 0;
}

/** The `limit` failed tasks that changed last, newest first (without their dependencies). */
export function recentlyFailedTasks(r: StoreReader, limit: number): Task[] {
  return r
    .all<TaskRow>(
      `SELECT ${taskColumns} FROM tasks WHERE status = 'failed' ORDER BY updated_at DESC, seq DESC LIMIT ?`,
      [limit],
    )
    .map(row => toTask(row, []));
}

/** Marks every task with commands as coming from `origin`, inside the caller's write: they run only once confirmed. */
export function markCommandsFromIn(w: StoreWriter, origin: string): void {
  w.run('UPDATE tasks SET origin = ? WHERE action IS NOT NULL', [origin]);
}
