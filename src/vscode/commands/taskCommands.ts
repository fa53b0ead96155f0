import * as vscode from 'vscode';
import { priorities, type Priority, type TaskStatus } from '../../core/tasks/model';
import type { NewTask } from '../../core/tasks/validation';
import { quoted } from '../../shared/text';
import { taskFromArg, type Handler } from './context';
import { askAction } from '../execution/askAction';
import type { Grouping } from '../taskGroups';

const addTask: Handler = async (ctx, core, arg) => {
  if (typeof arg === 'object' && arg !== null && 'title' in arg) return core.tasks.create(arg as NewTask);
  const title = await ctx.prompts().input({
    prompt: 'Title of the new task',
    placeHolder: 'e.g. Add input validation to the signup form',
    validateInput: await titleCheck(),
  });
  if (!title) return undefined;
  const priority = await ctx
    .prompts()
    .pick<Priority>(priorityItems('normal'), { placeHolder: 'Priority (Enter: normal)' });
  if (!priority) return undefined;
  const action = await askAction(ctx.prompts());
  if (action === undefined) return undefined;
  return core.tasks.create({ title, priority, ...(action ? { action } : {}) });
};

/** The priorities, with `current` highlighted so that Enter keeps it. */
function priorityItems(current: Priority, note?: string) {
  return priorities.map(p => ({
    label: p,
    value: p,
    active: p === current,
    ...(note && p === current ? { description: note } : {}),
  }));
}

/** Checks a title as it is typed, with the store's own limit, so a long one is refused before any other question. */
async function titleCheck(): Promise<(value: string) => string | undefined> {
  const { limits } = await import('../../core/tasks/validation'); // loaded with the core already: no cost
  return value => {
    const length = value.trim().length;
    if (!length) return 'A task needs a title.';
    return length > limits.title
      ? `A title has at most ${limits.title} characters; this one has ${length}.`
      : undefined;
  };
}

const importPlan: Handler = async (ctx, core, arg) => {
  const uri =
    arg instanceof vscode.Uri
      ? arg
      : await pickPlanFile(ctx.prompts().pick.bind(ctx.prompts()), ctx.prompts().openFile.bind(ctx.prompts()));
  if (!uri) return undefined;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const source = vscode.workspace.asRelativePath(uri, false);
  // markdown-it and the preview load on first use, not at activation
  const { parsePlanInSlices } = await import('../../core/tasks/plan');
  const { previewAndImport } = await import('../plans/importFlow');
  const plan = await parsePlanInSlices(text, source, () => new Promise(resolve => setImmediate(resolve)));
  return previewAndImport(ctx, core, plan);
};

async function pickPlanFile(
  pick: <T>(
    items: Array<{ label: string; description?: string; value: T }>,
    o: vscode.QuickPickOptions,
  ) => Promise<T | undefined>,
  openFile: (o: vscode.OpenDialogOptions) => Promise<vscode.Uri | undefined>,
): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.md', '**/node_modules/**', 200);
  if (!files.length)
    return openFile({ canSelectMany: false, filters: { Markdown: ['md', 'markdown'] }, openLabel: 'Import Plan' });
  const browse = vscode.Uri.parse('continuum:browse');
  const choice = await pick(
    [
      ...files
        .sort((a, b) => a.path.localeCompare(b.path))
        .map(uri => ({ label: vscode.workspace.asRelativePath(uri, false), value: uri })),
      { label: '$(folder-opened) Browse…', value: browse },
    ],
    { placeHolder: 'Which markdown plan should become tasks?' },
  );
  return choice?.toString() === browse.toString()
    ? openFile({ canSelectMany: false, filters: { Markdown: ['md', 'markdown'] }, openLabel: 'Import Plan' })
    : choice;
}

function statusCommand(to: TaskStatus, from: readonly TaskStatus[], verb: string): Handler {
  return async (ctx, core, arg) => {
    const task = await taskFromArg(ctx, core, arg, `Which task should be ${verb}?`, t => from.includes(t.status));
    // a manual task the executor waits for: done counts after its verify passes
    if (task && to === 'done' && ctx.runtime.for(core).personDecided(task.id, 'done')) return core.tasks.get(task.id);
    return task && core.tasks.setStatus(task.id, to, 'user');
  };
}

const editTask: Handler = async (ctx, core, arg) => {
  const task = await taskFromArg(ctx, core, arg, 'Which task do you want to edit?');
  if (!task) return undefined;
  const title = await ctx.prompts().input({ prompt: 'Title', value: task.title, validateInput: await titleCheck() });
  if (title === undefined) return undefined;
  const priority = await ctx
    .prompts()
    .pick<Priority>(priorityItems(task.priority, 'current'), { placeHolder: `Priority (Enter: ${task.priority})` });
  if (!priority) return undefined;
  return core.tasks.update(task.id, { title, priority });
};

const deleteTask: Handler = async (ctx, core, arg) => {
  const task = await taskFromArg(ctx, core, arg, 'Which task do you want to delete?');
  if (!task) return undefined;
  const dependents = core.tasks.dependentsOf(task.id).length;
  const choice = await ctx
    .prompts()
    .notify(
      'warning',
      `Delete task ${quoted(task.title)}?${dependents ? ` ${dependents} task(s) depend on it and will lose that dependency.` : ''}`,
      'Delete',
    );
  if (choice !== 'Delete') return undefined;
  await core.tasks.delete(task.id);
  return task.id;
};

const showDependencies: Handler = async (ctx, core, arg) => {
  const task = await taskFromArg(ctx, core, arg, 'Dependencies of which task?');
  if (!task) return undefined;
  const items = [
    ...task.dependsOn
      .map(id => core.tasks.get(id))
      .filter(t => !!t)
      .map(t => ({ label: `$(arrow-left) ${t.title}`, description: `needed first · ${t.status}`, value: t.id })),
    ...core.tasks
      .dependentsOf(task.id)
      .map(id => core.tasks.get(id))
      .filter(t => !!t)
      .map(t => ({ label: `$(arrow-right) ${t.title}`, description: `waits for it · ${t.status}`, value: t.id })),
  ];
  if (!items.length) {
    void ctx.prompts().notify('info', `${quoted(task.title)} has no dependencies and nothing depends on it.`);
    return undefined;
  }
  return ctx.prompts().pick(items, {
    title: `Dependencies of ${task.title}`,
    placeHolder: 'Tasks it needs first, and tasks that wait for it',
  });
};

/** Groups the Tasks view and shows it (from the Command Palette it may be closed). */
function groupBy(grouping: Grouping): Handler {
  return async ctx => {
    ctx.tree.setGrouping(grouping);
    await vscode.commands.executeCommand('continuum.tasks.focus');
  };
}

export const taskCommands: Record<string, Handler> = {
  'continuum.addTask': addTask,
  'continuum.importPlan': importPlan,
  'continuum.task.start': statusCommand('running', ['pending', 'failed', 'blocked'], 'started'),
  'continuum.task.markDone': statusCommand(
    'done',
    ['pending', 'running', 'failed', 'blocked', 'skipped'],
    'marked done',
  ),
  'continuum.task.skip': statusCommand('skipped', ['pending', 'running', 'failed', 'blocked'], 'skipped'),
  'continuum.task.retry': statusCommand('pending', ['failed', 'skipped', 'cancelled', 'blocked'], 'retried'),
  'continuum.task.edit': editTask,
  'continuum.task.delete': deleteTask,
  'continuum.task.showDependencies': showDependencies,
  'continuum.tasks.groupByPhase': groupBy('phase'),
  'continuum.tasks.groupByStatus': groupBy('status'),
};
