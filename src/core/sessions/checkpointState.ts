// The store half of a checkpoint: every task's mutable fields, the session's state and the context
// version (how it is saved: savedStates.ts). Planning a restore only reads; the session manager
// applies the plan inside one write.
import { z } from 'zod/v4';
import { explainIssues } from '../context/validation';
import type { StoreReader } from '../store/types';
import { taskStatesWithTitles, type TaskStateRow } from '../tasks/taskStates';
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

export const sessionStateSchema = z.object({
  id: z.string(),
  status: z.enum(sessionStatuses),
  currentTaskId: z.string().nullable(),
  note: z.string().nullable(),
  error: z.string().nullable(),
});

const checkpointStateSchema = z.object({
  schema: z.literal(1, {
    message: 'is not 1 or 2: this checkpoint was made by a newer Continuum; update Continuum to restore it',
  }),
  session: sessionStateSchema.optional(),
  tasks: z.array(taskStateSchema),
  contextVersion: z.number().int().optional(),
});

export type TaskState = z.infer<typeof taskStateSchema>;
export type SessionState = z.infer<typeof sessionStateSchema>;
/** A checkpoint's saved state, complete (however it is stored). */
export type CheckpointState = Omit<z.infer<typeof checkpointStateSchema>, 'schema'>;

/** The task fields a checkpoint saves and a restore writes back, with their columns (read and written in src/core/tasks/taskStates.ts). */
const taskFields = [
  ['status', 'status'],
  ['progress', 'progress'],
  ['attempts', 'attempts'],
  ['result', 'result'],
  ['error', 'error'],
  ['startedAt', 'started_at'],
  ['completedAt', 'completed_at'],
] as const satisfies ReadonlyArray<readonly [keyof TaskState, string]>;

function toTaskState(row: TaskStateRow): TaskState {
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    attempts: row.attempts,
    result: row.result,
    error: row.error,
    startedAt: row.started_at,
    completedAt: row.completed_at,
  };
}

/** Reads a state saved in format 1 (every task, see savedStates.ts); throws a SessionError saying what is wrong with it. */
export function parseState(data: unknown, checkpointId: string): CheckpointState {
  const parsed = checkpointStateSchema.safeParse(data);
  if (!parsed.success)
    throw new SessionError(
      `Checkpoint ${checkpointId} cannot be restored: ${explainIssues('state', parsed.error, data)}`,
    );
  const { schema: _, ...state } = parsed.data;
  return state;
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
  const now = new Map(taskStatesWithTitles(r).map(row => [row.id, row]));
  const saved = new Set(state.tasks.map(t => t.id));
  const tasks: TaskRestore[] = [];
  let deletedSince = 0;
  for (const saved of state.tasks) {
    // a task saved while it ran comes back pending: its run is over, and running it again is a new attempt
    const to: TaskState = saved.status === 'running' ? { ...saved, status: 'pending' } : saved;
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
  return {
    session: {
      id: state.session.id,
      from: current.status,
      to,
      currentTaskId: state.session.currentTaskId,
      error: state.session.error,
    },
  };
}
