// The dependency graph of a parsed plan, before anything is stored: phases as nodes of their own
// (a dependency on a phase is one on all of its tasks), a cycle check and the expansion into
// task-to-task edges. Linear in tasks + written dependencies + phase memberships.

/** What the graph reads of a parsed plan's phases and tasks (plan.ts's PlanPhaseSpec and PlanTaskSpec). */
interface PlanPhaseSpec {
  key: string;
  parentKey?: string;
}

interface PlanTaskSpec {
  key: string;
  phaseKey?: string;
  /** Task or phase keys it waits for. */
  dependsOnKeys: string[];
}

/**
 * The first dependency cycle among the plan's tasks and phases, as keys ending where they start
 * ("task → phase → one of its tasks → … → task"), or undefined. `tasksOf` gives a phase's task
 * keys, its sub-phases' included. A generator: it yields every few thousand steps so a caller in
 * the extension host can let the event loop in; one pass, linear in nodes + edges.
 */
export function* findPlanCycle(
  phases: readonly PlanPhaseSpec[],
  tasks: readonly PlanTaskSpec[],
  tasksOf: (phaseKey: string) => readonly string[],
): Generator<void, string[] | undefined> {
  if (!tasks.some(t => t.dependsOnKeys.length > 0)) return undefined;
  const phaseKeys = new Set(phases.map(p => p.key));
  const depsOf = new Map<string, readonly string[]>();
  for (const t of tasks) depsOf.set(t.key, t.dependsOnKeys);
  const next = (key: string): readonly string[] => (phaseKeys.has(key) ? tasksOf(key) : (depsOf.get(key) ?? []));
  const state = new Map<string, 1 | 2>(); // 1 on the path, 2 finished
  let steps = 0;
  for (const root of tasks) {
    if (state.has(root.key)) continue;
    const path: string[] = [root.key];
    const edges: Array<readonly string[]> = [next(root.key)];
    const at: number[] = [0];
    state.set(root.key, 1);
    while (path.length) {
      if (++steps % 5000 === 0) yield;
      const top = path.length - 1;
      if (at[top] >= edges[top].length) {
        state.set(path.pop()!, 2);
        edges.pop();
        at.pop();
        continue;
      }
      const to = edges[top][at[top]++];
      const s = state.get(to);
      if (s === 1) return [...path.slice(path.lastIndexOf(to)), to];
      if (s === undefined) {
        state.set(to, 1);
        path.push(to);
        edges.push(next(to));
        at.push(0);
      }
    }
  }
  return undefined;
}

/** Every task key under each phase (its sub-phases included), in plan order. */
export function tasksByPhase(phases: readonly PlanPhaseSpec[], tasks: readonly PlanTaskSpec[]): Map<string, string[]> {
  const parentOf = new Map(phases.map(p => [p.key, p.parentKey]));
  const out = new Map<string, string[]>();
  for (const t of tasks) {
    for (let p = t.phaseKey; p !== undefined; p = parentOf.get(p)) {
      let list = out.get(p);
      if (!list) out.set(p, (list = []));
      list.push(t.key);
    }
  }
  return out;
}

/**
 * A task's dependencies as task keys: phase keys expanded to the phase's tasks (never the task
 * itself, nor its own parents), duplicates removed.
 */
export function expandDependencies(
  task: PlanTaskSpec,
  members: ReadonlyMap<string, readonly string[]>,
  parentsOf: (key: string) => readonly string[] = () => [],
): string[] {
  const out = new Set<string>();
  const skip = new Set([task.key, ...parentsOf(task.key)]);
  for (const key of task.dependsOnKeys) {
    const inPhase = members.get(key);
    if (inPhase) {
      for (const k of inPhase) if (!skip.has(k)) out.add(k);
    } else if (!skip.has(key)) out.add(key);
  }
  return [...out];
}
