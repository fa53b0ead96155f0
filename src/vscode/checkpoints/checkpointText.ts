// Words for checkpoints in pickers, notifications and the timeline (pure: unit-testable).
import type { FileRestoreItem } from '../../core/git/workspaceSnapshots';
import type { RestoreMode } from '../../core/git/checkpointFiles';
import type { Checkpoint } from '../../core/sessions/model';

const triggerWords: Record<Checkpoint['trigger'], string> = {
  manual: 'manual',
  'every-n-tasks': 'auto',
  pause: 'pause',
  'before-risky-action': 'before a risky action',
  'before-restore': 'before a restore',
  'before-lm-task': 'before a language-model task',
};

export function triggerLabel(trigger: Checkpoint['trigger']): string {
  return triggerWords[trigger] ?? trigger;
}

export function checkpointLabel(c: Checkpoint): string {
  return `${new Date(c.createdAt).toLocaleString()} · ${triggerLabel(c.trigger)}`;
}

export const fileActionWords: Record<FileRestoreItem['action'], string> = {
  restore: 'written back',
  remove: 'removed (created after the checkpoint)',
  keep: 'kept',
};

export const restoreModes: ReadonlyArray<{ mode: RestoreMode; label: string; detail: string }> = [
  { mode: 'both', label: 'Tasks and files', detail: 'Write back the task state and the workspace files.' },
  { mode: 'files', label: 'Files only', detail: 'Write back the workspace files; tasks stay as they are.' },
  { mode: 'state', label: 'Tasks only', detail: 'Write back the task and session state; files stay as they are.' },
];

export function restoreSummary(result: {
  tasksChanged: number;
  files?: { written: string[]; removed: string[]; kept: FileRestoreItem[] };
  notes?: string[];
}): string {
  const parts = [`${result.tasksChanged} task${result.tasksChanged === 1 ? '' : 's'} written back`];
  if (result.files) {
    parts.push(`${result.files.written.length} file${result.files.written.length === 1 ? '' : 's'} written back`);
    if (result.files.removed.length) parts.push(`${result.files.removed.length} removed`);
    if (result.files.kept.length) parts.push(`${result.files.kept.length} left alone`);
  }
  return [parts.join(', '), ...(result.notes ?? [])].join('. ');
}
