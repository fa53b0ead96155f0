// The executor for this window: built once per opened store, its runs' summaries shown as
// notifications, and everything it runs killed when the window goes away.
import * as vscode from 'vscode';
import type { Continuum } from '../../core/continuum';
import { assembleExecutor, type AssembledExecutor } from '../../core/execution/assemble';
import type { Executor } from '../../core/execution/executor';
import { NoticeBatcher } from '../../core/execution/guards/flowProtection';
import { ExecutionGuards, type GuardNotice, type GuardQuestions } from '../../core/execution/guards/guards';
import type { ResourceMonitor, ResourceSample, ResourceStatus } from '../../core/execution/guards/resources';
import type { Rule } from '../../core/execution/guards/rulebook';
import { nodeResources } from '../../node/resources';
import { describeSummary, type RunSummary } from '../../core/execution/summary';
import type { SessionRun } from '../../core/execution/run';
import type { Logger } from '../../core/ports';
import { nodeProcesses } from '../../node/processes';
import type { SessionControlParams, SessionControlResult } from '../../node/endpoint/protocol';
import { nodeTaskLogs } from '../../node/taskLogs';
import { inert } from '../../shared/text';
import type { LmHost } from '../../core/lm/host';
import { ChatModelChoice } from '../lm/modelChoice';
import { vscodeLmHost } from '../lm/lmHost';
import { chooseModelCommand, unfinishedTasks, waitingLmTasks } from '../lm/lmText';
import type { Prompter } from '../prompts';
import { vscodeSettings } from '../settings';
import { promptedQuestions, taskLogFolder, vscodeTasks, workspaceTrust } from './hostPorts';

export class ExecutionRuntime implements vscode.Disposable {
  private executor: Executor | undefined;
  private guardsOfCore: ExecutionGuards | undefined;
  private resources: ResourceMonitor | undefined;
  private rules: readonly Rule[] = [];
  private core: Continuum | undefined;
  private subscriptions: vscode.Disposable[] = [];
  /** The chat model lm tasks use (chosen again as VS Code's models or the settings change). */
  readonly models: ChatModelChoice;
  private readonly lm: LmHost;
  /** Whether the first choice of a model was made (before it, "no model" is not yet a degradation). */
  private modelsLookedUp = false;
  /** Sessions told that their lm tasks wait for a model: offered a resume when one comes. */
  private readonly waitingForModel = new Set<string>();
  private readonly modelChanges: vscode.Disposable;
  private readonly finishedRuns = new vscode.EventEmitter<{ core: Continuum; summary: RunSummary }>();
  /** A run ended (completed, paused, stopped …), with the store it ran on. */
  readonly onDidFinish = this.finishedRuns.event;

  constructor(
    private readonly prompter: () => Prompter,
    private readonly logger: Logger,
    private readonly guardsBuilt: (guards: ExecutionGuards) => void = () => undefined,
  ) {
    this.models = new ChatModelChoice(logger);
    this.lm = vscodeLmHost(this.models.model, prompter, () => !!this.models.current);
    this.modelChanges = this.models.onDidChange(() => this.modelChanged());
  }

  /** The autonomy guards of the current executor, if one was built. */
  get guards(): ExecutionGuards | undefined {
    return this.guardsOfCore;
  }

  /** The autonomy guards of the open store's executor (built on first use). */
  guardsFor(core: Continuum): ExecutionGuards {
    this.for(core);
    return this.guardsOfCore!;
  }

  /** The rules of .continuum/rules.json, for this executor's guards and the next. */
  setRules(rules: readonly Rule[]): void {
    this.rules = rules;
    this.guardsOfCore?.setRules(rules);
  }

  /** Samples memory and free disk now; warns of a coming exhaustion, and pauses every run when the disk is critically low. */
  async sampleResources(): Promise<ResourceStatus | undefined> {
    const monitor = this.resources;
    if (!monitor) return undefined;
    const status = await monitor.sample();
    if (status.pause && this.executor?.activeRuns.length) {
      for (const run of this.executor.activeRuns) void run.pause();
      void this.prompter().notify('error', `Continuum paused the session: ${status.pause}`);
    } else if (status.warning) {
      void this.prompter().notify('warning', `Continuum: ${status.warning}`);
    }
    return status;
  }

  /** The resource samples kept for the trend (Show Health draws them). */
  resourceHistory(): readonly ResourceSample[] {
    return this.resources?.history() ?? [];
  }

  /** The executor of the open store (built on first use). */
  for(core: Continuum): Executor {
    if (this.executor && this.core === core) return this.executor;
    this.abandon();
    this.core = core;
    this.reportModel(core);
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const assembled: AssembledExecutor = assembleExecutor(core, {
      workspace: workspace ?? core.store.folder,
      ports: {
        processes: nodeProcesses,
        hostTasks: vscodeTasks,
        trust: workspaceTrust,
        logs: nodeTaskLogs(taskLogFolder(core.store.folder)),
        questions: promptedQuestions(this.prompter),
        // while there is no model lm tasks wait (left alone, like a person's to-dos); they start when one comes
        lm: this.lm,
      },
      guardQuestions: promptedGuardQuestions(this.prompter),
      settings: vscodeSettings(),
      rules: this.rules,
      logger: this.logger,
      resources: nodeResources,
    });
    const guards = assembled.guards;
    this.guardsOfCore = guards;
    const budgetChanges = vscode.workspace.onDidChangeConfiguration(e => {
      if (
        e.affectsConfiguration('continuum.guards.errorBudget') ||
        e.affectsConfiguration('continuum.guards.errorBudgetPerType')
      )
        assembled.configureGuards();
    });
    this.subscriptions.push(budgetChanges);
    this.resources = assembled.resources;
    const sampling = setInterval(() => void this.sampleResources(), 60_000);
    this.subscriptions.push({ dispose: () => clearInterval(sampling) });
    // flow protection: notices that can wait are held while the user is in flow, then summed up
    const batcher = new NoticeBatcher(() => core.clock.now());
    const show = (n: GuardNotice | undefined) => {
      if (n) void this.prompter().notify(n.severity, inert(n.message, 600));
    };
    const notices = guards.onNotice(n => show(batcher.offer(n, guards.flowStatus().state)));
    // a step down is said once, when it happens; Show Health lists what still runs in a reduced form
    const degraded = core.degradations.onDidDegrade(
      d =>
        // no model is said when a session has lm tasks (see run), not to everyone without one
        d.capability !== 'lm' &&
        show(
          batcher.offer(
            {
              severity: 'warning',
              critical: d.level === 'severe' || d.level === 'minimal',
              message: `Continuum: ${d.title} now run in a reduced form (${d.level}: ${d.using}${d.note ? ` — ${d.note}` : ''}): ${d.reason}`,
            },
            guards.flowStatus().state,
          ),
        ),
    );
    this.subscriptions.push(degraded);
    const flowChanges = guards.onDidChange(() => {
      if (batcher.heldCount) show(batcher.release(guards.flowStatus().state));
    });
    // flow also ends by itself as activity stops, and nothing may be held for ever: look every 15 s
    const releaseTimer = setInterval(() => {
      if (batcher.heldCount) show(batcher.release(guards.flowStatus().state));
    }, 15_000);
    this.subscriptions.push({ dispose: () => clearInterval(releaseTimer) });
    const saves = vscode.workspace.onDidSaveTextDocument(() => guards.fileSaved());
    this.subscriptions.push({ dispose: () => notices.dispose() }, { dispose: () => flowChanges.dispose() }, saves, {
      dispose: () => guards.dispose(),
    });
    this.guardsBuilt(guards);
    this.executor = assembled.executor;
    const summaries = this.executor.onDidFinish(summary => {
      void this.announce(core, summary);
      this.finishedRuns.fire({ core, summary });
    });
    this.subscriptions.push({ dispose: () => summaries.dispose() });
    return this.executor;
  }

  /** Runs (starts, resumes or continues) a session in this window. */
  async run(core: Continuum, sessionId: string): Promise<SessionRun> {
    if (!vscode.workspace.workspaceFolders?.length)
      throw new Error('Open a folder first: Continuum runs tasks inside a workspace folder.');
    if (core.files && !core.store.readOnly) {
      // The commit a pull request's branch starts from. Without it the branch starts from HEAD at that
      // time (and says so), so a git problem here is logged rather than keeping the session from running.
      const { recordSessionStartIn } = await import('../../core/git/sessionPullRequest'); // not at activation
      await recordSessionStartIn(core.files, sessionId).catch((err: unknown) =>
        this.logger.warn(
          `session ${sessionId}: its start commit was not recorded (${err instanceof Error ? err.message : String(err)})`,
        ),
      );
    }
    // the models are looked up as the window starts: a session with lm tasks started at once waits for that a moment
    if (!this.models.current && waitingLmTasks(core, sessionId)) await this.models.settled(5_000);
    const run = this.for(core).run(sessionId);
    void this.sayLmTasksWait(core, sessionId);
    return run;
  }

  /** Health lists "no language model" while there is none (once the models were looked up). */
  private reportModel(core: Continuum): void {
    const reason = this.models.reason;
    if (!reason) core.degradations.restore('lm');
    else if (this.modelsLookedUp) core.degradations.use('lm', 'no language model', reason);
  }

  private modelChanged(): void {
    this.modelsLookedUp = true;
    const core = this.core;
    if (!core) return;
    this.reportModel(core);
    if (!this.models.current) return;
    this.executor?.lookAgain(); // a run waiting for a person starts its lm tasks now
    void this.offerResume(core);
  }

  /**
   * A run without a model: its lm tasks wait, and the person is told why and how to choose a model —
   * here when the run goes on with other tasks, else in the run's summary (announce).
   */
  private async sayLmTasksWait(core: Continuum, sessionId: string): Promise<void> {
    const waiting = waitingLmTasks(core, sessionId);
    if (!waiting || this.models.current) return;
    this.waitingForModel.add(sessionId);
    if (unfinishedTasks(core, sessionId) === waiting) return; // the run ends at once: its summary says it
    const choice = await this.prompter().notify(
      'warning',
      `Continuum: ${lmTasksWait(waiting, this.models.reason)} The other tasks of the session run meanwhile.`,
      chooseModelCommand.title,
    );
    if (choice === chooseModelCommand.title) await vscode.commands.executeCommand(chooseModelCommand.id);
  }

  /** A model came: sessions whose lm tasks waited for one can go on. */
  private async offerResume(core: Continuum): Promise<void> {
    for (const sessionId of [...this.waitingForModel]) {
      this.waitingForModel.delete(sessionId);
      if (this.executor?.current(sessionId)) continue; // its run, still going, starts them itself
      if (core.store.readOnly) continue;
      const waiting = waitingLmTasks(core, sessionId);
      if (!waiting) continue;
      const resume = 'Resume Session';
      const choice = await this.prompter().notify(
        'info',
        `Continuum: ${inert(this.models.current?.name ?? 'a language model', 120)} is available; ${waiting} lm task${waiting === 1 ? '' : 's'} of session '${inert(core.sessions.get(sessionId)?.name ?? sessionId, 80)}' can run now.`,
        resume,
      );
      if (choice === resume) await vscode.commands.executeCommand('continuum.resumeSession', sessionId);
    }
  }

  current(sessionId: string): SessionRun | undefined {
    return this.executor?.current(sessionId);
  }

  /**
   * Pauses (after the running tasks), stops (now) or cancels a session running here, for a person in
   * another window; done: false when it does not run here.
   */
  async controlSession(params: SessionControlParams): Promise<SessionControlResult> {
    const run = this.current(params.sessionId);
    if (!run) return { done: false };
    this.logger.info(`another window asked to ${params.action} session ${params.sessionId}`);
    if (params.action === 'stop') await run.stopNow();
    else if (params.action === 'pause') await run.pause();
    else await run.cancel();
    return { done: true };
  }

  /** Why this window keeps the store when another window asks for it to run `what`: the sessions running here. */
  busyReason(what: string): string | undefined {
    const core = this.core;
    const runs = this.executor?.activeRuns ?? [];
    if (!core || !runs.length) return undefined;
    const names = runs.map(r => `'${inert(core.sessions.get(r.sessionId)?.name ?? r.sessionId, 80)}'`).join(', ');
    return `Another VS Code window runs session${runs.length === 1 ? '' : 's'} ${names}: pause ${runs.length === 1 ? 'it' : 'them'} there, or wait until ${runs.length === 1 ? 'it ends' : 'they end'}, to ${what} here`;
  }

  /** The window is going away (or the store is reopened): kill what runs, record nothing more. */
  abandon(): void {
    this.executor?.dispose();
    this.executor = undefined;
    this.guardsOfCore = undefined;
    this.resources = undefined;
    this.core = undefined;
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
  }

  dispose(): void {
    this.abandon();
    this.modelChanges.dispose();
    this.models.dispose();
    this.finishedRuns.dispose();
  }

  private async announce(core: Continuum, summary: RunSummary): Promise<void> {
    if (summary.outcome === 'abandoned') return;
    // in VS Code only lm tasks are left alone, and only while there was no model at the run's end
    const waiting = summary.cannotRunHere ? waitingLmTasks(core, summary.sessionId) : 0;
    if (waiting && this.models.current) {
      // a model came while the run went on without one
      this.waitingForModel.delete(summary.sessionId);
      const resume = 'Resume Session';
      const choice = await this.prompter().notify(
        'info',
        `Continuum: ${inert(`${describeSummary(summary)} ${waiting} lm task${waiting === 1 ? '' : 's'} waited for a language model; ${this.models.current.name} is available now.`, 800)}`,
        resume,
      );
      if (choice === resume) await vscode.commands.executeCommand('continuum.resumeSession', summary.sessionId);
      return;
    }
    if (waiting) {
      this.waitingForModel.add(summary.sessionId);
      // "need a person or VS Code" would be wrong here: they need a model
      const text =
        summary.outcome === 'needs-attention' && !summary.failed && summary.cannotRunHere === waiting
          ? `Session '${summary.sessionName}' paused with work left: ${lmTasksWait(waiting, this.models.reason)}`
          : `${describeSummary(summary)} ${lmTasksWait(waiting, this.models.reason)}`;
      const actions = [chooseModelCommand.title, ...(summary.failures.length ? ['Show Task Log'] : [])];
      const choice = await this.prompter().notify('warning', `Continuum: ${inert(text, 800)}`, ...actions);
      if (choice === chooseModelCommand.title) await vscode.commands.executeCommand(chooseModelCommand.id);
      else if (choice === 'Show Task Log')
        await vscode.commands.executeCommand('continuum.showTaskLog', summary.failures[0].taskId);
      return;
    }
    const kind =
      summary.outcome === 'completed'
        ? 'info'
        : summary.failed || summary.outcome === 'stopped-on-error'
          ? 'warning'
          : 'info';
    const actions = summary.failures.length ? ['Show Task Log'] : [];
    const choice = await this.prompter().notify(kind, `Continuum: ${inert(describeSummary(summary), 600)}`, ...actions);
    if (choice === 'Show Task Log')
      await vscode.commands.executeCommand('continuum.showTaskLog', summary.failures[0].taskId);
  }
}

/** The confidence gate's question (Allow / Always allow this kind / Skip) and a rule's fix (Run / Skip / Fail). A dismissed question takes the cautious answer. */
function promptedGuardQuestions(prompter: () => Prompter): GuardQuestions {
  return {
    async allowLowConfidenceTask(task, score, reasons) {
      const allow = 'Allow';
      const always = `Always Allow ${task.kind} Tasks`;
      const choice = await prompter().notify(
        'warning',
        `Continuum is not confident about running '${inert(task.title, 120)}' unattended (confidence ${score.toFixed(2)}: ${reasons}). Run it?`,
        allow,
        always,
        'Skip',
      );
      return choice === allow ? 'allow' : choice === always ? 'always' : 'skip';
    },
    async runFix(task, fix) {
      const run = fix.command ? 'Run Fix and Retry' : 'Retry Task';
      const proposal = fix.command
        ? `Run '${inert(fix.command, 200)}' in the workspace, then try it again?${fix.history ? ` (${inert(fix.history, 120)})` : ''}`
        : 'Try it again?';
      const choice = await prompter().notify(
        'warning',
        `Task '${inert(task.title, 120)}' failed: ${inert(fix.error, 200)}. ${inert(fix.rule, 120)} proposes: ${proposal}`,
        run,
        'Skip Task',
        'Fail Task',
      );
      return choice === run ? 'run' : choice === 'Skip Task' ? 'skip' : 'fail';
    },
  };
}

function lmTasksWait(waiting: number, reason: string | undefined): string {
  return `${waiting} lm task${waiting === 1 ? '' : 's'} ${waiting === 1 ? 'waits' : 'wait'} for a language model: ${reason ?? 'none is available'}.`;
}
