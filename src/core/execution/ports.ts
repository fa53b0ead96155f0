// What the executor needs from its host: processes, VS Code tasks, workspace trust, task logs and
// the few questions it must ask a person. The VS Code layer and the Node helpers implement these;
// unit tests use fakes. Nothing here may import `vscode`.
import type { LmHost } from '../lm/host';
import type { TaskAction } from '../tasks/model';

/** How a process ended. `code` is null when it was ended by a signal or could not start. */
export interface ProcessExit {
  code: number | null;
  signal?: string;
  /** Set when the process could not be started or failed at the OS level (ENOENT, EACCES …). */
  error?: { code?: string; message: string };
}

export interface ProcessSpec {
  /** The program, or with `shell` the whole command line. */
  command: string;
  args: readonly string[];
  /** Run through the platform's shell (only when the task asks for it, or its command needs one). */
  shell: boolean;
  /** Absolute folder, already checked to lie inside the workspace (symbolic links followed). */
  cwd: string;
  env?: Readonly<Record<string, string>>;
  /**
   * The step's idempotency key, put in the process's environment (CONTINUUM_STEP) where its
   * children inherit it: a later run finds the step's processes by it even when a kill came before
   * their pid was recorded.
   */
  marker?: string;
}

export interface RunOptions {
  /** Aborting kills the process and every process it started (the whole tree). */
  signal: AbortSignal;
  onOutput(text: string): void;
  /** Called once the process exists, with what identifies it after this process is gone. */
  onStarted?(process: StartedProcess): void;
}

/**
 * A started process as the step journal records it, so that a later process can tell whether it
 * still runs (an orphan of a killed run) and stop it.
 */
export interface StartedProcess {
  pid: number;
  /** When the OS started it (Linux: /proc/<pid>/stat starttime), so a reused pid is not mistaken for it. */
  startTime?: string;
  /** Its process group (each command runs in its own), which holds what it started. */
  group?: number;
}

export interface ProcessPort {
  run(spec: ProcessSpec, options: RunOptions): Promise<ProcessExit>;
  /** Whether a process recorded by an earlier run, or anything in its process group, still runs. */
  isRunning(process: StartedProcess): Promise<boolean>;
  /** Stops a process recorded by an earlier run and its process group (politely, then for good); resolves once they are gone. */
  stop(process: StartedProcess): Promise<void>;
  /** Processes still running whose environment carries `marker` (see ProcessSpec.marker); [] where the OS cannot tell. */
  findByMarker(marker: string): Promise<StartedProcess[]>;
  /** The path with every symbolic link resolved; undefined when it does not exist. */
  realPath(path: string): Promise<string | undefined>;
}

/** VS Code tasks from tasks.json, by label. */
export interface HostTaskPort {
  run(label: string, options: RunOptions): Promise<ProcessExit>;
}

export interface TrustPort {
  /** Whether the person trusts the workspace enough to run its commands (VS Code Workspace Trust). */
  isTrusted(): boolean;
}

/** A task's output, kept beside the store; the executor caps what it writes. */
export interface TaskLogPort {
  append(taskId: string, text: string): Promise<void>;
  size(taskId: string): Promise<number>;
  read(taskId: string): Promise<string>;
  /** Where the log lives, for "Show Task Log". */
  location(taskId: string): string;
}

/**
 * 'fail-unasked': nobody could be asked (a CLI without a terminal), so the cautious answer was
 * taken — the task fails, and what it says must not claim that a person chose it.
 */
export type InterruptedStepChoice = 'rerun' | 'skip' | 'fail' | 'fail-unasked';

/** A step's process from an earlier run still runs: wait until it ends, or stop it. */
export type OrphanChoice = 'wait' | 'stop';

/** Questions only a person can answer. Must not throw; a dismissed question is the cautious answer. */
export interface ExecutionQuestions {
  /** Before the first run of an imported plan's commands: true to run them. */
  confirmPlanCommands(plan: string, commands: readonly string[]): Promise<boolean>;
  /**
   * A step that must not run twice was running when Continuum stopped, and nothing says whether it
   * finished: run it again, count it as done ('skip'), or fail the task.
   */
  interruptedStep(taskTitle: string, step: string, startedAt: number): Promise<InterruptedStepChoice>;
  /**
   * A step of an earlier run (a killed CLI, a closed window, a stalled process whose lock was taken
   * over) left its process running: wait until it ends, or stop it. Either way it never runs beside
   * itself. A dismissed question waits.
   */
  orphanedStep(taskTitle: string, step: string, pid: number, startedAt: number): Promise<OrphanChoice>;
}

/** Everything an executor needs from its host. */
export interface ExecutorPorts {
  processes: ProcessPort;
  hostTasks: HostTaskPort;
  trust: TrustPort;
  logs: TaskLogPort;
  questions: ExecutionQuestions;
  /** A language model and what `lm` tasks need with it; a host without one leaves `lm` tasks alone (cannotRun). */
  lm?: LmHost;
}

export interface ExecutorSettings {
  /** Tasks run side by side (continuum.executor.concurrency, default 2). */
  concurrency: number;
  /** A checkpoint after every N completed tasks (continuum.executor.checkpointEvery, default 5; 0 = never). */
  checkpointEvery: number;
  /** A checkpoint (files and state) before each run of an `lm` task (continuum.lm.checkpointBefore, default on). */
  checkpointBeforeLm: boolean;
}

/**
 * A task whose run ended, with its status as saved on disk; no status when its end could not be
 * saved (the store failed, or the process is going away): it runs again on resume.
 */
export interface EndedTask {
  taskId: string;
  status?: 'done' | 'failed' | 'skipped' | 'pending';
}

/** Action kinds that run unattended (each with a circuit breaker). */
export type UnattendedKind = Exclude<TaskAction['kind'], 'manual'>;
