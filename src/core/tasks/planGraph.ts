// The dependency graph of a parsed plan, before anything is stored: phases as nodes of their own
// (a dependency on a phase is one on all of its tasks), a cycle check and the expansion into
// task-to-task edges. Linear in tasks + written dependencies + phase memberships.
import { findCycle } from './graph';
import type { PlanPhaseSpec, PlanTaskSpec } from './plan';

/**
 * The first dependency cycle among the plan's tasks and phases, as keys ending where they start
 * ("task → phase → one of its tasks → … → task"), or undefined. `tasksOf` gives a phase's task
 * keys, its sub-phases' included.
 */
export function findPlanCycle(phases: readonly PlanPhaseSpec[], tasks: readonly PlanTaskSpec[], tasksOf: (phaseKey: string) => readonly string[]): string[] | undefined {
  const phaseKeys = new Set(phases.map(p => p.key));
  const depsOf = new Map<string, readonly string[]>();
  for (const t of tasks) depsOf.set(t.key, t.dependsOnKeys);
  const next = (key: string): readonly string[] => (phaseKeys.has(key) ? tasksOf(key) : depsOf.get(key) ?? []);
  return findCycle(tasks.map(t => t.key), next);
}

/** Every task key under each phase (its sub-phases included), in plan order. */
export function tasksByPhase(phases: readonly PlanPhaseSpec[], tasks: readonly PlanTaskSpec[]): Map<string, string[]> {
  const parentOf = new Map(phases.map(p => [p.key, p.parentKey]));
  const out = new Map<string, string[]>();
  for (const t of tasks) {
    for (let p = t.phaseKey; p !== undefined; p = parentOf.get(p)) {
      let list = out.get(p);
      if (!list) out.set(p, list = []);
      list.push(t.key);
    }
  }
  return out;
}

/**
 * A task's dependencies as task keys: phase keys expanded to the phase's tasks (never the task
 * itself, nor its own parents), duplicates removed.
 */
export function expandDependencies(task: PlanTaskSpec, members: ReadonlyMap<string, readonly string[]>, parentsOf: (key: string) => readonly string[] = () => []): string[] {
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
