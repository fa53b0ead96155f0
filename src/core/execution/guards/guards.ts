// The autonomy guards around the executor, as one ExecutionHooks: every failed try is normalised
// into a signature, remembered, charged to the error budget and put to the rulebook; every task
// start goes through the confidence gate; the flow monitor and the profiler see every event. What
// they decide is written to the task's event log with its reasons.
import { Emitter, type Event } from '../../events';
import { silentLogger, type Clock, type Logger } from '../../ports';
import type { Store, StoreWriter } from '../../store/types';
import type {
  ExecutionHooks,
  FailedTry,
  FixAnswer,
  ProposedFix,
  StartVerdict,
  TryVerdict,
  WatchedTask,
} from '../hooks';
import { commandSpec, describeCommand } from '../commandLine';
import type { TaskAction } from '../../tasks/model';
import { lastCheckpointAt } from '../../sessions/sessionRecords';
import { storedActionOf, taskExists } from '../../tasks/taskRecords';
import { recordTaskEvent } from '../journal';
import { latestEventsOfKind } from '../../tasks/taskEvents';
import { ErrorBudget, describeSpentBudget, type BudgetStatus, type ErrorBudgetSettings } from './budget';
import {
  adaptThresholds,
  canChangeFiles,
  checkpointBeforeTask,
  defaultThresholds,
  gate,
  parseThresholds,
  type CheckpointFacts,
  type GateDecision,
  type Thresholds,
} from './confidence';

/** Where the adapted confidence thresholds are kept (the store's meta table), so they survive a reopen. */
export const thresholdsKey = 'guards.confidenceThresholds';
import { DegradationRegistry } from './degradation';
import { FlowMonitor, type FlowSettings, type FlowStatus } from './flow';
import { ErrorLearning, type Fix } from './learning';
import { Profiler } from './profiler';
import { decide, describeDecision, errorClassOf, type Rule } from './rulebook';
import { errorLine, errorSignature } from './signature';

export type LowConfidenceAnswer = 'allow' | 'always' | 'skip';

/** A rule's fix, as a person is asked about it. */
export interface FixQuestion {
  /** The command line to run, or undefined when the rule only asks whether to try again. */
  command?: string;
  error: string;
  rule: string;
  /** How this fix went for this error before, when it was tried ("worked 3 of 4 times"). */
  history?: string;
}

/** What only a person can answer. Must not throw; a dismissed question is the cautious answer ('skip', 'fail'). */
export interface GuardQuestions {
  allowLowConfidenceTask(
    task: { title: string; kind: string },
    score: number,
    reasons: string,
  ): Promise<LowConfidenceAnswer>;
  /** Run fix and retry ('run') / Skip task / Fail task. */
  runFix(task: { title: string; kind: string }, fix: FixQuestion): Promise<FixAnswer>;
}

export interface GuardNotice {
  severity: 'info' | 'warning' | 'error';
  message: string;
  /** Critical notices are never held back while the user is in flow. */
  critical: boolean;
}

export interface GuardOptions {
  store: Store;
  clock: Clock;
  logger?: Logger;
  questions: GuardQuestions;
  budget?: Partial<ErrorBudgetSettings>;
  flow?: Partial<FlowSettings>;
  /** Components the task may affect (knowledge graph), when known. */
  impact?: (task: WatchedTask) => number | undefined;
  degradations?: DegradationRegistry;
  /** Tries in all for a task the gate runs watched (default 2: one retry instead of the executor's usual). */
  watchedAttempts?: number;
}

interface KindHistory {
  done: number;
  failed: number;
}

/**
 * How the latest runs of `lm` tasks ended, from the 'lm-usage' events their ends wrote (lmUsage.ts):
 * the confidence gate starts from what models did before, not from nothing, in each new window.
 */
function pastLmOutcomes(store: Store, latest = 50): KindHistory {
  const outcomes = latestEventsOfKind(store, 'lm-usage', latest).map(e => e.detail.outcome);
  return { done: outcomes.filter(o => o === 'done').length, failed: outcomes.filter(o => o === 'failed').length };
}

export class ExecutionGuards implements ExecutionHooks {
  readonly budget: ErrorBudget;
  readonly flow: FlowMonitor;
  readonly learning: ErrorLearning;
  readonly profiler = new Profiler();
  readonly degradations: DegradationRegistry;
  private rules: readonly Rule[] = [];
  private thresholds: Thresholds = defaultThresholds;
  private readonly history = new Map<string, KindHistory>();
  private readonly gateDecisions = new Map<string, GateDecision>();
  /** Per task, its last failed try's error (for the notice when a watched task fails). */
  private readonly lastErrors = new Map<string, string>();
  /** Per task, the fix commands that ran and wait for the task's outcome to count as worked or not. */
  private readonly fixesAwaitingOutcome = new Map<string, Array<{ signature: string; fix: Fix }>>();
  private readonly queued: Array<{
    taskId: string;
    kind: string;
    detail: Record<string, unknown>;
    more?: (w: StoreWriter) => void;
  }> = [];
  private flushing: Promise<void> | undefined;
  private readonly logger: Logger;
  /** When the files last changed as far as these guards know; before they started, nothing is known: their start. */
  private lastChangeAt: number;
  /** Tasks running now that can change files (their changes are under way). */
  private readonly changingFiles = new Set<string>();
  /** Tasks started and not yet finished (for the flow item: nothing running is idle). */
  private readonly runningTasks = new Set<string>();
  private readonly changed = new Emitter<void>();
  /** Fires when the budget or the flow may have changed (for the status bar). */
  readonly onDidChange: Event<void> = this.changed.event;
  private readonly notices = new Emitter<GuardNotice>();
  readonly onNotice: Event<GuardNotice> = this.notices.event;

  constructor(private readonly options: GuardOptions) {
    this.budget = new ErrorBudget(options.clock, options.budget);
    this.flow = new FlowMonitor(options.clock, options.flow);
    this.learning = new ErrorLearning(options.store, options.clock);
    this.degradations = options.degradations ?? new DegradationRegistry(undefined, () => options.clock.now());
    this.logger = options.logger ?? silentLogger;
    this.lastChangeAt = options.clock.now();
    this.history.set('lm', pastLmOutcomes(options.store));
    const saved = options.store.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [thresholdsKey])?.value;
    this.thresholds = parseThresholds(saved) ?? defaultThresholds;
    if (saved && this.thresholds === defaultThresholds)
      this.logger.warn(
        `the saved confidence thresholds could not be read (${saved.slice(0, 100)}); the defaults apply`,
      );
  }

  /** The user's rules (.continuum/rules.json); the built-in defaults always follow them. */
  setRules(rules: readonly Rule[]): void {
    this.rules = rules;
  }

  /** The budget's limits changed (settings); errors already counted stay counted. */
  configureBudget(settings: Partial<ErrorBudgetSettings>): void {
    this.budget.configure({ ...this.options.budget, ...settings });
    this.changed.fire();
  }

  budgetStatus(): BudgetStatus {
    return this.budget.status();
  }

  flowStatus(): FlowStatus {
    return { ...this.flow.status(), running: this.runningTasks.size };
  }

  currentThresholds(): Thresholds {
    return this.thresholds;
  }

  /** A file was saved: activity for the flow monitor. */
  fileSaved(): void {
    this.lastChangeAt = this.options.clock.now();
    this.flow.record('save');
    this.changed.fire();
  }

  async beforeTask(task: WatchedTask, signal: AbortSignal): Promise<StartVerdict> {
    const start = performance.now();
    const history = this.kindHistory(task.kind);
    const approval = this.approvalOf(task.kind);
    const runs = history.done + history.failed;
    const knownErrors =
      task.previousError && this.learning.known(errorSignature(errorLine(task.previousError)))?.occurrences ? 1 : 0;
    const affected = this.impactOf(task);
    const factors = {
      ...(runs ? { kindSuccessRate: history.done / runs } : {}),
      kindRuns: runs,
      knownErrors,
      reversible: !this.degradations.degradations().some(d => d.capability === 'checkpoint'),
      ...(affected !== undefined ? { affectedComponents: affected } : {}),
      alwaysAllowed: approval.alwaysAllow,
      approvals: approval.approvals,
    };
    const result = gate(factors, this.thresholds);
    this.profiler.record('guards.gate', performance.now() - start);
    let verdict: StartVerdict = { run: true, note: `confidence ${result.score.toFixed(2)}: ${result.decision}` };
    if (result.decision === 'run watched') {
      const attempts = this.options.watchedAttempts ?? 2;
      verdict = {
        run: true,
        attempts,
        note: `confidence ${result.score.toFixed(2)}: run watched (at most ${attempts} ${attempts === 1 ? 'try' : 'tries'}, and a notice if it fails)`,
      };
    }
    let answer: LowConfidenceAnswer | undefined;
    const files = this.checkpointFacts(task);
    const checkpointFirst = checkpointBeforeTask(result.decision, files);
    const why = !files.canChangeFiles
      ? 'it changes no files, so no checkpoint'
      : 'the newest checkpoint already holds the files as they are, so no new one';
    if (result.decision === 'checkpoint first') {
      verdict = checkpointFirst
        ? { run: true, checkpointFirst: true, note: `confidence ${result.score.toFixed(2)}: a checkpoint first` }
        : { run: true, note: `confidence ${result.score.toFixed(2)}: checkpoint first, but ${why}` };
    }
    if (result.decision === 'ask' && !signal.aborted) {
      answer = await this.options.questions.allowLowConfidenceTask(
        { title: task.title, kind: task.kind },
        result.score,
        describeFactors(result.contributions),
      );
      await this.recordAnswer(task.kind, answer);
      verdict =
        answer === 'skip'
          ? { run: false, note: `confidence ${result.score.toFixed(2)}: asked, and the person chose to skip it` }
          : {
              run: true,
              ...(checkpointFirst ? { checkpointFirst: true } : {}),
              note: `confidence ${result.score.toFixed(2)}: asked, and the person allowed it${answer === 'always' ? ` (and every ${task.kind} task from now on)` : ''}${checkpointFirst ? '' : `; ${why}`}`,
            };
    }
    this.gateDecisions.set(task.id, result.decision);
    // recorded without holding the task back: it starts at once, the record follows in the next write
    this.queue(task.id, 'confidence', {
      score: result.score,
      decision: result.decision,
      factors: result.contributions,
      thresholds: this.thresholds,
      ...(answer ? { answer } : {}),
    });
    return verdict;
  }

  taskStarted(task: WatchedTask): void {
    if (canChangeFiles(task.kind, this.commandWords(task))) this.changingFiles.add(task.id);
    this.runningTasks.add(task.id);
    this.flow.record('action');
    this.changed.fire();
  }

  tryFailed(task: WatchedTask, failure: FailedTry): TryVerdict {
    const start = performance.now();
    const text = (failure.output ? errorLine(failure.output) : '') || failure.message;
    const signature = errorSignature(text);
    const errorClass = errorClassOf(`${failure.message}\n${failure.output ?? ''}`, failure.failureClass);
    this.flow.record('error');
    const charged = this.budget.record({
      signature,
      type: failure.failureClass,
      message: text.slice(0, 300),
      taskTitle: task.title,
    });
    const decision = decide(this.rules, {
      message: `${failure.message}\n${failure.output ?? ''}`,
      signature,
      errorClass,
      actionKind: task.kind,
    });
    const verdict: TryVerdict = { retry: true };
    const notes: string[] = [];
    if (decision) {
      notes.push(`rulebook: ${describeDecision(decision)}`);
      const a = decision.action;
      if (a.do === 'skip') Object.assign(verdict, { retry: false, finally: 'skip' });
      else if (a.do === 'fail') verdict.retry = false;
      else if (a.do === 'pause')
        Object.assign(verdict, {
          retry: false,
          pause: `a rule (${decision.rule}) pauses the session on '${text.slice(0, 160)}'. Fix the cause, use Retry on the task, then Resume Session.`,
        });
      else if (a.do === 'ask' || a.do === 'fix') {
        verdict.retry = false;
        verdict.fix = {
          ...(decision.command ? { command: decision.command } : {}),
          ask: a.do === 'ask' || (a.do === 'fix' && a.ask === true),
          rule: decision.rule,
          signature,
          error: text.slice(0, 300),
        };
      }
    }
    if (charged.systemic && verdict.retry) {
      verdict.retry = false;
      notes.push(
        `the same error has happened ${this.budget.occurrences(signature)} times within the hour: it is systemic, so it is not retried again`,
      );
    }
    if (charged.spent && !verdict.pause) {
      verdict.retry = false;
      delete verdict.fix;
      verdict.pause = `the error budget is spent (${this.budget.limit} errors within an hour): ${describeSpentBudget(this.budget.status())}. Fix the cause, then Resume Session; the budget refills as errors age out of the hour.`;
    }
    if (notes.length) verdict.note = notes.join('; ');
    // a fix that ran before this try did not make it pass
    const fixesThatFailed = this.fixesAwaitingOutcome.get(task.id) ?? [];
    this.fixesAwaitingOutcome.delete(task.id);
    this.queue(
      task.id,
      'guard',
      {
        signature,
        errorClass,
        budgetRemaining: charged.remaining,
        systemic: charged.systemic,
        ...(decision ? { rule: decision.rule, decision: decision.action.do } : {}),
        retry: verdict.retry,
        ...(verdict.pause ? { pause: true } : {}),
      },
      w => {
        this.learning.recordOccurrence(w, { signature, message: text, errorClass, actionKind: task.kind });
        for (const f of fixesThatFailed) this.learning.recordFixOutcome(w, f.signature, f.fix, false);
      },
    );
    if (verdict.pause)
      this.notices.fire({
        severity: 'error',
        message: `Continuum paused the session: ${verdict.pause}`,
        critical: true,
      });
    this.lastErrors.set(task.id, text.slice(0, 200));
    this.changed.fire();
    this.profiler.record('guards.failure', performance.now() - start);
    return verdict;
  }

  /** Whether to run a rule's fix: at once when the rule does not ask first, otherwise as the person answers. */
  async approveFix(task: WatchedTask, fix: ProposedFix, signal: AbortSignal): Promise<FixAnswer> {
    if (!fix.ask) return 'run';
    if (signal.aborted) return 'fail';
    const command = fix.command
      ? describeCommand({ command: fix.command.command, args: [...fix.command.args], shell: false })
      : undefined;
    const history = fix.command
      ? this.fixHistory(fix.signature, { kind: 'command', command: fix.command.command, args: fix.command.args })
      : undefined;
    const answer = await this.options.questions.runFix(
      { title: task.title, kind: task.kind },
      { ...(command ? { command } : {}), error: fix.error, rule: fix.rule, ...(history ? { history } : {}) },
    );
    this.queue(task.id, 'fix-question', { rule: fix.rule, ...(command ? { command } : {}), answer });
    return answer;
  }

  /** A fix command ran: a failed one is a failed fix now; one that ran counts as worked if the task then passes. */
  fixRan(task: WatchedTask, fix: ProposedFix, succeeded: boolean): void {
    if (!fix.command) return;
    const learned: Fix = { kind: 'command', command: fix.command.command, args: [...fix.command.args] };
    if (!succeeded) {
      this.queue(
        task.id,
        'fix',
        { rule: fix.rule, command: [learned.command, ...learned.args].join(' '), ran: false },
        w => this.learning.recordFixOutcome(w, fix.signature, learned, false),
      );
      return;
    }
    const awaiting = this.fixesAwaitingOutcome.get(task.id) ?? [];
    awaiting.push({ signature: fix.signature, fix: learned });
    this.fixesAwaitingOutcome.set(task.id, awaiting);
  }

  degraded(capability: string, way: string, reason: string): void {
    try {
      this.degradations.use(capability, way, reason);
    } catch (err) {
      this.logger.warn(
        `a step down of ${capability} could not be recorded: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  taskFinished(task: WatchedTask, outcome: 'done' | 'failed' | 'skipped', durationMs: number): void {
    const fixes = this.fixesAwaitingOutcome.get(task.id);
    this.fixesAwaitingOutcome.delete(task.id);
    if (fixes?.length) {
      this.queue(task.id, 'fix', { outcome, fixes: fixes.map(f => f.fix) }, w => {
        for (const f of fixes) this.learning.recordFixOutcome(w, f.signature, f.fix, outcome === 'done');
      });
    }
    if (outcome === 'failed' && this.gateDecisions.get(task.id) === 'run watched') {
      this.notices.fire({
        severity: 'warning',
        message: `Task '${task.title}' (run watched) failed: ${this.lastErrors.get(task.id) ?? 'see its log'}. Show Task Log says more.`,
        critical: false,
      });
    }
    this.lastErrors.delete(task.id);
    if (this.changingFiles.delete(task.id)) this.lastChangeAt = this.options.clock.now();
    this.runningTasks.delete(task.id);
    if (outcome !== 'skipped') {
      this.profiler.record(`action.${task.kind}`, durationMs);
      const h = this.kindHistory(task.kind);
      if (outcome === 'done') h.done++;
      else h.failed++;
      const decision = this.gateDecisions.get(task.id);
      if (decision) {
        const before = this.thresholds;
        this.thresholds = adaptThresholds(before, decision, outcome === 'done');
        if (this.thresholds !== before) {
          const value = JSON.stringify(this.thresholds);
          this.queue(task.id, 'thresholds', { from: before, to: this.thresholds }, w =>
            w.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [thresholdsKey, value]),
          );
        }
      }
    }
    this.gateDecisions.delete(task.id);
    this.flow.record('done');
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
    this.notices.dispose();
  }

  /**
   * How the executor's runs of a kind went in this window. Only the executor's own outcomes count:
   * a task a person marked failed, or one restored from a checkpoint, says nothing about the kind.
   */
  /** A shell task's command line as words (undefined when it needs a shell or is not a shell task). */
  private commandWords(task: WatchedTask): string[] | undefined {
    if (task.kind !== 'shell') return undefined;
    const text = storedActionOf(this.options.store, task.id);
    const action = text ? (JSON.parse(text) as TaskAction) : undefined;
    if (action?.kind !== 'shell' || !action.command.trim()) return undefined;
    const spec = commandSpec(action.command, action.args, action.shell);
    return spec.shell ? undefined : [spec.command, ...spec.args];
  }

  /** What decides whether a checkpoint before this task is worth it (confidence.ts, checkpointBeforeTask). */
  private checkpointFacts(task: WatchedTask): CheckpointFacts {
    const last = lastCheckpointAt(this.options.store);
    const now = this.options.clock.now();
    return {
      canChangeFiles: canChangeFiles(task.kind, this.commandWords(task)),
      ...(last !== null && last !== undefined ? { lastCheckpointAt: last } : {}),
      // a task that may change files and is still running changes them now
      lastChangeAt: this.changingFiles.size ? now : this.lastChangeAt,
    };
  }

  private kindHistory(kind: string): KindHistory {
    let h = this.history.get(kind);
    if (!h) {
      h = { done: 0, failed: 0 };
      this.history.set(kind, h);
    }
    return h;
  }

  /** "worked 3 of 4 times before" for a fix already tried on this error. */
  private fixHistory(signature: string, fix: Fix): string | undefined {
    const known = this.learning.fixesFor(signature).find(k => JSON.stringify(k.fix) === JSON.stringify(fix));
    if (!known) return undefined;
    return `tried ${known.tries} time${known.tries === 1 ? '' : 's'} before for this error, success rate ${Math.round(known.successRate * 100)}%`;
  }

  /** The task's impact from the knowledge graph; a graph that cannot answer leaves impact out of the score. */
  private impactOf(task: WatchedTask): number | undefined {
    try {
      return this.options.impact?.(task);
    } catch (err) {
      this.logger.warn(
        `the knowledge graph could not tell the impact of '${task.title}' (${err instanceof Error ? err.message : String(err)}); it is left out of the confidence score`,
      );
      return undefined;
    }
  }

  private approvalOf(kind: string): { alwaysAllow: boolean; approvals: number } {
    const row = this.options.store.get<{ always_allow: number; approvals: number }>(
      'SELECT always_allow, approvals FROM confidence_approvals WHERE action_kind = ?',
      [kind],
    );
    return { alwaysAllow: row?.always_allow === 1, approvals: row?.approvals ?? 0 };
  }

  private async recordAnswer(kind: string, answer: LowConfidenceAnswer): Promise<void> {
    try {
      await this.options.store.write(
        w =>
          w.run(
            `INSERT INTO confidence_approvals (action_kind, always_allow, approvals, skips, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(action_kind) DO UPDATE SET always_allow = max(always_allow, excluded.always_allow), approvals = approvals + excluded.approvals, skips = skips + excluded.skips, updated_at = excluded.updated_at`,
            [
              kind,
              answer === 'always' ? 1 : 0,
              answer === 'skip' ? 0 : 1,
              answer === 'skip' ? 1 : 0,
              this.options.clock.now(),
            ],
          ),
        'user',
      );
    } catch (err) {
      this.logger.error(`Continuum could not save your answer for ${kind} tasks; it will ask again next time`, err);
    }
  }

  /**
   * Failures' records are written together after the current turn of the event loop: the
   * scheduler never waits for them, and a burst of failures costs one store write.
   */
  private queue(taskId: string, kind: string, detail: Record<string, unknown>, more?: (w: StoreWriter) => void): void {
    this.queued.push({ taskId, kind, detail, more });
    if (this.queued.length > 1) return;
    this.flushing = Promise.resolve().then(async () => {
      const batch = this.queued.splice(0);
      try {
        await this.options.store.write(w => {
          for (const q of batch) {
            q.more?.(w);
            if (taskExists(w, q.taskId)) recordTaskEvent(w, this.options.clock, q.taskId, q.kind, q.detail);
          }
        }, 'executor');
      } catch (err) {
        this.logger.warn(
          `Continuum could not record ${batch.length} of the guards' decisions and known errors: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    });
  }

  /** Resolves once the queued records are written (tests, benchmarks, shutdown). */
  async settled(): Promise<void> {
    while (this.queued.length || this.flushing) {
      const f = this.flushing;
      await f;
      if (f === this.flushing) this.flushing = undefined;
    }
  }
}

/**
 * A task's latest confidence decision from its event log, for its details:
 * "Confidence 0.75: run watched (past runs of this kind +0.60, can be undone +0.15)".
 */
export function describeConfidenceDecision(
  events: ReadonlyArray<{ kind: string; detail: Record<string, unknown> }>,
): string | undefined {
  const latest = events.find(e => e.kind === 'confidence')?.detail; // newest first
  if (!latest || typeof latest.score !== 'number' || typeof latest.decision !== 'string') return undefined;
  const factors =
    latest.factors && typeof latest.factors === 'object'
      ? describeFactors(latest.factors as Record<string, number>)
      : '';
  const answer =
    latest.answer === 'allow'
      ? '; you allowed it'
      : latest.answer === 'always'
        ? '; you allowed every task of its kind'
        : latest.answer === 'skip'
          ? '; you chose to skip it'
          : '';
  return `Confidence ${latest.score.toFixed(2)}: ${latest.decision}${factors ? ` (${factors})` : ''}${answer}`;
}

/** "history +0.60, reversibility +0.15, known errors -0.30" */
export function describeFactors(contributions: Record<string, number>): string {
  const names: Record<string, string> = {
    history: 'past runs of this kind',
    knownErrors: 'known errors',
    reversibility: 'can be undone',
    impact: 'impact',
    approvals: 'your approvals',
  };
  return Object.entries(contributions)
    .filter(([, v]) => typeof v === 'number' && v !== 0)
    .map(([k, v]) => `${names[k] ?? k} ${v > 0 ? '+' : ''}${v.toFixed(2)}`)
    .join(', ');
}
