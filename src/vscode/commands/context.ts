import type * as vscode from 'vscode';
import type { Continuum } from '../../core/continuum';
import type { Task } from '../../core/tasks/model';
import type { ContinuumHost } from '../host';
import type { Prompter } from '../prompts';
import type { ExecutionRuntime } from '../execution/runtime';
import type { TaskTreeProvider } from '../taskTree';

/** What command handlers get: built once in activate() and passed down. */
export interface CommandContext {
  host: ContinuumHost;
  /** The current prompter (integration tests swap it to answer questions). */
  prompts(): Prompter;
  tree: TaskTreeProvider;
  /** Runs sessions in this window (the executor). */
  runtime: ExecutionRuntime;
  output: vscode.LogOutputChannel;
}

export type Handler = (ctx: CommandContext, core: Continuum, ...args: unknown[]) => Promise<unknown>;

/** A task from a command's argument: a tree node, a task id, or nothing (then the user picks one). */
export async function taskFromArg(
  ctx: CommandContext,
  core: Continuum,
  arg: unknown,
  placeHolder: string,
  filter: (t: Task) => boolean = () => true,
): Promise<Task | undefined> {
  const id =
    typeof arg === 'string'
      ? arg
      : typeof arg === 'object' && arg !== null && 'task' in arg
        ? (arg as { task: Task }).task.id
        : undefined;
  if (id) {
    const task = core.tasks.get(id);
    if (!task) throw new Error(`That task no longer exists (id ${id}).`);
    return task;
  }
  const candidates = core.tasks.list().filter(filter);
  if (!candidates.length) {
    void ctx.prompts().notify('info', 'Continuum: there is no task this applies to.');
    return undefined;
  }
  return ctx.prompts().pick(
    candidates.map(t => ({ label: t.title, description: `${t.status} · ${t.priority}`, value: t })),
    { placeHolder },
  );
}
