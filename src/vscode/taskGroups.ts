// How the Tasks view groups tasks. Pure: no vscode, so it has plain unit tests.
import type { Phase, Task, TaskStatus } from '../core/tasks/model';
import { isToDo } from './taskLook';

export type Grouping = 'status' | 'phase';

export interface TaskGroup {
  id: string;
  label: string;
  tasks: Task[];
  expanded: boolean;
}

const statusGroups: Array<{ id: string; label: string; expanded: boolean; matches(t: Task, waiting: boolean): boolean }> = [
  { id: 'running', label: 'Running', expanded: true, matches: t => t.status === 'running' },
  { id: 'for-you', label: 'Waiting for you', expanded: true, matches: (t, waiting) => t.status === 'pending' && !waiting && isToDo(t) },
  { id: 'ready', label: 'Ready', expanded: true, matches: (t, waiting) => t.status === 'pending' && !waiting && !isToDo(t) },
  { id: 'waiting', label: 'Waiting for dependencies', expanded: false, matches: (t, waiting) => t.status === 'pending' && waiting },
  { id: 'failed', label: 'Failed', expanded: true, matches: t => t.status === 'failed' },
  { id: 'blocked', label: 'Blocked', expanded: true, matches: t => t.status === 'blocked' },
  { id: 'done', label: 'Done', expanded: false, matches: t => t.status === 'done' },
  { id: 'skipped', label: 'Skipped', expanded: false, matches: t => t.status === 'skipped' },
  { id: 'cancelled', label: 'Cancelled', expanded: false, matches: t => t.status === 'cancelled' },
];

/** Groups in display order; empty groups are left out. Within a group, tasks keep creation order. */
export function groupTasks(tasks: readonly Task[], phases: readonly Phase[], grouping: Grouping): TaskGroup[] {
  if (grouping === 'phase') return groupByPhase(tasks, phases);
  const status = new Map(tasks.map(t => [t.id, t.status] as [string, TaskStatus]));
  const isWaiting = (t: Task) => t.dependsOn.some(d => status.has(d) && status.get(d) !== 'done');
  return statusGroups
    .map(g => ({ id: g.id, label: g.label, expanded: g.expanded, tasks: tasks.filter(t => g.matches(t, isWaiting(t))) }))
    .filter(g => g.tasks.length > 0);
}

function groupByPhase(tasks: readonly Task[], phases: readonly Phase[]): TaskGroup[] {
  const topLevel = tasks.filter(t => !t.parentId || !tasks.some(p => p.id === t.parentId));
  const groups = phases.map(p => ({
    id: p.id,
    label: p.title,
    expanded: true,
    tasks: topLevel.filter(t => t.phaseId === p.id),
  }));
  const loose = topLevel.filter(t => !t.phaseId || !phases.some(p => p.id === t.phaseId));
  if (loose.length) groups.push({ id: 'no-phase', label: 'Other tasks', expanded: true, tasks: loose });
  return groups.filter(g => g.tasks.length > 0);
}
