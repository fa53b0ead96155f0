// Keeps the getting-started walkthrough's context keys (walkthroughProgress.ts) in step with the
// store: set once the store opens, and again after each change to it (at most every 300 ms). VS Code
// ticks a step when its key turns true while its walkthrough service runs, which it starts when a
// walkthrough is first shown in the window (journey 01 opens it before importing a plan).
import * as vscode from 'vscode';
import type { Continuum } from '../../core/continuum';
import type { Logger } from '../../core/ports';
import type { ContinuumHost } from '../host';
import { hasAnySession, hasCheckpointBy } from '../../core/sessions/sessionRecords';
import { walkthroughProgress, type WalkthroughFacts } from './walkthroughProgress';

function facts(core: Continuum): WalkthroughFacts {
  // each stops at the first row: cheap after every change to the store
  const some = (found: boolean) => (found ? 1 : 0);
  return {
    tasks: some(core.tasks.hasAny()),
    sessions: some(hasAnySession(core.store)),
    manualCheckpoints: some(hasCheckpointBy(core.store, 'manual')),
    restores: some(hasCheckpointBy(core.store, 'before-restore')),
  };
}

export function registerWalkthrough(host: ContinuumHost, logger: Logger): vscode.Disposable {
  let storeChanges: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const shown = new Map<string, boolean>();
  const update = (core: Continuum) => {
    let progress;
    try {
      progress = walkthroughProgress(facts(core));
    } catch (err) {
      logger.error(
        "reading the getting-started progress from the store failed; the walkthrough's steps may not tick until the next change",
        err,
      );
      return;
    }
    for (const [key, value] of Object.entries(progress)) {
      if (shown.get(key) === value) continue;
      shown.set(key, value);
      void vscode.commands.executeCommand('setContext', key, value);
    }
  };
  const attach = (core: Continuum) => {
    storeChanges?.dispose();
    const sub = core.store.onDidChange(() => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        // not a store closed since (a reload, a reopen): the host lets go of it before closing it
        if (host.current === core) update(core);
      }, 300);
    });
    storeChanges = { dispose: () => sub.dispose() };
    update(core);
  };
  const opened = host.onDidOpen(attach);
  // registered after the store opened (or while it reopens): follow the one there is now
  if (host.current) attach(host.current);
  return {
    dispose: () => {
      opened.dispose();
      storeChanges?.dispose();
      if (timer) clearTimeout(timer);
    },
  };
}
