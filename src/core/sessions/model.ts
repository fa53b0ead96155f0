// Sessions and checkpoints as the rest of Continuum sees them, and how they map to rows.

export const sessionStatuses = ['created', 'running', 'paused', 'interrupted', 'failed', 'completed'] as const;
export type SessionStatus = (typeof sessionStatuses)[number];

export interface Session {
  id: string;
  name: string;
  status: SessionStatus;
  createdAt: number;
  /** When the current (or last) running period began. */
  startedAt?: number;
  updatedAt: number;
  heartbeatAt?: number;
  endedAt?: number;
  /** Running time of the finished running periods; add `now - startedAt` while running. */
  runningMs: number;
  currentTaskId?: string;
  error?: string;
  note?: string;
  /** The session's scope. */
  taskIds: string[];
}

export interface SessionRow {
  id: string;
  name: string;
  status: string;
  created_at: number;
  started_at: number | null;
  updated_at: number;
  heartbeat_at: number | null;
  ended_at: number | null;
  running_ms: number;
  current_task_id: string | null;
  error: string | null;
  note: string | null;
}

export function toSession(row: SessionRow, taskIds: string[]): Session {
  return {
    id: row.id,
    name: row.name,
    status: row.status as SessionStatus,
    createdAt: row.created_at,
    ...(row.started_at != null ? { startedAt: row.started_at } : {}),
    updatedAt: row.updated_at,
    ...(row.heartbeat_at != null ? { heartbeatAt: row.heartbeat_at } : {}),
    ...(row.ended_at != null ? { endedAt: row.ended_at } : {}),
    runningMs: row.running_ms,
    ...(row.current_task_id != null ? { currentTaskId: row.current_task_id } : {}),
    ...(row.error != null ? { error: row.error } : {}),
    ...(row.note != null ? { note: row.note } : {}),
    taskIds,
  };
}

export const checkpointTriggers = [
  'manual',
  'every-n-tasks',
  'pause',
  'before-risky-action',
  'before-restore',
  'before-lm-task',
] as const;
export type CheckpointTrigger = (typeof checkpointTriggers)[number];

/** One checkpoint, without its saved state (see `CheckpointState`). */
export interface Checkpoint {
  id: string;
  sessionId?: string;
  createdAt: number;
  trigger: CheckpointTrigger;
  note: string;
  contextVersion?: number;
  /** How many tasks the checkpoint saved. */
  taskCount: number;
  /** How many of them were done. */
  tasksDone: number;
}

export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionError';
  }
}
