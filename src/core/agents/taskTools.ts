// The full set's task readers: the tasks with their status and who holds them, and one task with
// everything an agent needs to work on it.
import { z } from 'zod/v4';
import { taskStatuses } from '../tasks/model';
import { requireTask, taskLine, type TaskLine } from './common';
import { taskWork, taskWorkText, type TaskWork } from './taskWork';
import type { AgentTool } from './tool';

const listTasksInput = z
  .object({
    status: z.array(z.enum(taskStatuses)).min(1).max(taskStatuses.length).optional().describe('only these statuses'),
    limit: z.number().int().min(1).max(500).optional().describe('at most this many (default 100)'),
  })
  .strict();

export const listTasksTool: AgentTool<
  typeof listTasksInput,
  { tasks: Array<TaskLine & { heldBy?: string }>; total: number }
> = {
  name: 'continuum_list_tasks',
  title: 'List tasks',
  description: 'Lists tasks in creation order with status, priority, progress and the agent holding each.',
  input: listTasksInput,
  readOnly: true,
  destructive: false,
  lean: false,
  run(ctx, input) {
    const wanted = input.status ? new Set<string>(input.status) : undefined;
    const all = ctx.core.tasks.list().filter(t => !wanted || wanted.has(t.status));
    const tasks = all.slice(0, input.limit ?? 100).map(t => {
      const claim = ctx.core.tasks.claimOf(t.id);
      return { ...taskLine(t), ...(claim ? { heldBy: claim.agentName } : {}) };
    });
    const text = tasks
      .map(
        t =>
          `- ${t.id} [${t.status}${t.progress ? ` ${t.progress}%` : ''}] ${t.title}${t.heldBy ? ` (held by ${t.heldBy})` : ''}`,
      )
      .join('\n');
    return Promise.resolve({
      structured: { tasks, total: all.length },
      summary: `${all.length} task(s)${all.length > tasks.length ? `, ${tasks.length} shown` : ''}.${text ? `\n${text}` : ''}`,
    });
  },
};

const getTaskInput = z.object({ taskId: z.string().min(1).max(200) }).strict();

export const getTaskTool: AgentTool<typeof getTaskInput, TaskWork> = {
  name: 'continuum_get_task',
  title: 'Get task',
  description:
    'One task with what it needs to work on it: description, acceptance, verify, dependency results, files, affected components, known errors, notes.',
  input: getTaskInput,
  readOnly: true,
  destructive: false,
  lean: false,
  run(ctx, input) {
    const work = taskWork(ctx.core, requireTask(ctx, input.taskId));
    return Promise.resolve({ structured: work, summary: taskWorkText(work) });
  },
};
