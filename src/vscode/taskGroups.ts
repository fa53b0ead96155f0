// How the Tasks view groups tasks. Pure: no vscode, so it has plain unit tests.
import type { Phase, Task, TaskStatus } from '../core/tasks/model';
import { isToDo } from './taskLook';

export type Grouping = 'status' | 'phase';

export interface TaskGroup {
  id: string;
  label: string;
  tasks: Task[];
  expanded: boolean;
  /** Phase groups of a nested plan: the group of the phase it sits in, and how deep (0 at the top). */
  parentGroupId?: string;
  depth?: number;
}

const statusGroups: Array<{
  id: string;
  label: string;
  expanded: boolean;
  matches(t: Task, waiting: boolean): boolean;
}> = [
  { id: 'running', label: 'Running', expanded: true, matches: t => t.status === 'running' },
  {
    id: 'for-you',
    label: 'Waiting for you',
    expanded: true,
    matches: (t, waiting) => t.status === 'pending' && !waiting && isToDo(t),
  },
  {
    id: 'ready',
    label: 'Ready',
    expanded: true,
    matches: (t, waiting) => t.status === 'pending' && !waiting && !isToDo(t),
  },
  {
    id: 'waiting',
    label: 'Waiting for dependencies',
    expanded: false,
    matches: (t, waiting) => t.status === 'pending' && waiting,
  },
  { id: 'failed', label: 'Failed', expanded: true, matches: t => t.status === 'failed' },
  { id: 'blocked', label: 'Blocked', expanded: true, matches: t => t.status === 'blocked' },
  { id: 'done', label: 'Done', expanded: false, matches: t => t.status === 'done' },
  { id: 'skipped', label: 'Skipped', expanded: false, matches: t => t.status === 'skipped' },
  { id: 'cancelled', label: 'Cancelled', expanded: false, matches: t => t.status === 'cancelled' },
];

/**
 * Above this many tasks, a list of work not started yet (Waiting for you, Ready) starts collapsed: its count is
 * in the group's row, and the groups after it (Failed, Done) stay in sight instead of below 60 to-dos.
 */
export const collapsedAbove = 25;
const longListsCollapse = new Set(['for-you', 'ready']);

/** Groups in display order; empty groups are left out. Within a group, tasks keep creation order. */
export function groupTasks(tasks: readonly Task[], phases: readonly Phase[], grouping: Grouping): TaskGroup[] {
  if (grouping === 'phase') return groupByPhase(tasks, phases);
  const status = new Map(tasks.map(t => [t.id, t.status] as [string, TaskStatus]));
  const isWaiting = (t: Task) => t.dependsOn.some(d => status.has(d) && status.get(d) !== 'done');
  return statusGroups
    .map(g => {
      const members = tasks.filter(t => g.matches(t, isWaiting(t)));
      return {
        id: g.id,
        label: g.label,
        expanded: g.expanded && !(longListsCollapse.has(g.id) && members.length > collapsedAbove),
        tasks: members,
      };
    })
    .filter(g => g.tasks.length > 0);
}

// ---- phases nested as in their plan (plan-import helper; see groupByPhase below) ----
// Groups come flat, in plan order, parents before children: "2 Health Monitoring" (depth 0, maybe
// with no tasks of its own), then "2.1 Health Check System" (depth 1, parentGroupId "2"'s id). A
// view that nests groups by parentGroupId shows the plan's tree; one that does not still shows
// every phase, labelled with its number.
function groupByPhase(tasks: readonly Task[], phases: readonly Phase[]): TaskGroup[] {
  const topLevel = tasks.filter(t => !t.parentId || !tasks.some(p => p.id === t.parentId));
  const known = new Set(phases.map(p => p.id));
  const parentOf = new Map(phases.map(p => [p.id, p.parentId && known.has(p.parentId) ? p.parentId : undefined]));
  const withTasks = new Set<string>();
  for (const t of tasks)
    for (let p = t.phaseId && known.has(t.phaseId) ? t.phaseId : undefined; p && !withTasks.has(p); p = parentOf.get(p))
      withTasks.add(p);
  const depthOf = (id: string) => {
    let d = 0;
    for (let p = parentOf.get(id); p && d < 64; p = parentOf.get(p)) d++;
    return d;
  };
  const groups: TaskGroup[] = phases
    .filter(p => withTasks.has(p.id))
    .map(p => {
      const group: TaskGroup = {
        id: p.id,
        label: p.number ? `${p.number} ${p.title}` : p.title,
        expanded: true,
        tasks: topLevel.filter(t => t.phaseId === p.id),
        depth: depthOf(p.id),
      };
      const parent = parentOf.get(p.id);
      if (parent) group.parentGroupId = parent;
      return group;
    });
  const loose = topLevel.filter(t => !t.phaseId || !known.has(t.phaseId));
  if (loose.length) groups.push({ id: 'no-phase', label: 'Other tasks', expanded: true, tasks: loose });
  return groups;
}

/** The groups as a tree: top-level groups, and each group's sub-groups (a plan's sub-phases), in order. Pure. */
export function nestGroups(groups: readonly TaskGroup[]): {
  roots: TaskGroup[];
  childrenOf(id: string): TaskGroup[];
  totalOf(id: string): number;
} {
  const ids = new Set(groups.map(g => g.id));
  const children = new Map<string, TaskGroup[]>();
  const roots: TaskGroup[] = [];
  for (const g of groups) {
    if (g.parentGroupId && ids.has(g.parentGroupId))
      children.set(g.parentGroupId, [...(children.get(g.parentGroupId) ?? []), g]);
    else roots.push(g);
  }
  const totals = new Map<string, number>();
  const totalOf = (id: string, depth = 0): number => {
    const known = totals.get(id);
    if (known !== undefined) return known;
    const own = groups.find(g => g.id === id)?.tasks.length ?? 0;
    const total = own + (depth > 64 ? 0 : (children.get(id) ?? []).reduce((n, c) => n + totalOf(c.id, depth + 1), 0));
    totals.set(id, total);
    return total;
  };
  return { roots, childrenOf: id => children.get(id) ?? [], totalOf: id => totalOf(id) };
}
