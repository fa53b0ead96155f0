// A session's progress, computed from its tasks. Pure: the session manager reads the rows.

import type { SessionStatus } from './model';

export interface ProgressTask {
  id: string;
  title: string;
  status: string;
  /** 0 critical … 3 low. */
  priority: number;
  deadline: number | null;
  seq: number;
  /** How many of its dependencies are not done (they may lie outside the session). */
  unfinishedDeps: number;
  /** 1 (or true) for a to-do: a task without an action, or a manual one, which a person does and marks done. */
  forPerson?: number | boolean;
}

export interface TaskRef {
  id: string;
  title: string;
}

export interface SessionProgress {
  /** Tasks done. */
  completed: number;
  total: number;
  failed: number;
  /** Skipped or cancelled: they will not run. */
  skipped: number;
  running: number;
  pending: number;
  blocked: number;
  /** The task the session is working on. */
  currentTask?: TaskRef;
  /** The first ready task: pending with every dependency done, in the ready order; one the run can do before a to-do. */
  nextTask?: TaskRef;
  /**
   * To-dos a person can do now: pending with every dependency done, or a manual task the run has
   * started and waits on until a person marks it done. The run waits for them.
   */
  waitingForYou: number;
  /** Unfinished tasks the run can do itself (not to-dos): what an ETA counts. */
  runnableLeft: number;
  /** Of those, the ones it can work on now: running, or pending with every dependency done. */
  runnableNow: number;
}

const finished = new Set(['done', 'skipped', 'cancelled']);

/** The ready order: priority (0 critical first), then deadline (none last), then creation. */
export function compareReadyOrder(a: ProgressTask, b: ProgressTask): number {
  return (
    a.priority - b.priority ||
    (a.deadline ?? Number.MAX_SAFE_INTEGER) - (b.deadline ?? Number.MAX_SAFE_INTEGER) ||
    a.seq - b.seq
  );
}

export function computeProgress(tasks: readonly ProgressTask[], currentTaskId?: string): SessionProgress {
  const count = (...statuses: string[]) => tasks.filter(t => statuses.includes(t.status)).length;
  const ordered = [...tasks].sort(compareReadyOrder);
  const current =
    tasks.find(t => t.id === currentTaskId && !finished.has(t.status)) ?? ordered.find(t => t.status === 'running');
  const ready = ordered.filter(t => t.status === 'pending' && t.unfinishedDeps === 0);
  const next = ready.find(t => !t.forPerson) ?? ready[0];
  return {
    completed: count('done'),
    total: tasks.length,
    failed: count('failed'),
    skipped: count('skipped', 'cancelled'),
    running: count('running'),
    pending: count('pending'),
    blocked: count('blocked'),
    waitingForYou: tasks.filter(
      t => t.forPerson && (t.status === 'running' || (t.status === 'pending' && t.unfinishedDeps === 0)),
    ).length,
    runnableLeft: tasks.filter(t => !t.forPerson && !finished.has(t.status)).length,
    runnableNow: tasks.filter(
      t => !t.forPerson && (t.status === 'running' || (t.status === 'pending' && t.unfinishedDeps === 0)),
    ).length,
    ...(current ? { currentTask: ref(current) } : {}),
    ...(next ? { nextTask: ref(next) } : {}),
  };
}

function ref(task: ProgressTask): TaskRef {
  return { id: task.id, title: task.title };
}

/** One line for the user: "12 of 50 done — continues at 'Create login page'". Plain text. */
export function describeResume(progress: SessionProgress): string {
  const { completed, total, failed, skipped } = progress;
  if (total === 0) return 'This session has no tasks.';
  if (completed + skipped === total) {
    return skipped
      ? `All ${total} tasks finished (${completed} done, ${skipped} skipped).`
      : `All ${total} tasks done.`;
  }
  const done = `${completed} of ${total} done`;
  const at = progress.currentTask ?? progress.nextTask;
  if (at) return `${done} — continues at '${shorten(at.title)}'`;
  const reasons: string[] = [];
  if (failed) reasons.push(`${failed} failed (retry or skip ${failed === 1 ? 'it' : 'them'})`);
  const waiting = progress.pending + progress.blocked;
  if (waiting) reasons.push(`${waiting} waiting on dependencies or blocked`);
  return `${done} — nothing is ready to run${reasons.length ? `: ${reasons.join(', ')}` : ''}`;
}

function shorten(title: string, max = 80): string {
  const flat = title.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Only a person can move the session on: nothing the run does itself can go on now, and a to-do
 * waits. A session like this that a closed window left behind lost nothing; it still waits for you.
 */
export function waitsOnlyForYou(p: Pick<SessionProgress, 'runnableNow' | 'waitingForYou'>): boolean {
  return p.runnableNow === 0 && p.waitingForYou > 0;
}

/**
 * A session's state in a person's words, for a terminal: one that only waits for a to-do "waits for
 * you", whether its window is open (running) or was closed (interrupted: nothing of it was cut off).
 */
export function sessionStateText(
  status: SessionStatus,
  p: Pick<SessionProgress, 'runnableNow' | 'waitingForYou'>,
): string {
  if ((status === 'running' || status === 'interrupted') && waitsOnlyForYou(p)) {
    const n = p.waitingForYou;
    return `waits for you (${n} to-do${n === 1 ? '' : 's'}: do ${n === 1 ? 'it' : 'them'}, then Mark Done in VS Code)`;
  }
  return status;
}
