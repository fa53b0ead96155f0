// What the status bar and notifications say about sessions. No vscode import: unit-tested.
import type { Continuum } from '../core/continuum';
import type { Session } from '../core/sessions/model';
import { inert } from '../shared/text';

/** The session the status bar follows: the running one, else the one a resume would continue. */
export function activeSession(core: Pick<Continuum, 'sessions'>): Session | undefined {
  return core.sessions.list().find(s => s.status === 'running') ?? core.sessions.resumePoint();
}

export function sessionStatusText(core: Pick<Continuum, 'sessions' | 'store'> | undefined): { text: string; tooltip: string } {
  if (!core) return { text: '$(history) Continuum', tooltip: 'Continuum is opening its store…' };
  const session = activeSession(core);
  const readOnly = core.store.readOnly ? ' (read-only)' : '';
  if (!session) return { text: `$(history) Continuum${readOnly}`, tooltip: 'Continuum: no session. Click to open the Tasks view.' };
  const p = core.sessions.progress(session.id);
  const icon = session.status === 'running' ? '$(sync~spin)' : session.status === 'paused' ? '$(debug-pause)' : '$(debug-disconnect)';
  const where = core.sessions.describeResume(session.id);
  return {
    text: `${icon} ${p.completed}/${p.total}${readOnly}`,
    tooltip: `Continuum session '${inert(session.name)}' is ${session.status}: ${where}. Click to open the Tasks view.`,
  };
}

/** The question asked on activation when a session was cut off. */
export function interruptedMessage(core: Pick<Continuum, 'sessions'>, session: Session): string {
  const p = core.sessions.progress(session.id);
  return `Continuum session '${inert(session.name, 60)}' was interrupted at ${p.completed}/${p.total} — Resume?`;
}
