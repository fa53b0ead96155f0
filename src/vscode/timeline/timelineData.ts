// What the timeline shows, read from the core (no vscode).
import type { Continuum } from '../../core/continuum';
import type { TimelineDetail, TimelineEntry } from '../../shared/protocol';
import { fileActionWords, triggerLabel } from '../checkpoints/checkpointText';
import { activeSession } from '../sessionText';

const kindWords: Record<string, string> = { added: 'added', modified: 'changed', deleted: 'deleted', 'type-changed': 'changed type' };

/** The session the timeline follows: the running or resumable one, else the newest; undefined when there is none. */
export function timelineSession(core: Continuum) {
  return activeSession(core) ?? core.sessions.list()[0];
}

export function timelineEntries(core: Continuum): { title: string; entries: TimelineEntry[] } {
  const session = timelineSession(core);
  const checkpoints = core.sessions.listCheckpoints(session?.id);
  return {
    title: session ? `Checkpoints of session '${session.name}'` : 'Checkpoints',
    entries: checkpoints.map(c => {
      const files = core.files?.record(c.id);
      return {
        id: c.id, createdAt: c.createdAt, note: c.note, trigger: c.trigger, triggerLabel: triggerLabel(c.trigger),
        tasksDone: c.tasksDone, taskCount: c.taskCount,
        ...(files ? { filesChanged: files.filesChanged } : {}),
      };
    }),
  };
}

/** The checkpoint's tasks, each with its status now where that differs: what a restore would change. */
function tasksAt(core: Continuum, id: string): TimelineDetail['tasks'] {
  const state = core.sessions.checkpointState(id);
  return (state?.tasks ?? []).map(t => {
    const current = core.tasks.get(t.id);
    const now = current ? current.status : 'deleted';
    return { title: current?.title ?? `(deleted task ${t.id})`, status: t.status, ...(now !== t.status ? { now } : {}) };
  });
}

export async function checkpointDetail(core: Continuum, id: string): Promise<TimelineDetail> {
  const hasFiles = !!core.files?.record(id);
  const files = hasFiles && core.files ? await core.files.changedAt(id) : [];
  return { id, filesAre: 'checkpoint', hasFiles, files: files.map(f => ({ path: f.path, what: kindWords[f.kind] ?? f.kind })), tasks: tasksAt(core, id) };
}

export async function compareWithCurrent(core: Continuum, id: string): Promise<TimelineDetail> {
  const hasFiles = !!core.files?.record(id);
  const preview = hasFiles && core.files ? await core.files.previewRestore(id) : undefined;
  return {
    id, filesAre: 'current', hasFiles,
    files: (preview?.files ?? []).map(f => ({ path: f.path, what: `a restore: ${fileActionWords[f.action]}` })),
    tasks: tasksAt(core, id),
  };
}
