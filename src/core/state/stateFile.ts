// The whole store as versioned JSON: what Export State writes and Import State reads. Import is
// validated before anything changes, and replaces the state in one durable write, so a bad file
// leaves the store exactly as it was.
import { z } from 'zod';
import type { Actor, Store, StoreWriter } from '../store/types';
import { findCycle } from '../tasks/graph';
import { markCommandsFromIn } from '../tasks/taskRecords';
import { explainIssues, limits, taskActionSchema } from '../tasks/validation';

export const stateFormat = 'continuum-state';
/** 2: checkpoints carry base_id, task_count and tasks_done (checkpoints that save only what changed), and checkpoint_files. 1 is still read. */
export const stateVersion = 2;
/** Larger imports are refused before parsing: a state file is not a place for build artefacts. */
export const maxStateBytes = 256 * 1024 * 1024;

/** Tables in the state file, in an order that satisfies foreign keys on import. */
const tables = [
  'context_versions',
  'phases',
  'tasks',
  'task_deps',
  'task_events',
  'sessions',
  'session_tasks',
  'checkpoints',
  'checkpoint_files',
] as const;
type Table = (typeof tables)[number];

const text = (max = 1_000_000) => z.string().max(max);
const opt = <T extends z.ZodType>(t: T) => t.nullable().optional();
const int = z.number().int();
const objectId = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'expected a git object id');
const json = (max = 16 * 1024 * 1024) => text(max).refine(s => isJson(s), 'expected a JSON text');
/** A JSON text whose value must also pass `schema`; its problems are named by their path inside the value. */
const jsonOf = (schema: z.ZodType, max: number) =>
  text(max).superRefine((s, ctx) => {
    let value: unknown;
    try {
      value = JSON.parse(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON text' });
      return;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return;
    for (const issue of parsed.error.issues)
      ctx.addIssue({
        code: 'custom',
        message: issue.message,
        path: issue.path.map(p => (typeof p === 'symbol' ? String(p) : p)),
      });
  });
// The action kinds and their fields come from the tasks' own validation: one list, not two.
const actionJson = jsonOf(taskActionSchema, 100_000);
const capabilitiesJson = jsonOf(z.array(z.string().min(1).max(limits.capability)).max(limits.capabilities), 100_000);

const rowSchemas = {
  context_versions: z
    .object({ version: int.positive(), created_at: int, actor: text(20), summary: text(10_000), data: json() })
    .strict(),
  phases: z
    .object({
      id: text(200),
      key: opt(text(1000)),
      title: text(500),
      number: opt(text(50)),
      position: int,
      source: opt(text(4096)),
      // a plan's structure (optional: state files written before phases nested do not have them)
      parent_id: opt(text(200)),
      priority: opt(int.min(0).max(3)),
      details: opt(json(1_000_000)),
    })
    .strict(),
  tasks: z
    .object({
      id: text(200),
      key: opt(text(1000)),
      seq: int,
      title: text(500).min(1),
      description: text(100_000),
      status: z.enum(['pending', 'running', 'done', 'failed', 'blocked', 'skipped', 'cancelled']),
      priority: int.min(0).max(3),
      progress: int.min(0).max(100),
      attempts: int.min(0),
      max_attempts: int.min(1),
      deadline: opt(int),
      capabilities: capabilitiesJson,
      action: opt(actionJson),
      result: opt(text()),
      error: opt(text()),
      phase_id: opt(text(200)),
      parent_id: opt(text(200)),
      number: opt(text(50)),
      created_at: int,
      updated_at: int,
      started_at: opt(int),
      completed_at: opt(int),
      estimate: opt(text(200)),
      // an agent's claim: who works on the task and until when (optional: files before claims have none)
      claimed_by: opt(text(400)),
      claimed_by_name: opt(text(200)),
      lease_until: opt(int),
    })
    .strict(),
  task_deps: z.object({ task_id: text(200), depends_on: text(200) }).strict(),
  task_events: z
    .object({ id: int, task_id: text(200), at: int, actor: text(20), kind: text(50), detail: json(1_000_000) })
    .strict(),
  sessions: z
    .object({
      id: text(200),
      name: text(500),
      status: z.enum(['created', 'running', 'paused', 'interrupted', 'failed', 'completed']),
      created_at: int,
      started_at: opt(int),
      updated_at: int,
      heartbeat_at: opt(int),
      ended_at: opt(int),
      running_ms: int.min(0),
      current_task_id: opt(text(200)),
      error: opt(text()),
      note: opt(text()),
    })
    .strict(),
  session_tasks: z.object({ session_id: text(200), task_id: text(200) }).strict(),
  checkpoints: z
    .object({
      id: text(200),
      session_id: opt(text(200)),
      created_at: int,
      trigger: text(50),
      note: text(10_000),
      context_version: opt(int),
      state: json(),
      base_id: opt(text(200)),
      task_count: opt(int.min(0)),
      tasks_done: opt(int.min(0)),
    })
    .strict(),
  // The link from a checkpoint to its snapshot of the workspace files; the snapshot itself stays in git.
  checkpoint_files: z
    .object({
      checkpoint_id: text(200),
      session_key: text(200),
      seq: int.positive(),
      commit_id: objectId,
      tree_id: objectId,
      ref: text(1000).startsWith('refs/continuum/'),
      files_changed: int.min(0),
      scoped: z.union([z.literal(0), z.literal(1)]),
      created_at: int,
    })
    .strict(),
} satisfies Record<Table, z.ZodType>;

const stateSchema = z
  .object({
    format: z.literal(stateFormat),
    version: z.union([z.literal(1), z.literal(stateVersion)]),
    exportedAt: z.string(),
    tables: z
      .object(
        Object.fromEntries(tables.map(t => [t, optionalFrom(t, z.array(rowSchemas[t]).max(5_000_000))])) as {
          [K in Table]: z.ZodArray<(typeof rowSchemas)[K]>;
        },
      )
      .strict(),
  })
  .strict();

/** Tables added after version 1 of the format: a file written before them simply has none. */
function optionalFrom<T extends z.ZodType>(table: Table, schema: T) {
  return table === 'checkpoint_files' ? z.preprocess(v => v ?? [], schema) : schema;
}

export type StateFile = z.infer<typeof stateSchema>;

export function exportState(store: Store, now: number): StateFile {
  // Named columns only: derived ones (tasks.open_deps) are rebuilt by triggers on import.
  const data = Object.fromEntries(
    tables.map(t => [t, store.all(`SELECT ${Object.keys(rowSchemas[t].shape).join(', ')} FROM ${t}`)]),
  );
  return {
    format: stateFormat,
    version: stateVersion,
    exportedAt: new Date(now).toISOString(),
    tables: data as StateFile['tables'],
  };
}

export interface ImportSummary {
  tasks: number;
  sessions: number;
  checkpoints: number;
  contextVersions: number;
  /** Checkpoints whose link to a snapshot of the workspace files came with the state. */
  fileSnapshots: number;
}

/** Parses and checks a state file; throws an Error that names the problem. Changes nothing. */
export function parseState(raw: string | Uint8Array): StateFile {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > maxStateBytes)
    throw new Error(`The state file is ${(size / 1048576).toFixed(0)} MB; the limit is ${maxStateBytes / 1048576} MB.`);
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
  } catch (err) {
    throw new Error(`The state file is not valid JSON (${(err as Error).message}).`, { cause: err });
  }
  const format = value as { format?: unknown; version?: unknown } | null;
  if (format?.format === stateFormat && typeof format.version === 'number' && format.version > stateVersion) {
    throw new Error(
      `The state file was written by a newer Continuum (format version ${format.version}; this one reads ${stateVersion}). Update the extension to import it.`,
    );
  }
  const parsed = stateSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(`The state file is not a valid Continuum state: ${explainIssues(parsed.error)}.`);
  checkReferences(parsed.data);
  return parsed.data;
}

/**
 * Replaces the whole state with `state` in one durable write. `now` is this machine's time: a
 * heartbeat later than it (a file from a machine whose clock ran ahead) is brought back to it, or
 * the session would never look quiet and never be marked interrupted.
 */
export async function importState(
  store: Store,
  state: StateFile,
  actor: Actor = 'user',
  now = Date.now(),
): Promise<ImportSummary> {
  const sessions = state.tables.sessions.map(s =>
    s.heartbeat_at != null && s.heartbeat_at > now ? { ...s, heartbeat_at: now } : s,
  );
  await store.write(w => {
    // Rows come in any order (a task's parent may follow it, parents may even form a loop through
    // later edits): foreign keys are checked once, at the end of this write, not row by row. The
    // pragma is part of the record, so replaying the journal defers them the same way.
    w.run('PRAGMA defer_foreign_keys = ON');
    for (const t of [...tables].reverse()) w.run(`DELETE FROM ${t}`);
    for (const t of tables)
      insertRows(w, t, (t === 'sessions' ? sessions : state.tables[t]) as Array<Record<string, unknown>>);
    // the imported commands were not written by this person here: they run only once confirmed
    markCommandsFromIn(w, `the state file exported ${state.exportedAt.slice(0, 40)}`);
  }, actor);
  return {
    tasks: state.tables.tasks.length,
    sessions: state.tables.sessions.length,
    checkpoints: state.tables.checkpoints.length,
    contextVersions: state.tables.context_versions.length,
    fileSnapshots: state.tables.checkpoint_files.length,
  };
}

function insertRows(w: StoreWriter, table: Table, rows: Array<Record<string, unknown>>): void {
  for (const row of rows) {
    const columns = Object.keys(row);
    if (!columns.length) continue;
    w.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      columns.map(c => (row[c] === undefined ? null : (row[c] as string | number | null))),
    );
  }
}

/** Checks what the schema cannot: unique ids, references that resolve, and no dependency cycle. */
function checkReferences(state: StateFile): void {
  const t = state.tables;
  /** The keys of `table`'s rows, refusing a repeated one with both rows named (SQLite would only say "UNIQUE constraint failed"). */
  const unique = <R>(
    what: string,
    table: Table,
    field: string,
    rows: readonly R[],
    keyOf: (row: R) => string | null | undefined,
  ) => {
    const seen = new Map<string, number>();
    rows.forEach((row, i) => {
      const key = keyOf(row);
      if (key === null || key === undefined) return;
      const first = seen.get(key);
      if (first !== undefined) {
        throw new Error(
          `The state file has two ${what} '${key}' (tables.${table}.${first}.${field} and tables.${table}.${i}.${field}); remove one of them.`,
        );
      }
      seen.set(key, i);
    });
    return new Set(seen.keys());
  };
  const taskIds = unique('tasks with id', 'tasks', 'id', t.tasks, x => x.id);
  const phaseIds = unique('phases with id', 'phases', 'id', t.phases, x => x.id);
  const sessionIds = unique('sessions with id', 'sessions', 'id', t.sessions, x => x.id);
  const checkpointIds = unique('checkpoints with id', 'checkpoints', 'id', t.checkpoints, x => x.id);
  unique('task keys', 'tasks', 'key', t.tasks, x => x.key);
  unique('phase keys', 'phases', 'key', t.phases, x => x.key);
  unique('context versions', 'context_versions', 'version', t.context_versions, x => String(x.version));
  unique('task events with id', 'task_events', 'id', t.task_events, x => String(x.id));
  unique('dependencies', 'task_deps', 'depends_on', t.task_deps, x => `${x.task_id} → ${x.depends_on}`);
  unique(
    'links of a session to a task',
    'session_tasks',
    'task_id',
    t.session_tasks,
    x => `${x.session_id} → ${x.task_id}`,
  );
  const need = (ok: boolean, message: string) => {
    if (!ok) throw new Error(`The state file is inconsistent: ${message}.`);
  };
  for (const phase of t.phases)
    need(
      !phase.parent_id || phaseIds.has(phase.parent_id),
      `phase '${phase.id}' sits in unknown phase '${phase.parent_id}'`,
    );
  for (const task of t.tasks) {
    need(!task.phase_id || phaseIds.has(task.phase_id), `task '${task.id}' is in unknown phase '${task.phase_id}'`);
    need(!task.parent_id || taskIds.has(task.parent_id), `task '${task.id}' has unknown parent '${task.parent_id}'`);
  }
  const deps = new Map<string, string[]>();
  for (const d of t.task_deps) {
    need(
      taskIds.has(d.task_id) && taskIds.has(d.depends_on),
      `a dependency links unknown task '${taskIds.has(d.task_id) ? d.depends_on : d.task_id}'`,
    );
    deps.set(d.task_id, [...(deps.get(d.task_id) ?? []), d.depends_on]);
  }
  const cycle = findCycle(taskIds, id => deps.get(id) ?? []);
  if (cycle) throw new Error(`The state file's task dependencies contain a cycle: ${cycle.join(' → ')}.`);
  for (const s of t.session_tasks)
    need(
      sessionIds.has(s.session_id) && taskIds.has(s.task_id),
      `session '${s.session_id}' lists unknown task or session`,
    );
  for (const c of t.checkpoints) {
    need(
      !c.session_id || sessionIds.has(c.session_id),
      `checkpoint '${c.id}' belongs to unknown session '${c.session_id}'`,
    );
    need(
      !c.base_id || checkpointIds.has(c.base_id),
      `checkpoint '${c.id}' builds on unknown checkpoint '${c.base_id}'`,
    );
  }
  unique('file snapshots of checkpoint', 'checkpoint_files', 'checkpoint_id', t.checkpoint_files, f => f.checkpoint_id);
  unique('file snapshots numbered', 'checkpoint_files', 'seq', t.checkpoint_files, f => `${f.session_key}/${f.seq}`);
  for (const f of t.checkpoint_files)
    need(checkpointIds.has(f.checkpoint_id), `a file snapshot belongs to unknown checkpoint '${f.checkpoint_id}'`);
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
