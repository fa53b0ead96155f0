// What lm tasks get in a VS Code window: the chosen chat model, the workspace's files as workspace
// edits, the limits from the settings, and a person asked before a command the task does not allow
// runs (the model's command did not come from the person, so it runs only once confirmed).
import * as vscode from 'vscode';
import type { CommandApproval, LmHost } from '../../core/lm/host';
import { lmLimitsFrom } from '../../core/lm/host';
import type { ModelPort } from '../../core/lm/model';
import { inert } from '../../shared/text';
import type { Prompter } from '../prompts';
import { vscodeSettings } from '../settings';
import { vscodeWorkspaceFiles } from './workspaceFiles';

export function vscodeLmHost(model: ModelPort, prompter: () => Prompter, available: () => boolean): LmHost {
  return {
    model,
    available,
    files: vscodeWorkspaceFiles,
    // read as each task starts, so a changed setting counts from the next task on
    get limits() {
      return lmLimitsFrom(vscodeSettings());
    },
    approveCommand: promptedCommandApproval(prompter),
  };
}

/**
 * Asks through the Prompter (so the integration tests answer it): Run It, Always Run This Command (for
 * this window), or Don't Run. Never throws: a question that cannot be asked is a no, with why.
 */
export function promptedCommandApproval(
  prompter: () => Prompter,
): (taskTitle: string, command: string) => Promise<CommandApproval> {
  const always = new Set<string>();
  return async (taskTitle, command) => {
    try {
      if (!vscode.workspace.isTrusted)
        return { run: false, why: 'the workspace is not trusted, so Continuum runs nothing in it.' };
      if (always.has(command)) return { run: true };
      const run = 'Run It';
      const alwaysRun = 'Always Run This Command';
      const choice = await prompter().notify(
        'warning',
        `The language model doing '${inert(taskTitle, 100)}' wants to run “${inert(command, 300)}” in your workspace. The task does not allow it by name (its allowCommands). Run it?`,
        run,
        alwaysRun,
        "Don't Run",
      );
      if (choice === alwaysRun) always.add(command);
      if (choice === run || choice === alwaysRun) return { run: true };
      return {
        run: false,
        why: choice
          ? 'the person said no; do without it, or say what should be run.'
          : 'nobody answered the question; do without it.',
      };
    } catch (err) {
      return {
        run: false,
        why: `the person could not be asked (${err instanceof Error ? err.message : String(err)}); do without it.`,
      };
    }
  };
}
