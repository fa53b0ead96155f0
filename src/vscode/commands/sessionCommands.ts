import { inert, quoted } from '../../shared/text';
import { activeSession } from '../sessionText';
import type { Handler } from './context';

const startSession: Handler = async (ctx, core, arg) => {
  const running = core.sessions.list().find(s => s.status === 'running');
  if (running) {
    await ctx.prompts().notify('info', `Session ${quoted(running.name)} is already running. Pause it before starting another.`);
    return running;
  }
  const unfinished = core.tasks.list().filter(t => !['done', 'skipped', 'cancelled'].includes(t.status));
  if (!unfinished.length) {
    await ctx.prompts().notify('info', 'There are no unfinished tasks to work on. Add a task or import a plan first.', 'Import Plan…');
    return undefined;
  }
  const scopes = [
    { label: `All unfinished tasks`, description: String(unfinished.length), value: unfinished.map(t => t.id) },
    ...core.tasks.phases().map(p => {
      const ids = unfinished.filter(t => t.phaseId === p.id).map(t => t.id);
      return { label: `Phase: ${p.title}`, description: String(ids.length), value: ids };
    }).filter(s => s.value.length),
  ];
  const taskIds = Array.isArray(arg) ? (arg as string[]) : scopes.length === 1 ? scopes[0].value : await ctx.prompts().pick(scopes, { placeHolder: 'Which tasks should this session work on?' });
  if (!taskIds?.length) return undefined;
  const name = `Session ${new Date(core.clock.now()).toLocaleString()}`;
  const session = await core.sessions.create({ name, taskIds });
  await core.sessions.start(session.id);
  ctx.runtime.running(core, session.id);
  return core.sessions.get(session.id);
};

const pauseSession: Handler = async (ctx, core) => {
  const running = core.sessions.list().find(s => s.status === 'running');
  if (!running) {
    await ctx.prompts().notify('info', 'No session is running.');
    return undefined;
  }
  ctx.runtime.stopped(running.id);
  return core.sessions.pause(running.id, 'paused by the user');
};

const resumeSession: Handler = async (ctx, core, arg) => {
  const resumable = core.sessions.list().filter(s => s.status === 'paused' || s.status === 'interrupted');
  if (!resumable.length) {
    await ctx.prompts().notify('info', 'There is no paused or interrupted session to resume.');
    return undefined;
  }
  const point = core.sessions.resumePoint();
  const ordered = point ? [point, ...resumable.filter(s => s.id !== point.id)] : resumable;
  const id = typeof arg === 'string' ? arg : await ctx.prompts().pick(ordered.map(s => ({
    label: s.name,
    description: s.status,
    detail: core.sessions.describeResume(s.id),
    value: s.id,
  })), { placeHolder: 'Which session should continue?' });
  if (!id) return undefined;
  const session = await core.sessions.resume(id);
  ctx.runtime.running(core, session.id);
  return session;
};

const createCheckpoint: Handler = async (ctx, core) => {
  const session = activeSession(core);
  const note = await ctx.prompts().input({ prompt: 'A note for this checkpoint (optional)', placeHolder: 'e.g. before refactoring the parser' });
  if (note === undefined) return undefined;
  const checkpoint = await core.sessions.createCheckpoint({ sessionId: session?.id, trigger: 'manual', note });
  void ctx.prompts().notify('info', `Checkpoint saved${session ? ` for session ${quoted(session.name)}` : ''}${note ? `: ${inert(note)}` : ''}.`);
  return checkpoint;
};

export const sessionCommands: Record<string, Handler> = {
  'continuum.startSession': startSession,
  'continuum.pauseSession': pauseSession,
  'continuum.resumeSession': resumeSession,
  'continuum.createCheckpoint': createCheckpoint,
};
