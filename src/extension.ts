// Entry point: builds the host adapters and the core, registers the UI, and nothing else.
// Heavy work (the store's WebAssembly, reading the store) happens after activation returns.
import { loadStartedAt } from './loadStart'; // first: marks when the bundle began to load
import { performance } from 'perf_hooks';
import type * as vscode from 'vscode';
import { activateContinuum, type ContinuumPublicApi } from './vscode/activate';

// Every import above has been evaluated by now: this is the cost of loading the bundle.
const loadMs = performance.now() - loadStartedAt;

let api: ContinuumPublicApi | undefined;

export function activate(context: vscode.ExtensionContext): ContinuumPublicApi {
  api = activateContinuum(context, loadMs);
  return api;
}

/** Lets the store finish its last flush and release its lock before the window goes. */
export function deactivate(): Promise<void> | undefined {
  return api?.close();
}
