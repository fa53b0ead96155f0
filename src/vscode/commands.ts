import * as vscode from 'vscode';
import type { StatusBar } from './statusBar';

export interface CommandDeps {
  statusBar: StatusBar;
}

/** Every command, once. The ids here and in package.json's contributes.commands must match. */
export function commandTable(deps: CommandDeps): Record<string, (...args: unknown[]) => unknown> {
  return {
    'continuum.showStatus': () => vscode.window.showInformationMessage(`Continuum: ${deps.statusBar.text.replace(/\$\([^)]*\)\s*/g, '')} — no session yet.`),
  };
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return Object.entries(commandTable(deps)).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
