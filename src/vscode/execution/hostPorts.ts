// The executor's host ports in VS Code: tasks.json tasks, Workspace Trust, task logs beside the
// store, and the executor's questions through the Prompter.
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExecutionQuestions, HostTaskPort, ProcessExit, TrustPort } from '../../core/execution/ports';
import { inert } from '../../shared/text';
import type { Prompter } from '../prompts';

/** Runs a tasks.json task by its label; its exit code comes from the task process's end event. */
export const vscodeTasks: HostTaskPort = {
  async run(label, { signal, onOutput }) {
    const all = await vscode.tasks.fetchTasks();
    const task = all.find(t => t.name === label) ?? all.find(t => `${t.source}: ${t.name}` === label);
    if (!task) {
      return { code: null, error: { code: 'ENOENT', message: `no task labelled '${label}' in tasks.json (known: ${all.slice(0, 10).map(t => t.name).join(', ') || 'none'}); add it or fix the task's label` } };
    }
    return new Promise<ProcessExit>(resolve => {
      let execution: vscode.TaskExecution | undefined;
      const subscriptions: vscode.Disposable[] = [];
      const done = (exit: ProcessExit) => {
        for (const s of subscriptions) s.dispose();
        signal.removeEventListener('abort', stop);
        resolve(exit);
      };
      const stop = () => execution?.terminate();
      subscriptions.push(
        vscode.tasks.onDidEndTaskProcess(e => {
          if (e.execution === execution) done({ code: e.exitCode ?? null, ...(e.exitCode === undefined ? { signal: 'SIGTERM' } : {}) });
        }),
        vscode.tasks.onDidEndTask(e => {
          // a task without a process (a failed start) ends without a process end event
          if (e.execution === execution) setTimeout(() => done({ code: null, error: { message: `the task '${label}' ended without reporting an exit code` } }), 500);
        }),
      );
      signal.addEventListener('abort', stop, { once: true });
      onOutput(`(its output is in the terminal of the VS Code task '${label}')\n`);
      vscode.tasks.executeTask(task).then(e => {
        execution = e;
        if (signal.aborted) stop();
      }, (err: unknown) => done({ code: null, error: { message: `VS Code could not start the task: ${err instanceof Error ? err.message : String(err)}` } }));
    });
  },
};

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
      const shown = commands.slice(0, 8).map(c => `“${inert(c, 120)}”`).join(', ') + (commands.length > 8 ? ` and ${commands.length - 8} more` : '');
      const choice = await prompter().notify('warning', `The plan ${inert(plan, 80)} runs these commands in your workspace: ${shown}. Run them? You are asked once per plan (again if its commands change).`, 'Run Them', 'Not Now');
      return choice === 'Run Them';
    },
    async interruptedStep(title, step, startedAt) {
      const choice = await prompter().pick([
        { label: 'Run it again', description: 'it may have done part of its work already', value: 'rerun' as const },
        { label: 'Count it as done', description: 'you checked that it finished', value: 'skip' as const },
        { label: 'Fail the task', description: 'look at it yourself', value: 'fail' as const },
      ], { placeHolder: `Step '${step}' of '${inert(title, 80)}' was running when Continuum stopped (${new Date(startedAt).toLocaleTimeString()}) and must not run twice. What now?`, ignoreFocusOut: true });
      return choice ?? 'fail';
    },
  };
}
