// Execution sessions on the store: their lifecycle (see transitions.ts), heartbeat and recovery
// after a crash, progress over their tasks, statistics, and the store half of checkpoints.
import { randomUUID } from 'crypto';
import { Emitter, type Disposable, type Event } from '../events';
import { silentLogger, type Clock, type IdFactory, type Logger } from '../ports';
import type { Actor, SqlValue, Store, StoreReader, StoreWriter } from '../store/types';
import {
  planRestore,
  type CheckpointState,
  type RestorePlan,
  type SessionRestore,
  type TaskState,
} from './checkpointState';
import { SavedStates } from './savedStates';
import { countDoneInSession, taskIdsInSession, tasksInSession, unknownTaskIds } from '../tasks/sessionTasks';
import { recordTaskEventIn } from '../tasks/taskEvents';
import { restoreTaskStateIn } from '../tasks/taskStates';
import {
  SessionError,
  checkpointTriggers,
  toSession,
  type Checkpoint,
  type CheckpointTrigger,
  type Session,
  type SessionRow,
  type SessionStatus,
} from './model';
import { computeProgress, describeResume, type ProgressTask, type SessionProgress } from './progress';
import { assertCommand, assertTransition, type SessionCommand } from './transitions';

export interface SessionManagerOptions {
  /** How often `startHeartbeat` records a heartbeat (default 10 s). */
  heartbeatMs?: number;
  /** A running session without a heartbeat for this long is interrupted by `recoverInterrupted` (default 30 s). */
  staleAfterMs?: number;
  /** Save a 'pause' checkpoint whenever a session is paused (default true). */
  checkpointOnPause?: boolean;
  /** Along a chain of checkpoints that save only what changed, every this-many-th saves all tasks (default 20). */
  fullCheckpointEvery?: number;
  ids?: IdFactory;
  logger?: Logger;
}

export interface NewSession {
  name: string;
  /** The session's scope. */
  taskIds: readonly string[];
}

export interface SessionStatistics {
  /** Time spent running, counting only running periods. */
  durationMs: number;
  /** Tasks done per hour of running time; 0 before any running time. */
  tasksPerHour: number;
}

export interface NewCheckpoint {
  sessionId?: string;
  trigger: CheckpointTrigger;
  note?: string;
}

export interface RestorePreview {
  checkpointId: string;
  tasks: Array<{ id: string; title: string; from: string; to: string; fields: Array<keyof TaskState> }>;
  /** Tasks created after the checkpoint: a restore leaves them as they are. */
  createdSince: number;
  /** Tasks the checkpoint saved that were deleted since: a restore does not bring them back. */
  deletedSince: number;
  session?: { id: string; from: SessionStatus; to: SessionStatus };
}

export interface RestoreResult {
  /** The 'before-restore' checkpoint holding the state from just before the restore. */
  checkpointId: string;
  /** Tasks written back. */
  changed: number;
  createdSince: number;
  deletedSince: number;
  session?: { id: string; from: SessionStatus; to: SessionStatus };
}

interface CheckpointRow {
  id: string;
  session_id: string | null;
  created_at: number;
  trigger: string;
  note: string;
  context_version: number | null;
  task_count: number;
  tasks_done: number;
}

interface MoveOptions {
  /** The command used, when the target status alone does not say which statuses it may come from. */
  command?: SessionCommand;
  /** Further columns to set. */
  fields?: Record<string, SqlValue>;
  /** More writes in the same transaction. */
  after?: (w: StoreWriter) => void;
}

// Checkpoints saved before schema 6 have no counts in columns: their state (format 1) has them.
const checkpointColumns = `id, session_id, created_at, trigger, note, context_version,
  coalesce(task_count, json_array_length(state, '$.tasks')) AS task_count,
  coalesce(tasks_done, (SELECT count(*) FROM json_each(state, '$.tasks') WHERE json_extract(value, '$.status') = 'done')) AS tasks_done`;
const randomIds: IdFactory = prefix => `${prefix}-${randomUUID()}`;
/** The tables whose changes change what a session shows. */
const sessionTables = ['sessions', 'session_tasks', 'checkpoints'];

export class SessionManager {
  private readonly changed = new Emitter<{ sessionId: string }>();
  /** Fires after a session's status, scope, current task or checkpoints changed (not on heartbeats). */
  readonly onDidChange = this.changed.event;
  /**
   * Fires after the sessions or their tasks changed in the store, whoever wrote them: this process,
   * or the process holding the store when this one reads a replica (a pause in another window).
   * `onDidChange` tells only of this manager's own changes.
   */
  readonly onDidChangeStored: Event<void> = listener =>
    this.store.onDidChange(change => {
      if (sessionTables.some(t => change.tables.has(t))) listener();
    });
  private readonly checkpointCreated = new Emitter<Checkpoint>();
  /** Fires after a checkpoint was saved, whoever saved it (a command, the executor, a pause, a restore's backup). */
  readonly onDidCreateCheckpoint = this.checkpointCreated.event;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private readonly checkpointOnPause: boolean;
  private readonly newId: IdFactory;
  private readonly logger: Logger;
  private readonly savedStates: SavedStates;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    options: SessionManagerOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
    this.checkpointOnPause = options.checkpointOnPause ?? true;
    this.newId = options.ids ?? randomIds;
    this.logger = options.logger ?? silentLogger;
    this.savedStates = new SavedStates(options.fullCheckpointEvery);
  }

  // ---- reading ----

  get(id: string): Session | undefined {
    const row = this.store.get<SessionRow>('SELECT * FROM sessions WHERE id = ?', [id]);
    return row && this.toSession(row);
  }

  /** All sessions, newest first. */
  list(): Session[] {
    return this.store
      .all<SessionRow>('SELECT * FROM sessions ORDER BY created_at DESC, rowid DESC')
      .map(row => this.toSession(row));
  }

  /** The session to offer for resuming: the one most recently interrupted or paused. */
  resumePoint(): Session | undefined {
    const row = this.store.get<SessionRow>(
      "SELECT * FROM sessions WHERE status IN ('interrupted', 'paused') ORDER BY updated_at DESC, rowid DESC LIMIT 1",
    );
    return row && this.toSession(row);
  }

  progress(id: string): SessionProgress {
    const session = this.row(this.store, id);
    const tasks: ProgressTask[] = tasksInSession(this.store, id);
    return computeProgress(tasks, session.current_task_id ?? undefined);
  }

  /** "12 of 50 done — continues at 'Create login page'". */
  describeResume(id: string): string {
    return describeResume(this.progress(id));
  }

  statistics(id: string): SessionStatistics {
    const session = this.row(this.store, id);
    const durationMs =
      session.running_ms +
      (session.status === 'running' && session.started_at != null
        ? Math.max(0, this.clock.now() - session.started_at)
        : 0);
    const done = countDoneInSession(this.store, id);
    return { durationMs, tasksPerHour: durationMs > 0 ? done / (durationMs / 3_600_000) : 0 };
  }

  // ---- lifecycle ----

  async create(spec: NewSession, actor: Actor = 'user'): Promise<Session> {
    const name = spec.name.trim();
    if (!name) throw new SessionError('A session needs a name: say what the session is for.');
    const taskIds = [...new Set(spec.taskIds)];
    const id = this.newId('session');
    await this.store.write(w => {
      const missing = unknownTaskIds(w, taskIds);
      if (missing.length) {
        throw new SessionError(
          `Cannot create the session: no task has the id ${missing
            .slice(0, 5)
            .map(t => `'${t}'`)
            .join(
              ', ',
            )}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}. Create the tasks first or leave them out of the session.`,
        );
      }
      const now = this.clock.now();
      w.run('INSERT INTO sessions (id, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
        id,
        name,
        'created',
        now,
        now,
      ]);
      for (const taskId of taskIds)
        w.run('INSERT INTO session_tasks (session_id, task_id) VALUES (?, ?)', [id, taskId]);
    }, actor);
    this.changed.fire({ sessionId: id });
    return this.get(id)!;
  }

  start(id: string, actor: Actor = 'user'): Promise<Session> {
    return this.move(id, 'running', actor, { command: 'start' });
  }

  /** Pauses a running (or interrupted) session and, unless turned off, saves a 'pause' checkpoint with it. */
  async pause(id: string, note?: string, actor: Actor = 'user'): Promise<Session> {
    let checkpoint: Checkpoint | undefined;
    const session = await this.move(id, 'paused', actor, {
      fields: note === undefined ? {} : { note },
      after: w => {
        if (this.checkpointOnPause)
          checkpoint = this.insertCheckpoint(w, { sessionId: id, trigger: 'pause', note: note ?? '' });
      },
    });
    if (checkpoint) this.checkpointCreated.fire(checkpoint);
    return session;
  }

  /** Continues a paused or interrupted session. */
  resume(id: string, actor: Actor = 'user'): Promise<Session> {
    return this.move(id, 'running', actor, { command: 'resume' });
  }

  complete(id: string, actor: Actor = 'user'): Promise<Session> {
    return this.move(id, 'completed', actor);
  }

  fail(id: string, error: string | Error, actor: Actor = 'user'): Promise<Session> {
    return this.move(id, 'failed', actor, { fields: { error: typeof error === 'string' ? error : error.message } });
  }

  /** Records the task the session is working on (`undefined` clears it). The task must be in the session. */
  async setCurrentTask(id: string, taskId: string | undefined, actor: Actor = 'executor'): Promise<void> {
    await this.store.write(w => this.setCurrentTaskIn(w, id, taskId), actor);
    this.changed.fire({ sessionId: id });
  }

  /**
   * The same inside a write the caller holds: a task's start records its running status and the
   * session's current task in one durable write (the executor's); the task manager's change event,
   * which every view of the session's progress also follows, tells of both.
   */
  setCurrentTaskIn(w: StoreWriter, id: string, taskId: string | undefined): void {
    const session = this.row(w, id);
    if (
      taskId !== undefined &&
      !w.get('SELECT 1 FROM session_tasks WHERE session_id = ? AND task_id = ?', [id, taskId])
    ) {
      throw new SessionError(
        `Task '${taskId}' is not part of session '${session.name}'; pick one of the session's tasks.`,
      );
    }
    w.run('UPDATE sessions SET current_task_id = ?, updated_at = ? WHERE id = ?', [
      taskId ?? null,
      this.clock.now(),
      id,
    ]);
  }

  // ---- heartbeat and recovery ----

  /** Records that the running session is alive. Resolves to false (and records nothing) when it is not running. */
  async heartbeat(id: string): Promise<boolean> {
    return this.store.write(w => {
      if (this.row(w, id).status !== 'running') return false;
      w.run('UPDATE sessions SET heartbeat_at = ? WHERE id = ?', [this.clock.now(), id]);
      return true;
    }, 'executor');
  }

  /** Records a heartbeat every `heartbeatMs` until disposed or until the session stops running. */
  startHeartbeat(id: string): Disposable {
    let timer: { cancel(): void } | undefined;
    let stopped = false;
    const stop = () => {
      stopped = true;
      timer?.cancel();
    };
    const tick = () => {
      if (stopped) return;
      timer = this.clock.setTimeout(tick, this.heartbeatMs);
      void this.heartbeat(id).then(
        alive => {
          if (!alive) stop();
        },
        (err: unknown) => {
          this.logger.warn(
            `Continuum could not record the heartbeat of session ${id} (${err instanceof Error ? err.message : String(err)}); it tries again in ${this.heartbeatMs / 1000} s.`,
          );
        },
      );
    };
    timer = this.clock.setTimeout(tick, this.heartbeatMs);
    return { dispose: stop };
  }

  /**
   * Marks every running session whose last heartbeat is older than `staleAfterMs` (or that has none)
   * as interrupted: the process running it has gone. Call once when the store is opened.
   */
  async recoverInterrupted(actor: Actor = 'system'): Promise<Session[]> {
    const ids = await this.store.write(w => {
      const now = this.clock.now();
      const stale = w.all<SessionRow>(
        "SELECT * FROM sessions WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < ?)",
        [now - this.staleAfterMs],
      );
      for (const row of stale) {
        // Count running time only up to the last sign of life.
        const lastAlive = row.heartbeat_at ?? row.started_at ?? now;
        const ran = row.started_at == null ? 0 : Math.max(0, lastAlive - row.started_at);
        w.run("UPDATE sessions SET status = 'interrupted', running_ms = ?, updated_at = ? WHERE id = ?", [
          row.running_ms + ran,
          now,
          row.id,
        ]);
      }
      return stale.map(row => row.id);
    }, actor);
    for (const sessionId of ids) this.changed.fire({ sessionId });
    return ids.map(sessionId => this.get(sessionId)!);
  }

  // ---- checkpoints ----

  /** `alsoIn` writes more in the same durable write (the executor records which task the checkpoint was taken before). */
  async createCheckpoint(
    spec: NewCheckpoint,
    actor: Actor = 'user',
    alsoIn?: (w: StoreWriter, checkpoint: Checkpoint) => void,
  ): Promise<Checkpoint> {
    const checkpoint = await this.store.write(w => {
      const c = this.insertCheckpoint(w, spec);
      alsoIn?.(w, c);
      return c;
    }, actor);
    if (checkpoint.sessionId) this.changed.fire({ sessionId: checkpoint.sessionId });
    this.checkpointCreated.fire(checkpoint);
    return checkpoint;
  }

  /** Checkpoints, newest first; only those of one session when `sessionId` is given. */
  listCheckpoints(sessionId?: string): Checkpoint[] {
    const rows =
      sessionId === undefined
        ? this.store.all<CheckpointRow>(
            `SELECT ${checkpointColumns} FROM checkpoints ORDER BY created_at DESC, rowid DESC`,
          )
        : this.store.all<CheckpointRow>(
            `SELECT ${checkpointColumns} FROM checkpoints WHERE session_id = ? ORDER BY created_at DESC, rowid DESC`,
            [sessionId],
          );
    return rows.map(toCheckpoint);
  }

  /** The state a checkpoint saved, or `undefined` when there is no such checkpoint. */
  checkpointState(id: string): CheckpointState | undefined {
    return this.savedStates.read(this.store, id);
  }

  /** What `restoreCheckpoint(id)` would change now, without changing anything. */
  previewRestore(id: string): RestorePreview {
    const plan = planRestore(this.store, this.savedState(this.store, id));
    return {
      checkpointId: id,
      tasks: plan.tasks.map(t => ({
        id: t.id,
        title: t.title,
        from: t.from.status,
        to: t.to.status,
        fields: t.fields,
      })),
      createdSince: plan.createdSince,
      deletedSince: plan.deletedSince,
      ...sessionChange(plan),
    };
  }

  /**
   * Writes back the tasks' and the session's state from a checkpoint, after first saving the current
   * state as a 'before-restore' checkpoint — all in one write. Tasks created since are left alone;
   * deleted ones are not brought back; a session saved as running comes back paused. Every task
   * written back gets a 'restored' entry in its event log.
   */
  async restoreCheckpoint(id: string, actor: Actor): Promise<RestoreResult> {
    const { backup, result } = await this.store.write(w => {
      const plan = planRestore(w, this.savedState(w, id));
      const sessionId =
        w.get<{ session_id: string | null }>('SELECT session_id FROM checkpoints WHERE id = ?', [id])?.session_id ??
        undefined;
      const when = new Date(
        w.get<{ at: number }>('SELECT created_at AS at FROM checkpoints WHERE id = ?', [id])!.at,
      ).toISOString();
      const backup = this.insertCheckpoint(w, {
        sessionId,
        trigger: 'before-restore',
        note: `Before restoring the checkpoint of ${when} (${id})`,
      });
      const now = this.clock.now();
      for (const task of plan.tasks) {
        restoreTaskStateIn(w, task.to, now);
        const detail = {
          checkpointId: id,
          backupCheckpointId: backup.id,
          from: pick(task.from, task.fields),
          to: pick(task.to, task.fields),
        };
        recordTaskEventIn(w, { taskId: task.id, at: now, actor, kind: 'restored', detail });
      }
      if (plan.session) this.restoreSession(w, plan.session, now);
      return {
        backup,
        result: {
          checkpointId: backup.id,
          changed: plan.tasks.length,
          createdSince: plan.createdSince,
          deletedSince: plan.deletedSince,
          ...sessionChange(plan),
        },
      };
    }, actor);
    if (result.session) this.changed.fire({ sessionId: result.session.id });
    this.checkpointCreated.fire(backup);
    return result;
  }

  // ---- helpers ----

  private row(r: StoreReader, id: string): SessionRow {
    const row = r.get<SessionRow>('SELECT * FROM sessions WHERE id = ?', [id]);
    if (!row)
      throw new SessionError(
        `No session has the id '${id}'. It may have been deleted; pick one from the list of sessions.`,
      );
    return row;
  }

  private toSession(row: SessionRow): Session {
    return toSession(row, taskIdsInSession(this.store, row.id));
  }

  /** Changes a session's status after checking the transition, closing or opening a running period. */
  private async move(id: string, to: SessionStatus, actor: Actor, how: MoveOptions = {}): Promise<Session> {
    const { command, fields = {}, after } = how;
    await this.store.write(w => {
      const row = this.row(w, id);
      const name = `Session '${row.name}'`;
      if (command) assertCommand(command, row.status as SessionStatus, name);
      assertTransition(row.status as SessionStatus, to, name);
      const now = this.clock.now();
      const set: Record<string, SqlValue> = { status: to, updated_at: now, ...fields };
      if (row.status === 'running' && row.started_at != null)
        set.running_ms = row.running_ms + Math.max(0, now - row.started_at);
      if (to === 'running') Object.assign(set, { started_at: now, heartbeat_at: now, ended_at: null });
      if (to === 'completed' || to === 'failed') set.ended_at = now;
      const columns = Object.keys(set);
      w.run(`UPDATE sessions SET ${columns.map(c => `${c} = ?`).join(', ')} WHERE id = ?`, [
        ...columns.map(c => set[c]),
        id,
      ]);
      after?.(w);
    }, actor);
    this.changed.fire({ sessionId: id });
    return this.get(id)!;
  }

  private insertCheckpoint(w: StoreWriter, spec: NewCheckpoint): Checkpoint {
    if (!checkpointTriggers.includes(spec.trigger)) {
      throw new SessionError(
        `'${String(spec.trigger)}' is not a checkpoint trigger; use one of ${checkpointTriggers.join(', ')}.`,
      );
    }
    if (spec.sessionId !== undefined) this.row(w, spec.sessionId);
    const state = this.savedStates.capture(w, spec.sessionId);
    const checkpoint: Checkpoint = {
      id: this.newId('checkpoint'),
      ...(spec.sessionId !== undefined ? { sessionId: spec.sessionId } : {}),
      createdAt: this.clock.now(),
      trigger: spec.trigger,
      note: spec.note ?? '',
      ...(state.contextVersion !== undefined ? { contextVersion: state.contextVersion } : {}),
      taskCount: state.taskCount,
      tasksDone: state.tasksDone,
    };
    w.run(
      `INSERT INTO checkpoints (id, session_id, created_at, trigger, note, context_version, state, base_id, task_count, tasks_done)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        checkpoint.id,
        spec.sessionId ?? null,
        checkpoint.createdAt,
        checkpoint.trigger,
        checkpoint.note,
        state.contextVersion ?? null,
        state.json,
        state.baseId,
        state.taskCount,
        state.tasksDone,
      ],
    );
    this.savedStates.inserted(w, checkpoint.id, state);
    return checkpoint;
  }

  private savedState(r: StoreReader, id: string): CheckpointState {
    const state = this.savedStates.read(r, id);
    if (!state)
      throw new SessionError(
        `No checkpoint has the id '${id}'. It may have been pruned; pick one from the checkpoint timeline.`,
      );
    return state;
  }

  private restoreSession(w: StoreWriter, { id, to, currentTaskId, error }: SessionRestore, now: number): void {
    const row = this.row(w, id);
    const ran = row.status === 'running' && row.started_at != null ? Math.max(0, now - row.started_at) : 0;
    const ended = to === 'completed' || to === 'failed' ? (row.ended_at ?? now) : null;
    const current =
      currentTaskId !== null &&
      w.get('SELECT 1 FROM session_tasks WHERE session_id = ? AND task_id = ?', [id, currentTaskId])
        ? currentTaskId
        : null;
    w.run(
      'UPDATE sessions SET status = ?, current_task_id = ?, error = ?, running_ms = ?, ended_at = ?, updated_at = ? WHERE id = ?',
      [to, current, to === 'failed' ? error : null, row.running_ms + ran, ended, now, id],
    );
  }
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    id: row.id,
    ...(row.session_id != null ? { sessionId: row.session_id } : {}),
    createdAt: row.created_at,
    trigger: row.trigger as CheckpointTrigger,
    note: row.note,
    ...(row.context_version != null ? { contextVersion: row.context_version } : {}),
    taskCount: row.task_count,
    tasksDone: row.tasks_done,
  };
}

function sessionChange(plan: RestorePlan): { session?: { id: string; from: SessionStatus; to: SessionStatus } } {
  return plan.session ? { session: { id: plan.session.id, from: plan.session.from, to: plan.session.to } } : {};
}

function pick(state: TaskState, fields: ReadonlyArray<keyof TaskState>): Partial<TaskState> {
  return Object.fromEntries(fields.map(f => [f, state[f]]));
}
