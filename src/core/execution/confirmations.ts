// Commands that did not come from this person in this workspace — an imported plan's, an imported
// state file's, an agent's — run only after the person confirmed them, once per source: the
// confirmation is kept in the store with a hash of the commands, so a re-import that changes the
// commands asks again. A plan's tasks are known by their key; other sources mark the task's
// `origin` when they write it (state import, an agent's createMany).
import { createHash } from 'crypto';
import type { Task } from '../tasks/model';
import { phaseSourceOf, recordedOriginOf } from '../tasks/taskRecords';
import { actionFor } from './actions/index';
import type { StoreReader, StoreWriter } from '../store/types';

export interface PlanCommands {
  /** The plan file the tasks came from ("PLAN.md"). */
  plan: string;
  commands: string[];
  hash: string;
}

/**
 * The plans whose commands must be confirmed before `tasks` (a session's scope) run: those with a
 * task still to run. Each plan's commands are those of all its tasks in the scope, finished or not,
 * so a task finishing, or a checkpoint restore bringing one back, does not change what was
 * confirmed; only a command that is new or changed does (issue: asked again after a restore).
 */
export function plansToConfirm(tasks: readonly Task[], planOf: (t: Task) => string | undefined): PlanCommands[] {
  const toRun = new Set(
    tasks
      .filter(t => !finished.has(t.status))
      .map(planOf)
      .filter(p => p !== undefined),
  );
  return planCommands(
    tasks.filter(t => toRun.has(planOf(t) ?? '')),
    planOf,
  ).filter(p => toRun.has(p.plan));
}

const finished = new Set<string>(['done', 'skipped', 'cancelled']);

/** What each plan in `tasks` would run, in words a person reads. Tasks made by hand need no confirmation. */
export function planCommands(tasks: readonly Task[], planOf: (t: Task) => string | undefined): PlanCommands[] {
  const byPlan = new Map<string, Set<string>>();
  for (const t of tasks) {
    const plan = planOf(t);
    if (!plan || !t.action) continue;
    const lines = commandsOf(t);
    if (!lines.length) continue;
    const set = byPlan.get(plan) ?? new Set<string>();
    for (const l of lines) set.add(l);
    byPlan.set(plan, set);
  }
  return [...byPlan].map(([plan, set]) => {
    const commands = [...set].sort();
    return { plan, commands, hash: createHash('sha256').update(commands.join('\n')).digest('hex') };
  });
}

function commandsOf(t: Task): string[] {
  const a = t.action!;
  const run = actionFor(a).commands(a);
  return a.verify ? [...run, `verify: ${a.verify}`] : run;
}

/**
 * Where a task's commands came from when not from this person here: its recorded origin (a state
 * file, an agent), else the plan it was imported from (its phase's source, else the part of its key
 * before '#'). Undefined for a task made here by hand.
 */
export function planOfTask(r: StoreReader, t: Task): string | undefined {
  const origin = recordedOriginOf(r, t.id);
  if (origin) return origin;
  if (!t.key) return undefined;
  if (t.phaseId) {
    const source = phaseSourceOf(r, t.phaseId);
    if (source) return source;
  }
  const hash = t.key.indexOf('#');
  return hash > 0 ? t.key.slice(0, hash) : t.key;
}

export function isConfirmed(r: StoreReader, p: PlanCommands): boolean {
  return (
    r.get<{ h: string }>('SELECT commands_hash AS h FROM plan_confirmations WHERE source = ?', [p.plan])?.h === p.hash
  );
}

export function recordConfirmation(w: StoreWriter, p: PlanCommands, at: number): void {
  w.run(
    `INSERT INTO plan_confirmations (source, commands_hash, confirmed_at, actor) VALUES (?, ?, ?, 'user')
    ON CONFLICT(source) DO UPDATE SET commands_hash = excluded.commands_hash, confirmed_at = excluded.confirmed_at`,
    [p.plan, p.hash, at],
  );
}
