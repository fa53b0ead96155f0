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
  /** Tries in all for this run of the task (a watched task gets fewer); default: the executor's. */
  attempts?: number;
}

/** What a rule proposes after a failure: a command to run before trying again, or only a question. */
export interface ProposedFix {
  /** The command (run without a shell, in the workspace); none for a plain "ask" rule. */
  command?: { command: string; args: readonly string[] };
  /** Ask a person first (Run fix and retry / Skip task / Fail task). */
  ask: boolean;
  /** The rule that proposed it, for the log and the question. */
  rule: string;
  /** The failure's signature, so the outcome is remembered against it. */
  signature: string;
  /** The failure, for the question. */
  error: string;
}

export type FixAnswer = 'run' | 'skip' | 'fail';

export interface TryVerdict {
  /** False: do not try again, even if the failure looks transient (systemic, or a rule says so). */
  retry: boolean;
  /** What to do with the task if this was its last try. Default: fail it. */
  finally?: 'fail' | 'skip';
  /** Pause the session (the budget is spent, a rule says so …): the message says why and what to do. */
  pause?: string;
  /** Why, for the task's log. */
  note?: string;
  /** Once retries are over: run this fix (asking first when it says so), then try the task again. */
  fix?: ProposedFix;
}

export interface ExecutionHooks {
  /** Before the task is marked running; may ask a person, so it is async. */
  beforeTask?(task: WatchedTask, signal: AbortSignal): Promise<StartVerdict>;
  taskStarted(task: WatchedTask): void;
  tryFailed(task: WatchedTask, failure: FailedTry): TryVerdict;
  /** Before a proposed fix runs: whether to run it (asks a person when the fix says so). */
  approveFix?(task: WatchedTask, fix: ProposedFix, signal: AbortSignal): Promise<FixAnswer>;
  /** The fix command ran (or, for a plain ask, the person chose to retry); a failed command is a failed fix. */
  fixRan?(task: WatchedTask, fix: ProposedFix, succeeded: boolean): void;
  /** A capability fell back to a lesser way while the task ran. */
  degraded?(capability: string, way: string, reason: string): void;
  taskFinished(task: WatchedTask, outcome: 'done' | 'failed' | 'skipped', durationMs: number): void;
}
