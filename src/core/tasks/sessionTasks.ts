// What the run, the session manager and the briefing ask about the tasks of one session (the
// session's scope, session_tasks, joined with the tasks). The SQL on the tasks lives here, beside
// TaskManager, so that a change to the tasks table is made in one folder; each read takes the store
// handle its caller holds (inside a write, the writer), so nothing changes about when it runs.
import type { StoreReader } from '../store/types';
import type { TaskAction } from './model';

/** A ready task of a session, with what orders it (see readyInSessionOfKinds). */
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
 * How many ready tasks of a kind, of every session, a look walks in the ready order for the
 * session's own; past them it reads the session's tasks instead (other sessions' ready tasks come first).
 */
export const readyWalk = 512;

/**
 * The first `?3` ready pending tasks of one action kind in a session, in the ready order: the index on
 * (kind, status, open_deps, priority, due, seq) gives the kind's ready tasks in order, at most ?4 of
 * them, each checked for the session, so the tasks after the first ?3 of the session are never read
 * (-1: all). ?1 the kind, ?2 the session. (Exported for the test of its query plan.)
 */
export const pendingOfKind = `SELECT t.id, t.kind, 0 AS resumed, t.priority, t.due, t.seq
    FROM (SELECT id, kind, priority, coalesce(deadline, 9007199254740991) AS due, seq
      FROM tasks
      WHERE kind = ?1 AND status = 'pending' AND open_deps = 0
      ORDER BY priority, coalesce(deadline, 9007199254740991), seq
      LIMIT ?4) t
    WHERE EXISTS (SELECT 1 FROM session_tasks st WHERE st.session_id = ?2 AND st.task_id = t.id)
    LIMIT ?3`;

/** The same read from the session's own tasks, all of them sorted: for a kind whose first ready tasks are others'. */
export const pendingOfKindFromSession = `SELECT t.id, t.kind, 0 AS resumed, t.priority, coalesce(t.deadline, 9007199254740991) AS due, t.seq
    FROM session_tasks st CROSS JOIN tasks t
    WHERE st.session_id = ?2 AND t.id = st.task_id AND t.kind = ?1 AND t.status = 'pending' AND t.open_deps = 0
    ORDER BY t.priority, coalesce(t.deadline, 9007199254740991), t.seq
    LIMIT ?3`;

/** Whether a kind has at least `?2` ready tasks in the whole store (the walk of pendingOfKind stopped short). */
const readyOfKindReach = `SELECT count(*) AS n FROM (
    SELECT 1 FROM tasks WHERE kind = ?1 AND status = 'pending' AND open_deps = 0 LIMIT ?2)`;

/** The session's first `limit` ready pending tasks of a kind (-1: all), in the ready order. */
function pendingInSession(r: StoreReader, kind: string, sessionId: string, limit: number): ReadyInSession[] {
  const walked = r.all<ReadyInSession>(pendingOfKind, [kind, sessionId, limit, readyWalk]);
  if (walked.length === limit) return walked;
  if (r.get<{ n: number }>(readyOfKindReach, [kind, readyWalk])!.n < readyWalk) return walked; // it saw them all
  return r.all<ReadyInSession>(pendingOfKindFromSession, [kind, sessionId, limit]);
}

/**
 * The session's running tasks with an action (a crash left them running: they are taken first), but
 * those an agent works on (lease not ended at ?2): not the run's to start. ?1 the session.
 */
const runningInSession = `SELECT t.id, t.kind, 1 AS resumed, t.priority, coalesce(t.deadline, 9007199254740991) AS due, t.seq
    FROM tasks t
    WHERE t.status = 'running' AND t.kind IS NOT NULL
      AND EXISTS (SELECT 1 FROM session_tasks st WHERE st.session_id = ?1 AND st.task_id = t.id)
      AND NOT (t.claimed_by IS NOT NULL AND t.lease_until >= ?2)`;

const readyOrder = (a: ReadyInSession, b: ReadyInSession) =>
  b.resumed - a.resumed || a.priority - b.priority || a.due - b.due || a.seq - b.seq;

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
  const kinds = Object.keys(limits) as Array<TaskAction['kind']>;
  if (!kinds.length) return [];
  const running = r.all<ReadyInSession>(runningInSession, [sessionId, now]).sort(readyOrder);
  const ready: ReadyInSession[] = [];
  for (const kind of kinds) {
    const limit = limits[kind]!;
    const resumed = running.filter(t => t.kind === kind);
    const left = limit < 0 ? -1 : Math.max(0, limit - resumed.length);
    ready.push(...(limit < 0 ? resumed : resumed.slice(0, limit)));
    if (left !== 0) ready.push(...pendingInSession(r, kind, sessionId, left));
  }
  return ready.sort(readyOrder);
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
  const kindOf = "coalesce(t.kind, 'manual')";
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
        coalesce(t.kind, 'manual') = 'manual' AS forPerson
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
