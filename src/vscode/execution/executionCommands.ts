// The executor's own commands: the task log, Mark Failed, Cancel Session and the session details.
import * as vscode from 'vscode';
import { describeTracks } from '../../core/execution/tracks';
import { formatDuration } from '../../core/execution/summary';
import { inert, quoted } from '../../shared/text';
import { activeSession } from '../sessionText';
import { taskFromArg, type Handler } from '../commands/context';

const showTaskLog: Handler = async (ctx, core, arg) => {
  const task = await taskFromArg(ctx, core, arg, 'Whose log do you want to see?', t => t.action !== undefined);
  if (!task) return undefined;
  const log = ctx.runtime.for(core).taskLog(task.id);
  const uri = vscode.Uri.file(log.location);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void ctx.prompts().notify('info', `${quoted(task.title)} has no log yet: it has not run.`);
    return undefined;
  }
  await vscode.window.showTextDocument(uri, { preview: true });
  return log.location;
};

const markFailed: Handler = async (ctx, core, arg) => {
  const task = await taskFromArg(ctx, core, arg, 'Which task failed?', t =>
    ['pending', 'running', 'blocked'].includes(t.status),
  );
  if (!task) return undefined;
  if (ctx.runtime.for(core).personDecided(task.id, 'failed')) return core.tasks.get(task.id);
  return core.tasks.setStatus(task.id, 'failed', 'user', { error: 'Marked failed by a person' });
};

const cancelSession: Handler = async (ctx, core) => {
  const session = core.sessions
    .list()
    .find(s => s.status === 'running' || s.status === 'paused' || s.status === 'interrupted');
  if (!session) {
    void ctx.prompts().notify('info', 'There is no session to cancel.');
    return undefined;
  }
  const choice = await ctx
    .prompts()
    .notify(
      'warning',
      `Cancel session ${quoted(session.name)}? Running tasks are stopped and the session ends; its tasks stay as they are.`,
      'Cancel Session',
    );
  if (choice !== 'Cancel Session') return undefined;
  const run = ctx.runtime.current(session.id);
  if (run) return run.cancel();
  // running in another window (this one is its client): cancelled there
  if (session.status === 'running' && (await ctx.host.controlSession({ sessionId: session.id, action: 'cancel' })).done)
    return undefined;
  const held = await ctx.host.holdFor('Cancel Session');
  return ctx.host.whileHolding('Cancel Session', () => held.sessions.fail(session.id, 'Cancelled by the user'));
};

const showSessionDetails: Handler = async (ctx, core) => {
  const session = activeSession(core) ?? core.sessions.list()[0];
  if (!session) {
    void ctx.prompts().notify('info', 'There is no session yet. Start one with Continuum: Start Session.');
    return undefined;
  }
  const executor = ctx.runtime.for(core);
  const p = core.sessions.progress(session.id);
  const stats = core.sessions.statistics(session.id);
  const run = executor.current(session.id);
  const lines = [
    `Session '${inert(session.name)}' — ${session.status}`,
    `${p.completed} of ${p.total} done, ${p.failed} failed, ${p.skipped} skipped, ${p.running} running; running time ${formatDuration(stats.durationMs)}`,
    core.sessions.describeResume(session.id),
    `Tracks: ${describeTracks(executor.tracks(session.id))}`,
    `Circuits: ${executor
      .circuits()
      .map(c => `${c.kind} ${c.state}`)
      .join(', ')}`,
    run
      ? `Running here now: ${run.running.map(id => `'${inert(core.tasks.get(id)?.title ?? id, 60)}'`).join(', ') || 'nothing (waiting)'}`
      : 'Not running in this window.',
  ];
  for (const line of lines) ctx.output.info(line);
  ctx.output.show(true);
  return { session, tracks: executor.tracks(session.id), lines };
};

export const executionCommands: Record<string, Handler> = {
  'continuum.showTaskLog': showTaskLog,
  'continuum.task.markFailed': markFailed,
  'continuum.cancelSession': cancelSession,
  'continuum.showSessionDetails': showSessionDetails,
};
