// continuum_checkpoint: saves a checkpoint (the task state, and the workspace files where this host
// snapshots them) with a note, or lists recent ones. Restoring stays with a person.
import { z } from 'zod/v4';
import { clip, isoTime, requireTrusted } from './common';
import type { AgentTool } from './tool';

const checkpointInput = z
  .object({
    action: z.enum(['create', 'list']).default('create'),
    note: z.string().max(2_000).optional().describe('what this checkpoint marks'),
    limit: z.number().int().min(1).max(50).optional().describe('how many to list (default 10)'),
  })
  .strict();

export interface CheckpointLine {
  id: string;
  createdAt: number;
  trigger: string;
  note: string;
  tasksDone: number;
  taskCount: number;
  files?: boolean;
}

export interface CheckpointAnswer {
  checkpoint?: CheckpointLine;
  checkpoints?: CheckpointLine[];
  message: string;
}

export const checkpointTool: AgentTool<typeof checkpointInput, CheckpointAnswer> = {
  name: 'continuum_checkpoint',
  title: 'Checkpoint',
  description:
    'Saves a checkpoint of the task state and workspace files with a note (before risky changes, at milestones), or lists recent ones (action list). Only a person restores.',
  input: checkpointInput,
  readOnly: false,
  readsOnly: input => input.action === 'list',
  destructive: false,
  lean: true,
  async run(ctx, input) {
    const { core } = ctx;
    if (input.action === 'list') {
      const list = core.sessions
        .listCheckpoints()
        .slice(0, input.limit ?? 10)
        .map(c => ({
          id: c.id,
          createdAt: c.createdAt,
          trigger: c.trigger,
          note: clip(c.note, 300),
          tasksDone: c.tasksDone,
          taskCount: c.taskCount,
          files: core.files?.record(c.id) !== undefined,
        }));
      const message = list.length
        ? `${list.length} most recent checkpoint(s); the newest is from ${isoTime(list[0].createdAt)}.`
        : 'No checkpoints yet.';
      return { structured: { checkpoints: list, message }, summary: message };
    }
    requireTrusted(ctx, 'save a checkpoint');
    const note = `${ctx.agent.name}: ${input.note ?? 'checkpoint'}`;
    const sessionId = core.sessions.list().find(s => s.status === 'running')?.id;
    const spec = { trigger: 'manual' as const, note, ...(sessionId ? { sessionId } : {}) };
    if (core.files) {
      const { checkpoint, files } = await core.files.createCheckpoint(spec, 'agent');
      const message = `Saved checkpoint ${checkpoint.id} with the task state and the workspace files (${files.filesChanged} changed since the previous one).`;
      return { structured: { checkpoint: { ...line(checkpoint), files: true }, message }, summary: message };
    }
    const checkpoint = await core.sessions.createCheckpoint(spec, 'agent');
    const message = `Saved checkpoint ${checkpoint.id} with the task state only: this host has no trusted workspace folder, so the files were not snapshotted.`;
    return { structured: { checkpoint: { ...line(checkpoint), files: false }, message }, summary: message };
  },
};

function line(c: {
  id: string;
  createdAt: number;
  trigger: string;
  note: string;
  tasksDone: number;
  taskCount: number;
}): CheckpointLine {
  return {
    id: c.id,
    createdAt: c.createdAt,
    trigger: c.trigger,
    note: c.note,
    tasksDone: c.tasksDone,
    taskCount: c.taskCount,
  };
}
