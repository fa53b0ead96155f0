// What the crash child tells its parent, one JSON object per line on stdout.
//
//   {"t":"ready", ...}            the store is open (with what the open had to repair)
//   {"t":"begin","n":7,"op":{…}}  the child is about to make change 7 (written before the call)
//   {"t":"ack","n":7}             change 7's promise resolved: it is acknowledged, hence durable
//   {"t":"fail","n":7,"error":…}  change 7 was refused (the child only makes valid changes, so a bug)
//
// Writes to a pipe are synchronous in Node on Linux, so a line written before SIGKILL reaches the
// parent. Every change is deterministic given the state before it, which lets the parent replay
// the acknowledged ones on its own model and compare it with what the reopened store holds.
import type { Priority, TaskStatus } from '../../../../src/core/tasks/model';
import { seededRandom as rng } from '../../fakes/random';

export { rng };

export type CrashOp =
  | { op: 'create'; id: string; title: string; status: 'pending' | 'done'; priority: Priority; deps: string[] }
  | { op: 'status'; id: string; to: TaskStatus }
  | { op: 'progress'; id: string; value: number }
  | { op: 'title'; id: string; title: string }
  | { op: 'addDep'; id: string; dep: string }
  | { op: 'removeDep'; id: string; dep: string }
  | { op: 'delete'; id: string }
  /** SessionManager.createCheckpoint: the task states it captured are checked against the model. */
  | { op: 'checkpoint'; id: string; note: string }
  /** ContextManager.update: saves `version` with `summary` (also written into the context itself). */
  | { op: 'context'; version: number; summary: string }
  /**
   * Keeps a long soak from growing without bound: trims the task event log (not modelled) to its
   * last `keepEvents` and the checkpoints to the newest `keepCheckpoints`.
   */
  | { op: 'prune'; keepEvents: number; keepCheckpoints: number };

export type ChildLine =
  | {
      t: 'ready';
      openMs: number;
      recovery: string[];
      readOnly: boolean;
      readOnlyReason?: string;
      tasks: number;
      via: string;
    }
  | { t: 'begin'; n: number; op: CrashOp }
  | { t: 'ack'; n: number }
  | { t: 'fail'; n: number; error: string }
  | { t: 'error'; error: string };

/** How the child behaves; passed as its third argument (JSON). */
export interface ChildConfig {
  /** Compact after this many journal records (small, so kills land in compaction often). */
  compactAfterRecords: number;
  /** Above this many tasks the child deletes more than it creates. */
  maxTasks: number;
  /** Keep at most this many task events and checkpoints (a `prune` change trims older ones). */
  maxEvents: number;
  maxCheckpoints: number;
  /** Lock stale time for nodeLock (proper-lockfile's minimum is 2 s). */
  lockStaleMs: number;
}

export const defaultChildConfig: ChildConfig = {
  compactAfterRecords: 50,
  maxTasks: 600,
  maxEvents: 5000,
  maxCheckpoints: 30,
  lockStaleMs: 2000,
};

/** Derives the seed of iteration `i` from a run's seed. */
export function childSeed(seed: number, i: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0;
}
