// The parent's model of what the store must hold, and the check of a reopened store against it.
//
// The model replays the acknowledged changes in order. After a kill, the journal's prefix property
// decides what may be on disk: every change up to the last acknowledged one (the journal never
// keeps a later change and loses an earlier one), then any prefix of the changes that were begun
// but not acknowledged. So the store must equal the model after "all up to the last ack" plus the
// first k in-flight changes, for some k.
import { findCycle } from '../../../../src/core/tasks/graph';
import { priorities, taskStatuses, type TaskStatus } from '../../../../src/core/tasks/model';
import type { Store } from '../../../../src/core/store/types';
import { TaskManager } from '../../../../src/core/tasks/taskManager';
import { systemClock } from '../../../../src/core/ports';
import type { CrashOp } from './protocol';
import { SavedStates } from '../../../../src/core/sessions/savedStates';

export interface ModelTask {
  title: string;
  status: TaskStatus;
  priority: number;
  progress: number;
  attempts: number;
  deps: Set<string>;
}

export interface ModelState {
  tasks: Map<string, ModelTask>;
  /** Checkpoints in creation order, with a digest of the task states they captured. */
  checkpoints: Map<string, { note: string; state: string }>;
  contexts: Map<number, string>;
}

export function emptyState(): ModelState {
  return { tasks: new Map(), checkpoints: new Map(), contexts: new Map() };
}

export function cloneState(s: ModelState): ModelState {
  return {
    tasks: new Map([...s.tasks].map(([id, t]) => [id, { ...t, deps: new Set(t.deps) }])),
    checkpoints: new Map(s.checkpoints),
    contexts: new Map(s.contexts),
  };
}

/** Applies one change as TaskManager does it. Throws when the change cannot apply (a model/child disagreement). */
export function applyOp(s: ModelState, op: CrashOp): void {
  const task = (id: string): ModelTask => {
    const t = s.tasks.get(id);
    if (!t) throw new Error(`${op.op} of unknown task ${id}`);
    return t;
  };
  switch (op.op) {
    case 'create':
      s.tasks.set(op.id, {
        title: op.title,
        status: op.status,
        priority: priorities.indexOf(op.priority),
        progress: op.status === 'done' ? 100 : 0,
        attempts: 0,
        deps: new Set(op.deps.filter(d => task(d))),
      });
      return;
    case 'status': {
      const t = task(op.id);
      if (op.to === 'running' && t.status !== 'running') t.attempts++;
      if (op.to === 'done') t.progress = 100;
      t.status = op.to;
      return;
    }
    case 'progress':
      task(op.id).progress = op.value;
      return;
    case 'title':
      task(op.id).title = op.title;
      return;
    case 'addDep':
      task(op.dep);
      task(op.id).deps.add(op.dep);
      return;
    case 'removeDep':
      task(op.id).deps.delete(op.dep);
      return;
    case 'delete':
      task(op.id);
      s.tasks.delete(op.id);
      for (const t of s.tasks.values()) t.deps.delete(op.id);
      return;
    case 'checkpoint': {
      const versions = [...s.contexts.keys()];
      const contextVersion = versions.length ? Math.max(...versions) : undefined;
      s.checkpoints.set(op.id, {
        note: op.note,
        state: stateDigest(
          [...s.tasks].map(([id, t]) => ({ id, ...t })),
          contextVersion,
        ),
      });
      return;
    }
    case 'context':
      s.contexts.set(op.version, op.summary);
      return;
    case 'prune': {
      const ids = [...s.checkpoints.keys()];
      for (const id of ids.slice(0, Math.max(0, ids.length - op.keepCheckpoints))) s.checkpoints.delete(id);
      return;
    }
  }
}

/** What a checkpoint captured, as a comparable string (task order does not matter). */
function stateDigest(
  tasks: Array<{ id: string; status: string; progress: number; attempts: number }>,
  contextVersion: number | undefined,
): string {
  return `${tasks
    .map(t => `${t.id}:${t.status}:${t.progress}:${t.attempts}`)
    .sort()
    .join(' ')} | context ${contextVersion ?? '-'}`;
}

/** The state as the store holds it, in the model's shape. */
export function readState(store: Store): ModelState {
  const s = emptyState();
  for (const r of store.all<{
    id: string;
    title: string;
    status: string;
    priority: number;
    progress: number;
    attempts: number;
  }>('SELECT id, title, status, priority, progress, attempts FROM tasks')) {
    s.tasks.set(r.id, {
      title: r.title,
      status: r.status as TaskStatus,
      priority: r.priority,
      progress: r.progress,
      attempts: r.attempts,
      deps: new Set(),
    });
  }
  for (const d of store.all<{ task_id: string; depends_on: string }>('SELECT task_id, depends_on FROM task_deps')) {
    s.tasks.get(d.task_id)?.deps.add(d.depends_on);
  }
  // through a fresh reader each time: most checkpoints save only what changed, built on earlier ones
  for (const c of store.all<{ id: string; note: string }>('SELECT id, note FROM checkpoints ORDER BY rowid')) {
    const saved = new SavedStates().read(store, c.id)!;
    s.checkpoints.set(c.id, { note: c.note, state: stateDigest(saved.tasks, saved.contextVersion) });
  }
  for (const c of store.all<{ version: number; summary: string; inside: string | null }>(
    "SELECT version, summary, json_extract(data, '$.completion.summary') AS inside FROM context_versions",
  )) {
    s.contexts.set(
      c.version,
      c.inside === c.summary ? c.summary : `${c.summary} (but the context holds ${JSON.stringify(c.inside)})`,
    );
  }
  return s;
}

/** The differences between what was expected and what the store holds (at most `limit`); empty when equal. */
export function diffStates(expected: ModelState, actual: ModelState, limit = 8): string[] {
  const out: string[] = [];
  const add = (line: string) => {
    if (out.length < limit) out.push(line);
  };
  for (const [id, e] of expected.tasks) {
    const a = actual.tasks.get(id);
    if (!a) {
      add(`task ${id} is missing`);
      continue;
    }
    for (const field of ['title', 'status', 'priority', 'progress', 'attempts'] as const) {
      if (e[field] !== a[field])
        add(`task ${id}.${field}: expected ${JSON.stringify(e[field])}, found ${JSON.stringify(a[field])}`);
    }
    const ed = [...e.deps].sort().join(',');
    const ad = [...a.deps].sort().join(',');
    if (ed !== ad) add(`task ${id}.deps: expected [${ed}], found [${ad}]`);
  }
  for (const id of actual.tasks.keys()) if (!expected.tasks.has(id)) add(`task ${id} should not exist`);
  for (const [id, e] of expected.checkpoints) {
    const a = actual.checkpoints.get(id);
    if (!a) add(`checkpoint ${id} is missing`);
    else if (a.note !== e.note || a.state !== e.state)
      add(`checkpoint ${id}: expected ${JSON.stringify(e).slice(0, 300)}, found ${JSON.stringify(a).slice(0, 300)}`);
  }
  for (const id of actual.checkpoints.keys())
    if (!expected.checkpoints.has(id)) add(`checkpoint ${id} should not exist`);
  for (const [v, e] of expected.contexts) {
    const a = actual.contexts.get(v);
    if (a !== e) add(`context version ${v}: expected ${JSON.stringify(e)}, found ${JSON.stringify(a)}`);
  }
  for (const v of actual.contexts.keys()) if (!expected.contexts.has(v)) add(`context version ${v} should not exist`);
  return out;
}

/** Invariants that hold whatever the changes were. Returns the broken ones. */
export function checkInvariants(store: Store): string[] {
  const out: string[] = [];
  const valid = new Set<string>(taskStatuses);
  const rows = store.all<{ id: string; status: string; completed_at: number | null }>(
    'SELECT id, status, completed_at FROM tasks',
  );
  for (const r of rows) {
    if (!valid.has(r.status)) out.push(`task ${r.id} has status ${JSON.stringify(r.status)}`);
    const finished = r.status === 'done' || r.status === 'skipped';
    if (finished !== (r.completed_at !== null))
      out.push(`task ${r.id} is ${r.status} with completed_at ${r.completed_at}`);
  }
  const dangling = store.all<{ task_id: string; depends_on: string }>(
    'SELECT task_id, depends_on FROM task_deps WHERE task_id NOT IN (SELECT id FROM tasks) OR depends_on NOT IN (SELECT id FROM tasks)',
  );
  for (const d of dangling.slice(0, 5)) out.push(`dependency ${d.task_id} → ${d.depends_on} has a missing end`);
  const deps = new Map<string, string[]>();
  for (const d of store.all<{ task_id: string; depends_on: string }>('SELECT task_id, depends_on FROM task_deps')) {
    let list = deps.get(d.task_id);
    if (!list) deps.set(d.task_id, (list = []));
    list.push(d.depends_on);
  }
  const cycle = findCycle(
    rows.map(r => r.id),
    id => deps.get(id) ?? [],
  );
  if (cycle) out.push(`dependency cycle: ${cycle.join(' → ')}`);
  const stats = new TaskManager(store, systemClock, () => 'unused').statistics();
  const sum = Object.values(stats.counts).reduce((a, b) => a + b, 0);
  if (sum !== stats.total || stats.total !== rows.length)
    out.push(`statistics: counts sum to ${sum}, total ${stats.total}, rows ${rows.length}`);
  const integrity = store.get<{ integrity_check: string }>('PRAGMA integrity_check')?.integrity_check;
  if (integrity !== 'ok') out.push(`integrity_check: ${integrity}`);
  const miscounted = store.all<{ id: string }>(`SELECT id FROM tasks t WHERE open_deps <> (
    SELECT count(*) FROM task_deps d JOIN tasks u ON u.id = d.depends_on WHERE d.task_id = t.id AND u.status <> 'done')`);
  if (miscounted.length)
    out.push(
      `open_deps disagrees with the unfinished dependencies of ${miscounted.length} task(s), e.g. ${miscounted[0].id}`,
    );
  const fk = store.all('PRAGMA foreign_key_check');
  if (fk.length) out.push(`foreign_key_check: ${JSON.stringify(fk.slice(0, 3))}`);
  return out;
}

export interface MatchResult {
  /** The state the store was found to hold (the model to continue from). */
  state?: ModelState;
  /** How many in-flight changes turned out to be on disk. */
  inFlightApplied: number;
  /** Why no candidate matched (the differences from the "acknowledged only" candidate). */
  problems: string[];
}

/**
 * Finds k such that the store equals `base` + `mandatory` + the first k of `optional`.
 * `mandatory` are the changes up to the last acknowledged one; `optional` the in-flight ones after it.
 */
export function matchStore(
  actual: ModelState,
  base: ModelState,
  mandatory: readonly CrashOp[],
  optional: readonly CrashOp[],
): MatchResult {
  const state = cloneState(base);
  for (const op of mandatory) applyOp(state, op);
  const first = diffStates(state, actual);
  if (!first.length) return { state, inFlightApplied: 0, problems: [] };
  for (let k = 0; k < optional.length; k++) {
    try {
      applyOp(state, optional[k]);
    } catch {
      break; // an in-flight change that could not have applied: no longer prefix can match either
    }
    if (!diffStates(state, actual, 1).length) return { state, inFlightApplied: k + 1, problems: [] };
  }
  return { inFlightApplied: 0, problems: first };
}
