import * as vscode from 'vscode';
import { performance } from 'perf_hooks';
import { registerCommands } from './commands';
import { StatusBar } from './statusBar';
import { TaskTreeProvider } from './taskTree';

/** What the extension returns from activate(); integration tests and other extensions read it. */
export interface ContinuumApi {
  /** How long activate() took, in milliseconds. */
  readonly activationMs: number;
}

export function activateContinuum(context: vscode.ExtensionContext): ContinuumApi {
  const started = performance.now();
  const statusBar = new StatusBar();
  const tree = new TaskTreeProvider();
  context.subscriptions.push(
    statusBar,
    tree,
    vscode.window.registerTreeDataProvider('continuum.tasks', tree),
    ...registerCommands({ statusBar }),
  );
  return { activationMs: performance.now() - started };
}
