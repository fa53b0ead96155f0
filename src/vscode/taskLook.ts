// How a task looks in the Tasks view: its icon by kind and status, and the context value that picks
// its menu entries. Pure (no vscode): unit-tested.
import type { Task, TaskStatus } from '../core/tasks/model';

/** A to-do: a task a person does and marks done (no action, or a manual one); the run waits for it. */
export function isToDo(task: Pick<Task, 'action'>): boolean {
  return !task.action || task.action.kind === 'manual';
}

/** A codicon id and the theme colour to draw it in. */
export interface TaskIcon {
  icon: string;
  colour?: string;
}

const byStatus: Record<Exclude<TaskStatus, 'pending'>, TaskIcon> = {
  running: { icon: 'sync~spin', colour: 'progressBar.background' },
  done: { icon: 'pass-filled', colour: 'testing.iconPassed' },
  failed: { icon: 'error', colour: 'testing.iconFailed' },
  blocked: { icon: 'lock', colour: 'list.warningForeground' },
  skipped: { icon: 'debug-step-over', colour: 'disabledForeground' },
  cancelled: { icon: 'circle-slash', colour: 'disabledForeground' },
};

/** A pending task by what it does: a person's to-do, a shell command, a VS Code task, a language model's task. */
const pendingByKind: Record<'todo' | 'shell' | 'vscodeTask' | 'lm', TaskIcon> = {
  todo: { icon: 'person', colour: 'charts.yellow' },
  shell: { icon: 'terminal' },
  vscodeTask: { icon: 'tools' },
  lm: { icon: 'sparkle' },
};

/** The icon of a task; `waitingForDeps` when it is pending with an unfinished dependency. */
export function taskIcon(task: Pick<Task, 'status' | 'action'>, waitingForDeps: boolean): TaskIcon {
  if (task.status !== 'pending') return byStatus[task.status];
  if (waitingForDeps) return { icon: 'watch', colour: 'disabledForeground' };
  return (
    pendingByKind[isToDo(task) ? 'todo' : (task.action!.kind as keyof typeof pendingByKind)] ?? pendingByKind.shell
  );
}

/** `continuum.task.<status>`, with `.todo` for to-dos and `.lm` for a language model's tasks (package.json's menus match on it). */
export function taskContextValue(task: Pick<Task, 'status' | 'action'>): string {
  return `continuum.task.${task.status}${isToDo(task) ? '.todo' : task.action?.kind === 'lm' ? '.lm' : ''}`;
}
