// One run of a session: the scheduler loop and the life of each task in it.
//
// The loop takes the session's ready tasks in the store's ready order (tasks a crash left running
// first) and starts them while the bulkhead has room; manual tasks wait for a person without taking
// a slot; a task without any action is a person's to-do, never started here — the run waits for
// it to be marked done. Each task: marked running, its action's steps run through the step journal, its verify,
// then done or failed — through retry (transient failures only), its kind's circuit breaker and a
// timeout. A task recorded done is never started again: only pending and running tasks are picked.
import { BrokenCircuitError, type BulkheadPolicy, type CircuitBreakerPolicy } from 'cockatiel';
import type { Disposable } from '../events';
import type { Clock, Logger } from '../ports';
import type { SessionManager } from '../sessions/sessionManager';
import type { Store, StoreWriter } from '../store/types';
import type { Task, TaskAction } from '../tasks/model';
import type { StatusChange, TaskManager } from '../tasks/taskManager';
import { ActionFailure, type ActionContext, type PersonDecision, type StepOptions } from './actions/action';
import { actionFor, actions } from './actions/index';
import { runChecked, signalReason } from './actions/process';
import { runVerify } from './actions/verify';
import type { EndedTask, ExecutorPorts, ExecutorSettings, UnattendedKind } from './ports';
import { circuitOfModel } from './circuits';
import { tokensOfRun, type LmTaskUsage } from './lmUsage';
import { describeCommand } from './commandLine';
import type { ExecutionHooks, ProposedFix, TryVerdict, WatchedTask } from './hooks';
import {
  checkpointBeforeRun,
  readStep,
  recordStepEnded,
  recordStepProcess,
  recordStepStarted,
  recordTaskEvent,
  stepKey,
  stepsOfTask,
  type StepRecord,
} from './journal';
import type { ProcessPort } from './ports';
import {
  CircuitState,
  concurrencyLimit,
  halfOpensAt,
  retryPolicy,
  timeoutPolicy,
  type ResilienceSettings,
} from './resilience';
import { formatDuration, type RunOutcome, type RunSummary } from './summary';
import type { TaskLogs } from './taskLogs';
import { actionKinds } from '../tasks/model';
import { pause } from './pause';

/** What a run needs from the executor that started it. */
export interface RunHost {
  store: Store;
  tasks: TaskManager;
  sessions: SessionManager;
  clock: Clock;
  logger: Logger;
  ports: ExecutorPorts;
  workspace: string;
  resilience: ResilienceSettings;
  logs: TaskLogs;
  random?: () => number;
  /** By circuit: an action kind's, or a model's (see circuitOf). */
  breaker(circuit: string): CircuitBreakerPolicy;
  /** The task now calling through a breaker: a circuit change it causes goes into its event log. */
  breakerSubject(circuit: string, taskId: string): void;
  saveBreaker(circuit: string): Promise<void>;
  waitForPerson(taskId: string, signal: AbortSignal): Promise<PersonDecision>;
  /** Tasks started or ended here; `ended` is a task whose run is over, with its end as saved on disk. */
  changed(sessionId: string, running: string[], ended?: EndedTask): void;
  /** Action kinds this host leaves alone now (see ExecutorOptions.cannotRun): read at each look at what can start. */
  cannotRun(): ReadonlySet<TaskAction['kind']>;
  /** The autonomy guards, when the host installed them. */
  hooks?: ExecutionHooks;
  /** Records the workspace files as each task starts and ends (CheckpointFiles), so a pull request commits each task's own changes. */
  taskFiles?: TaskFiles;
}

export interface TaskFiles {
  /**
   * Resolves once the workspace files are read (what is recorded is the files as they were then; the record
   * itself may be written later); never rejects. `keepExisting`: a resumed task keeps the files recorded at its first start.
   */
  taskBoundary(sessionId: string, taskId: string, at: 'start' | 'end', keepExisting?: boolean): Promise<void>;
  /** Waits for a checkpoint's files half (CheckpointFiles.filesFor); rejects when it could not be taken. */
  filesFor?(checkpointId: string): Promise<unknown>;
}

/** Why a run stops: pause lets running tasks finish; the others abort them. */
type Stopping = 'pause' | 'stop' | 'cancel' | 'abandon';

/** The store could not record a step: the run cannot keep its promises and stops. */
class JournalError extends Error {
  constructor(cause: unknown) {
    super(`the step journal could not be written (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'JournalError';
  }
}

/** A person counted a cut-off step as done: it is not run, and its result is unknown. */
class StepSettled extends Error {}

/** A cut-off step that must not run twice ends its task: a person chose so, or nobody could be asked. */
class StepDecision extends ActionFailure {
  /** The task's failure is on disk, written with the step's end. */
  recorded = false;

  constructor(task: Task, step: string, choice: 'fail' | 'fail-unasked') {
    super(
      choice === 'fail'
        ? `Step '${step}' of '${task.title}' was cut off by an interruption and must not run twice; a person chose to fail the task rather than run it again.`
        : `Step '${step}' of '${task.title}' was cut off by an interruption and must not run twice; nobody could be asked (no terminal), so the task was failed without running it again. Check what the step did, then Retry the task or mark it done.`,
      { phase: 'run' },
    );
  }

  /** A decision about an interruption says nothing about the action kind's health. */
  override get countsForBreaker(): boolean {
    return false;
  }
}

class Wakeup {
  private resolve: (() => void) | undefined;
  private pending = false;

  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise(r => {
      this.resolve = r;
    });
  }

  wake(): void {
    const r = this.resolve;
    this.resolve = undefined;
    if (r) r();
    else this.pending = true;
  }
}

interface InFlight {
  startedAt: number;
  controller: AbortController;
  unattended: boolean;
  kind: TaskAction['kind'];
}

export class SessionRun {
  readonly finished: Promise<RunSummary>;
  private resolveFinished!: (summary: RunSummary) => void;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly wakeup = new Wakeup();
  private readonly bulkhead: BulkheadPolicy;
  private readonly began: number;
  private stopping: Stopping | undefined;
  private problem: string | undefined;
  /** Why the guards paused the run, for the session and the summary. */
  private pausedBecause: string | undefined;
  /** Per task, the guards' verdict on its last failed try. */
  private readonly verdicts = new Map<string, TryVerdict>();
  private doneThisRun = 0;
  private heartbeat: Disposable | undefined;
  private watch: Disposable | undefined;
  private deferredTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly checkpoints: Array<Promise<void>> = [];
  /** Per task, step records not yet issued: they go with the task's next write (see hold()). */
  private readonly held = new Map<string, Array<(w: StoreWriter) => void>>();
  /** Per task, writes issued but not yet awaited (see step()). */
  private readonly pendingWrites = new Map<string, Array<Promise<unknown>>>();
  /**
   * Per task, the write of a durable step's result (a model's answer) on its way to the disk: every
   * later step of the task but a file read waits for it before it runs (see step()).
   */
  private readonly durableSoon = new Map<string, Promise<void>>();
  /** Step keys this run has started: a record with one of these keys is this run's own, not a crash's. */
  private readonly startedHere = new Set<string>();
  /** Failures the guards were told about already (an action may tell them itself, see ActionContext.failedTry). */
  private readonly toldGuards = new WeakSet<ActionFailure>();
  /** The `lm` tasks this run ended, with the tokens and time each used (for the summary). */
  private readonly lmRuns = new Map<string, LmTaskUsage>();
  /** Per task that ended done, its end on its way to the disk (awaited outside its slot: see launch). */
  private readonly endings = new Map<string, Promise<void>>();
  /** Per task, its end once it is on disk (told to the host when the task leaves the run). */
  private readonly endsRecorded = new Map<string, NonNullable<EndedTask['status']>>();

  constructor(
    private readonly host: RunHost,
    readonly sessionId: string,
    private readonly settings: ExecutorSettings,
  ) {
    this.bulkhead = concurrencyLimit(settings.concurrency);
    this.began = host.clock.now();
    this.finished = new Promise(resolve => {
      this.resolveFinished = resolve;
    });
  }

  begin(): void {
    this.heartbeat = this.host.sessions.startHeartbeat(this.sessionId);
    // a person finishing a task (or anyone changing one) may make more tasks ready; a change of a task
    // running here is this run's own, and its end wakes the loop itself (see launch)
    this.watch = this.host.tasks.onDidChange(e => {
      if (e.taskIds.length && e.taskIds.every(id => this.inFlight.has(id))) return;
      this.wakeup.wake();
    });
    void this.loop().then(this.resolveFinished, (err: unknown) => {
      this.problem ??= err instanceof Error ? err.message : String(err);
      this.host.logger.error(`session ${this.sessionId}: the run stopped`, err);
      this.resolveFinished(this.summary('stopped-on-error'));
    });
  }

  /** Tasks running now. */
  get running(): string[] {
    // a task whose end is on its way to the disk has stopped running (its slot is the next task's)
    return [...this.inFlight.keys()].filter(id => !this.endings.has(id));
  }

  startedAt(taskId: string): number | undefined {
    return this.inFlight.get(taskId)?.startedAt;
  }

  /** Looks again at what can start: something outside the store changed what this host can run (a model came). */
  lookAgain(): void {
    this.wakeup.wake();
  }

  /** Starts nothing new; running tasks finish (a manual task waiting for a person goes back to pending); then the session is paused with a checkpoint. */
  pause(): Promise<RunSummary> {
    this.stopWith('pause');
    return this.finished;
  }

  /** Pauses at once: running tasks are cancelled and their process trees killed; they run again on resume. */
  stopNow(): Promise<RunSummary> {
    this.stopWith('stop');
    return this.finished;
  }

  /** Stops at once and ends the session as failed ("cancelled by the user"). */
  cancel(): Promise<RunSummary> {
    this.stopWith('cancel');
    return this.finished;
  }

  /** The process is going away: kill what runs and record nothing more. */
  abandon(): void {
    this.stopWith('abandon');
    this.heartbeat?.dispose();
    this.watch?.dispose();
  }

  private stopWith(how: Stopping): void {
    const rank: Record<Stopping, number> = { pause: 1, stop: 2, cancel: 3, abandon: 4 };
    if (this.stopping && rank[this.stopping] >= rank[how]) return;
    this.stopping = how;
    for (const f of this.inFlight.values()) {
      if (how !== 'pause' || !f.unattended) f.controller.abort(how);
    }
    this.wakeup.wake();
  }

  // ---- the scheduler ----

  private async loop(): Promise<RunSummary> {
    this.host.logger.info(`session ${this.sessionId}: running with up to ${this.settings.concurrency} tasks at a time`);
    for (;;) {
      let deferredUntil: number | undefined;
      if (!this.stopping && !this.problem) deferredUntil = this.launchReady();
      if (
        this.inFlight.size === 0 &&
        (this.stopping || this.problem || (deferredUntil === undefined && !this.waitingForPeople()))
      )
        break;
      if (deferredUntil !== undefined) this.wakeAt(deferredUntil);
      await this.wakeup.wait();
    }
    return this.end();
  }

  /** Whether unfinished tasks without an action (a person's to-dos) can still become ready. */
  private waitingForPeople(): boolean {
    if (this.host.cannotRun().has('manual')) return false; // no person can mark them here
    return this.host.tasks.hasToDosLeftInSession(this.sessionId);
  }

  /** Starts what can start now; returns when an open circuit lets its waiting tasks try again, if any wait for one. */
  private launchReady(): number | undefined {
    let slots = this.bulkhead.executionSlots;
    let deferredUntil: number | undefined;
    // The ready tasks are read per kind that can start now, so that tasks the run cannot start — a
    // person's to-dos, kinds left for another host, kinds whose circuit is open — never fill the
    // window and hide a runnable task behind them.
    const limits: Partial<Record<TaskAction['kind'], number>> = {};
    const cannotRun = this.host.cannotRun();
    for (const kind of actionKinds) {
      if (cannotRun.has(kind)) continue; // left for a host that can run it
      // no slot is free: none of the kinds that take one can start (a slot's freeing wakes the loop)
      if (slots <= 0 && kind !== 'manual') continue;
      let limit = this.inFlight.size + Math.max(0, slots); // in-flight tasks come first and are passed over
      if (kind === 'manual') {
        limit = -1; // manual tasks take no slot: every ready one waits for its person
      } else {
        const breaker = this.host.breaker(this.circuitOf(kind));
        const opensAt = halfOpensAt(breaker, this.host.resilience.halfOpenAfterMs);
        if (opensAt !== undefined && opensAt > Date.now()) {
          // cockatiel's breaker keeps wall-clock time
          deferredUntil = Math.min(deferredUntil ?? Infinity, opensAt);
          continue;
        }
        if (opensAt !== undefined || breaker.state === CircuitState.HalfOpen) {
          // one test call at a time decides whether the circuit closes again
          if ([...this.inFlight.values()].some(f => f.kind === kind)) continue;
          limit = this.inFlight.size + 1;
        }
      }
      limits[kind] = limit;
    }
    const rows = this.host.tasks.readyInSessionOfKinds(this.sessionId, limits, this.host.clock.now());
    const probing = new Set<string>();
    for (const row of rows) {
      if (this.inFlight.has(row.id)) continue;
      const unattended = actions[row.kind].unattended;
      if (unattended) {
        const breaker = this.host.breaker(this.circuitOf(row.kind as UnattendedKind));
        if (
          halfOpensAt(breaker, this.host.resilience.halfOpenAfterMs) !== undefined ||
          breaker.state === CircuitState.HalfOpen
        ) {
          if (probing.has(row.kind)) continue;
          probing.add(row.kind);
        }
        if (slots <= 0) continue;
        slots--;
      }
      const task = this.host.tasks.get(row.id);
      if (!task) continue;
      this.launch(task, task.action ?? { kind: 'manual' }, unattended);
    }
    return deferredUntil;
  }

  private launch(task: Task, action: TaskAction, unattended: boolean): void {
    const controller = new AbortController();
    this.inFlight.set(task.id, { startedAt: this.host.clock.now(), controller, unattended, kind: action.kind });
    this.host.changed(this.sessionId, this.running);
    const work = unattended
      ? this.bulkhead.execute(() => this.runTask(task, action, controller.signal))
      : this.runTask(task, action, controller.signal);
    // whether the loop has looked for what to start next since this task's end (see below)
    let lookedAfterEnd = false;
    void work
      .then(() => {
        // A task that ended done gives its slot back as soon as its end is written in memory and on
        // its way to the disk: the next task's start then goes to disk in the same fdatasync. Nothing
        // of the next task runs before its start is on disk, and the journal keeps the order, so that
        // start is durable only with this end. The host hears of the end once it is durable.
        const ending = this.endings.get(task.id);
        if (ending) {
          lookedAfterEnd = true;
          this.wakeup.wake();
        }
        return ending;
      })
      .catch((err: unknown) => {
        lookedAfterEnd = false;
        if (this.stopping === 'abandon') return;
        this.problem ??= err instanceof Error ? err.message : String(err);
        this.host.logger.error(
          `session ${this.sessionId}: task '${task.title}' could not be recorded; the run stops`,
          err,
        );
        for (const f of this.inFlight.values()) f.controller.abort('stop');
      })
      .finally(() => {
        this.endings.delete(task.id);
        this.inFlight.delete(task.id);
        const recorded = this.endsRecorded.get(task.id);
        this.endsRecorded.delete(task.id);
        this.host.changed(this.sessionId, this.running, { taskId: task.id, ...(recorded ? { status: recorded } : {}) });
        // Nothing new to start since the loop looked at this task's end, unless this was the last
        // task in flight (the run may be over) or its end could not be written (the run stops).
        if (!lookedAfterEnd || this.inFlight.size === 0) this.wakeup.wake();
      });
  }

  /** The circuit a kind's tasks go through: the kind's own, and for `lm` tasks their model's. */
  private circuitOf(kind: UnattendedKind): string {
    return kind === 'lm' && this.host.ports.lm ? circuitOfModel(this.host.ports.lm.model.name) : kind;
  }

  private wakeAt(at: number): void {
    if (this.deferredTimer) clearTimeout(this.deferredTimer);
    this.deferredTimer = setTimeout(
      () => {
        this.deferredTimer = undefined;
        this.wakeup.wake();
      },
      Math.max(0, at - Date.now()) + 10,
    );
  }

  // ---- one task ----

  private async runTask(task: Task, action: TaskAction, signal: AbortSignal): Promise<void> {
    const fresh = this.host.tasks.get(task.id);
    if (!fresh || (fresh.status !== 'pending' && fresh.status !== 'running')) return; // finished meanwhile: never again
    if (this.host.tasks.claimOf(task.id)) return; // an agent claimed it since it was picked
    const resumed = fresh.status === 'running';
    const watched: WatchedTask = {
      id: task.id,
      title: task.title,
      kind: action.kind,
      sessionId: this.sessionId,
      ...(fresh.error ? { previousError: fresh.error } : {}),
    };
    const hooks = this.host.hooks;
    let attempts: number | undefined;
    // a resumed task's checkpoint is on disk already: it was awaited before the task was recorded running
    const lmCheckpoint = action.kind === 'lm' && !resumed && this.settings.checkpointBeforeLm;
    if (hooks?.beforeTask && !resumed && action.kind !== 'manual') {
      const verdict = await hooks.beforeTask(watched, signal);
      attempts = verdict.attempts;
      if (verdict.note) this.host.logs.append(task.id, `[${verdict.note}]\n`);
      if (!verdict.run) {
        await this.recordEnd(task.id, 'skipped');
        hooks.taskFinished(watched, 'skipped', 0);
        return;
      }
      if (verdict.checkpointFirst && !lmCheckpoint)
        await this.host.sessions.createCheckpoint(
          {
            sessionId: this.sessionId,
            trigger: 'before-risky-action',
            note: `before '${task.title}' (low confidence)`,
          },
          'executor',
        );
    }
    if (lmCheckpoint) await this.checkpointBeforeLm(fresh);
    if (!resumed) {
      // An agent may have claimed it (or a person finished it) while the run asked before starting
      // it: looked at again in the same turn as the start below, so a claim and the start never both win.
      const now = this.host.tasks.progressOf(task.id);
      if (now?.status !== 'pending' || now.claim) return;
    }
    hooks?.taskStarted(watched);
    const began = this.host.clock.now();
    const pending: Array<Promise<unknown>> = [];
    this.pendingWrites.set(task.id, pending);
    if (!resumed) {
      // Applied in memory at once, on disk with the step's first record (see step()).
      pending.push(
        this.host.tasks.recordStatus(task.id, 'running', 'executor', {}, w =>
          this.host.sessions.setCurrentTaskIn(w, this.sessionId, task.id),
        ),
      );
      for (const p of pending) p.catch(() => undefined); // awaited (and reported) before the task ends
    }
    // a new run's attempt number as the store gave it (past every attempt in the step journal)
    const started = resumed
      ? fresh
      : {
          ...fresh,
          status: 'running' as const,
          attempts: Math.max(fresh.attempts + 1, this.host.tasks.progressOf(task.id)?.attempts ?? 0),
        };
    const attempt = Math.max(1, started.attempts);
    this.host.logs.append(
      task.id,
      `\n=== ${new Date(this.host.clock.now()).toISOString()} ${resumed ? 'resumed' : 'started'} '${task.title}' (run ${attempt}) ===\n`,
    );
    // The files as the task finds them, read before any of its steps can change one (it shows as running
    // meanwhile; the commit and ref are written later).
    if (this.host.taskFiles) await this.host.taskFiles.taskBoundary(this.sessionId, task.id, 'start', resumed);
    try {
      // an earlier run of this task (a killed CLI, a closed window, a stalled process that lost its
      // lock) may have left a step's process running: it ends before anything of the task runs here.
      // Checked at every start, not only a resume's: recovery may have put the task back to pending.
      await this.settleOrphans(fresh, signal);
      const result =
        action.kind === 'manual'
          ? await this.attempt(started, action, attempt, signal)
          : await this.withFixes(started, watched, action, attempt, signal, attempts);
      // The files as the task left them, read before it shows as done: an edit the person makes on seeing
      // it done is theirs, not the task's (the commit and ref are written later).
      if (this.host.taskFiles) await this.host.taskFiles.taskBoundary(this.sessionId, task.id, 'end');
      this.finishDone(started, result);
      hooks?.taskFinished(watched, 'done', this.host.clock.now() - began);
    } catch (err) {
      await this.settle(task.id);
      const outcome = await this.finishFailed(started, err, signal);
      if (outcome) hooks?.taskFinished(watched, outcome, this.host.clock.now() - began);
    } finally {
      this.verdicts.delete(task.id);
      this.pendingWrites.delete(task.id);
      this.durableSoon.delete(task.id);
      this.held.delete(task.id); // its end took them (recordEnd); left only when no end was recorded here: re-runnable steps
      void this.host.logs.flush(task.id); // awaited at the end of the run; the next task need not wait for it
    }
  }

  /**
   * A checkpoint (state, and files where the host records them) before a run of an `lm` task, so
   * what the model changes is one restore away. Taken once per run: a run killed after it and
   * before the task was recorded running finds it on resume (checkpointBeforeRun) and takes none.
   */
  private async checkpointBeforeLm(task: Task): Promise<void> {
    const existing = checkpointBeforeRun(this.host.store, task.id, task.attempts);
    if (existing) {
      this.host.logs.append(task.id, `[checkpoint ${existing} from before this run exists; not taken again]\n`);
      return;
    }
    const checkpoint = await this.host.sessions.createCheckpoint(
      {
        sessionId: this.sessionId,
        trigger: 'before-lm-task',
        note: `before '${task.title}' (run ${task.attempts + 1})`,
      },
      'executor',
      (w, c) =>
        recordTaskEvent(w, this.host.clock, task.id, 'checkpoint-before', {
          checkpointId: c.id,
          runsBefore: task.attempts,
        }),
    );
    // its files are read before the model can change one (the failure is reported by the files half itself)
    const files = this.host.taskFiles?.filesFor
      ? await this.host.taskFiles.filesFor(checkpoint.id).then(
          () => 'files and task state',
          () => 'task state only: its files could not be saved (see the Continuum log)',
        )
      : 'task state';
    this.host.logs.append(
      task.id,
      `[checkpoint ${checkpoint.id} saved before this run (${files}); Restore Checkpoint undoes what the model changes]\n`,
    );
  }

  /**
   * The steps of the task that an earlier process started and never finished, whose process (or
   * its process group) still runs: each is waited for or stopped, as a person chooses, so no step
   * ever runs beside itself. What happens to the step afterwards is the resume's usual rule.
   */
  private async settleOrphans(task: Task, signal: AbortSignal): Promise<void> {
    const port = this.host.ports.processes;
    for (const step of stepsOfTask(this.host.store, task.id)) {
      if (step.status !== 'started' || this.startedHere.has(step.key)) continue;
      // its recorded process, else one found by the step's marker (a kill may have come before the record)
      const orphan =
        step.process && (await port.isRunning(step.process)) ? step.process : (await port.findByMarker(step.key))[0];
      if (!orphan) continue;
      const choice = await this.host.ports.questions.orphanedStep(task.title, step.step, orphan.pid, step.startedAt);
      await this.journal(w =>
        recordTaskEvent(w, this.host.clock, task.id, 'orphaned-step', { step: step.step, pid: orphan.pid, choice }),
      );
      this.host.logs.append(
        task.id,
        `[step '${step.step}' of an earlier run is still running (process ${orphan.pid}); ${choice === 'stop' ? 'stopping it' : 'waiting for it to end'} before going on]\n`,
      );
      this.host.logger.info(
        `task '${task.title}': step '${step.step}' of an earlier run is still running (process ${orphan.pid}); ${choice === 'stop' ? 'stopping it' : 'waiting for it to end'}`,
      );
      const others = async () => (await port.findByMarker(step.key)).filter(p => p.pid !== orphan.pid);
      if (choice === 'stop') {
        await port.stop(orphan);
        for (const p of await others()) await port.stop(p);
      }
      while ((await port.isRunning(orphan)) || (await others()).length) {
        if (signal.aborted)
          throw new ActionFailure(
            `'${task.title}' was stopped while waiting for process ${orphan.pid} of an earlier run to end.`,
            { phase: 'run' },
          );
        await pause(500, signal);
      }
      this.host.logs.append(task.id, `[process ${orphan.pid} of the earlier run has ended]\n`);
    }
  }

  /** Waits for the task's writes not awaited yet; one that failed stops the run. */
  private async settle(taskId: string): Promise<void> {
    if (this.held.has(taskId))
      this.defer(
        taskId,
        this.journalOf(taskId, () => undefined),
      );
    const pending = this.pendingWrites.get(taskId) ?? [];
    this.pendingWrites.set(taskId, []);
    try {
      await Promise.all(pending);
    } catch (err) {
      throw new JournalError(err);
    }
  }

  /**
   * The task's tries; when they fail and a rule proposed a fix, the fix runs (after a person's yes
   * when it asks first) and the task gets its tries again — each fix once per run of the task.
   */
  private async withFixes(
    task: Task,
    watched: WatchedTask,
    action: Exclude<TaskAction, { kind: 'manual' }>,
    attempt: number,
    stop: AbortSignal,
    attempts?: number,
  ): Promise<string> {
    const tried = new Set<string>();
    for (;;) {
      try {
        return await this.resilient(task, action, attempt, stop, attempts);
      } catch (err) {
        if (err instanceof StepDecision) throw err; // decided about; no fix or retry changes that
        const verdict = this.verdicts.get(task.id);
        const fix = verdict?.fix;
        const hooks = this.host.hooks;
        const key = fix && JSON.stringify([fix.rule, fix.command]);
        if (
          !fix ||
          !key ||
          tried.has(key) ||
          !hooks?.approveFix ||
          stop.aborted ||
          this.stopping ||
          verdict.pause ||
          !(err instanceof ActionFailure)
        )
          throw err;
        tried.add(key);
        if (!(await this.applyFix(task, watched, fix, tried.size, stop))) throw err;
        this.verdicts.delete(task.id);
      }
    }
  }

  /** Asks (when the fix says so) and runs the fix command; true when the task should be tried again. */
  private async applyFix(
    task: Task,
    watched: WatchedTask,
    fix: ProposedFix,
    n: number,
    stop: AbortSignal,
  ): Promise<boolean> {
    const hooks = this.host.hooks!;
    const answer = await hooks.approveFix!(watched, fix, stop);
    if (answer !== 'run') {
      this.host.logs.append(
        task.id,
        `[${fix.ask ? `asked about the fix; the person chose to ${answer} the task` : `the fix was not run`}]\n`,
      );
      this.verdicts.set(task.id, {
        ...this.verdicts.get(task.id),
        retry: false,
        ...(answer === 'skip' ? { finally: 'skip' } : {}),
      });
      return false;
    }
    if (!fix.command) {
      this.host.logs.append(task.id, '[asked; the person chose to try it again]\n');
      hooks.fixRan?.(watched, fix, true);
      return true;
    }
    if (!this.host.ports.trust.isTrusted()) {
      this.host.logs.append(task.id, '[the fix was not run: the workspace is not trusted]\n');
      return false;
    }
    const spec = { command: fix.command.command, args: [...fix.command.args], shell: false, cwd: this.host.workspace };
    const shown = describeCommand(spec);
    this.host.logs.append(
      task.id,
      `[running the fix proposed by ${fix.rule}: '${shown}', then trying the task again]\n`,
    );
    const timeout = linked(stop, AbortSignal.timeout(this.host.resilience.defaultTimeoutMs));
    const ctx = this.context(task, Math.max(1, task.attempts), timeout.signal);
    try {
      await ctx.step(`fix ${n}`, signal => runChecked(ctx, spec, shown, 'run', signal), { rerunnable: true });
      hooks.fixRan?.(watched, fix, true);
      return true;
    } catch (err) {
      if (err instanceof JournalError) throw err;
      this.host.logs.append(task.id, `[the fix failed: ${err instanceof Error ? err.message : String(err)}]\n`);
      hooks.fixRan?.(watched, fix, false);
      return false;
    } finally {
      timeout.dispose();
    }
  }

  /** One try of an unattended task, through retry → circuit breaker → timeout. */
  private async resilient(
    task: Task,
    action: Exclude<TaskAction, { kind: 'manual' }>,
    attempt: number,
    stop: AbortSignal,
    attempts?: number,
  ): Promise<string> {
    const circuit = this.circuitOf(action.kind);
    const breaker = this.host.breaker(circuit);
    const resilience = attempts ? { ...this.host.resilience, attempts } : this.host.resilience;
    const retry = retryPolicy(resilience, this.host.random, () => this.verdicts.get(task.id)?.retry !== false);
    const onRetry = retry.onRetry(e => {
      const error = 'error' in e ? e.error : undefined;
      const reason = error instanceof ActionFailure ? error.classification.reason : 'it failed';
      const line = `try ${e.attempt} of ${resilience.attempts} failed (${reason}); trying again in ${formatDuration(e.delay)}`;
      this.host.logs.append(task.id, `[${line}]\n`);
      this.host.logger.info(`task '${task.title}': ${line}`);
      void this.host.store
        .write(
          w =>
            recordTaskEvent(w, this.host.clock, task.id, 'retry', {
              try: e.attempt,
              of: resilience.attempts,
              delayMs: Math.round(e.delay),
              reason,
              error: error instanceof Error ? error.message.slice(0, 500) : '',
            }),
          'executor',
        )
        .catch((err: unknown) => this.host.logger.warn(`could not record a retry of '${task.title}': ${String(err)}`));
    });
    const timeoutMs = action.timeoutMs ?? this.host.resilience.defaultTimeoutMs;
    try {
      return await retry.execute(
        () =>
          breaker.execute(() => {
            this.host.breakerSubject(circuit, task.id);
            return timeoutPolicy(timeoutMs).execute(async (_ctx, timedOut) => {
              const signal = linked(stop, timedOut);
              try {
                return await this.attempt(task, action, attempt, signal.signal);
              } catch (err) {
                if (
                  !(err instanceof StepDecision) &&
                  (!signal.signal.aborted || signalReason(signal.signal) === 'timeout')
                )
                  this.tryFailed(task, action.kind, err);
                throw err;
              } finally {
                signal.dispose();
              }
            });
          }),
        stop,
      );
    } finally {
      onRetry.dispose();
      void this.host.saveBreaker(circuit);
    }
  }

  /** Tells the guards about a failed try; they may stop the retries or pause the run. */
  private tryFailed(task: Task, kind: TaskAction['kind'], err: unknown): void {
    const hooks = this.host.hooks;
    if (!hooks || !(err instanceof ActionFailure) || this.toldGuards.has(err)) return;
    this.toldGuards.add(err);
    const verdict = hooks.tryFailed(
      { id: task.id, title: task.title, kind, sessionId: this.sessionId },
      {
        message: err.message,
        failureClass: err.failureClass,
        ...(err.facts.output ? { output: err.facts.output } : {}),
      },
    );
    this.verdicts.set(task.id, verdict);
    if (verdict.note) this.host.logs.append(task.id, `[${verdict.note}]\n`);
    if (verdict.pause && !this.stopping) {
      this.pausedBecause = verdict.pause;
      this.host.logger.warn(`session ${this.sessionId}: pausing: ${verdict.pause}`);
      this.stopWith('pause');
    }
  }

  /** Runs the action and its verify once, with a context whose steps go through the journal. */
  private async attempt(task: Task, action: TaskAction, attempt: number, signal: AbortSignal): Promise<string> {
    const ctx = this.context(task, attempt, signal);
    if (signal.aborted) throw new ActionFailure(`'${task.title}' was stopped before it began.`, { phase: 'run' });
    const kind = actionFor(action);
    const result = await kind.run(action, ctx);
    if (!kind.verifiesItself) await runVerify(action, ctx);
    return result;
  }

  private context(task: Task, attempt: number, signal: AbortSignal): ActionContext {
    // every process a step starts is recorded with the step, so a later run finds it if it outlives us
    const current: { step?: string } = {};
    const port = this.host.ports.processes;
    const processes: ProcessPort = {
      run: (spec, options) =>
        port.run(current.step ? { ...spec, marker: current.step } : spec, {
          ...options,
          onStarted: started => {
            options.onStarted?.(started);
            const key = current.step;
            if (key)
              this.defer(
                task.id,
                this.journal(w => recordStepProcess(w, key, started)),
              );
          },
        }),
      isRunning: p => port.isRunning(p),
      stop: p => port.stop(p),
      findByMarker: m => port.findByMarker(m),
      realPath: p => port.realPath(p),
    };
    return {
      task,
      attempt,
      signal,
      workspace: this.host.workspace,
      log: text => this.host.logs.append(task.id, text),
      step: (name, fn, options) => this.step(task, attempt, name, fn, options ?? {}, signal, current),
      processes,
      hostTasks: this.host.ports.hostTasks,
      waitForPerson: () => this.waitForPerson(task.id, signal),
      degraded: (capability, way, reason) => this.host.hooks?.degraded?.(capability, way, reason),
      failedTry: failure => {
        this.tryFailed(task, task.action?.kind ?? 'manual', failure);
        return this.verdicts.get(task.id)?.retry !== false;
      },
      ...(this.host.ports.lm ? { lm: this.host.ports.lm } : {}),
    };
  }

  private async step<T>(
    task: Task,
    attempt: number,
    name: string,
    fn: (signal: AbortSignal) => Promise<T>,
    options: StepOptions,
    signal: AbortSignal,
    current: { step?: string } = {},
  ): Promise<T | undefined> {
    const key = stepKey(task.id, attempt, name);
    const rerunnable = options.rerunnable ?? true;
    const prior = readStep(this.host.store, key);
    if (prior?.status === 'succeeded') {
      this.host.logs.append(task.id, `[step '${name}' completed before; not run again]\n`);
      return prior.result as T | undefined;
    }
    // A record this run did not write was left by an earlier process: a crash, a kill, a closed
    // window. Each state it can be in is handled by the contract (DESIGN.md, "No repeated work").
    if (prior && !this.startedHere.has(key)) {
      try {
        await this.resumeStep(task, key, name, prior);
      } catch (err) {
        if (err instanceof StepSettled) return undefined;
        throw err;
      }
    }
    this.startedHere.add(key);
    // The start record is on disk before the step runs, re-runnable or not: it is what a resume
    // looks for a step's left-over processes by (recorded, or by the step's marker). Were a crash to
    // lose it after the step had started a process, the resume would find no record, look for no
    // process and run the step again beside it. A step that must not run twice also needs it so
    // that a resume can ask about it. A re-runnable step that starts no process needs neither: its
    // start is held back and goes to disk with the task's next write (see hold()).
    const start = (w: StoreWriter) =>
      recordStepStarted(w, this.host.clock, {
        key,
        sessionId: this.sessionId,
        taskId: task.id,
        attempt,
        step: name,
        rerunnable,
      });
    const light = rerunnable && options.startsNoProcess === true;
    // A durable step's result is on disk before anything acts on it: before any step of the task but
    // a re-runnable one that starts no process and is not durable itself (a file read, which may run
    // while the answer it reads for goes to disk). The next model request waits, so an answer is
    // never asked for again after a kill.
    if (!light || options.durable) await this.durableSoon.get(task.id);
    if (light) this.hold(task.id, start);
    else await this.settleWith(task.id, this.journalOf(task.id, start));
    let result: T;
    try {
      current.step = key;
      result = await fn(signal);
    } catch (err) {
      if (this.stopping !== 'abandon') {
        await this.settleWith(
          task.id,
          this.journalOf(task.id, w =>
            recordStepEnded(w, this.host.clock, key, 'failed', {
              error: err instanceof Error ? err.message.slice(0, 2000) : String(err),
            }),
          ),
        );
      }
      throw err;
    } finally {
      current.step = undefined;
    }
    const end = (w: StoreWriter) => recordStepEnded(w, this.host.clock, key, 'succeeded', result);
    // A completed step's record is on disk before the task is recorded done (same flush, in order);
    // one that must not run twice is on disk before anything else happens. A light step's end is
    // held back with its start: a turn of an lm task (a model answer and its tool calls) is one write.
    // A light durable step (a model request) issues that write and returns: the steps after it wait
    // for it as said above, and the task's end follows it in the journal.
    // Another re-runnable step's end goes with the task's next write when that comes in this turn of
    // the event loop (the next step's start, or the task's end: the same fdatasync either way), and
    // in a write of its own otherwise.
    if (light && !options.durable) this.hold(task.id, end);
    else if (light) {
      const write = this.journalOf(task.id, end);
      this.defer(task.id, write);
      this.durableSoon.set(task.id, write);
    } else if (rerunnable && !options.durable) this.holdForThisTurn(task.id, end);
    else await this.settleWith(task.id, this.journalOf(task.id, end));
    return result;
  }

  /**
   * A step found in the journal from an earlier process, neither succeeded nor run by this run.
   * Returns when it may run now; throws when the task must end instead, or with `StepSettled`
   * when a person counted it as done.
   */
  private async resumeStep(task: Task, key: string, name: string, prior: StepRecord): Promise<void> {
    const result = prior.result as { failedByPerson?: boolean; failedUnasked?: boolean; error?: string } | undefined;
    if (prior.status === 'failed' && (result?.failedByPerson || result?.failedUnasked)) {
      // the decision was recorded, the task's failure was not (the write that held both was lost): finish it
      throw new StepDecision(task, name, result.failedByPerson ? 'fail' : 'fail-unasked');
    }
    if (prior.rerunnable) {
      const why =
        prior.status === 'started'
          ? 'was cut off before its result was recorded'
          : "failed, and the task's end was never recorded";
      this.host.logs.append(task.id, `[step '${name}' ${why}; it may run again, so it does]\n`);
      return;
    }
    // Started and never finished, or failed without the task's end being recorded: it must not run
    // again unasked.
    const choice = await this.host.ports.questions.interruptedStep(task.title, name, prior.startedAt);
    await this.journal(w =>
      recordTaskEvent(w, this.host.clock, task.id, 'interrupted-step', { step: name, choice, found: prior.status }),
    );
    const asked = choice === 'fail-unasked' ? 'nobody could be asked, so the task fails' : `asked: ${choice}`;
    this.host.logs.append(
      task.id,
      `[step '${name}' ${prior.status === 'started' ? 'was cut off before its result was recorded' : "failed before the task's end was recorded"} and must not run twice; ${asked}]\n`,
    );
    if (choice === 'skip') {
      await this.journal(w => {
        if (prior.status === 'failed') w.run("UPDATE execution_steps SET status = 'started' WHERE key = ?", [key]);
        recordStepEnded(w, this.host.clock, key, 'succeeded', { countedDoneByPerson: true });
      });
      throw new StepSettled();
    }
    if (choice === 'fail' || choice === 'fail-unasked') {
      const decision = new StepDecision(task, name, choice);
      // the step's end and the task's failure in one durable write: a kill between two writes would
      // leave a running task with a failed step, which the next resume must not run again
      await this.recordEnd(task.id, 'failed', { error: decision.message }, w => {
        if (prior.status === 'failed') w.run("UPDATE execution_steps SET status = 'started' WHERE key = ?", [key]);
        recordStepEnded(
          w,
          this.host.clock,
          key,
          'failed',
          choice === 'fail' ? { failedByPerson: true } : { failedUnasked: true },
        );
      });
      decision.recorded = true;
      throw decision;
    }
  }

  /**
   * Holds back a step record of a light step (re-runnable, starting no process) until the task's next
   * write: losing it to a crash costs only running that step again, which its contract allows.
   */
  private hold(taskId: string, record: (w: StoreWriter) => void): void {
    const held = this.held.get(taskId);
    if (held) held.push(record);
    else this.held.set(taskId, [record]);
  }

  /**
   * Holds back a record until the task's next write, if that comes in this turn of the event loop;
   * otherwise it is written then on its own, and the task's end waits for it (see settle()).
   */
  private holdForThisTurn(taskId: string, record: (w: StoreWriter) => void): void {
    this.hold(taskId, record);
    setImmediate(() => {
      const held = this.held.get(taskId);
      if (!held?.includes(record) || this.stopping === 'abandon') return;
      this.defer(
        taskId,
        this.journalOf(taskId, () => undefined),
      );
    });
  }

  /** A write of a task's step journal, with the records held back for it written first. */
  private journalOf(taskId: string, fn: (w: StoreWriter) => void): Promise<void> {
    const held = this.held.get(taskId);
    if (!held) return this.journal(fn);
    this.held.delete(taskId);
    return this.journal(w => {
      for (const h of held) h(w);
      fn(w);
    });
  }

  private defer(taskId: string, write: Promise<void>): void {
    write.catch(() => undefined); // awaited (and reported) in settle()
    const pending = this.pendingWrites.get(taskId);
    if (pending) pending.push(write);
  }

  private async settleWith(taskId: string, write: Promise<void>): Promise<void> {
    this.defer(taskId, write);
    await this.settle(taskId);
  }

  /** A write of the step journal; a failure stops the run (JournalError) instead of failing the task. */
  private async journal(fn: (w: StoreWriter) => void): Promise<void> {
    if (this.stopping === 'abandon') throw new Error('abandoned');
    try {
      await this.host.store.write(fn, 'executor');
    } catch (err) {
      throw new JournalError(err);
    }
  }

  /**
   * Records how a task's run ended. A failure is the store's (JournalError: the run stops); only
   * once the write is durable does the host hear of the end (see `launch`), so nothing is shown as
   * done that is not saved as done.
   */
  private async recordEnd(
    taskId: string,
    status: 'done' | 'failed' | 'skipped' | 'pending',
    change: StatusChange = {},
    alsoIn?: (w: StoreWriter) => void,
  ): Promise<void> {
    const held = this.held.get(taskId) ?? [];
    this.held.delete(taskId);
    try {
      await this.host.tasks.recordStatus(taskId, status, 'executor', change, w => {
        for (const h of held) h(w);
        alsoIn?.(w);
      });
    } catch (err) {
      throw new JournalError(err);
    }
    this.endsRecorded.set(taskId, status);
  }

  /** Waits for a person's decision, given through the executor or by changing the task's status directly. */
  private waitForPerson(taskId: string, signal: AbortSignal): Promise<PersonDecision> {
    let watch: Disposable | undefined;
    const byStatus = new Promise<PersonDecision>(resolve => {
      watch = this.host.tasks.onDidChange(e => {
        if (!e.taskIds.includes(taskId)) return;
        const status = this.host.tasks.get(taskId)?.status;
        if (status === 'done' || status === 'failed') resolve(status);
      });
    });
    return Promise.race([this.host.waitForPerson(taskId, signal), byStatus]).finally(() => watch?.dispose());
  }

  /**
   * Records a task's end as done: applied in memory and queued for the disk at once, together with its
   * steps' records still on their way. Its durability is `endings` (see launch): what follows the
   * end — the log line, the count, the every-N checkpoint — waits for it.
   */
  private finishDone(task: Task, result: string): void {
    if (this.stopping === 'abandon') return;
    const now = this.host.tasks.get(task.id);
    const pending = this.pendingWrites.get(task.id) ?? [];
    this.pendingWrites.set(task.id, []);
    const done =
      now && now.status !== 'done'
        ? this.recordEnd(task.id, 'done', { result }, this.lmUsageOf(task, 'done'))
        : undefined;
    done?.catch(() => undefined); // awaited below, after the steps' records
    const ending = (async () => {
      try {
        await Promise.all(pending); // the steps' records, flushed together with the done record
      } catch (err) {
        throw new JournalError(err);
      }
      await done;
      this.host.logs.append(task.id, `[done: ${result}]\n`);
      void this.host.logs.flush(task.id);
      this.doneThisRun++;
      const every = this.settings.checkpointEvery;
      if (every > 0 && this.doneThisRun % every === 0) {
        // The slot is not held for it: the next task starts while the checkpoint is written.
        const checkpoint = this.host.sessions
          .createCheckpoint(
            {
              sessionId: this.sessionId,
              trigger: 'every-n-tasks',
              note: `after ${this.doneThisRun} tasks of this run`,
            },
            'executor',
          )
          .then(
            () => undefined,
            (err: unknown) => this.host.logger.error(`session ${this.sessionId}: a checkpoint could not be saved`, err),
          );
        this.checkpoints.push(checkpoint);
      }
    })();
    ending.catch(() => undefined); // awaited (and reported) in launch
    this.endings.set(task.id, ending);
  }

  /**
   * For an `lm` task, what its run used (tokens from its recorded model answers, and its time), written
   * as an 'lm-usage' event in the same write as its end, and kept for this run's summary.
   */
  private lmUsageOf(task: Task, outcome: 'done' | 'failed' | 'skipped'): ((w: StoreWriter) => void) | undefined {
    if (task.action?.kind !== 'lm') return undefined;
    return w => {
      const startedAt = this.host.tasks.get(task.id)?.startedAt ?? this.began;
      const usage = {
        ...tokensOfRun(w, task.id, Math.max(1, task.attempts)),
        durationMs: Math.max(0, this.host.clock.now() - startedAt),
      };
      recordTaskEvent(w, this.host.clock, task.id, 'lm-usage', { ...usage, attempt: task.attempts, outcome });
      this.lmRuns.set(task.id, { taskId: task.id, title: task.title, ...usage, at: this.host.clock.now(), outcome });
    };
  }

  /** Records the end of a task whose run threw; returns 'failed' or 'skipped' when that is how it ended. */
  private async finishFailed(task: Task, err: unknown, signal: AbortSignal): Promise<'failed' | 'skipped' | undefined> {
    if (this.stopping === 'abandon') return undefined;
    if (err instanceof JournalError) throw err;
    if (err instanceof StepDecision && err.recorded) {
      this.host.logs.append(task.id, `[failed: ${err.message}]\n`);
      return 'failed';
    }
    const now = this.host.tasks.get(task.id);
    if (!now || now.status !== 'running') {
      this.host.logs.append(
        task.id,
        `[its run ended with '${err instanceof Error ? err.message : String(err)}', but the task is already ${now?.status ?? 'deleted'}; left as it is]\n`,
      );
      return undefined;
    }
    const why = signal.aborted ? signalReason(signal) : undefined;
    if (why === 'pause' || why === 'stop' || why === 'cancel') {
      this.host.logs.append(task.id, `[stopped (${why}); it runs again when the session resumes]\n`);
      await this.recordEnd(task.id, 'pending');
      return undefined;
    }
    if (err instanceof BrokenCircuitError) {
      const model = task.action?.kind === 'lm' ? this.host.ports.lm?.model.name : undefined;
      this.host.logs.append(
        task.id,
        `[not started: the circuit for ${model !== undefined ? `the model ${model}` : `${task.action?.kind ?? 'this kind of'} actions`} is open after repeated failures; it waits and is tried again]\n`,
      );
      await this.recordEnd(task.id, 'pending');
      return undefined;
    }
    const message = err instanceof Error ? err.message : String(err);
    const classification =
      err instanceof ActionFailure ? err.classification : { kind: 'deterministic', reason: 'it could not be run' };
    const verdict = this.verdicts.get(task.id);
    const retried =
      verdict?.retry === false
        ? 'not retried (the guards stopped it)'
        : classification.kind === 'transient'
          ? `gave up after ${this.host.resilience.attempts} tries`
          : 'not retried';
    if (verdict?.finally === 'skip') {
      this.host.logs.append(task.id, `[skipped: ${message} — ${verdict.note ?? 'a rule says to skip it'}]\n`);
      await this.recordEnd(task.id, 'skipped', {}, this.lmUsageOf(task, 'skipped'));
      return 'skipped';
    }
    this.host.logs.append(
      task.id,
      `[failed: ${message} — ${classification.kind} (${classification.reason}), ${retried}]\n`,
    );
    await this.recordEnd(task.id, 'failed', { error: message }, this.lmUsageOf(task, 'failed'));
    return 'failed';
  }

  // ---- the end ----

  private async end(): Promise<RunSummary> {
    this.heartbeat?.dispose();
    this.watch?.dispose();
    await this.host.logs.flushAll();
    await Promise.all(this.checkpoints);
    if (this.deferredTimer) clearTimeout(this.deferredTimer);
    if (this.stopping === 'abandon') return this.summary('abandoned');
    const p = this.host.sessions.progress(this.sessionId);
    let outcome: RunOutcome;
    if (this.problem) outcome = 'stopped-on-error';
    else if (this.stopping === 'cancel') outcome = 'cancelled';
    else if (this.stopping) outcome = 'paused';
    else if (p.completed + p.skipped === p.total) outcome = 'completed';
    else outcome = 'needs-attention';
    const leftHere = this.cannotRunHere();
    const why = p.failed || !leftHere ? `${p.failed} task(s) failed` : `${leftHere} task(s) need a person or VS Code`;
    try {
      const session = this.host.sessions.get(this.sessionId);
      if (session?.status === 'running') {
        if (outcome === 'completed') await this.host.sessions.complete(this.sessionId, 'executor');
        else if (outcome === 'cancelled')
          await this.host.sessions.fail(this.sessionId, 'Cancelled by the user', 'user');
        else
          await this.host.sessions.pause(
            this.sessionId,
            outcome === 'paused'
              ? (this.pausedBecause ?? 'paused by the user')
              : outcome === 'stopped-on-error'
                ? this.problem
                : why,
            outcome === 'paused' ? 'user' : 'executor',
          );
      }
    } catch (err) {
      this.host.logger.error(`session ${this.sessionId}: could not record the end of the run`, err);
      this.problem ??= `its end could not be recorded (${err instanceof Error ? err.message : String(err)})`;
      outcome = 'stopped-on-error';
    }
    return this.summary(outcome);
  }

  /** Unfinished tasks of the session of a kind this host cannot run. */
  private cannotRunHere(): number {
    const kinds = [...this.host.cannotRun()];
    if (!kinds.length) return 0;
    return this.host.tasks.countUnfinishedInSessionOfKinds(this.sessionId, kinds);
  }

  private summary(outcome: RunOutcome): RunSummary {
    let sessionName = this.sessionId;
    let p = { completed: 0, total: 0, failed: 0, skipped: 0, pending: 0, running: 0, blocked: 0 };
    let failures: RunSummary['failures'] = [];
    let cannotRunHere = 0;
    // an abandoned run's window is going away and its store is being closed: it reads nothing more
    if (outcome !== 'abandoned') {
      try {
        sessionName = this.host.sessions.get(this.sessionId)?.name ?? sessionName;
        p = this.host.sessions.progress(this.sessionId);
        cannotRunHere = this.cannotRunHere();
        failures = this.host.tasks
          .failedInSession(this.sessionId)
          .map(r => ({ taskId: r.id, title: r.title, error: r.error ?? '' }));
      } catch (err) {
        this.host.logger.warn(
          `session ${this.sessionId}: its summary could not be read (${err instanceof Error ? err.message : String(err)})`,
        );
      }
    }
    return {
      sessionId: this.sessionId,
      sessionName,
      outcome,
      total: p.total,
      done: p.completed,
      failed: p.failed,
      skipped: p.skipped,
      notStarted: p.pending + p.running + p.blocked,
      ...(cannotRunHere ? { cannotRunHere } : {}),
      doneThisRun: this.doneThisRun,
      durationMs: this.host.clock.now() - this.began,
      failures,
      ...(this.problem ? { problem: this.problem } : {}),
      ...(this.pausedBecause ? { pausedBecause: this.pausedBecause } : {}),
      ...(this.lmRuns.size ? { lmTasks: [...this.lmRuns.values()] } : {}),
    };
  }
}

/** A signal aborted by `stop` (with its reason) or by the timeout (reason 'timeout'). */
function linked(stop: AbortSignal, timedOut: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onStop = () => controller.abort(stop.reason);
  const onTimeout = () => controller.abort('timeout');
  if (stop.aborted) onStop();
  else if (timedOut.aborted) onTimeout();
  stop.addEventListener('abort', onStop, { once: true });
  timedOut.addEventListener('abort', onTimeout, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      stop.removeEventListener('abort', onStop);
      timedOut.removeEventListener('abort', onTimeout);
    },
  };
}
