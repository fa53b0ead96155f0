// What importing a parsed plan would do (the preview), given the tasks already in the store, and
// the import itself. Re-importing the same plan is idempotent: tasks and phases are matched by
// their stable keys. The import is written in slices of a few milliseconds each (a large plan
// never holds the event loop): tasks go in dependency order, each with its own dependencies, so
// at every instant the store holds a consistent graph — a task is never ready before what it
// waits for is written. The cycle check is one linear pass over the whole graph, not one search
// per edge.
import type { Actor, Store, StoreWriter } from '../store/types';
import { describeCycle, findCycle } from './graph';
import type { Task, TaskAction, TaskStatus } from './model';
import type { ParsedPlan, PlanProblem, PlanTaskSpec } from './plan';
import { expandDependencies, tasksByPhase } from './planGraph';
import { planNames } from './planView';
import { orNull, priorityRank, type PhaseDetails } from './rows';

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
  /** A dependency cycle in the plan, named: the import will be refused. */
  cycle?: string;
}

export function previewPlanImport(plan: ParsedPlan, existingByKey: ReadonlyMap<string, Task>): PlanImportPreview {
  const preview: PlanImportPreview = {
    source: plan.source,
    create: [],
    update: [],
    unchanged: [],
    problems: plan.problems,
    commands: [],
  };
  if (plan.cycle) preview.cycle = describePlanCycle(plan, plan.cycle);
  const keyOf = new Map<string, string>(); // task id -> key, to compare dependencies by key
  for (const t of existingByKey.values()) keyOf.set(t.id, t.key ?? t.id);
  const members = tasksByPhase(plan.phases, plan.tasks);
  const parents = parentChains(plan.tasks);
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
    if ((spec.estimate ?? undefined) !== task.estimate && spec.estimate) changes.push('estimate');
    const deps = new Set(task.dependsOn.map(id => keyOf.get(id)));
    if (expandDependencies(spec, members, k => parents.get(k) ?? []).some(k => !deps.has(k)))
      changes.push('dependencies');
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

/** "'2.1 Upload' → 'Phase 1 Build' → '1.1 Compile' → '2.1 Upload'" */
export function describePlanCycle(plan: ParsedPlan, cycle: readonly string[]): string {
  const names = planNames(plan);
  return describeCycle(cycle, k => names.get(k) ?? k);
}

/** Each task key's ancestors (parent, grandparent …), so "depends on my own phase" never waits for its parents. */
function parentChains(tasks: readonly PlanTaskSpec[]): Map<string, string[]> {
  const parentOf = new Map(tasks.map(t => [t.key, t.parentKey]));
  const out = new Map<string, string[]>();
  for (const t of tasks) {
    const chain: string[] = [];
    for (let p = t.parentKey; p !== undefined && chain.length < 64; p = parentOf.get(p)) chain.push(p);
    if (chain.length) out.set(t.key, chain);
  }
  return out;
}

/** What the import needs from the task manager: the store, the clock, ids and its event log. */
export interface ImportHost {
  store: Store;
  now(): number;
  newId(kind: 'task' | 'phase'): string;
  setStatusIn(w: StoreWriter, id: string, status: TaskStatus, actor: Actor): void;
  logEvent(w: StoreWriter, taskId: string, actor: Actor, kind: string, detail: Record<string, unknown>): void;
}

export interface ImportOptions {
  /** Limits the import to some task keys (the ones kept in the preview). */
  only?: ReadonlySet<string>;
  actor?: Actor;
  /** Gives the event loop a turn between slices (default: a macrotask, setImmediate). */
  pause?: () => Promise<void>;
  /** How long one synchronous slice may run, in ms (default 15). */
  sliceMs?: number;
}

export interface ImportResult {
  created: number;
  updated: number;
  taskIds: string[];
}

const idsPerQuery = 500;
const edgesPerStatement = 400;

/** Imports a parsed plan into the store in slices; see the comment at the top of this file. */
export async function importPlanInSlices(
  host: ImportHost,
  plan: ParsedPlan,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const { store } = host;
  const actor = options.actor ?? 'user';
  const pause = options.pause ?? (() => new Promise<void>(resolve => setImmediate(resolve)));
  const sliceMs = options.sliceMs ?? 15;
  if (plan.cycle) {
    throw new Error(
      `The plan's dependencies form a cycle: ${describePlanCycle(plan, plan.cycle)}. Nothing was imported; remove one of these dependencies and import again.`,
    );
  }
  const specs = plan.tasks.filter(t => !options.only || options.only.has(t.key));
  const members = tasksByPhase(plan.phases, plan.tasks);
  const parents = parentChains(plan.tasks);
  const deps = new Map<string, string[]>();
  let started = performance.now();
  for (const spec of specs) {
    deps.set(
      spec.key,
      expandDependencies(spec, members, k => parents.get(k) ?? []),
    );
    if (performance.now() - started > sliceMs) {
      await pause();
      started = performance.now();
    }
  }
  await pause();

  // The ids of the plan's tasks already in the store (chosen or not: dependencies may name them).
  const idOfKey = new Map<string, string>();
  const allKeys = plan.tasks.map(t => t.key);
  started = performance.now();
  for (let i = 0; i < allKeys.length; i += idsPerQuery) {
    const batch = allKeys.slice(i, i + idsPerQuery);
    for (const r of store.all<{ id: string; key: string }>(
      `SELECT id, key FROM tasks WHERE key IN (${batch.map(() => '?').join(', ')})`,
      batch,
    ))
      idOfKey.set(r.key, r.id);
    if (performance.now() - started > sliceMs) {
      await pause();
      started = performance.now();
    }
  }
  // A cycle can only close through tasks already stored: check the whole graph once, linearly.
  let knownEdges = countEdges(store);
  if (specs.some(s => idOfKey.has(s.key))) await checkNoCycle(store, plan, specs, deps, idOfKey, pause, sliceMs);

  // Dependencies first (Kahn's order over the plan's own edges), so every slice leaves a consistent graph.
  const order = dependencyOrder(specs, deps);
  const result: ImportResult = { created: 0, updated: 0, taskIds: [] };
  const writes: Array<Promise<unknown>> = [];
  let changesAfterOurs: number | undefined;
  const write = async (fn: (w: StoreWriter) => number) => {
    writes.push(
      store.write(w => {
        // Someone else wrote between two slices: if they changed dependencies, check the whole
        // graph again inside this write (rare; otherwise no per-edge search is needed).
        if (totalChanges(w) !== changesAfterOurs) {
          const edges = countEdges(w);
          if (edges !== knownEdges) {
            const cycle = cycleInStore(w, plan, specs, deps, idOfKey);
            if (cycle) throw new Error(cycle);
            knownEdges = edges;
          }
        }
        knownEdges += fn(w);
        changesAfterOurs = totalChanges(w);
      }, actor),
    );
    await pause();
  };

  // Phases first, parents before children (document order).
  const phaseIds = new Map<string, string>();
  for (let i = 0; i < plan.phases.length;) {
    await write(w => {
      const sliceStart = performance.now();
      const from = i;
      while (i < plan.phases.length && (i === from || performance.now() - sliceStart < sliceMs)) {
        const p = plan.phases[i++];
        const existing = w.get<{ id: string }>('SELECT id FROM phases WHERE key = ?', [p.key]);
        const id = existing?.id ?? host.newId('phase');
        const parentId = p.parentKey ? (phaseIds.get(p.parentKey) ?? null) : null;
        const details: PhaseDetails = {};
        if (p.estimate) details.estimate = p.estimate;
        if (p.status) details.status = p.status;
        if (p.notes.length) details.notes = p.notes;
        if (p.dependsOnKeys.length) details.dependsOn = p.dependsOnKeys;
        const values = [
          p.title,
          orNull(p.number),
          p.position,
          plan.source,
          parentId,
          p.priority ? priorityRank(p.priority) : null,
          Object.keys(details).length ? JSON.stringify(details) : null,
        ];
        if (existing)
          w.run(
            'UPDATE phases SET title = ?, number = ?, position = ?, source = ?, parent_id = ?, priority = ?, details = ? WHERE id = ?',
            [...values, id],
          );
        else
          w.run(
            'INSERT INTO phases (title, number, position, source, parent_id, priority, details, id, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [...values, id, p.key],
          );
        phaseIds.set(p.key, id);
      }
      return 0;
    });
  }

  // Tasks in dependency order, each with its dependencies; a parent written later is linked after.
  const laterParents: Array<[string, string]> = [];
  // written in dependency order, but numbered in plan order: seq is the tree's and the ready order's tie-breaker
  const planPosition = new Map(specs.map((s, n) => [s.key, n]));
  let seq: number | undefined;
  for (let i = 0; i < order.length;) {
    await write(w => {
      const sliceStart = performance.now();
      const now = host.now();
      let added = 0;
      seq ??= w.get<{ s: number | null }>('SELECT max(seq) AS s FROM tasks')?.s ?? 0;
      const from = i;
      while (i < order.length && (i === from || performance.now() - sliceStart < sliceMs)) {
        const spec = order[i++];
        const phaseId = spec.phaseKey ? (phaseIds.get(spec.phaseKey) ?? null) : null;
        const parentId = spec.parentKey ? (idOfKey.get(spec.parentKey) ?? null) : null;
        if (spec.parentKey && !parentId && (!options.only || options.only.has(spec.parentKey)))
          laterParents.push([spec.key, spec.parentKey]);
        const action = spec.action ? JSON.stringify(spec.action) : null;
        const existing = w.get<{ id: string; status: string; priority: number }>(
          'SELECT id, status, priority FROM tasks WHERE key = ?',
          [spec.key],
        );
        let id: string;
        if (!existing) {
          id = host.newId('task');
          const status = spec.done ? 'done' : 'pending';
          w.run(
            `INSERT INTO tasks (id, key, seq, title, description, status, priority, progress, capabilities, action, phase_id, parent_id, number, estimate, created_at, updated_at, completed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              id,
              spec.key,
              seq + 1 + (planPosition.get(spec.key) ?? 0),
              spec.title,
              spec.description,
              status,
              priorityRank(spec.priority ?? 'normal'),
              spec.done ? 100 : 0,
              action,
              phaseId,
              parentId,
              orNull(spec.number),
              orNull(spec.estimate),
              now,
              now,
              spec.done ? now : null,
            ],
          );
          host.logEvent(w, id, actor, 'created', { title: spec.title, status, plan: plan.source, line: spec.line });
          result.created++;
        } else {
          id = existing.id;
          w.run(
            'UPDATE tasks SET title = ?, description = ?, priority = ?, action = ?, phase_id = ?, parent_id = ?, number = ?, estimate = ?, updated_at = ? WHERE id = ?',
            [
              spec.title,
              spec.description,
              spec.priority ? priorityRank(spec.priority) : existing.priority,
              action,
              phaseId,
              parentId,
              orNull(spec.number),
              orNull(spec.estimate),
              now,
              id,
            ],
          );
          if (spec.done && existing.status !== 'done') host.setStatusIn(w, id, 'done', actor);
          host.logEvent(w, id, actor, 'updated', { fields: ['plan'], plan: plan.source, line: spec.line });
          result.updated++;
        }
        idOfKey.set(spec.key, id);
        result.taskIds.push(id);
        const targets: string[] = [];
        for (const k of deps.get(spec.key) ?? []) {
          const dep = idOfKey.get(k);
          if (dep && dep !== id) targets.push(dep);
        }
        for (let j = 0; j < targets.length; j += edgesPerStatement) {
          const part = targets.slice(j, j + edgesPerStatement);
          added += w.run(
            `INSERT OR IGNORE INTO task_deps (task_id, depends_on) VALUES ${part.map(() => '(?, ?)').join(', ')}`,
            part.flatMap(d => [id, d]),
          ).changes;
        }
      }
      return added;
    });
  }
  for (let i = 0; i < laterParents.length;) {
    await write(w => {
      const sliceStart = performance.now();
      const from = i;
      while (i < laterParents.length && (i === from || performance.now() - sliceStart < sliceMs)) {
        const [key, parentKey] = laterParents[i++];
        const id = idOfKey.get(key);
        const parent = idOfKey.get(parentKey);
        if (id && parent) w.run('UPDATE tasks SET parent_id = ? WHERE id = ?', [parent, id]);
      }
      return 0;
    });
  }
  await Promise.all(writes);
  return result;
}

function countEdges(r: { get<T>(sql: string): T | undefined }): number {
  return r.get<{ n: number }>('SELECT count(*) AS n FROM task_deps')?.n ?? 0;
}

/** Rows changed on this connection since it opened: moves whenever anyone writes. */
function totalChanges(w: StoreWriter): number {
  return w.get<{ n: number }>('SELECT total_changes() AS n')?.n ?? -1;
}

/** The chosen tasks, each after the chosen tasks it depends on (Kahn's algorithm; the plan has no cycle). */
function dependencyOrder(specs: readonly PlanTaskSpec[], deps: ReadonlyMap<string, readonly string[]>): PlanTaskSpec[] {
  const byKey = new Map(specs.map(s => [s.key, s]));
  const waiting = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const s of specs) {
    let n = 0;
    for (const d of deps.get(s.key) ?? []) {
      if (!byKey.has(d) || d === s.key) continue;
      n++;
      const list = dependents.get(d);
      if (list) list.push(s.key);
      else dependents.set(d, [s.key]);
    }
    waiting.set(s.key, n);
  }
  const ready = specs.filter(s => waiting.get(s.key) === 0).map(s => s.key);
  const out: PlanTaskSpec[] = [];
  for (let i = 0; i < ready.length; i++) {
    const key = ready[i];
    out.push(byKey.get(key)!);
    for (const next of dependents.get(key) ?? []) {
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  // never drop a task: anything left (only possible through duplicate keys) goes last, in plan order
  if (out.length < specs.length) {
    const placed = new Set(out.map(s => s.key));
    for (const s of specs) if (!placed.has(s.key)) out.push(s);
  }
  return out;
}

/** Refuses, naming the cycle, when the plan's new edges would close one through edges already stored. */
async function checkNoCycle(
  store: Store,
  plan: ParsedPlan,
  specs: readonly PlanTaskSpec[],
  deps: ReadonlyMap<string, readonly string[]>,
  idOfKey: ReadonlyMap<string, string>,
  pause: () => Promise<void>,
  sliceMs: number,
): Promise<void> {
  const stored = new Map<string, string[]>();
  let after: [string, string] = ['', ''];
  let started = performance.now();
  for (;;) {
    // keyset pages over the primary key: each query starts where the last one stopped
    const page = store.all<{ task_id: string; depends_on: string }>(
      'SELECT task_id, depends_on FROM task_deps WHERE (task_id, depends_on) > (?, ?) ORDER BY task_id, depends_on LIMIT 5000',
      after,
    );
    for (const e of page) push(stored, e.task_id, e.depends_on);
    if (page.length < 5000) break;
    after = [page[page.length - 1].task_id, page[page.length - 1].depends_on];
    if (performance.now() - started > sliceMs) {
      await pause();
      started = performance.now();
    }
  }
  await pause();
  const cycle = cycleWith(
    stored,
    plan,
    specs,
    deps,
    idOfKey,
    id => store.get<{ title: string }>('SELECT title FROM tasks WHERE id = ?', [id])?.title,
  );
  if (cycle) throw new Error(cycle);
}

function cycleInStore(
  w: StoreWriter,
  plan: ParsedPlan,
  specs: readonly PlanTaskSpec[],
  deps: ReadonlyMap<string, readonly string[]>,
  idOfKey: ReadonlyMap<string, string>,
): string | undefined {
  const stored = new Map<string, string[]>();
  for (const e of w.all<{ task_id: string; depends_on: string }>('SELECT task_id, depends_on FROM task_deps'))
    push(stored, e.task_id, e.depends_on);
  return cycleWith(
    stored,
    plan,
    specs,
    deps,
    idOfKey,
    id => w.get<{ title: string }>('SELECT title FROM tasks WHERE id = ?', [id])?.title,
  );
}

/** One linear pass (graph.ts findCycle) over stored edges plus the plan's; a message naming the cycle, or undefined. */
function cycleWith(
  stored: Map<string, string[]>,
  plan: ParsedPlan,
  specs: readonly PlanTaskSpec[],
  deps: ReadonlyMap<string, readonly string[]>,
  idOfKey: ReadonlyMap<string, string>,
  titleOf: (id: string) => string | undefined,
): string | undefined {
  const node = (key: string) => idOfKey.get(key) ?? `new:${key}`;
  const graph = new Map<string, string[]>(stored);
  for (const s of specs) {
    const from = node(s.key);
    const list = [...(graph.get(from) ?? [])];
    for (const d of deps.get(s.key) ?? []) list.push(node(d));
    graph.set(from, list);
  }
  const cycle = findCycle(
    specs.map(s => node(s.key)),
    id => graph.get(id) ?? [],
  );
  if (!cycle) return undefined;
  const names = planNames(plan);
  const keyOfNode = new Map<string, string>();
  for (const t of plan.tasks) keyOfNode.set(node(t.key), t.key);
  const title = (id: string) => {
    const key = keyOfNode.get(id);
    return key ? (names.get(key) ?? key) : (titleOf(id) ?? id);
  };
  return `Importing this plan would make a dependency cycle with tasks already there: ${describeCycle(cycle, title)}. Nothing more was imported; remove one of these dependencies and import again.`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
