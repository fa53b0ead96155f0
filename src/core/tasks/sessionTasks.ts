// What the run, the session manager and the briefing ask about the tasks of one session (the
// session's scope, session_tasks, joined with the tasks). The SQL on the tasks lives here, beside
// TaskManager, so that a change to the tasks table is made in one folder; each read takes the store
// handle its caller holds (inside a write, the writer), so nothing changes about when it runs.
import type { StoreReader } from '../store/types';
import type { TaskAction } from './model';

/** A ready task of a session, with what orders it (see readyInSessionOfKind). */
export interface ReadyInSession {
  id: string;
  kind: TaskAction['kind'];
  /** 1 for a task a crash left running (it is taken first). */
  resumed: number;
  priority: number;
  /** The deadline, or the largest safe integer when there is none. */
  due: number;
  seq: number;
}

/** A session's task as its progress counts it. */
export interface TaskInSession {
  id: string;
  title: string;
  status: string;
  priority: number;
  deadline: number | null;
  seq: number;
  /** How many of its dependencies are not done (they may lie outside the session). */
  unfinishedDeps: number;
  /** 1 for a to-do: a task without an action, or a manual one. */
  forPerson: number;
}

/**
 * The run's ready query: one pass over the session's tasks (indexed on the session, then the task
 * by id) ranks the ready ones of each kind asked for in the ready order, and keeps each kind's first
 * `limits[kind]` (-1: all). ?1 the session, ?2 the limits as JSON, ?3 now.
 */
const readyOfKinds = `SELECT id, kind, resumed, priority, due, seq FROM (
    SELECT t.id, json_extract(t.action, '$.kind') AS kind, t.status = 'running' AS resumed, t.priority,
      coalesce(t.deadline, 9007199254740991) AS due, t.seq,
      row_number() OVER (PARTITION BY json_extract(t.action, '$.kind')
        ORDER BY t.status = 'running' DESC, t.priority, coalesce(t.deadline, 9007199254740991), t.seq) AS rank
    FROM session_tasks st JOIN tasks t ON t.id = st.task_id
    WHERE st.session_id = ?1 AND t.action IS NOT NULL
      AND json_type(?2, '$.' || json_extract(t.action, '$.kind')) IS NOT NULL
      AND (t.status = 'running' OR (t.status = 'pending' AND t.open_deps = 0))
      AND NOT (t.status = 'running' AND t.claimed_by IS NOT NULL AND t.lease_until >= ?3) -- an agent works on it (src/core/agents): not the run's to start
  )
  WHERE json_extract(?2, '$.' || kind) < 0 OR rank <= json_extract(?2, '$.' || kind)
  ORDER BY resumed DESC, priority, due, seq`;

/**
 * The session's ready tasks of the action kinds in `limits`, at most `limits[kind]` of each (-1: all),
 * in the store's ready order (tasks a crash left running first). Reading each kind's own first few
 * keeps tasks the run cannot start yet (a person's to-dos) from hiding a runnable one. A running
 * task an agent holds (lease not ended at `now`) is not among them: it is the agent's to finish.
 */
export function readyInSessionOfKinds(
  r: StoreReader,
  sessionId: string,
  limits: Partial<Record<TaskAction['kind'], number>>,
  now: number,
): ReadyInSession[] {
  if (!Object.keys(limits).length) return [];
  return r.all<ReadyInSession>(readyOfKinds, [sessionId, JSON.stringify(limits), now]);
}

/** Whether unfinished tasks of the session without an action (a person's to-dos) remain. */
export function hasToDosLeftInSession(r: StoreReader, sessionId: string): boolean {
  return !!r.get(
    `SELECT 1 FROM session_tasks st JOIN tasks t ON t.id = st.task_id
      WHERE st.session_id = ? AND t.action IS NULL AND t.status IN ('pending', 'running', 'blocked') LIMIT 1`,
    [sessionId],
  );
}

/** How many unfinished tasks of the session are of one of `kinds` (a task without an action counts as 'manual'). */
export function countUnfinishedInSessionOfKinds(
  r: StoreReader,
  sessionId: string,
  kinds: ReadonlyArray<TaskAction['kind']>,
): number {
  const kindOf = "coalesce(json_extract(t.action, '$.kind'), 'manual')";
  return (
    r.get<{ n: number }>(
      `SELECT count(*) AS n FROM session_tasks st JOIN tasks t ON t.id = st.task_id
      WHERE st.session_id = ? AND t.status IN ('pending', 'running', 'blocked') AND ${kindOf} IN (${kinds.map(() => '?').join(', ')})`,
      [sessionId, ...kinds],
    )?.n ?? 0
  );
}

/** The session's failed tasks with their errors, in creation order. */
export function failedInSession(
  r: StoreReader,
  sessionId: string,
): Array<{ id: string; title: string; error: string | null }> {
  return r.all<{ id: string; title: string; error: string | null }>(
    "SELECT t.id, t.title, t.error FROM session_tasks st JOIN tasks t ON t.id = st.task_id WHERE st.session_id = ? AND t.status = 'failed' ORDER BY t.seq",
    [sessionId],
  );
}

/** Every task of the session as its progress counts it. */
export function tasksInSession(r: StoreReader, sessionId: string): TaskInSession[] {
  return r.all<TaskInSession>(
    `
      SELECT t.id, t.title, t.status, t.priority, t.deadline, t.seq,
        (SELECT count(*) FROM task_deps d JOIN tasks u ON u.id = d.depends_on
          WHERE d.task_id = t.id AND u.status <> 'done') AS unfinishedDeps,
        coalesce(json_extract(t.action, '$.kind'), 'manual') = 'manual' AS forPerson
      FROM session_tasks st JOIN tasks t ON t.id = st.task_id
      WHERE st.session_id = ?`,
    [sessionId],
  );
}

/** How many of the session's tasks are done. */
export function countDoneInSession(r: StoreReader, sessionId: string): number {
  return (
    r.get<{ n: number }>(
      "SELECT count(*) AS n FROM session_tasks st JOIN tasks t ON t.id = st.task_id WHERE st.session_id = ? AND t.status = 'done'",
      [sessionId],
    )?.n ?? 0
  );
}

/** The ids of the session's tasks that still exist, in creation order. */
export function taskIdsInSession(r: StoreReader, sessionId: string): string[] {
  return r
    .all<{ task_id: string }>(
      'SELECT st.task_id FROM session_tasks st JOIN tasks t ON t.id = st.task_id WHERE st.session_id = ? ORDER BY t.seq',
      [sessionId],
    )
    .map(row => row.task_id);
}

/** Of `ids`, those that name no task. */
export function unknownTaskIds(r: StoreReader, ids: readonly string[]): string[] {
  const known = new Set(r.all<{ id: string }>('SELECT id FROM tasks').map(row => row.id));
  return ids.filter(t => !known.has(t));
}
