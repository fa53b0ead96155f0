// What a task does, as a sequence of recorded steps. An action never talks to the store itself: it
// runs its work through `ctx.step`, which records each step before and after it runs (step journal),
// so a resume skips the steps that completed. A language-model action fits the same shape: each
// model turn and each tool call becomes a step with its own key, the tool calls that must not run
// twice marked `rerunnable: false`.
import type { LmHost } from '../../lm/host';
import type { Task, TaskAction } from '../../tasks/model';
import { classifyFailure, type Classification, type FailureFacts } from '../classify';
import type { HostTaskPort, ProcessPort } from '../ports';
import type { ClassifiedFailure } from '../resilience';

export interface StepOptions {
  /**
   * Whether the step may run again when a crash cut it off before its result was recorded
   * (default true). When false, a resume asks the person first.
   */
  rerunnable?: boolean;
  /**
   * Its result is on disk before anything acts on it, even when it is re-runnable (default false): a
   * model's answer that tools will act on is never asked for again after a kill. Before the step
   * returns, or — for one that also starts no process — before the task's next step runs, unless
   * that one only reads (re-runnable, starting no process, not durable: it may run meanwhile).
   */
  durable?: boolean;
  /**
   * The step starts no process (a model request, a file read). A re-runnable one then needs no start
   * record on disk before it runs — a crash that loses it leaves no process to look for, and the step
   * runs again either way — so its start is written with its end: one durable write fewer.
   */
  startsNoProcess?: boolean;
}

export type PersonDecision = 'done' | 'failed';

export interface ActionContext {
  readonly task: Task;
  /** The task's run number (tasks.attempts): part of every step's idempotency key. */
  readonly attempt: number;
  /** Aborted on Stop now, cancel, or the task's timeout: stop at once and kill what was started. */
  readonly signal: AbortSignal;
  /** The workspace folder; commands run in it or below it. */
  readonly workspace: string;
  /** Appends to the task's log (and nothing else). */
  log(text: string): void;
  /**
   * Runs `fn` as the step `name` of this task, recorded in the step journal. A step that already
   * succeeded for this run of the task is not run again: its recorded result is returned.
   * Undefined when a crash cut the step off and a person chose to count it as done.
   */
  step<T>(name: string, fn: (signal: AbortSignal) => Promise<T>, options?: StepOptions): Promise<T | undefined>;
  readonly processes: ProcessPort;
  readonly hostTasks: HostTaskPort;
  /** Waits until a person marks the task done or failed (manual tasks). */
  waitForPerson(): Promise<PersonDecision>;
  /** A capability fell back to a lesser way (recorded in the degradation registry, shown in Health). */
  degraded(capability: string, way: string, reason: string): void;
  /**
   * A failure the action handles itself (a rate limit it waits out): the guards count it against the
   * error budget as any failed try, and may stop the task. False when it must not be tried again.
   */
  failedTry?(failure: ActionFailure): boolean;
  /** The model, files and limits for `lm` tasks; undefined on a host without a model. */
  readonly lm?: LmHost;
}

/** What a host must have to run a kind: nothing more than processes, a person to mark it, VS Code, or a language model. */
export type ActionNeeds = 'processes' | 'person' | 'vscode' | 'model';

export interface Action<A extends TaskAction = TaskAction> {
  readonly kind: A['kind'];
  /**
   * Unattended actions take a concurrency slot and go through retry, the circuit breaker and the
   * timeout. A manual task waits for a person and takes none of these.
   */
  readonly unattended: boolean;
  /** What a host needs to run it; a host without it leaves such tasks for one that has it. */
  readonly needs: ActionNeeds;
  /** The kind in a person's words, plural ("shell tasks"), for summaries and questions. */
  readonly title: string;
  /** What it would run, one line each, as the person confirms it (the verify command is added by the caller). */
  commands(action: A): string[];
  /** What was done, for the task's commit message. */
  describeDone(action: A): string;
  /** It runs the task's verify command itself (and acts on its output); the executor does not run it after. */
  readonly verifiesItself?: boolean;
  /** Does the work; resolves to a one-line result, or throws an ActionFailure. */
  run(action: A, ctx: ActionContext): Promise<string>;
}

/** A failed action, with the facts the classifier judged it on. */
export class ActionFailure extends Error implements ClassifiedFailure {
  readonly classification: Classification;

  constructor(
    message: string,
    readonly facts: FailureFacts,
  ) {
    super(message);
    this.name = 'ActionFailure';
    this.classification = classifyFailure(facts);
  }

  get failureClass() {
    return this.classification.kind;
  }

  get countsForBreaker(): boolean {
    return this.facts.phase === 'run';
  }
}
