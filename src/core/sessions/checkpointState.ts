// The store half of a checkpoint: every task's mutable fields, the session's state and the context
// version, as JSON in checkpoints.state. Capturing and planning a restore only read; the session
// manager applies the plan inside one write.
import { z } from 'zod/v4';
import { explainIssues } from '../context/validation';
import type { StoreReader } from '../store/types';
import { SessionError, sessionStatuses, type SessionStatus } from './model';

const taskStateSchema = z.object({
  id: z.string(),
  status: z.string(),
  progress: z.number(),
  attempts: z.number(),
  result: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.number().nullable(),
  completedAt: z.number().nullable(),
});

const sessionStateSchema = z.object({
  id: z.string(),
  status: z.enum(sessionStatuses),
  currentTaskId: z.string().nullable(),
  note: z.string().nullable(),
  error: z.string().nullable(),
});

const checkpointStateSchema = z.object({
  schema: z.literal(1, { message: 'is not 1: this checkpoint was made by a newer Continuum; update Continuum to restore it' }),
  session: sessionStateSchema.optional(),
  tasks: z.array(taskStateSchema),
  contextVersion: z.number().int().optional(),
});

export type TaskState = z.infer<typeof taskStateSchema>;
export type SessionState = z.infer<typeof sessionStateSchema>;
export type CheckpointState = z.infer<typeof checkpointStateSchema>;

/** The task columns a checkpoint saves and a restore writes back. */
const taskFields = [
  ['status', 'status'], ['progress', 'progress'], ['attempts', 'attempts'], ['result', 'result'],
  ['error', 'error'], ['startedAt', 'started_at'], ['completedAt', 'completed_at'],
] as const satisfies ReadonlyArray<readonly [keyof TaskState, string]>;

export const taskStateColumns = taskFields.map(([, column]) => column);

interface TaskStateRow {
  id: string;
  status: string;
  progress: number;
  attempts: number;
  result: string | null;
  error: string | null;
  started_at: number | null;
  completed_at: number | null;
}

interface SessionStateRow {
  id: string;
  status: SessionStatus;
  current_task_id: string | null;
  note: string | null;
  error: string | null;
}

export function captureState(r: StoreReader, sessionId?: string): CheckpointState {
  const tasks = r.all<TaskStateRow>('SELECT id, status, progress, attempts, result, error, started_at, completed_at FROM tasks ORDER BY seq')
    .map(toTaskState);
  const session = sessionId === undefined
    ? undefined
    : r.get<SessionStateRow>('SELECT id, status, current_task_id, note, error FROM sessions WHERE id = ?', [sessionId]);
  const contextVersion = r.get<{ v: number | null }>('SELECT max(version) AS v FROM context_versions')?.v ?? undefined;
  return {
    schema: 1,
    ...(session ? { session: { id: session.id, status: session.status, currentTaskId: session.current_task_id, note: session.note, error: session.error } } : {}),
    tasks,
    ...(contextVersion != null ? { contextVersion } : {}),
  };
}

function toTaskState(row: TaskStateRow): TaskState {
  return {
    id: row.id, status: row.status, progress: row.progress, attempts: row.attempts, result: row.result, error: row.error,
    startedAt: row.started_at, completedAt: row.completed_at,
  };
}

/** Reads a saved state; throws a SessionError saying what is wrong with it. */
export function parseState(json: string, checkpointId: string): CheckpointState {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new SessionError(`Checkpoint ${checkpointId} is damaged (${(err as Error).message}) and cannot be restored; choose an earlier checkpoint.`);
  }
  const parsed = checkpointStateSchema.safeParse(data);
  if (!parsed.success) throw new SessionError(`Checkpoint ${checkpointId} cannot be restored: ${explainIssues('state', parsed.error, data)}`);
  return parsed.data;
}

export interface TaskRestore {
  id: string;
  title: string;
  from: TaskState;
  to: TaskState;
  /** The fields that differ. */
  fields: Array<keyof TaskState>;
}

export interface SessionRestore {
  id: string;
  from: SessionStatus;
  /** The checkpoint's status, except that a running session comes back paused. */
  to: SessionStatus;
  currentTaskId: string | null;
  error: string | null;
}

export interface RestorePlan {
  tasks: TaskRestore[];
  /** Tasks created after the checkpoint: left as they are. */
  createdSince: number;
  /** Tasks the checkpoint saved that no longer exist: not brought back. */
  deletedSince: number;
  session?: SessionRestore;
}

/** What restoring `state` would change now. Reads only. */
export function planRestore(r: StoreReader, state: CheckpointState): RestorePlan {
  const now = new Map(r.all<TaskStateRow & { title: string }>(
    'SELECT id, title, status, progress, attempts, result, error, started_at, completed_at FROM tasks',
  ).map(row => [row.id, row]));
  const saved = new Set(state.tasks.map(t => t.id));
  const tasks: TaskRestore[] = [];
  let deletedSince = 0;
  for (const to of state.tasks) {
    const row = now.get(to.id);
    if (!row) {
      deletedSince++;
      continue;
    }
    const from = toTaskState(row);
    const fields = taskFields.filter(([field]) => from[field] !== to[field]).map(([field]) => field);
    if (fields.length) tasks.push({ id: to.id, title: row.title, from, to, fields });
  }
  const createdSince = [...now.keys()].filter(id => !saved.has(id)).length;
  return { tasks, createdSince, deletedSince, ...sessionPlan(r, state) };
}

function sessionPlan(r: StoreReader, state: CheckpointState): { session?: SessionRestore } {
  if (!state.session) return {};
  const current = r.get<{ status: SessionStatus }>('SELECT status FROM sessions WHERE id = ?', [state.session.id]);
  if (!current) return {};
  const to = state.session.status === 'running' ? 'paused' : state.session.status;
  return { session: { id: state.session.id, from: current.status, to, currentTaskId: state.session.currentTaskId, error: state.session.error } };
}

/** `UPDATE tasks SET status = ?, … WHERE id = ?` parameters for one task. */
export function taskUpdateParams(to: TaskState, updatedAt: number): Array<string | number | null> {
  return [...taskFields.map(([field]) => to[field]), updatedAt, to.id];
}

export const taskUpdateSql = `UPDATE tasks SET ${taskStateColumns.map(c => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`;
