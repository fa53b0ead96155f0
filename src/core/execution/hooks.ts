// What the scheduler tells whoever watches over a run (the autonomy guards), and what it may be
// told back. The scheduler calls these at a task's start, after each failed try, and at its end;
// they must be quick and must not throw (a hook's problem is its own to report).
import type { FailureClass } from './classify';
import type { TaskAction } from '../tasks/model';

export interface WatchedTask {
  id: string;
  title: string;
  kind: TaskAction['kind'];
  sessionId: string;
  /** The error of its previous failed run, if any. */
  previousError?: string;
}

export interface FailedTry {
  message: string;
  failureClass: FailureClass;
  /** The end of the output, where tools print their error. */
  output?: string;
}

/** Before an unattended task starts: run it, run it after a checkpoint, or skip it. */
export interface StartVerdict {
  run: boolean;
  checkpointFirst?: boolean;
  /** Why, for the task's log. */
  note?: string;
}

export interface TryVerdict {
  /** False: do not try again, even if the failure looks transient (systemic, or a rule says so). */
  retry: boolean;
  /** What to do with the task if this was its last try. Default: fail it. */
  finally?: 'fail' | 'skip';
  /** Pause the session (the budget is spent, a rule says so …): the message says why and what to do. */
  pause?: string;
  /** Why, for the task's log. */
  note?: string;
}

export interface ExecutionHooks {
  /** Before the task is marked running; may ask a person, so it is async. */
  beforeTask?(task: WatchedTask, signal: AbortSignal): Promise<StartVerdict>;
  taskStarted(task: WatchedTask): void;
  tryFailed(task: WatchedTask, failure: FailedTry): TryVerdict;
  taskFinished(task: WatchedTask, outcome: 'done' | 'failed' | 'skipped', durationMs: number): void;
}
