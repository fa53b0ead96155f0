// Small shared facts about lm tasks in the window: the Choose Model command, and how many of a
// session's lm tasks still wait. No `vscode` import.
import type { Continuum } from '../../core/continuum';

export const chooseModelCommand = { id: 'continuum.chooseModel', title: 'Choose Model' } as const;

const unfinished = ['pending', 'running', 'blocked'];

/** The session's tasks not finished yet (pending, running or blocked). */
export function unfinishedTasks(core: Pick<Continuum, 'sessions' | 'tasks'>, sessionId: string): number {
  return (core.sessions.get(sessionId)?.taskIds ?? []).filter(id => {
    const status = core.tasks.get(id)?.status;
    return status !== undefined && unfinished.includes(status);
  }).length;
}

/** The session's lm tasks not finished yet (pending, running or blocked): what waits for a model. */
export function waitingLmTasks(core: Pick<Continuum, 'sessions' | 'tasks'>, sessionId: string): number {
  const session = core.sessions.get(sessionId);
  if (!session) return 0;
  let n = 0;
  for (const id of session.taskIds) {
    const task = core.tasks.get(id);
    if (task?.action?.kind === 'lm' && unfinished.includes(task.status)) n++;
  }
  return n;
}
