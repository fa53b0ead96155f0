import * as vscode from 'vscode';

/** The session-progress item: `$(history) Continuum` when idle, `12/50` while a session runs. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('continuum.session', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Continuum Session';
    this.item.text = '$(history) Continuum';
    this.item.tooltip = 'Continuum: no session running. Click to open the Tasks view.';
    this.item.command = 'continuum.tasks.focus';
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }
}
