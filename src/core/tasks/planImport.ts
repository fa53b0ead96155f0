// What importing a parsed plan would do (the preview), given the tasks already in the store.
// Re-importing the same plan is idempotent: tasks are matched by their stable key.
import type { ParsedPlan, PlanProblem, PlanTaskSpec } from './plan';
import type { Task, TaskAction } from './model';

export interface PlannedUpdate {
  spec: PlanTaskSpec;
  task: Task;
  /** What changes, in words ("title", "priority", "marked done" …). */
  changes: string[];
}

export interface PlanImportPreview {
  source: string;
  create: PlanTaskSpec[];
  update: PlannedUpdate[];
  unchanged: PlanTaskSpec[];
  problems: PlanProblem[];
  /** Commands the plan would have Continuum run, shown for confirmation before the first run. */
  commands: string[];
}

export function previewPlanImport(plan: ParsedPlan, existingByKey: ReadonlyMap<string, Task>): PlanImportPreview {
  const preview: PlanImportPreview = { source: plan.source, create: [], update: [], unchanged: [], problems: plan.problems, commands: [] };
  const keyOf = new Map<string, string>(); // task id -> key, to compare dependencies by key
  for (const t of existingByKey.values()) keyOf.set(t.id, t.key ?? t.id);
  for (const spec of plan.tasks) {
    if (spec.action?.kind === 'shell') preview.commands.push(spec.action.command);
    if (spec.action?.verify) preview.commands.push(spec.action.verify);
    const task = existingByKey.get(spec.key);
    if (!task) {
      preview.create.push(spec);
      continue;
    }
    const changes: string[] = [];
    if (task.title !== spec.title) changes.push('title');
    if ((task.description ?? '') !== spec.description) changes.push('description');
    if (spec.priority && spec.priority !== task.priority) changes.push(`priority → ${spec.priority}`);
    if (spec.done && task.status !== 'done') changes.push('marked done');
    if (!sameAction(task.action, spec.action)) changes.push('command');
    const deps = new Set(task.dependsOn.map(id => keyOf.get(id)));
    if (spec.dependsOnKeys.some(k => !deps.has(k))) changes.push('dependencies');
    if (changes.length) preview.update.push({ spec, task, changes });
    else preview.unchanged.push(spec);
  }
  return preview;
}

function sameAction(a: TaskAction | undefined, b: TaskAction | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** "3 new, 2 updated, 10 unchanged; 1 problem" */
export function summarisePreview(p: PlanImportPreview): string {
  const parts = [`${p.create.length} new`, `${p.update.length} updated`, `${p.unchanged.length} unchanged`];
  return `${parts.join(', ')}${p.problems.length ? `; ${p.problems.length} problem${p.problems.length === 1 ? '' : 's'}` : ''}`;
}
