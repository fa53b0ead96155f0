// The executor for this window: built once per opened store, its runs' summaries shown as
// notifications, and everything it runs killed when the window goes away.
import * as vscode from 'vscode';
import type { Continuum } from '../../core/continuum';
import { Executor, defaultExecutorSettings, type ExecutorSettings } from '../../core/execution/executor';
import { describeSummary, type RunSummary } from '../../core/execution/summary';
import type { SessionRun } from '../../core/execution/run';
import type { Logger } from '../../core/ports';
import { nodeProcesses } from '../../node/processes';
import { nodeTaskLogs } from '../../node/taskLogs';
import { inert } from '../../shared/text';
import type { Prompter } from '../prompts';
import { promptedQuestions, taskLogFolder, vscodeTasks, workspaceTrust } from './hostPorts';

export function executorSettings(): ExecutorSettings {
  const config = vscode.workspace.getConfiguration('continuum.executor');
  return {
    concurrency: Math.max(1, Math.min(64, Math.floor(config.get<number>('concurrency', defaultExecutorSettings.concurrency)))),
    checkpointEvery: Math.max(0, Math.floor(config.get<number>('checkpointEvery', defaultExecutorSettings.checkpointEvery))),
  };
}

export class ExecutionRuntime implements vscode.Disposable {
  private executor: Executor | undefined;
  private core: Continuum | undefined;
  private subscriptions: vscode.Disposable[] = [];

  constructor(private readonly prompter: () => Prompter, private readonly logger: Logger) {}

  /** The executor of the open store (built on first use). */
  for(core: Continuum): Executor {
    if (this.executor && this.core === core) return this.executor;
    this.abandon();
    this.core = core;
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    this.executor = new Executor({
      store: core.store, tasks: core.tasks, sessions: core.sessions, clock: core.clock, logger: this.logger,
      workspace: workspace ?? core.store.folder,
      ports: { processes: nodeProcesses, hostTasks: vscodeTasks, trust: workspaceTrust, logs: nodeTaskLogs(taskLogFolder(core.store.folder)), questions: promptedQuestions(this.prompter) },
      settings: executorSettings,
    });
    const summaries = this.executor.onDidFinish(summary => void this.announce(summary));
    this.subscriptions.push({ dispose: () => summaries.dispose() });
    return this.executor;
  }

  /** Runs (starts, resumes or continues) a session in this window. */
  async run(core: Continuum, sessionId: string): Promise<SessionRun> {
    if (!vscode.workspace.workspaceFolders?.length) throw new Error('Open a folder first: Continuum runs tasks inside a workspace folder.');
    return this.for(core).run(sessionId);
  }

  current(sessionId: string): SessionRun | undefined {
    return this.executor?.current(sessionId);
  }

  /** The window is going away (or the store is reopened): kill what runs, record nothing more. */
  abandon(): void {
    this.executor?.dispose();
    this.executor = undefined;
    this.core = undefined;
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
  }

  dispose(): void {
    this.abandon();
  }

  private async announce(summary: RunSummary): Promise<void> {
    if (summary.outcome === 'abandoned') return;
    const kind = summary.outcome === 'completed' ? 'info' : summary.failed || summary.outcome === 'stopped-on-error' ? 'warning' : 'info';
    const actions = summary.failures.length ? ['Show Task Log'] : [];
    const choice = await this.prompter().notify(kind, `Continuum: ${inert(describeSummary(summary), 600)}`, ...actions);
    if (choice === 'Show Task Log') await vscode.commands.executeCommand('continuum.showTaskLog', summary.failures[0].taskId);
  }
}
