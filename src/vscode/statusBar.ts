import * as vscode from 'vscode';
import type { Continuum } from '../core/continuum';
import { sessionStatusText } from './sessionText';
import { agentsStatusText } from './agents/agentsStatus';

/** Session progress: `12/50` spinning while running, a pause icon when paused; click opens the Tasks view. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('continuum.session', vscode.StatusBarAlignment.Left, 50);
  private subscriptions: vscode.Disposable[] = [];
  private core: Continuum | undefined;

  constructor() {
    this.item.name = 'Continuum Session';
    this.item.command = 'continuum.tasks.focus';
    this.render();
    this.item.show();
  }

  attach(core: Continuum): void {
    this.core = core;
    this.subscriptions.push(
      core.tasks.onDidChange(() => this.render()),
      core.sessions.onDidChange(() => this.render()),
      // what other processes write: agents' claims, a session paused in another window
      core.tasks.onDidChangeStored(() => this.render()),
      core.sessions.onDidChangeStored(() => this.render()),
    );
    this.render();
  }

  get text(): string {
    return this.item.text;
  }

  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : '';
  }

  render(): void {
    const { text, tooltip, label } = sessionStatusText(this.core);
    const agents = agentsStatusText(this.core?.tasks.claimedBy() ?? []);
    this.item.text = text + agents.text;
    this.item.tooltip = tooltip + agents.tooltip;
    this.item.accessibilityInformation = { label: `${label}${agents.tooltip}`, role: 'button' };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
