// The step journal: every step of a task's action is recorded as started before it runs and with
// its result after, under an idempotency key. A resume reads it to skip completed steps and to find
// the steps a crash cut off (started, no result). See DESIGN.md, "No repeated work".
import type { Clock } from '../ports';
import type { StoreReader, StoreWriter } from '../store/types';
import { recordTaskEventIn } from '../tasks/taskEvents';
import type { StartedProcess } from './ports';

export type StepStatus = 'started' | 'succeeded' | 'failed';

export interface StepRecord {
  key: string;
  sessionId?: string;
  taskId: string;
  attempt: number;
  step: string;
  status: StepStatus;
  rerunnable: boolean;
  startedAt: number;
  endedAt?: number;
  result?: unknown;
  /** The process the step started, when it started one. */
  process?: StartedProcess;
}

interface StepRow {
  key: string;
  session_id: string | null;
  task_id: string;
  attempt: number;
  step: string;
  status: string;
  rerunnable: number;
  started_at: number;
  ended_at: number | null;
  result: string | null;
  process: string | null;
}

/** `<task id>#<attempt>/<step>`: the same step of the same run of a task always has the same key. */
export function stepKey(taskId: string, attempt: number, step: string): string {
  return `${taskId}#${attempt}/${step}`;
}

export function readStep(r: StoreReader, key: string): StepRecord | undefined {
  const row = r.get<StepRow>('SELECT * FROM execution_steps WHERE key = ?', [key]);
  return row && toStep(row);
}

export function stepsOfTask(r: StoreReader, taskId: string): StepRecord[] {
  return r
    .all<StepRow>('SELECT * FROM execution_steps WHERE task_id = ? ORDER BY attempt, started_at, rowid', [taskId])
    .map(toStep);
}

export interface StepStart {
  key: string;
  sessionId?: string;
  taskId: string;
  attempt: number;
  step: string;
  rerunnable: boolean;
}

/** Records a step as started (again, when an earlier try failed or was cut off). */
export function recordStepStarted(w: StoreWriter, clock: Clock, s: StepStart): void {
  w.run(
    `INSERT INTO execution_steps (key, session_id, task_id, attempt, step, status, rerunnable, started_at, ended_at, result)
    VALUES (?, ?, ?, ?, ?, 'started', ?, ?, NULL, NULL)
    ON CONFLICT(key) DO UPDATE SET status = 'started', rerunnable = excluded.rerunnable, started_at = excluded.started_at, ended_at = NULL, result = NULL, process = NULL`,
    [s.key, s.sessionId ?? null, s.taskId, s.attempt, s.step, s.rerunnable ? 1 : 0, clock.now()],
  );
}

/** Records a step's outcome; `result` must be JSON-serialisable. A finished step is never changed again. */
export function recordStepEnded(
  w: StoreWriter,
  clock: Clock,
  key: string,
  status: 'succeeded' | 'failed',
  result: unknown,
): void {
  w.run(`UPDATE execution_steps SET status = ?, ended_at = ?, result = ? WHERE key = ? AND status = 'started'`, [
    status,
    clock.now(),
    JSON.stringify(result ?? null),
    key,
  ]);
}

/** Records the process a running step started (its last one, when it starts several). */
export function recordStepProcess(w: StoreWriter, key: string, process: StartedProcess): void {
  w.run(`UPDATE execution_steps SET process = ? WHERE key = ? AND status = 'started'`, [JSON.stringify(process), key]);
}

function toStep(row: StepRow): StepRecord {
  return {
    key: row.key,
    ...(row.session_id != null ? { sessionId: row.session_id } : {}),
    taskId: row.task_id,
    attempt: row.attempt,
    step: row.step,
    status: row.status as StepStatus,
    rerunnable: row.rerunnable === 1,
    startedAt: row.started_at,
    ...(row.ended_at != null ? { endedAt: row.ended_at } : {}),
    ...(row.result != null ? { result: JSON.parse(row.result) as unknown } : {}),
    ...(row.process != null ? { process: JSON.parse(row.process) as StartedProcess } : {}),
  };
}

/** Adds an entry to a task's event log (retries, circuit changes, steps asked about). */
export function recordTaskEvent(
  w: StoreWriter,
  clock: Clock,
  taskId: string,
  kind: string,
  detail: Record<string, unknown>,
): void {
  recordTaskEventIn(w, { taskId, at: clock.now(), actor: 'executor', kind, detail });
}

export { checkpointBeforeRun } from '../tasks/taskEvents';
