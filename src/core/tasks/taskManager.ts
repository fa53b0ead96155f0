// Tasks and their dependency graph, on the store. Every change is one durable write that also
// appends to the task event log (what changed, when, and by whom).
import { Emitter, type Event } from '../events';
import type { Clock, IdFactory } from '../ports';
import type { Actor, Store, StoreWriter } from '../store/types';
import { cycleThrough, describeCycle } from './graph';
import type { ActionKind, Phase, Task, TaskAction, TaskStatus } from './model';
import { orNull, phaseColumns, priorityRank, taskColumns, toPhase, toTask, type PhaseRow, type TaskRow } from './rows';
import type { ParsedPlan } from './plan';
import { importPlanInSlices, previewPlanImport, type ImportOptions, type PlanImportPreview } from './planImport';
import {
  countUnfinishedInSessionOfKinds,
  failedInSession,
  hasToDosLeftInSession,
  readyInSessionOfKinds,
  type ReadyInSession,
} from './sessionTasks';
import { recordTaskEventIn } from './taskEvents';
import { hasAnyTask } from './taskRecords';
import { transitionProblem } from './transitions';
import { newTaskSchema, parseOrExplain, taskPatchSchema, type NewTask, type TaskPatch } from './validation';

/** The order in which ready tasks are taken: priority, then deadline (none last), then creation. */
export const readyOrder = 'priority, coalesce(deadline, 9007199254740991), seq';

/** Pending tasks none of whose dependencies is unfinished (open_deps is kept by triggers, see schema.ts). */
const readyWhere = `status = 'pending' AND open_deps = 0`;
/** A task's dependencies as one column, so listing tasks needs no query per task. */
const depsColumn = `(SELECT group_concat(depends_on, char(31)) FROM task_deps WHERE task_id = tasks.id) AS deps`;
const splitDeps = (deps: string | null) => (deps ? deps.split('\x1f') : []);

export interface TaskEvent {
  id: number;
  taskId: string;
  at: number;
  actor: Actor;
  kind: string;
  detail: Record<string, unknown>;
  /** The agent that made the change, by name, when an agent did ("Claude Code"). */
  agent?: string;
}

/** An agent working on a task: who, and until when the task stays theirs without a sign of life. */
export interface Claim {
  agentId: string;
  agentName: string;
  leaseUntil: number;
}

/** The agent that claims or changes a task (see src/core/agents/tool.ts, AgentIdentity). */
export interface ClaimingAgent {
  id: string;
  name: string;
}

/** Which tasks an agent can take, by what they do: 'todo' (no action), or an action kind. */
export type WorkKind = 'todo' | ActionKind;

/** A claim refused because another agent holds the task; the message says who and until when. */
export class ClaimHeldError extends Error {
  override readonly name = 'ClaimHeldError';
  constructor(
    readonly title: string,
    readonly claim: Claim,
  ) {
    super(
      `Task '${title}' is being worked on by ${claim.agentName} until ${new Date(claim.leaseUntil).toISOString()} (their lease; it ends sooner if they finish or let it go). Take another task (continuum_next_task), or wait for the lease to run out.`,
    );
  }
}

export interface TaskStatistics {
  total: number;
  counts: Record<TaskStatus, number>;
  /** Done or skipped, as a share of all tasks that are not cancelled (0–100). */
  completionPercent: number;
  /** Tasks finished per hour over the last day (or since the first finish, if later). */
  throughputPerHour: number;
  /** Estimated time to finish the remaining tasks at that rate; undefined with no rate yet. */
  etaMs?: number;
}

/** The tables whose rows the Tasks view shows. */
const taskTables = ['tasks', 'task_deps', 'phases'];

export interface TaskChange {
  taskIds: string[];
}

export interface StatusChange {
  result?: string;
  error?: string;
}

export class TaskManager {
  private readonly changed = new Emitter<TaskChange>();
  readonly onDidChange = this.changed.event;
  /**
   * Fires after saved writes changed tasks, phases or dependencies, whoever wrote them: this
   * manager, a checkpoint restore, a state import (writes saved together are told of once). What shows the tasks follows this event;
   * `onDidChange` tells only of this manager's own changes (with their task ids).
   */
  readonly onDidChangeStored: Event<void> = listener =>
    this.store.onDidChange(change => {
      if (taskTables.some(t => change.tables.has(t))) listener();
    });
  private readonly readyCache = new Map<string, { stamp: string; task: Task }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly newId: IdFactory,
  ) {}

  // ---- reading ----

  get(id: string): Task | undefined {
    const row = this.store.get<TaskRow>(`SELECT ${taskColumns} FROM tasks WHERE id = ?`, [id]);
    return row && toTask(row, this.dependenciesOf(id));
  }

  /** Every task, in creation order. */
  list(): Task[] {
    return this.store
      .all<TaskRow & { deps: string | null }>(`SELECT ${taskColumns}, ${depsColumn} FROM tasks ORDER BY seq`)
      .map(r => toTask(r, splitDeps(r.deps)));
  }

  /** Whether there is any task at all (stops at the first). */
  hasAny(): boolean {
    return hasAnyTask(this.store);
  }

  phases(): Phase[] {
    return this.store.all<PhaseRow>(`SELECT ${phaseColumns} FROM phases ORDER BY position`).map(toPhase);
  }

  /**
   * Tasks that can start now, in the ready order (see `readyOrder`). Reading thousands of whole
   * rows out of sql.js is what costs here, so whole tasks are cached by id and reused while their
   * revision (moved by a trigger on every change to the row), update time and dependencies are unchanged.
   */
  readyTasks(limit?: number): Task[] {
    const keys = this.store.all<{ id: string; revision: number; updated_at: number; deps: string | null }>(
      `SELECT id, revision, updated_at, ${depsColumn} FROM tasks WHERE ${readyWhere} ORDER BY ${readyOrder}${limit ? ` LIMIT ${Math.trunc(limit)}` : ''}`,
    );
    // updated_at too: an imported state starts its rows at revision 0 again
    const stamp = (k: { revision: number; updated_at: number; deps: string | null }) =>
      `${k.revision}|${k.updated_at}|${k.deps ?? ''}`;
    const missing = keys.filter(k => this.readyCache.get(k.id)?.stamp !== stamp(k));
    for (let i = 0; i < missing.length; i += 500) {
      const batch = missing.slice(i, i + 500);
      const rows = this.store.all<TaskRow>(
        `SELECT ${taskColumns} FROM tasks WHERE id IN (${batch.map(() => '?').join(', ')})`,
        batch.map(k => k.id),
      );
      const byId = new Map(batch.map(k => [k.id, k]));
      for (const row of rows) {
        const key = byId.get(row.id)!;
        this.readyCache.set(row.id, { stamp: stamp(key), task: deepFreeze(toTask(row, splitDeps(key.deps))) });
      }
    }
    if (this.readyCache.size > 4 * keys.length + 1000) this.pruneReadyCache(keys);
    return keys.map(k => this.readyCache.get(k.id)!.task); // frozen: shared between calls
  }

  private pruneReadyCache(keep: ReadonlyArray<{ id: string }>): void {
    const wanted = new Set(keep.map(k => k.id));
    for (const id of this.readyCache.keys()) if (!wanted.has(id)) this.readyCache.delete(id);
  }

  /** The task to do next, or undefined when nothing is ready. */
  nextTask(): Task | undefined {
    return this.readyTasks(1)[0];
  }

  dependenciesOf(id: string): string[] {
    return this.store
      .all<{ depends_on: string }>('SELECT depends_on FROM task_deps WHERE task_id = ?', [id])
      .map(r => r.depends_on);
  }

  dependentsOf(id: string): string[] {
    return this.store
      .all<{ task_id: string }>('SELECT task_id FROM task_deps WHERE depends_on = ?', [id])
      .map(r => r.task_id);
  }

  /** The unfinished tasks this one waits for. */
  blockers(id: string): Task[] {
    return this.store
      .all<TaskRow>(
        `SELECT ${taskColumns
          .split(', ')
          .map(c => `t.${c}`)
          .join(', ')} FROM task_deps d JOIN tasks t ON t.id = d.depends_on
      WHERE d.task_id = ? AND t.status <> 'done' ORDER BY t.seq`,
        [id],
      )
      .map(r => toTask(r, []));
  }

  events(taskId?: string, limit = 200): TaskEvent[] {
    const rows = taskId
      ? this.store.all<EventRow>('SELECT * FROM task_events WHERE task_id = ? ORDER BY id DESC LIMIT ?', [
          taskId,
          limit,
        ])
      : this.store.all<EventRow>('SELECT * FROM task_events ORDER BY id DESC LIMIT ?', [limit]);
    return rows.map(r => ({
      id: r.id,
      taskId: r.task_id,
      at: r.at,
      actor: r.actor as Actor,
      kind: r.kind,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      ...(r.agent ? { agent: r.agent } : {}),
    }));
  }

  // ---- a session's tasks (see sessionTasks.ts) ----

  /**
   * The session's ready tasks of the kinds in `limits`, at most `limits[kind]` of each (-1: all), in
   * the ready order (tasks a crash left running first); not those an agent holds at `now`. One
   * indexed query: the run asks it every time it looks for work.
   */
  readyInSessionOfKinds(
    sessionId: string,
    limits: Partial<Record<TaskAction['kind'], number>>,
    now: number,
  ): ReadyInSession[] {
    return readyInSessionOfKinds(this.store, sessionId, limits, now);
  }

  /** Whether a person's to-dos (tasks without an action) of the session are still unfinished. */
  hasToDosLeftInSession(sessionId: string): boolean {
    return hasToDosLeftInSession(this.store, sessionId);
  }

  /** How many unfinished tasks of the session are of one of `kinds` (a to-do counts as 'manual'). */
  countUnfinishedInSessionOfKinds(sessionId: string, kinds: ReadonlyArray<TaskAction['kind']>): number {
    return countUnfinishedInSessionOfKinds(this.store, sessionId, kinds);
  }

  /** The session's failed tasks with their errors, in creation order. */
  failedInSession(sessionId: string): Array<{ id: string; title: string; error: string | null }> {
    return failedInSession(this.store, sessionId);
  }

  // ---- agents' claims ----
  // A claimed task is running and its row names the agent and the lease's end. A lease that has
  // ended frees the task: reads treat it as free at once, and the next claim (any agent's) puts it
  // back to pending in the same write that takes a task, so no timer is needed.

  /** Who holds a task now; undefined when nobody does or the lease has ended. */
  claimOf(id: string): Claim | undefined {
    const row = this.store.get<ClaimRow>(
      'SELECT status, claimed_by, claimed_by_name, lease_until FROM tasks WHERE id = ?',
      [id],
    );
    return row ? liveClaim(row, this.clock.now()) : undefined;
  }

  /**
   * A task's status, its attempts and who holds it now, in one small read (no dependencies, no
   * text): what the executor looks at again just before it starts a task it has read already.
   */
  progressOf(id: string): { status: TaskStatus; attempts: number; claim?: Claim } | undefined {
    const row = this.store.get<ClaimRow & { attempts: number }>(
      'SELECT status, attempts, claimed_by, claimed_by_name, lease_until FROM tasks WHERE id = ?',
      [id],
    );
    if (!row) return undefined;
    const claim = liveClaim(row, this.clock.now());
    return { status: row.status as TaskStatus, attempts: row.attempts, ...(claim ? { claim } : {}) };
  }

  /** The tasks an agent holds (lease not ended), in the ready order; every agent's without `agentId`. */
  claimedBy(agentId?: string): Array<Task & { claim: Claim }> {
    return this.store
      .all<TaskRow & ClaimRow>(
        `SELECT ${taskColumns}, claimed_by, claimed_by_name, lease_until FROM tasks
      WHERE ${agentId === undefined ? 'claimed_by IS NOT NULL' : 'claimed_by = ?'} AND status = 'running' AND lease_until >= ? ORDER BY ${readyOrder}`,
        [...(agentId === undefined ? [] : [agentId]), this.clock.now()],
      )
      .map(r => ({ ...toTask(r, this.dependenciesOf(r.id)), claim: liveClaim(r, 0)! }));
  }

  /** Running tasks whose agent's lease has ended: free to be claimed again. */
  expiredClaims(): Task[] {
    return this.store
      .all<TaskRow>(
        `SELECT ${taskColumns} FROM tasks WHERE claimed_by IS NOT NULL AND status = 'running' AND lease_until < ? ORDER BY ${readyOrder}`,
        [this.clock.now()],
      )
      .map(r => toTask(r, this.dependenciesOf(r.id)));
  }

  /**
   * Claims the next ready task of one of `kinds` for `agent` (or the task `taskId`, when it is
   * ready), in one durable write that frees ended leases, reads and marks: two agents asking at the
   * same instant never get the same task. The task becomes running. Undefined when nothing fits.
   */
  async claimNext(
    agent: ClaimingAgent,
    options: { kinds: readonly WorkKind[]; leaseMs: number; taskId?: string },
  ): Promise<Task | undefined> {
    if (!options.kinds.length) throw new Error('Say which kinds of task the agent can do (at least one).');
    const claimed = await this.store.write(w => {
      const now = this.clock.now();
      const freed = this.freeEndedLeasesIn(w, now);
      const kindOf = `CASE WHEN action IS NULL THEN 'todo' ELSE kind END`;
      const row = w.get<{ id: string }>(
        `SELECT id FROM tasks WHERE ${readyWhere} AND claimed_by IS NULL
        AND ${kindOf} IN (${options.kinds.map(() => '?').join(', ')})${options.taskId !== undefined ? ' AND id = ?' : ''}
        ORDER BY ${readyOrder} LIMIT 1`,
        [...options.kinds, ...(options.taskId !== undefined ? [options.taskId] : [])],
      );
      if (!row) return { id: undefined, freed };
      this.setStatusIn(w, row.id, 'running', 'agent', {}, agent.name);
      const leaseUntil = now + options.leaseMs;
      w.run('UPDATE tasks SET claimed_by = ?, claimed_by_name = ?, lease_until = ? WHERE id = ?', [
        agent.id,
        agent.name,
        leaseUntil,
        row.id,
      ]);
      this.logEvent(w, row.id, 'agent', 'claimed', { leaseUntil }, agent.name);
      return { id: row.id, freed };
    }, 'agent');
    const changed = [...claimed.freed, ...(claimed.id ? [claimed.id] : [])];
    if (changed.length) this.changed.fire({ taskIds: changed });
    return claimed.id ? this.get(claimed.id) : undefined;
  }

  /** Whether `agentId` holds a task whose lease has not ended but ends before `time`: a read. */
  hasClaimsEndingBefore(agentId: string, time: number): boolean {
    return !!this.store.get(
      'SELECT 1 FROM tasks WHERE claimed_by = ? AND lease_until >= ? AND lease_until < ? LIMIT 1',
      [agentId, this.clock.now(), time],
    );
  }

  /**
   * Moves the lease of every task `agentId` holds (lease not ended) to `leaseUntil`: a sign of life.
   * Writes only when one of them ends before `renewBefore` (default: `leaseUntil`), so frequent calls
   * cost a read. Resolves to how many leases moved.
   */
  async renewClaims(agentId: string, leaseUntil: number, renewBefore = leaseUntil): Promise<number> {
    const now = this.clock.now();
    if (!this.hasClaimsEndingBefore(agentId, renewBefore)) return 0;
    return this.store.write(
      w =>
        w.run('UPDATE tasks SET lease_until = ? WHERE claimed_by = ? AND lease_until >= ? AND lease_until < ?', [
          leaseUntil,
          agentId,
          now,
          leaseUntil,
        ]).changes,
      'agent',
    );
  }

  /**
   * Changes a task on behalf of an agent: refused (ClaimHeldError) when another agent holds it.
   * `change` runs inside the same write; with `release` the agent's claim ends with it.
   */
  async changeAsAgent<R>(
    id: string,
    agent: ClaimingAgent,
    change: (w: StoreWriter, task: TaskRow, log: (kind: string, detail: Record<string, unknown>) => void) => R,
    options: { release?: boolean } = {},
  ): Promise<R> {
    const result = await this.store.write(w => {
      const row = this.requireRow(w, id);
      const held = w.get<ClaimRow>('SELECT status, claimed_by, claimed_by_name, lease_until FROM tasks WHERE id = ?', [
        id,
      ])!;
      const claim = liveClaim(held, this.clock.now());
      if (claim && claim.agentId !== agent.id) throw new ClaimHeldError(row.title, claim);
      const out = change(w, row, (kind, detail) => this.logEvent(w, id, 'agent', kind, detail, agent.name));
      if (options.release && held.claimed_by !== null) {
        w.run('UPDATE tasks SET claimed_by = NULL, claimed_by_name = NULL, lease_until = NULL WHERE id = ?', [id]);
        this.logEvent(w, id, 'agent', 'released', {}, agent.name);
      }
      return out;
    }, 'agent');
    this.changed.fire({ taskIds: [id] });
    return result;
  }

  /** Records a progress value (0–100) inside a write that changeAsAgent holds. */
  setProgressIn(w: StoreWriter, id: string, progress: number): void {
    w.run('UPDATE tasks SET progress = ?, updated_at = ? WHERE id = ?', [
      Math.round(Math.min(100, Math.max(0, progress))),
      this.clock.now(),
      id,
    ]);
  }

  /**
   * Running tasks whose lease ended go back to pending, their claim cleared; so is a claim left on a
   * task that no longer runs (a checkpoint restore writes statuses back without it). Returns their ids.
   */
  private freeEndedLeasesIn(w: StoreWriter, now: number): string[] {
    const ended = w.all<{ id: string; claimed_by_name: string | null; status: string }>(
      `SELECT id, claimed_by_name, status FROM tasks
      WHERE claimed_by IS NOT NULL AND (lease_until < ? OR status <> 'running')`,
      [now],
    );
    for (const t of ended) {
      w.run('UPDATE tasks SET claimed_by = NULL, claimed_by_name = NULL, lease_until = NULL WHERE id = ?', [t.id]);
      if (t.status !== 'running') continue;
      this.setStatusIn(w, t.id, 'pending', 'system');
      this.logEvent(w, t.id, 'system', 'lease ended', { agentName: t.claimed_by_name });
    }
    return ended.map(t => t.id);
  }

  statistics(): TaskStatistics {
    const counts = { pending: 0, running: 0, done: 0, failed: 0, blocked: 0, skipped: 0, cancelled: 0 } as Record<
      TaskStatus,
      number
    >;
    for (const r of this.store.all<{ status: TaskStatus; n: number }>(
      'SELECT status, count(*) AS n FROM tasks GROUP BY status',
    ))
      counts[r.status] = r.n;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const countable = total - counts.cancelled;
    const finished = counts.done + counts.skipped;
    const now = this.clock.now();
    const day = 24 * 3600_000;
    const recent = this.store.get<{ n: number; first: number | null }>(
      "SELECT count(*) AS n, min(completed_at) AS first FROM tasks WHERE status = 'done' AND completed_at >= ?",
      [now - day],
    )!;
    const windowMs = recent.first === null ? 0 : Math.max(now - recent.first, 60_000);
    const throughputPerHour = windowMs ? (recent.n / windowMs) * 3600_000 : 0;
    const remaining = countable - finished;
    return {
      total,
      counts,
      completionPercent: countable ? Math.round((finished / countable) * 1000) / 10 : 0,
      throughputPerHour,
      etaMs: throughputPerHour > 0 && remaining > 0 ? (remaining / throughputPerHour) * 3600_000 : undefined,
    };
  }

  // ---- changing ----

  async create(input: NewTask, actor: Actor = 'user'): Promise<Task> {
    const [task] = await this.createMany([input], actor);
    return task;
  }

  /**
   * Creates several tasks in one durable write. `dependsOn` holds ids of existing tasks, or, with
   * `refs` (each input's local name, by position), the ref of a task created in the same call.
   * `agent`: the name of the agent creating them, for the task log.
   */
  async createMany(
    inputs: readonly NewTask[],
    actor: Actor = 'user',
    options: { refs?: ReadonlyArray<string | undefined>; agent?: string } = {},
  ): Promise<Task[]> {
    const { refs, agent } = options;
    const parsed = inputs.map((input, i) =>
      parseOrExplain(newTaskSchema, input, inputs.length > 1 ? `Task ${i + 1}` : 'The task'),
    );
    const ids = await this.store.write(w => {
      const now = this.clock.now();
      let seq = w.get<{ s: number | null }>('SELECT max(seq) AS s FROM tasks')?.s ?? 0;
      const created: string[] = [];
      for (const t of parsed) {
        const id = this.newId('task');
        const status = t.status ?? 'pending';
        w.run(
          `INSERT INTO tasks (id, key, seq, title, description, status, priority, progress, max_attempts, deadline, capabilities, action, phase_id, parent_id, number, created_at, updated_at, completed_at, origin)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            orNull(t.key),
            ++seq,
            t.title,
            t.description ?? '',
            status,
            priorityRank(t.priority ?? 'normal'),
            t.progress ?? (status === 'done' ? 100 : 0),
            t.maxAttempts ?? 3,
            orNull(t.deadline),
            JSON.stringify(t.capabilities ?? []),
            t.action ? JSON.stringify(t.action) : null,
            orNull(t.phaseId),
            orNull(t.parentId),
            orNull(t.number),
            now,
            now,
            status === 'done' || status === 'skipped' ? now : null,
            actor === 'agent' && t.action ? 'an agent' : null, // an agent's commands are confirmed before they run
          ],
        );
        this.logEvent(w, id, actor, 'created', { title: t.title, status }, agent);
        created.push(id);
      }
      const byRef = new Map<string, string>();
      refs?.forEach((ref, i) => {
        if (ref !== undefined && i < created.length) byRef.set(ref, created[i]);
      });
      parsed.forEach((t, i) => {
        for (const dep of t.dependsOn ?? []) this.addEdge(w, created[i], byRef.get(dep) ?? dep);
      });
      return created;
    }, actor);
    this.changed.fire({ taskIds: ids });
    return ids.map(id => this.get(id)!);
  }

  async update(id: string, patch: TaskPatch, actor: Actor = 'user'): Promise<Task> {
    const p = parseOrExplain(taskPatchSchema, patch, 'The change');
    await this.store.write(w => {
      const before = this.requireRow(w, id);
      const sets: string[] = [];
      const params: Array<string | number | null> = [];
      const set = (column: string, value: string | number | null) => {
        sets.push(`${column} = ?`);
        params.push(value);
      };
      if (p.title !== undefined) set('title', p.title);
      if (p.description !== undefined) set('description', p.description);
      if (p.priority !== undefined) set('priority', priorityRank(p.priority));
      if (p.maxAttempts !== undefined) set('max_attempts', p.maxAttempts);
      if (p.deadline !== undefined) set('deadline', p.deadline);
      if (p.capabilities !== undefined) set('capabilities', JSON.stringify(p.capabilities));
      if (p.action !== undefined) set('action', JSON.stringify(p.action));
      if (p.phaseId !== undefined) set('phase_id', p.phaseId);
      if (p.parentId !== undefined) set('parent_id', p.parentId);
      if (p.number !== undefined) set('number', p.number);
      if (p.result !== undefined) set('result', p.result);
      if (p.error !== undefined) set('error', p.error);
      set('updated_at', this.clock.now());
      w.run(`UPDATE tasks SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
      if (p.dependsOn !== undefined) {
        w.run('DELETE FROM task_deps WHERE task_id = ?', [id]);
        for (const dep of p.dependsOn) this.addEdge(w, id, dep);
      }
      this.logEvent(w, id, actor, 'updated', { fields: Object.keys(p), title: before.title });
    }, actor);
    this.changed.fire({ taskIds: [id] });
    return this.get(id)!;
  }

  /** Moves a task to `status`, refusing changes that make no sense (see transitions.ts). */
  async setStatus(
    id: string,
    status: TaskStatus,
    actor: Actor = 'user',
    change: StatusChange = {},
    alsoIn?: (w: StoreWriter) => void,
  ): Promise<Task> {
    await this.recordStatus(id, status, actor, change, alsoIn);
    return this.get(id)!;
  }

  /** setStatus without reading the task back: for the executor, which moves its tasks on and has them already. */
  async recordStatus(
    id: string,
    status: TaskStatus,
    actor: Actor = 'user',
    change: StatusChange = {},
    alsoIn?: (w: StoreWriter) => void,
  ): Promise<void> {
    // `alsoIn`: records that must reach the disk in the same durable write (the executor's step journal)
    await this.store.write(w => {
      alsoIn?.(w);
      this.setStatusIn(w, id, status, actor, change);
    }, actor);
    this.changed.fire({ taskIds: [id] });
  }

  /** The same as setStatus, inside a write that the caller (the executor, a session) already holds. */
  setStatusIn(
    w: StoreWriter,
    id: string,
    status: TaskStatus,
    actor: Actor,
    change: StatusChange = {},
    agent?: string,
  ): void {
    const row = this.requireRow(w, id);
    const from = row.status as TaskStatus;
    const problem = transitionProblem(row.title, from, status);
    if (problem) throw new Error(problem);
    if (status === 'running') {
      const waiting = w.all<{ title: string }>(
        `SELECT u.title FROM task_deps d JOIN tasks u ON u.id = d.depends_on WHERE d.task_id = ? AND u.status <> 'done'`,
        [id],
      );
      if (waiting.length)
        throw new Error(
          `Task '${row.title}' cannot start yet: it waits for ${waiting.map(x => `'${x.title}'`).join(', ')}.`,
        );
    }
    const now = this.clock.now();
    // A new run of the task is a new attempt, numbered past every attempt in the step journal: a
    // restore or an import may have set `attempts` back, and the earlier attempts' steps (their
    // idempotency keys hold the attempt) must not pass for this one's.
    const lastAttempt =
      status === 'running' && from !== 'running'
        ? (w.get<{ n: number | null }>('SELECT max(attempt) AS n FROM execution_steps WHERE task_id = ?', [id])?.n ?? 0)
        : 0;
    w.run(
      `UPDATE tasks SET status = ?, updated_at = ?,
        attempts = max(attempts, ?) + ?, started_at = CASE WHEN ? THEN ? ELSE started_at END,
        completed_at = CASE WHEN ? THEN ? ELSE NULL END, progress = CASE WHEN ? THEN 100 ELSE progress END,
        result = coalesce(?, result), error = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE error END
      WHERE id = ?`,
      [
        status,
        now,
        lastAttempt,
        status === 'running' && from !== 'running' ? 1 : 0,
        status === 'running' ? 1 : 0,
        now,
        status === 'done' || status === 'skipped' ? 1 : 0,
        now,
        status === 'done' ? 1 : 0,
        orNull(change.result),
        change.error !== undefined ? 1 : 0,
        orNull(change.error),
        status === 'done' || status === 'pending' ? 1 : 0,
        id,
      ],
    );
    // an agent's claim lasts only while the task runs: done, failed, blocked or put back frees it
    if (status !== 'running')
      w.run(
        'UPDATE tasks SET claimed_by = NULL, claimed_by_name = NULL, lease_until = NULL WHERE id = ? AND claimed_by IS NOT NULL',
        [id],
      );
    this.logEvent(
      w,
      id,
      actor,
      'status',
      { from, to: status, ...(change.error ? { error: change.error.slice(0, 2000) } : {}) },
      agent,
    );
  }

  async setProgress(id: string, progress: number, actor: Actor = 'user'): Promise<Task> {
    if (!Number.isFinite(progress) || progress < 0 || progress > 100)
      throw new Error(`Progress must be a number from 0 to 100, not ${progress}.`);
    const value = Math.round(progress);
    await this.store.write(w => {
      const row = this.requireRow(w, id);
      if (['done', 'skipped', 'cancelled'].includes(row.status))
        throw new Error(`Task '${row.title}' is ${row.status}; its progress can no longer change. Reopen it first.`);
      w.run('UPDATE tasks SET progress = ?, updated_at = ? WHERE id = ?', [value, this.clock.now(), id]);
      this.logEvent(w, id, actor, 'progress', { progress: value });
    }, actor);
    this.changed.fire({ taskIds: [id] });
    return this.get(id)!;
  }

  async addDependency(id: string, dependsOn: string, actor: Actor = 'user'): Promise<void> {
    await this.store.write(w => {
      this.addEdge(w, id, dependsOn);
      this.logEvent(w, id, actor, 'updated', { fields: ['dependsOn'], added: dependsOn });
    }, actor);
    this.changed.fire({ taskIds: [id] });
  }

  async removeDependency(id: string, dependsOn: string, actor: Actor = 'user'): Promise<void> {
    await this.store.write(w => {
      w.run('DELETE FROM task_deps WHERE task_id = ? AND depends_on = ?', [id, dependsOn]);
      this.logEvent(w, id, actor, 'updated', { fields: ['dependsOn'], removed: dependsOn });
    }, actor);
    this.changed.fire({ taskIds: [id] });
  }

  /** Deletes a task. Tasks that depended on it lose that dependency (recorded in their log). */
  async delete(id: string, actor: Actor = 'user'): Promise<void> {
    const dependents = this.dependentsOf(id);
    await this.store.write(w => {
      const row = this.requireRow(w, id);
      for (const d of dependents)
        this.logEvent(w, d, actor, 'updated', {
          fields: ['dependsOn'],
          removed: id,
          reason: `'${row.title}' was deleted`,
        });
      w.run('DELETE FROM tasks WHERE id = ?', [id]);
      this.logEvent(w, id, actor, 'deleted', { title: row.title });
    }, actor);
    this.changed.fire({ taskIds: [id, ...dependents] });
  }

  /** What importing `plan` would create, update and leave alone. Changes nothing. */
  previewImport(plan: ParsedPlan): PlanImportPreview {
    const keys = new Set(plan.tasks.map(t => t.key));
    const existing = new Map<string, Task>();
    for (const t of this.list()) if (t.key && keys.has(t.key)) existing.set(t.key, t);
    return previewPlanImport(plan, existing);
  }

  /**
   * Imports a plan: phases and tasks are matched by their stable keys, so a re-import updates what
   * changed and duplicates nothing. A checked item marks its task done; an unchecked one leaves the
   * task's status alone (work in progress is never reset by an import). `only` limits the import to
   * some task keys (the ones the user kept in the preview). A plan with a dependency cycle is refused
   * with the cycle named. Written in short slices, dependencies first (see planImport.ts).
   */
  async importPlan(plan: ParsedPlan, options: ImportOptions = {}): Promise<{ created: number; updated: number }> {
    const actor = options.actor ?? 'user';
    const result = await importPlanInSlices(
      {
        store: this.store,
        now: () => this.clock.now(),
        newId: kind => this.newId(kind),
        setStatusIn: (w, id, status, by) => this.setStatusIn(w, id, status, by),
        logEvent: (w, id, by, kind, detail) => this.logEvent(w, id, by, kind, detail),
      },
      plan,
      { ...options, actor },
    );
    if (result.taskIds.length) this.changed.fire({ taskIds: result.taskIds });
    return { created: result.created, updated: result.updated };
  }

  // ---- helpers ----

  private requireRow(w: StoreWriter, id: string): TaskRow {
    const row = w.get<TaskRow>(`SELECT ${taskColumns} FROM tasks WHERE id = ?`, [id]);
    if (!row) throw new Error(`There is no task with id '${id}'. It may have been deleted; refresh the Tasks view.`);
    return row;
  }

  private dependenciesOfIn(w: StoreWriter, id: string): string[] {
    return w
      .all<{ depends_on: string }>('SELECT depends_on FROM task_deps WHERE task_id = ?', [id])
      .map(r => r.depends_on);
  }

  /** Adds "id depends on dep", refusing an unknown task or an edge that would close a cycle. */
  private addEdge(w: StoreWriter, id: string, dep: string): void {
    const title = (taskId: string) => w.get<{ title: string }>('SELECT title FROM tasks WHERE id = ?', [taskId])?.title;
    if (title(dep) === undefined)
      throw new Error(`Task '${title(id) ?? id}' depends on '${dep}', which is not a known task.`);
    const cycle = cycleThrough(id, dep, t => this.dependenciesOfIn(w, t));
    if (cycle)
      throw new Error(
        `That dependency would make a cycle: ${describeCycle(cycle, t => title(t) ?? t)}. Remove one of these dependencies first.`,
      );
    w.run('INSERT OR IGNORE INTO task_deps (task_id, depends_on) VALUES (?, ?)', [id, dep]);
  }

  private logEvent(
    w: StoreWriter,
    taskId: string,
    actor: Actor,
    kind: string,
    detail: Record<string, unknown>,
    agent?: string,
  ): void {
    recordTaskEventIn(w, { taskId, at: this.clock.now(), actor, kind, detail, ...(agent ? { agent } : {}) });
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

interface EventRow {
  id: number;
  task_id: string;
  at: number;
  actor: string;
  kind: string;
  detail: string;
  agent: string | null;
}

interface ClaimRow {
  status: string;
  claimed_by: string | null;
  claimed_by_name: string | null;
  lease_until: number | null;
}

/** A claim counts while its task runs and its lease has not ended. */
function liveClaim(row: ClaimRow, now: number): Claim | undefined {
  if (row.status !== 'running' || row.claimed_by === null || row.lease_until === null || row.lease_until < now)
    return undefined;
  return { agentId: row.claimed_by, agentName: row.claimed_by_name ?? row.claimed_by, leaseUntil: row.lease_until };
}
