import * as vscode from 'vscode';
import { inert, quoted } from '../../shared/text';
import { activeSession } from '../sessionText';
import type { Handler } from './context';

const startSession: Handler = async (ctx, core, arg) => {
  const running = core.sessions.list().find(s => s.status === 'running');
  if (running) {
    void ctx
      .prompts()
      .notify('info', `Session ${quoted(running.name)} is already running. Pause it before starting another.`);
    return running;
  }
  const unfinished = core.tasks.list().filter(t => !['done', 'skipped', 'cancelled'].includes(t.status));
  if (!unfinished.length) {
    // the flow ends here; the button, when pressed, opens the import
    void ctx
      .prompts()
      .notify('info', 'There are no unfinished tasks to work on. Add a task or import a plan first.', 'Import Plan…')
      .then(choice => choice && vscode.commands.executeCommand('continuum.importPlan'));
    return undefined;
  }
  const scopes = [
    { label: `All unfinished tasks`, description: String(unfinished.length), value: unfinished.map(t => t.id) },
    ...core.tasks
      .phases()
      .map(p => {
        const ids = unfinished.filter(t => t.phaseId === p.id).map(t => t.id);
        return { label: `Phase: ${p.title}`, description: String(ids.length), value: ids };
      })
      .filter(s => s.value.length),
  ];
  const taskIds = Array.isArray(arg)
    ? (arg as string[])
    : scopes.length === 1
      ? scopes[0].value
      : await ctx.prompts().pick(scopes, { placeHolder: 'Which tasks should this session work on?' });
  if (!taskIds?.length) return undefined;
  await ctx.runtime.for(core).prepare(taskIds); // trust and plan confirmations before anything is created
  const name = `Session ${new Date(core.clock.now()).toLocaleString()}`;
  const session = await core.sessions.create({ name, taskIds });
  await ctx.runtime.run(core, session.id);
  return core.sessions.get(session.id);
};

/**
 * Argument 'stop' stops at once, 'pause' lets running tasks finish; without one, asks when tasks are
 * running. A session running in another window (this one is its client) is paused there.
 */
const pauseSession: Handler = async (ctx, core, arg) => {
  const running = core.sessions.list().find(s => s.status === 'running');
  if (!running) {
    void ctx.prompts().notify('info', 'No session is running.');
    return undefined;
  }
  const run = ctx.runtime.current(running.id);
  const tasksRunning = run
    ? run.running.length
    : core.sessions.get(running.id)!.taskIds.filter(id => core.tasks.get(id)?.status === 'running').length;
  const how =
    tasksRunning && typeof arg !== 'string'
      ? await ctx.prompts().pick(
          [
            {
              label: 'Pause after the running tasks finish',
              description: `${tasksRunning} running`,
              value: 'pause' as const,
            },
            {
              label: 'Stop now',
              description: 'cancel them and kill their processes; they run again on resume',
              value: 'stop' as const,
            },
          ],
          { placeHolder: `Pause session ${quoted(running.name)}` },
        )
      : arg === 'stop'
        ? 'stop'
        : 'pause';
  if (!how) return undefined;
  if (run) await (how === 'stop' ? run.stopNow() : run.pause());
  else if (!(await ctx.host.controlSession({ sessionId: running.id, action: how })).done) {
    // no process runs it (a window closed or crashed while it ran): this window records the pause
    const held = await ctx.host.holdFor('Pause Session');
    await ctx.host.whileHolding('Pause Session', () => held.sessions.pause(running.id, 'paused by the user'));
    return held.sessions.get(running.id);
  }
  return (await ctx.host.open()).sessions.get(running.id);
};

const resumeSession: Handler = async (ctx, core, arg) => {
  const resumable = core.sessions.list().filter(s => s.status === 'paused' || s.status === 'interrupted');
  if (!resumable.length) {
    void ctx.prompts().notify('info', 'There is no paused or interrupted session to resume.');
    return undefined;
  }
  const point = core.sessions.resumePoint();
  const ordered = point ? [point, ...resumable.filter(s => s.id !== point.id)] : resumable;
  const id =
    typeof arg === 'string'
      ? arg
      : await ctx.prompts().pick(
          ordered.map(s => ({
            label: s.name,
            description: s.status,
            detail: core.sessions.describeResume(s.id),
            value: s.id,
          })),
          { placeHolder: 'Which session should continue?' },
        );
  if (!id) return undefined;
  await ctx.runtime.run(core, id); // resumes: completed tasks and steps are skipped
  return core.sessions.get(id);
};

const createCheckpoint: Handler = async (ctx, core) => {
  const session = activeSession(core);
  const note = await ctx
    .prompts()
    .input({ prompt: 'A note for this checkpoint (optional)', placeHolder: 'e.g. before refactoring the parser' });
  if (note === undefined) return undefined;
  const checkpoint = await core.sessions.createCheckpoint({ sessionId: session?.id, trigger: 'manual', note });
  // The files half is taken as the checkpoint is saved (core/git); wait for it to say what it holds.
  const files = await core.files?.filesFor(checkpoint.id);
  const what = files ? `tasks and files (${files.filesChanged} changed since the previous snapshot)` : 'task state';
  void ctx
    .prompts()
    .notify(
      'info',
      `Checkpoint saved${session ? ` for session ${quoted(session.name)}` : ''} with its ${what}${note ? `: ${inert(note)}` : ''}.`,
    );
  return checkpoint;
};

export const sessionCommands: Record<string, Handler> = {
  'continuum.startSession': startSession,
  'continuum.pauseSession': pauseSession,
  'continuum.resumeSession': resumeSession,
  'continuum.createCheckpoint': createCheckpoint,
};
