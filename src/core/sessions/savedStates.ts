// How checkpoints keep the store half (every task's state, the session, the context version)
// without copying every task into every checkpoint. Most checkpoints save only the tasks whose
// state changed since the previous checkpoint — a delta whose base_id names that checkpoint — and a
// deleted task as 0. Every `fullEvery`-th checkpoint in a chain, or one with no usable previous
// checkpoint, saves all tasks (base_id NULL). Reading a checkpoint folds its chain, at most
// `fullEvery` rows. Deleting a checkpoint folds it into the deltas built on it (trigger
// checkpoint_deleted, schema version 6), so every checkpoint stays restorable whatever is pruned.
//
// Saved format 2 (checkpoints.state):
//   { "schema": 2, "session": {…}, "contextVersion": 3,
//     "tasks": { "<task id>": [status, progress, attempts, result, error, startedAt, completedAt] | 0 } }
// A task entry is an array so that SQLite's json_patch (which the trigger uses) replaces it whole.
// Format 1 ({ "schema": 1, "tasks": [ {id, status, …} ] }, always complete) is still read.
import { z } from 'zod/v4';
import { latestContextVersion } from '../context/contextManager';
import { explainIssues } from '../context/validation';
import type { StoreReader, StoreWriter } from '../store/types';
import {
  parseState,
  sessionStateSchema,
  type CheckpointState,
  type SessionState,
  type TaskState,
} from './checkpointState';
import { statesOfChangedTasks, taskStatesInOrder, type TaskStateRow } from '../tasks/taskStates';
import { SessionError } from './model';

type TaskTuple = [
  status: string,
  progress: number,
  attempts: number,
  result: string | null,
  error: string | null,
  startedAt: number | null,
  completedAt: number | null,
];

const tupleSchema = z.tuple([
  z.string(),
  z.number(),
  z.number(),
  z.string().nullable(),
  z.string().nullable(),
  z.number().nullable(),
  z.number().nullable(),
]);

const savedSchema = z.object({
  schema: z.literal(2),
  session: sessionStateSchema.nullish(),
  contextVersion: z.number().int().nullish(),
  tasks: z.record(z.string(), z.union([z.literal(0), tupleSchema])),
});

type Saved = z.infer<typeof savedSchema>;

/** What `SavedStates.capture` hands to the checkpoint insert. */
export interface CapturedState {
  /** checkpoints.state */
  json: string;
  /** checkpoints.base_id: the checkpoint this one's delta applies to; null for a complete one. */
  baseId: string | null;
  taskCount: number;
  tasksDone: number;
  contextVersion?: number;
  /** The state as read back, which becomes the base of the next delta once the insert names it (`inserted`). */
  materialized: Omit<Materialized, 'id'>;
}

interface SessionRow {
  id: string;
  status: SessionState['status'];
  current_task_id: string | null;
  note: string | null;
  error: string | null;
}

export interface Materialized {
  id: string;
  /** Rows read to build it: 1 for a complete checkpoint. */
  depth: number;
  tasks: Map<string, TaskTuple>;
  session?: SessionState;
  contextVersion?: number;
}

/** A complete checkpoint at least this often along a chain of deltas (the 20th, 40th, … save all tasks). */
export const defaultFullEvery = 20;

export class SavedStates {
  /** The state of the checkpoint this manager saved last: the usual base of the next delta. */
  private last: Materialized | undefined;

  constructor(private readonly fullEvery = defaultFullEvery) {}

  /** The current state, as the checkpoint about to be inserted saves it. Reads only. */
  capture(r: StoreReader, sessionId: string | undefined): CapturedState {
    const base = this.previous(r);
    // Between two complete checkpoints, only the tasks listed as changed since the base are read
    // and compared: the others are as the base saved them. A complete checkpoint reads every task,
    // so a chain never rests on the list for more than `fullEvery` checkpoints.
    const delta = base && base.depth < this.fullEvery;
    const changes = delta && changesSince(r) === base.id ? withChanges(base.tasks, r) : undefined;
    const tasks = changes?.tasks ?? everyTask(r);
    let tasksDone = 0;
    for (const tuple of tasks.values()) if (tuple[0] === 'done') tasksDone++;
    const s =
      sessionId === undefined
        ? undefined
        : r.get<SessionRow>('SELECT id, status, current_task_id, note, error FROM sessions WHERE id = ?', [sessionId]);
    const session = s && { id: s.id, status: s.status, currentTaskId: s.current_task_id, note: s.note, error: s.error };
    const contextVersion = latestContextVersion(r);

    const saves: Record<string, TaskTuple | 0> = {};
    let changed = 0;
    if (delta) {
      for (const id of changes?.listed ?? new Set([...tasks.keys(), ...base.tasks.keys()])) {
        const now = tasks.get(id);
        const before = base.tasks.get(id);
        if (now ? !before || !sameTuple(before, now) : before) {
          saves[id] = now ?? 0;
          changed++;
        }
      }
    }
    // A delta that would hold most tasks saves nothing: save them all and start a new chain.
    const complete = !base || base.depth >= this.fullEvery || changed * 2 > tasks.size;
    const saved: Saved = {
      schema: 2,
      ...(session ? { session } : {}),
      ...(contextVersion != null ? { contextVersion } : {}),
      tasks: complete ? Object.fromEntries(tasks) : saves,
    };
    return {
      json: JSON.stringify(saved),
      baseId: complete ? null : base.id,
      taskCount: tasks.size,
      tasksDone,
      ...(contextVersion != null ? { contextVersion } : {}),
      materialized: {
        depth: complete ? 1 : base.depth + 1,
        tasks,
        ...(session ? { session } : {}),
        ...(contextVersion != null ? { contextVersion } : {}),
      },
    };
  }

  /**
   * Tells the cache which id the captured state was saved under, and starts the list of changed
   * tasks afresh from it (inside the write that inserted the checkpoint).
   */
  inserted(w: StoreWriter, id: string, captured: CapturedState): void {
    w.run('DELETE FROM task_state_changes');
    w.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [changesSinceKey, id]);
    this.last = { id, ...captured.materialized };
  }

  /** The state a checkpoint saved, or undefined when there is no such checkpoint. Throws a SessionError when it is damaged. */
  read(r: StoreReader, id: string): CheckpointState | undefined {
    const m = this.materialize(r, id);
    if (!m) return undefined;
    return {
      ...(m.session ? { session: m.session } : {}),
      tasks: [...m.tasks].map(([taskId, t]) => toTaskState(taskId, t)),
      ...(m.contextVersion !== undefined ? { contextVersion: m.contextVersion } : {}),
    };
  }

  /** The newest checkpoint's state, from the cache when it is the one saved last. */
  private previous(r: StoreReader): Materialized | undefined {
    const latest = r.get<{ id: string }>('SELECT id FROM checkpoints ORDER BY rowid DESC LIMIT 1');
    if (!latest) return undefined;
    if (this.last?.id === latest.id) return this.last;
    try {
      return this.materialize(r, latest.id);
    } catch (err) {
      // a damaged newest checkpoint is no base: the new one saves every task and stands alone
      if (err instanceof SessionError) return undefined;
      throw err;
    }
  }

  private materialize(r: StoreReader, id: string): Materialized | undefined {
    const chain: Array<{ id: string; saved: Saved }> = [];
    const seen = new Set<string>();
    let next: string | null = id;
    while (next !== null) {
      if (seen.has(next))
        throw new SessionError(
          `Checkpoint ${id} cannot be restored: its saved state refers to itself in a loop (at ${next}); choose another checkpoint.`,
        );
      seen.add(next);
      const row: { state: string; base_id: string | null } | undefined = r.get(
        'SELECT state, base_id FROM checkpoints WHERE id = ?',
        [next],
      );
      if (!row) {
        if (next === id) return undefined;
        throw new SessionError(
          `Checkpoint ${id} cannot be restored: the earlier checkpoint ${next} its state builds on is missing; choose another checkpoint.`,
        );
      }
      const saved = parseSaved(row.state, next);
      if (saved.kind === 'complete') {
        // format 1 is no base for a new delta (the delete trigger folds format 2 only): depth Infinity
        const m = fromComplete(id, saved.state, chain.length ? chain.length + 1 : Infinity);
        return applyChain(m, chain);
      }
      chain.push({ id: next, saved: saved.saved });
      next = row.base_id;
    }
    // the oldest delta has no base: format 2 with base_id NULL is complete by itself
    const oldest = chain.pop()!;
    const start: Materialized = { id, depth: chain.length + 1, tasks: new Map(), ...header(oldest.saved) };
    return applyChain(applyDelta(start, oldest.saved), chain);
  }
}

function applyChain(m: Materialized, newestFirst: Array<{ saved: Saved }>): Materialized {
  for (let i = newestFirst.length - 1; i >= 0; i--) applyDelta(m, newestFirst[i].saved);
  return m;
}

function applyDelta(m: Materialized, saved: Saved): Materialized {
  for (const [id, entry] of Object.entries(saved.tasks)) {
    if (entry === 0) m.tasks.delete(id);
    else m.tasks.set(id, entry);
  }
  const h = header(saved);
  m.session = h.session;
  m.contextVersion = h.contextVersion;
  return m;
}

function header(saved: Saved): { session?: SessionState; contextVersion?: number } {
  return {
    ...(saved.session ? { session: saved.session } : {}),
    ...(saved.contextVersion != null ? { contextVersion: saved.contextVersion } : {}),
  };
}

function fromComplete(id: string, state: CheckpointState, depth: number): Materialized {
  return {
    id,
    depth,
    tasks: new Map(
      state.tasks.map(t => [t.id, [t.status, t.progress, t.attempts, t.result, t.error, t.startedAt, t.completedAt]]),
    ),
    ...(state.session ? { session: state.session } : {}),
    ...(state.contextVersion !== undefined ? { contextVersion: state.contextVersion } : {}),
  };
}

type ParsedSaved = { kind: 'complete'; state: CheckpointState } | { kind: 'delta'; saved: Saved };

function parseSaved(json: string, checkpointId: string): ParsedSaved {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new SessionError(
      `Checkpoint ${checkpointId} is damaged (${(err as Error).message}) and cannot be restored; choose an earlier checkpoint.`,
    );
  }
  if ((data as { schema?: unknown } | null)?.schema !== 2)
    return { kind: 'complete', state: parseState(data, checkpointId) };
  const parsed = savedSchema.safeParse(data);
  if (!parsed.success)
    throw new SessionError(
      `Checkpoint ${checkpointId} cannot be restored: ${explainIssues('state', parsed.error, data)}`,
    );
  return { kind: 'delta', saved: parsed.data };
}

function toTaskState(id: string, t: TaskTuple): TaskState {
  return {
    id,
    status: t[0],
    progress: t[1],
    attempts: t[2],
    result: t[3],
    error: t[4],
    startedAt: t[5],
    completedAt: t[6],
  };
}

function sameTuple(a: TaskTuple, b: TaskTuple): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** meta: the checkpoint since which task_state_changes lists every changed task (schema version 11). */
const changesSinceKey = 'task_state_changes_since';

function changesSince(r: StoreReader): string | undefined {
  return r.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [changesSinceKey])?.value;
}

function tupleOf(row: TaskStateRow): TaskTuple {
  return [row.status, row.progress, row.attempts, row.result, row.error, row.started_at, row.completed_at];
}

function everyTask(r: StoreReader): Map<string, TaskTuple> {
  return new Map(taskStatesInOrder(r).map(row => [row.id, tupleOf(row)]));
}

/** The base's tasks with those listed as changed since it read again (gone when deleted), and the list. */
function withChanges(
  base: ReadonlyMap<string, TaskTuple>,
  r: StoreReader,
): { tasks: Map<string, TaskTuple>; listed: string[] } {
  const listed = r.all<{ task_id: string }>('SELECT task_id FROM task_state_changes').map(c => c.task_id);
  const tasks = new Map(base); // a task keeps its place; one created since goes last, in creation order
  const present = new Set<string>();
  for (const row of statesOfChangedTasks(r)) {
    tasks.set(row.id, tupleOf(row));
    present.add(row.id);
  }
  for (const id of listed) if (!present.has(id)) tasks.delete(id);
  return { tasks, listed };
}
