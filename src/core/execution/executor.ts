// The executor: runs a session's tasks. It checks that the workspace is trusted and that the
// commands of imported plans were confirmed, moves the session to running, and hands the work to a
// SessionRun (run.ts). It owns what outlives one run: the circuit breaker of each action kind (its
// state kept in the store), the people's decisions on manual tasks, and the runs in progress.
import { Emitter, type Event } from '../events';
import { silentLogger, type Clock, type Logger } from '../ports';
import type { SessionManager } from '../sessions/sessionManager';
import type { Store } from '../store/types';
import type { Task, TaskAction } from '../tasks/model';
import type { TaskManager } from '../tasks/taskManager';
import { taskExists } from '../tasks/taskRecords';
import type { PersonDecision } from './actions/action';
import { isConfirmed, planOfTask, plansToConfirm, recordConfirmation } from './confirmations';
import { recordTaskEvent } from './journal';
import type { ExecutionHooks } from './hooks';
import type { EndedTask, ExecutorPorts, ExecutorSettings } from './ports';
import {
  breakerPolicy,
  circuitStateName,
  defaultResilience,
  type CircuitState,
  type ResilienceSettings,
} from './resilience';
import { SessionRun, type RunHost, type TaskFiles } from './run';
import type { RunSummary } from './summary';
import { TaskLogs } from './taskLogs';
import { independentTracks, type Track } from './tracks';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { kindsNeeding, unattendedKinds } from './actions/index';
import { modelOfCircuit } from './circuits';

export const defaultExecutorSettings: ExecutorSettings = {
  concurrency: 2,
  checkpointEvery: 5,
  checkpointBeforeLm: true,
};

export interface ExecutorOptions {
  store: Store;
  tasks: TaskManager;
  sessions: SessionManager;
  clock: Clock;
  logger?: Logger;
  ports: ExecutorPorts;
  /** The workspace folder: every command runs inside it. */
  workspace: string;
  /** Read at the start of each run, so changed settings apply to the next one. */
  settings?: () => Partial<ExecutorSettings>;
  resilience?: Partial<ResilienceSettings>;
  logCapBytes?: number;
  /** Jitter source (tests make it fixed). */
  random?: () => number;
  /** The autonomy guards (src/core/execution/guards), told about every task's start, failed tries and end. */
  hooks?: ExecutionHooks;
  /** Records the workspace files at each task's start and end (pass `core.files`): pull-request commits hold each task's own changes. */
  taskFiles?: TaskFiles;
  /**
   * Action kinds this host cannot run (the CLI: manual and vscodeTask; a task without an action
   * counts as manual). Their tasks are not started and stay as they are; the run goes on with the
   * others, and its summary counts them. The kinds that need a model join them while `ports.lm` is
   * absent or says it has none.
   */
  cannotRun?: ReadonlyArray<TaskAction['kind']>;
}

/** The executor will not run: the message says why and what to do. */
export class ExecutionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionRefused';
  }
}

export const untrustedMessage =
  "Continuum runs no commands in a workspace you have not trusted: a task's commands can do anything your account can. " +
  "To run this session, trust the workspace (Command Palette → 'Workspaces: Manage Workspace Trust' → Trust), then start it again.";

export interface ExecutionChange {
  sessionId: string;
  /** Tasks running in this process now. */
  running: string[];
  /** A task whose run just ended here. */
  ended?: EndedTask;
}

export interface BreakerChange {
  kind: string;
  from: string;
  to: string;
  taskId?: string;
}

export class Executor {
  private readonly changed = new Emitter<ExecutionChange>();
  /** Fires when tasks start or stop running here. */
  readonly onDidChange: Event<ExecutionChange> = this.changed.event;
  private readonly finished = new Emitter<RunSummary>();
  /** Fires when a run ends, with its summary. */
  readonly onDidFinish: Event<RunSummary> = this.finished.event;

  private readonly runs = new Map<string, SessionRun>();
  /** By circuit: an action kind, or `lm:<model>` for the model of `lm` tasks (see circuitOf in run.ts). */
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();
  private readonly breakerSubjects = new Map<string, string>();
  /** By circuit, its state as last saved or loaded: a state that did not change is not written again. */
  private readonly savedBreakers = new Map<string, string>();
  private readonly waitingForPerson = new Map<string, (decision: PersonDecision) => void>();
  private readonly resilience: ResilienceSettings;
  private readonly logs: TaskLogs;
  private readonly logger: Logger;
  private abandoned = false;
  private readonly cannotRunAlways: ReadonlySet<TaskAction['kind']>;
  private readonly cannotRunWithoutModel: ReadonlySet<TaskAction['kind']>;

  constructor(private readonly options: ExecutorOptions) {
    this.cannotRunAlways = new Set(options.cannotRun ?? []);
    this.cannotRunWithoutModel = new Set([...this.cannotRunAlways, ...kindsNeeding(['model'])]);
    this.resilience = { ...defaultResilience, ...options.resilience };
    this.logger = options.logger ?? silentLogger;
    this.logs = new TaskLogs(options.ports.logs, this.logger, options.logCapBytes);
  }

  // ---- starting ----

  /** Throws ExecutionRefused unless `taskIds` may run: a trusted workspace, their plans' commands confirmed (asking once per plan). */
  async prepare(taskIds: readonly string[]): Promise<void> {
    if (!this.options.ports.trust.isTrusted()) throw new ExecutionRefused(untrustedMessage);
    const tasks = taskIds.map(id => this.options.tasks.get(id)).filter(t => t !== undefined);
    const plans = new Map<string, string | undefined>(); // planOfTask reads the store: once per task
    const planOf = (t: Task) =>
      plans.has(t.id) ? plans.get(t.id) : plans.set(t.id, planOfTask(this.options.store, t)).get(t.id);
    for (const plan of plansToConfirm(tasks, planOf)) {
      if (isConfirmed(this.options.store, plan)) continue;
      const yes = await this.options.ports.questions.confirmPlanCommands(plan.plan, plan.commands);
      if (!yes) {
        throw new ExecutionRefused(
          `The commands of ${plan.plan} were not confirmed, so nothing was run. Start the session again to review them, or edit the plan's Run:/Verify: lines.`,
        );
      }
      await this.options.store.write(w => recordConfirmation(w, plan, this.options.clock.now()), 'user');
    }
  }

  /**
   * Runs a session: a created one is started, a paused or interrupted one resumed (skipping every
   * completed task and step), a running one continued. Resolves once it runs; `finished` on the
   * returned run resolves with the summary.
   */
  async run(sessionId: string): Promise<SessionRun> {
    const existing = this.runs.get(sessionId);
    if (existing) return existing;
    if (this.abandoned)
      throw new ExecutionRefused(
        'Continuum is shutting down here and starts no more runs (the window or process is closing); open it again to run sessions.',
      );
    const session = this.options.sessions.get(sessionId);
    if (!session) throw new ExecutionRefused(`There is no session with id '${sessionId}'.`);
    await this.prepare(session.taskIds);
    if (this.runs.has(sessionId)) return this.runs.get(sessionId)!;
    if (session.status === 'created') await this.options.sessions.start(sessionId, 'executor');
    else if (session.status === 'paused' || session.status === 'interrupted')
      await this.options.sessions.resume(sessionId, 'executor');
    else if (session.status !== 'running')
      throw new ExecutionRefused(
        `Session '${session.name}' has ${session.status}; start a new session for the remaining tasks.`,
      );
    const settings = { ...defaultExecutorSettings, ...this.options.settings?.() };
    const run = new SessionRun(this.runHost(), sessionId, settings);
    this.runs.set(sessionId, run);
    void run.finished.then(summary => {
      this.runs.delete(sessionId);
      this.finished.fire(summary);
    });
    run.begin();
    return run;
  }

  /** The run of a session in this process, if any. */
  current(sessionId: string): SessionRun | undefined {
    return this.runs.get(sessionId);
  }

  get activeRuns(): SessionRun[] {
    return [...this.runs.values()];
  }

  /** Something outside the store changed what can run here (a model came): every run looks again at what can start. */
  lookAgain(): void {
    for (const run of this.runs.values()) run.lookAgain();
  }

  /** The kinds this host leaves alone now: those it never runs, and `lm` while it has no model. */
  private cannotRunNow(): ReadonlySet<TaskAction['kind']> {
    const lm = this.options.ports.lm;
    return lm && lm.available?.() !== false ? this.cannotRunAlways : this.cannotRunWithoutModel;
  }

  /** When each task running here started (for elapsed times). */
  runningSince(taskId: string): number | undefined {
    for (const run of this.runs.values()) {
      const at = run.startedAt(taskId);
      if (at !== undefined) return at;
    }
    return undefined;
  }

  // ---- people ----

  isWaitingForPerson(taskId: string): boolean {
    return this.waitingForPerson.has(taskId);
  }

  /** A person marked a manual task done or failed; its verify (if any) runs before it counts as done. */
  personDecided(taskId: string, decision: PersonDecision): boolean {
    const resolve = this.waitingForPerson.get(taskId);
    if (!resolve) return false;
    this.waitingForPerson.delete(taskId);
    resolve(decision);
    return true;
  }

  // ---- what the session details show ----

  /** The session's independent tracks, for the session details. */
  tracks(sessionId: string): Track[] {
    const session = this.options.sessions.get(sessionId);
    if (!session) return [];
    return independentTracks(session.taskIds.map(id => this.options.tasks.get(id)).filter(t => t !== undefined));
  }

  /** Each action kind's circuit, and each model's that was used here: closed, open or half-open. */
  circuits(): Array<{ kind: string; state: string }> {
    const keys = [...new Set([...unattendedKinds.filter(k => k !== 'lm'), ...this.breakers.keys()])];
    return keys.map(kind => ({ kind, state: circuitStateName(this.breaker(kind).state) }));
  }

  taskLog(taskId: string): { location: string; read(): Promise<string> } {
    return { location: this.logs.location(taskId), read: () => this.logs.read(taskId) };
  }

  // ---- ending ----

  /**
   * The window is going away: kill every process started here and record nothing more, exactly as
   * if the process had died. The next open finds the session interrupted and resumes it.
   */
  abandon(): void {
    this.abandoned = true;
    for (const run of this.runs.values()) run.abandon();
    for (const resolve of this.waitingForPerson.values()) resolve('failed');
    this.waitingForPerson.clear();
  }

  dispose(): void {
    this.abandon();
    this.changed.dispose();
    this.finished.dispose();
  }

  // ---- helpers ----

  /** The circuit breaker of an action kind (or a model), created from its saved state on first use. */
  private breaker(kind: string): CircuitBreakerPolicy {
    let policy = this.breakers.get(kind);
    if (policy) return policy;
    const saved = this.options.store.get<{ state: string }>('SELECT state FROM circuit_breakers WHERE kind = ?', [
      kind,
    ])?.state;
    if (saved !== undefined) this.savedBreakers.set(kind, saved);
    policy = breakerPolicy(
      this.resilience,
      saved ? (JSON.parse(saved) as unknown) : undefined,
      // a model's circuit counts the model's own failures only, not a task's limits or its tools
      modelOfCircuit(kind) !== undefined ? err => err.countsForModel === true : undefined,
    );
    let last = policy.state;
    policy.onStateChange(state => {
      const change: BreakerChange = {
        kind,
        from: circuitStateName(last),
        to: circuitStateName(state),
        taskId: this.breakerSubjects.get(kind),
      };
      last = state;
      void this.recordBreaker(kind, policy!, change);
    });
    this.breakers.set(kind, policy);
    return policy;
  }

  /** Saves a breaker's state (so it survives a restart), and records a change in the output and the task's event log. */
  private async recordBreaker(kind: string, policy: CircuitBreakerPolicy, change?: BreakerChange): Promise<void> {
    if (this.abandoned) return;
    const state = JSON.stringify(policy.toJSON());
    // saved after every task that went through the circuit: most leave it as it was, and cost no write
    if (!change && this.savedBreakers.get(kind) === state) return;
    if (change) {
      const model = modelOfCircuit(kind);
      const what = model !== undefined ? `the model ${model}` : `${kind} actions`;
      const waiting = model !== undefined ? `lm tasks on ${model}` : `${kind} tasks`;
      const why =
        change.to === 'open'
          ? ` after ${this.resilience.breakerThreshold} failures in a row; ${waiting} wait ${Math.round(this.resilience.halfOpenAfterMs / 1000)} s before one is tried again, and other tasks go on`
          : change.to === 'half-open'
            ? '; one task is tried to see whether the cause has gone'
            : '';
      this.logger.warn(`Circuit for ${what} is now ${change.to} (was ${change.from})${why}.`);
      if (change.taskId)
        this.logs.append(change.taskId, `[circuit for ${what}: ${change.from} → ${change.to}${why}]\n`);
    }
    try {
      await this.options.store.write(w => {
        w.run(
          `INSERT INTO circuit_breakers (kind, state, updated_at) VALUES (?, ?, ?)
          ON CONFLICT(kind) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
          [kind, state, this.options.clock.now()],
        );
        if (change?.taskId && taskExists(w, change.taskId)) {
          recordTaskEvent(w, this.options.clock, change.taskId, 'circuit', { kind, from: change.from, to: change.to });
        }
      }, 'executor');
      this.savedBreakers.set(kind, state);
    } catch (err) {
      this.logger.error(`Continuum could not save the state of the ${kind} circuit breaker`, err);
    }
  }

  private runHost(): RunHost {
    return {
      store: this.options.store,
      tasks: this.options.tasks,
      sessions: this.options.sessions,
      clock: this.options.clock,
      logger: this.logger,
      ports: this.options.ports,
      workspace: this.options.workspace,
      resilience: this.resilience,
      logs: this.logs,
      random: this.options.random,
      cannotRun: () => this.cannotRunNow(),
      ...(this.options.hooks ? { hooks: this.options.hooks } : {}),
      ...(this.options.taskFiles ? { taskFiles: this.options.taskFiles } : {}),
      breaker: kind => this.breaker(kind),
      breakerSubject: (kind, taskId) => this.breakerSubjects.set(kind, taskId),
      saveBreaker: kind => this.recordBreaker(kind, this.breaker(kind)),
      waitForPerson: (taskId, signal) =>
        new Promise<PersonDecision>((resolve, reject) => {
          const onAbort = () => {
            this.waitingForPerson.delete(taskId);
            reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'stopped')));
          };
          if (signal.aborted) return onAbort();
          signal.addEventListener('abort', onAbort, { once: true });
          this.waitingForPerson.set(taskId, decision => {
            signal.removeEventListener('abort', onAbort);
            resolve(decision);
          });
        }),
      changed: (sessionId, running, ended) => this.changed.fire({ sessionId, running, ...(ended ? { ended } : {}) }),
    };
  }
}

export type { CircuitState };
// the executor's own types live in ports.ts (run.ts needs them too); here for its callers
export type { EndedTask, ExecutorPorts, ExecutorSettings, UnattendedKind } from './ports';
