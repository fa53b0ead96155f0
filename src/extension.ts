// Entry point: builds the host adapters and the core, registers the UI, and nothing else.
// Heavy modules (ts-morph, TypeScript, the store's WebAssembly) are never loaded here: they load
// on first use, so activation stays fast.
import * as vscode from 'vscode';
import { activateContinuum, type ContinuumApi } from './vscode/activate';

export function activate(context: vscode.ExtensionContext): ContinuumApi {
  return activateContinuum(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
