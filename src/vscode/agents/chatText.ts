// What @continuum writes in chat for /status and /next, as markdown with every stored string escaped.
// No vscode import: unit-tested.
import type { Continuum } from '../../core/continuum';
import type { Task } from '../../core/tasks/model';
import { activeSession } from '../sessionText';
import { mdText } from '../../core/agents/markdown';

export function statusMarkdown(core: Pick<Continuum, 'tasks' | 'sessions' | 'store'>): string {
  const stats = core.tasks.statistics();
  const session = activeSession(core);
  const counts =
    Object.entries(stats.counts)
      .filter(([, n]) => n)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ') || 'none';
  const running = core.tasks.list().filter(t => t.status === 'running');
  const next = core.tasks.readyTasks(3);
  const health = core.store.health();
  return [
    `**${stats.counts.done}/${stats.total} tasks done** (${stats.completionPercent}%): ${counts}.`,
    '',
    session
      ? `Session **${mdText(session.name, 80)}** is ${session.status}: ${mdText(core.sessions.describeResume(session.id), 300)}.`
      : 'No session is running.',
    ...(running.length ? ['', '**In progress:**', ...running.slice(0, 5).map(taskLine)] : []),
    ...(next.length ? ['', '**Ready next:**', ...next.map(taskLine)] : ['', 'No task is ready.']),
    ...(health.readOnly ? ['', `Read-only here: ${mdText(health.readOnlyReason ?? '', 300)}`] : []),
  ].join('\n');
}

export function taskLine(task: Task): string {
  return `- ${mdText(task.title, 120)} (${task.priority}${task.progress ? `, ${task.progress}%` : ''})`;
}

export function nextTaskMarkdown(task: Task | undefined): string {
  if (!task) return 'No task is ready: every task is done, running, or waiting for another.';
  const description = task.description.trim();
  return [
    `**Next:** ${mdText(task.title, 160)} (${task.priority} priority${task.dependsOn.length ? `, after ${task.dependsOn.length} finished task(s)` : ''})`,
    ...(description ? ['', mdText(description, 1000)] : []),
    ...(task.action?.verify ? ['', `Done when \`verify\` passes: ${mdText(task.action.verify, 200)}`] : []),
  ].join('\n');
}
