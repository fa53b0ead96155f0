// Which session status may follow which. Pure; the session manager checks every change here.
import { SessionError, type SessionStatus } from './model';

export const sessionTransitions: Readonly<Record<SessionStatus, readonly SessionStatus[]>> = {
  created: ['running', 'failed'],
  running: ['paused', 'interrupted', 'failed', 'completed'],
  paused: ['running', 'failed', 'completed'],
  interrupted: ['running', 'paused', 'failed', 'completed'],
  failed: [],
  completed: [],
};

export function canTransition(from: SessionStatus, to: SessionStatus): boolean {
  return sessionTransitions[from].includes(to);
}

export class SessionTransitionError extends SessionError {
  constructor(
    readonly from: SessionStatus,
    readonly to: SessionStatus,
    message: string,
  ) {
    super(message);
    this.name = 'SessionTransitionError';
  }
}

/** Throws a SessionTransitionError naming both statuses and what to do instead, unless `from → to` is allowed. */
export function assertTransition(from: SessionStatus, to: SessionStatus, session = 'The session'): void {
  if (canTransition(from, to)) return;
  throw new SessionTransitionError(from, to, `${session} cannot go from ${from} to ${to}: ${instead(from, to)}`);
}

function instead(from: SessionStatus, to: SessionStatus): string {
  if (from === to) return `it is already ${from}.`;
  if (from === 'completed' || from === 'failed') {
    return `a ${from} session has ended. Start a new session for the remaining tasks, or restore a checkpoint taken before it ended.`;
  }
  switch (to) {
    case 'running':
      return 'only a created session can be started, and only a paused or interrupted one resumed.';
    case 'paused':
      return from === 'created'
        ? 'it has not started yet; start it first.'
        : 'only a running or interrupted session can be paused.';
    case 'interrupted':
      return 'only a running session can be interrupted.';
    case 'completed':
      return 'start it first; a session that never ran cannot be completed.';
    default:
      return 'that change is not allowed.';
  }
}

/** Start and resume both lead to running, but each only from its own statuses. */
const commandSources = {
  start: ['created'],
  resume: ['paused', 'interrupted'],
} as const satisfies Record<string, readonly SessionStatus[]>;

export type SessionCommand = keyof typeof commandSources;

/** Throws a SessionTransitionError unless `command` may be used on a session in status `from`. */
export function assertCommand(command: SessionCommand, from: SessionStatus, session = 'The session'): void {
  const sources: readonly SessionStatus[] = commandSources[command];
  if (sources.includes(from)) return;
  if (command === 'resume' && from === 'created') {
    throw new SessionTransitionError(
      from,
      'running',
      `${session} cannot be resumed from created: it has never run; start it instead.`,
    );
  }
  if (command === 'start' && (from === 'paused' || from === 'interrupted')) {
    throw new SessionTransitionError(
      from,
      'running',
      `${session} cannot be started again from ${from}: resume it instead.`,
    );
  }
  assertTransition(from, 'running', session);
  throw new SessionTransitionError(
    from,
    'running',
    `${session} cannot be ${command === 'start' ? 'started' : 'resumed'} from ${from}.`,
  );
}
