// What the status bar and notifications say about sessions. No vscode import: unit-tested.
import type { Continuum } from '../core/continuum';
import type { Session } from '../core/sessions/model';
import { waitsOnlyForYou } from '../core/sessions/progress';
import { inert } from '../shared/text';

/** The session the status bar follows: the running one, else the one a resume would continue. */
export function activeSession(core: Pick<Continuum, 'sessions'>): Session | undefined {
  return core.sessions.list().find(s => s.status === 'running') ?? core.sessions.resumePoint();
}

export function sessionStatusText(core: Pick<Continuum, 'sessions' | 'store'> | undefined): {
  text: string;
  tooltip: string;
  /** What a screen reader says: the icons (spinning, paused, a person) in words. */
  label: string;
} {
  if (!core)
    return {
      text: '$(history) Continuum',
      tooltip: 'Continuum is opening its store…',
      label: 'Continuum is opening its store',
    };
  const session = activeSession(core);
  // a replica (another process holds the store) sends its writes there: it is not read-only to the person
  const readOnly = core.store.readOnly && !core.store.health().replica ? ' (read-only)' : '';
  if (!session)
    return {
      text: `$(history) Continuum${readOnly}`,
      tooltip: 'Continuum: no session. Click to open the Tasks view.',
      label: `Continuum${readOnly}: no session`,
    };
  const p = core.sessions.progress(session.id);
  // a running session that can do nothing until a person does a to-do says so: it does not spin. One
  // that a closed window left waiting (interrupted) still waits for you: nothing of it was cut off
  const waitsForPerson = (session.status === 'running' || session.status === 'interrupted') && waitsOnlyForYou(p);
  const icon = waitsForPerson
    ? '$(person)'
    : session.status === 'running'
      ? '$(sync~spin)'
      : session.status === 'paused'
        ? '$(debug-pause)'
        : '$(debug-disconnect)';
  const where = core.sessions.describeResume(session.id);
  // the pace of the work the run does, over what is left of it: to-dos wait for a person, whatever the pace
  const eta =
    session.status === 'running' && !waitsForPerson
      ? etaText(p.completed, p.runnableLeft, core.sessions.statistics(session.id).durationMs)
      : '';
  const forYou = p.waitingForYou
    ? ` · ${waitsForPerson ? '' : '$(person) '}${p.waitingForYou} wait${p.waitingForYou === 1 ? 's' : ''} for you`
    : '';
  const forYouTip = p.waitingForYou
    ? ` ${p.waitingForYou} to-do${p.waitingForYou === 1 ? ' waits' : 's wait'} for you: do ${p.waitingForYou === 1 ? 'it' : 'them'} and Mark Done in the Tasks view.`
    : '';
  const state = waitsForPerson ? 'waits for you' : `is ${session.status}`;
  return {
    label: `Continuum session ${state}: ${p.completed} of ${p.total} done${p.waitingForYou ? `, ${p.waitingForYou} waiting for you` : ''}${eta ? `, ${eta}` : ''}${readOnly}`,
    text: `${icon} ${p.completed}/${p.total}${forYou}${eta ? ` · ${eta}` : ''}${readOnly}`,
    tooltip: `Continuum session '${inert(session.name)}' ${waitsForPerson ? 'waits for you' : `is ${session.status}`}: ${where}.${forYouTip}${eta ? ` About ${eta.replace(/^ETA /, '')} left at the pace so far.` : ''} Click to open the Tasks view.`,
  };
}

/** The question asked on activation when a session was cut off. */
export function interruptedMessage(core: Pick<Continuum, 'sessions'>, session: Session): string {
  const p = core.sessions.progress(session.id);
  return `Continuum session '${inert(session.name, 60)}' was interrupted at ${p.completed}/${p.total} — Resume?`;
}

/** "ETA 4m" from the pace so far (done tasks over running time); empty before the first task is done or when nothing is left. */
export function etaText(done: number, remaining: number, runningMs: number): string {
  if (done <= 0 || remaining <= 0 || runningMs <= 0) return '';
  const ms = (runningMs / done) * remaining;
  const m = Math.round(ms / 60_000);
  return ms < 60_000
    ? `ETA ${Math.max(1, Math.round(ms / 1000))}s`
    : m < 60
      ? `ETA ${m}m`
      : `ETA ${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * What opening a window does about the session a process that went away left behind (interrupted):
 * one that was only waiting for a person's to-do continues, quietly, to wait for it (so Mark Done
 * moves it on, as before the reload); one whose work was cut off asks whether to resume.
 */
export function onOpening(core: Pick<Continuum, 'sessions'>, session: Session): 'continue' | 'ask' | undefined {
  if (session.status !== 'interrupted') return undefined;
  return waitsOnlyForYou(core.sessions.progress(session.id)) ? 'continue' : 'ask';
}
