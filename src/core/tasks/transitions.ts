import type { TaskStatus } from './model';

/**
 * Which status changes make sense. `done` is final except through an explicit reopen (to
 * `pending`); the executor never moves a done task, which is what "no repeated work" rests on.
 */
const allowed: Record<TaskStatus, readonly TaskStatus[]> = {
  pending: ['running', 'done', 'failed', 'blocked', 'skipped', 'cancelled'],
  running: ['pending', 'done', 'failed', 'blocked', 'skipped', 'cancelled'],
  blocked: ['pending', 'running', 'done', 'failed', 'skipped', 'cancelled'],
  failed: ['pending', 'running', 'done', 'skipped', 'cancelled'],
  skipped: ['pending', 'done', 'cancelled'],
  cancelled: ['pending'],
  done: ['pending'],
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return from === to || allowed[from].includes(to);
}

/** Why a change is refused, in words that say what to do instead; undefined when allowed. */
export function transitionProblem(title: string, from: TaskStatus, to: TaskStatus): string | undefined {
  if (canTransition(from, to)) return undefined;
  const hint =
    from === 'done'
      ? 'Reopen it first (set it back to pending) if it really must run again.'
      : from === 'cancelled'
        ? 'Reopen it first (set it back to pending).'
        : `From ${from} it can go to: ${allowed[from].join(', ')}.`;
  return `Task '${title}' is ${from} and cannot become ${to}. ${hint}`;
}
