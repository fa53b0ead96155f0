// What the timeline shows, read from the core (no vscode).
import type { Continuum } from '../../core/continuum';
import { explainGitFailure } from '../../core/git/gitError';
import type { TimelineDetail, TimelineEntry } from '../../shared/protocol';
import { fileActionWords, triggerLabel } from '../checkpoints/checkpointText';
import { activeSession } from '../sessionText';

const kindWords: Record<string, string> = {
  added: 'added',
  modified: 'changed',
  deleted: 'deleted',
  'type-changed': 'changed type',
};

/**
 * The timeline follows the running or resumable session's checkpoints. With none, it shows every
 * checkpoint: one created after its session completed belongs to no session (Create Checkpoint
 * names only a running or resumable one), and following the newest session left it out.
 */
export function timelineEntries(core: Continuum): { title: string; entries: TimelineEntry[] } {
  const session = activeSession(core);
  const checkpoints = core.sessions.listCheckpoints(session?.id);
  return {
    title: session ? `Checkpoints of session '${session.name}'` : 'Checkpoints',
    entries: checkpoints.map(c => {
      const files = core.files?.record(c.id);
      return {
        id: c.id,
        createdAt: c.createdAt,
        note: c.note,
        trigger: c.trigger,
        triggerLabel: triggerLabel(c.trigger),
        tasksDone: c.tasksDone,
        taskCount: c.taskCount,
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
    return {
      title: current?.title ?? `(deleted task ${t.id})`,
      status: t.status,
      ...(now !== t.status ? { now } : {}),
    };
  });
}

export async function checkpointDetail(core: Continuum, id: string): Promise<TimelineDetail> {
  const hasFiles = !!core.files?.record(id);
  const files =
    hasFiles && core.files
      ? await explainGitFailure(core.files.changedAt(id), 'show the files of this checkpoint')
      : [];
  return {
    id,
    filesAre: 'checkpoint',
    hasFiles,
    files: files.map(f => ({ path: f.path, what: kindWords[f.kind] ?? f.kind })),
    tasks: tasksAt(core, id),
  };
}

export async function compareWithCurrent(core: Continuum, id: string): Promise<TimelineDetail> {
  const hasFiles = !!core.files?.record(id);
  const preview =
    hasFiles && core.files
      ? await explainGitFailure(core.files.previewRestore(id), 'compare this checkpoint with the files now')
      : undefined;
  return {
    id,
    filesAre: 'current',
    hasFiles,
    files: (preview?.files ?? []).map(f => ({ path: f.path, what: `a restore: ${fileActionWords[f.action]}` })),
    tasks: tasksAt(core, id),
  };
}
