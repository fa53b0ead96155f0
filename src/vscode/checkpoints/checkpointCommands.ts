// Restore Checkpoint…: pick a checkpoint, look at what would change (each file opens as a diff),
// choose tasks and files / files only / tasks only, restore. The core saves a 'before-restore'
// checkpoint first, so every restore can itself be undone.
import type { Continuum } from '../../core/continuum';
import type { CheckpointRestorePreview } from '../../core/git/checkpointFiles';
import { explainGitFailure } from '../../core/git/gitError';
import type { Checkpoint } from '../../core/sessions/model';
import { inert, quoted } from '../../shared/text';
import type { CommandContext, Handler } from '../commands/context';
import { activeSession } from '../sessionText';
import { TimelinePanel } from '../timeline/timelinePanel';
import { openCheckpointDiff } from './checkpointDocuments';
import { checkpointLabel, fileActionWords, restoreModes, restoreSummary } from './checkpointText';

type PreviewChoice = { kind: 'continue' } | { kind: 'file'; path: string } | { kind: 'cancel' };

export async function pickCheckpoint(
  ctx: CommandContext,
  core: Continuum,
  arg: unknown,
  placeHolder: string,
): Promise<Checkpoint | undefined> {
  const all = core.sessions.listCheckpoints();
  if (typeof arg === 'string') {
    const found = all.find(c => c.id === arg);
    if (!found)
      throw new Error(
        `No checkpoint has the id '${arg}'. It may have been pruned; pick one from the checkpoint timeline.`,
      );
    return found;
  }
  if (!all.length) {
    void ctx
      .prompts()
      .notify(
        'info',
        'There are no checkpoints yet. Create one with "Continuum: Create Checkpoint"; running sessions also save them.',
      );
    return undefined;
  }
  const session = activeSession(core);
  const ordered = session
    ? [...all.filter(c => c.sessionId === session.id), ...all.filter(c => c.sessionId !== session.id)]
    : all;
  return ctx.prompts().pick(
    ordered.map(c => {
      const files = core.files?.record(c.id);
      return {
        label: checkpointLabel(c),
        description: inert(c.note, 80),
        detail: `${c.taskCount} tasks${files ? ` · ${files.filesChanged} files changed since the previous checkpoint` : ' · task state only'}`,
        value: c,
      };
    }),
    { placeHolder, matchOnDescription: true },
  );
}

/** Shows the preview until the user continues or cancels; a picked file opens as a diff. */
async function reviewPreview(
  ctx: CommandContext,
  core: Continuum,
  checkpoint: Checkpoint,
  preview: CheckpointRestorePreview,
): Promise<boolean> {
  const record = core.files?.record(checkpoint.id);
  const workTree = core.files ? await core.files.workTree() : undefined;
  for (;;) {
    const tasks = preview.state.tasks;
    const items = [
      {
        label: '$(check) Continue…',
        description: `${tasks.length} task${tasks.length === 1 ? '' : 's'} and ${preview.files?.filter(f => f.action !== 'keep').length ?? 0} files would change`,
        value: { kind: 'continue' } as PreviewChoice,
      },
      ...(preview.files ?? []).map(f => ({
        label: `$(${f.action === 'restore' ? 'history' : f.action === 'remove' ? 'trash' : 'lock'}) ${f.path}`,
        description: fileActionWords[f.action],
        ...(f.reason ? { detail: f.reason } : {}),
        value: { kind: 'file', path: f.path } as PreviewChoice,
      })),
      ...tasks.map(t => ({
        label: `$(tasklist) ${inert(t.title, 80)}`,
        description: `${t.from} → ${t.to}`,
        value: { kind: 'cancel' } as PreviewChoice,
      })),
    ];
    const choice = await ctx.prompts().pick(items, {
      placeHolder: `Restoring ${checkpointLabel(checkpoint)}: pick a file to see its diff, or Continue`,
    });
    if (!choice || choice.kind === 'cancel') return false;
    if (choice.kind === 'continue') return true;
    if (record && workTree) await openCheckpointDiff(workTree, record.commit, choice.path, 'checkpoint');
  }
}

const restoreCheckpoint: Handler = async (ctx, core, arg, modeArg) => {
  const checkpoint = await pickCheckpoint(ctx, core, arg, 'Which checkpoint should be restored?');
  if (!checkpoint) return undefined;
  if (!core.files) {
    void ctx
      .prompts()
      .notify(
        'info',
        'This window has no trusted workspace folder, so checkpoints hold the task state only; the restore writes back tasks and the session.',
      );
  }
  const preview: CheckpointRestorePreview = core.files
    ? await explainGitFailure(core.files.previewRestore(checkpoint.id), 'preview the restore')
    : { state: core.sessions.previewRestore(checkpoint.id) };
  if (!(await reviewPreview(ctx, core, checkpoint, preview))) return undefined;
  const modes = preview.files ? restoreModes : restoreModes.filter(m => m.mode === 'state');
  const mode =
    typeof modeArg === 'string' && modes.some(m => m.mode === modeArg)
      ? (modeArg as (typeof modes)[number]['mode'])
      : await ctx.prompts().pick(
          modes.map(m => ({ label: m.label, detail: m.detail, value: m.mode })),
          {
            placeHolder: 'What should be restored? The current tasks and files are saved as a checkpoint first.',
          },
        );
  if (!mode) return undefined;
  if (!core.files) {
    const result = await core.sessions.restoreCheckpoint(checkpoint.id, 'user');
    void ctx
      .prompts()
      .notify(
        'info',
        `Restored ${checkpointLabel(checkpoint)}: ${restoreSummary({ tasksChanged: result.changed })}. The state before is saved as a checkpoint.`,
      );
    return result;
  }
  const result = await explainGitFailure(
    core.files.restore(checkpoint.id, mode, 'user', preview.files ? { previewed: preview.files } : {}),
    'restore the checkpoint',
  );
  void ctx
    .prompts()
    .notify(
      'info',
      `Restored ${checkpointLabel(checkpoint)}${checkpoint.note ? ` (${quoted(checkpoint.note)})` : ''}: ${restoreSummary(result)}. What was there before is saved as a checkpoint — restore it to undo.`,
    );
  return result;
};

const createBranchAtCheckpoint: Handler = async (ctx, core, arg) => {
  if (!core.files)
    throw new Error(
      'Checkpoints in this window hold the task state only (no trusted workspace folder), so there is no commit to branch from.',
    );
  const checkpoint = await pickCheckpoint(ctx, core, arg, 'Which checkpoint should the new branch start from?');
  if (!checkpoint) return undefined;
  const name = (
    await ctx.prompts().input({
      prompt: 'Name of the new branch (created at the checkpoint, not checked out)',
      value: `continuum/checkpoint-${new Date(checkpoint.createdAt).toISOString().slice(0, 16).replace(/[T:]/g, '-')}`,
    })
  )?.trim();
  if (!name) return undefined;
  const commit = await core.files.createBranch(checkpoint.id, name);
  void ctx
    .prompts()
    .notify(
      'info',
      `Branch ${quoted(name)} created at ${commit.slice(0, 10)}. Your current branch and files are unchanged.`,
    );
  return { name, commit };
};

const showCheckpointTimeline: Handler = async ctx => {
  await TimelinePanel.show(ctx.host);
  return undefined;
};

export const checkpointCommands: Record<string, Handler> = {
  'continuum.restoreCheckpoint': restoreCheckpoint,
  'continuum.createBranchAtCheckpoint': createBranchAtCheckpoint,
  'continuum.showCheckpointTimeline': showCheckpointTimeline,
};
