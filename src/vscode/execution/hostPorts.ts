// The executor's host ports in VS Code: tasks.json tasks, Workspace Trust, task logs beside the
// store, and the executor's questions through the Prompter.
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExecutionQuestions, HostTaskPort, ProcessExit, TrustPort } from '../../core/execution/ports';
import { plainTerminalText } from '../../core/execution/terminalText';
import { inert } from '../../shared/text';
import type { Prompter } from '../prompts';

/**
 * Runs a tasks.json task by its label; its exit code comes from the task process's end event. Its
 * output reaches the task's log through terminal shell integration (VS Code reports the command a
 * task terminal runs, and lets extensions read what it prints); where that is not active the log
 * says so and where the output is.
 */
export const vscodeTasks: HostTaskPort = {
  async run(label, { signal, onOutput }) {
    const all = await vscode.tasks.fetchTasks();
    const task = all.find(t => t.name === label) ?? all.find(t => `${t.source}: ${t.name}` === label);
    if (!task) {
      return {
        code: null,
        error: {
          code: 'ENOENT',
          message: `no task labelled '${label}' in tasks.json (known: ${
            all
              .slice(0, 10)
              .map(t => t.name)
              .join(', ') || 'none'
          }); add it or fix the task's label`,
        },
      };
    }
    return new Promise<ProcessExit>(resolve => {
      let execution: vscode.TaskExecution | undefined;
      let terminal: vscode.Terminal | undefined;
      const reading: Array<Promise<void>> = [];
      const subscriptions: vscode.Disposable[] = [];
      let settled = false;
      const done = async (exit: ProcessExit) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', stop);
        // what the terminal printed last may still be on its way
        await Promise.race([Promise.all(reading), new Promise(r => setTimeout(r, 2000))]);
        for (const s of subscriptions) s.dispose();
        if (!reading.length) {
          onOutput(
            `[Continuum could not read this task's output: VS Code shares a task's output with extensions only through terminal shell integration, which was not active in its terminal${terminal ? ` '${terminal.name || label}'` : ''} (setting terminal.integrated.shellIntegration.enabled; a shell it supports). The output is in that terminal.]\n`,
          );
        }
        resolve(exit);
      };
      const stop = () => execution?.terminate();
      subscriptions.push(
        vscode.window.onDidOpenTerminal(t => {
          if (!terminal && isTaskTerminal(t, label)) terminal = t;
        }),
        vscode.window.onDidStartTerminalShellExecution(e => {
          if (settled || !isTaskTerminal(e.terminal, label) || (terminal && e.terminal !== terminal)) return;
          terminal ??= e.terminal;
          reading.push(
            (async () => {
              for await (const data of e.execution.read()) onOutput(plainTerminalText(data));
            })().catch((err: unknown) =>
              onOutput(
                `[the output of the task could not be read further: ${err instanceof Error ? err.message : String(err)}]\n`,
              ),
            ),
          );
        }),
        vscode.tasks.onDidEndTaskProcess(e => {
          if (e.execution === execution)
            void done({ code: e.exitCode ?? null, ...(e.exitCode === undefined ? { signal: 'SIGTERM' } : {}) });
        }),
        vscode.tasks.onDidEndTask(e => {
          // a task without a process (a failed start) ends without a process end event
          if (e.execution === execution)
            setTimeout(
              () =>
                void done({
                  code: null,
                  error: { message: `the task '${label}' ended without reporting an exit code` },
                }),
              500,
            );
        }),
      );
      signal.addEventListener('abort', stop, { once: true });
      vscode.tasks.executeTask(task).then(
        e => {
          execution = e;
          if (signal.aborted) stop();
        },
        (err: unknown) =>
          void done({
            code: null,
            error: { message: `VS Code could not start the task: ${err instanceof Error ? err.message : String(err)}` },
          }),
      );
    });
  },
};

/** A task's terminal is created with the task's label as its name (shown as "Task - lint" in older versions). */
function isTaskTerminal(terminal: vscode.Terminal, label: string): boolean {
  const created = (terminal.creationOptions as vscode.TerminalOptions).name;
  return created === label || terminal.name === label || terminal.name === `Task - ${label}`;
}

export const workspaceTrust: TrustPort = {
  isTrusted: () => vscode.workspace.isTrusted,
};

export function taskLogFolder(storeFolder: string): string {
  return path.join(storeFolder, 'logs');
}

/** The executor's questions, asked through the Prompter (so integration tests can answer them). */
export function promptedQuestions(prompter: () => Prompter): ExecutionQuestions {
  return {
    async confirmPlanCommands(plan, commands) {
      const shown =
        commands
          .slice(0, 8)
          .map(c => `“${inert(c, 120)}”`)
          .join(', ') + (commands.length > 8 ? ` and ${commands.length - 8} more` : '');
      const choice = await prompter().notify(
        'warning',
        `The plan ${inert(plan, 80)} runs these commands in your workspace: ${shown}. Run them? You are asked once per plan (again if its commands change).`,
        'Run Them',
        'Not Now',
      );
      return choice === 'Run Them';
    },
    async interruptedStep(title, step, startedAt) {
      const choice = await prompter().pick(
        [
          { label: 'Run it again', description: 'it may have done part of its work already', value: 'rerun' as const },
          { label: 'Count it as done', description: 'you checked that it finished', value: 'skip' as const },
          { label: 'Fail the task', description: 'look at it yourself', value: 'fail' as const },
        ],
        {
          placeHolder: `Step '${step}' of '${inert(title, 80)}' was running when Continuum stopped (${new Date(startedAt).toLocaleTimeString()}) and must not run twice. What now?`,
          ignoreFocusOut: true,
        },
      );
      return choice ?? 'fail';
    },
    async orphanedStep(title, step, pid, startedAt) {
      const choice = await prompter().pick(
        [
          { label: 'Wait for it to finish', description: 'then the task goes on', value: 'wait' as const },
          { label: 'Stop it', description: 'its process and what it started', value: 'stop' as const },
        ],
        {
          placeHolder: `Step '${step}' of '${inert(title, 80)}', started by an earlier run (${new Date(startedAt).toLocaleTimeString()}), is still running as process ${pid}. It will not run twice at once. What now?`,
          ignoreFocusOut: true,
        },
      );
      return choice ?? 'wait';
    },
  };
}
