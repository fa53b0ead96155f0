// continuum_next_task: claims the next ready task this agent can do, with a lease its calls renew,
// and answers with what it needs to work on it.
import { z } from 'zod/v4';
import { actionKinds } from '../tasks/model';
import type { WorkKind } from '../tasks/taskManager';
import { claimingAgent, isoTime, leaseMsOf, requireTrusted } from './common';
import { taskWork, taskWorkText, type TaskWork } from './taskWork';
import type { AgentTool } from './tool';

export const workKinds = ['todo', ...actionKinds] as const satisfies readonly WorkKind[];
/** What an agent does without being told otherwise: to-dos, manual tasks and model work; not commands. */
export const defaultKinds: readonly WorkKind[] = ['todo', 'manual', 'lm'];

const nextTaskInput = z
  .object({
    kinds: z
      .array(z.enum(workKinds))
      .min(1)
      .max(workKinds.length)
      .optional()
      .describe('kinds of task you can do; default todo, manual, lm (add shell to take command tasks)'),
    taskId: z.string().min(1).max(200).optional().describe('claim this ready task instead of the next one'),
  })
  .strict();

export interface NextTaskAnswer {
  task?: TaskWork;
  leaseUntil?: number;
  message: string;
}

export const nextTaskTool: AgentTool<typeof nextTaskInput, NextTaskAnswer> = {
  name: 'continuum_next_task',
  title: 'Claim next task',
  description:
    'Claims the next ready task you can do (a lease your calls renew) and returns what it needs: description, acceptance, verify command, dependency results, files, affected components, known errors.',
  input: nextTaskInput,
  readOnly: false,
  destructive: false,
  lean: true,
  async run(ctx, input) {
    requireTrusted(ctx, 'claim a task');
    const kinds = input.kinds ?? defaultKinds;
    const task = await ctx.core.tasks.claimNext(claimingAgent(ctx), {
      kinds,
      leaseMs: leaseMsOf(ctx),
      ...(input.taskId !== undefined ? { taskId: input.taskId } : {}),
    });
    if (!task) {
      const why =
        input.taskId !== undefined
          ? `Task '${input.taskId}' is not ready to claim (it does not exist, is not pending, waits for a dependency, is held by another agent, or is not one of the kinds ${kinds.join(', ')}).`
          : `Nothing ready to claim of the kinds ${kinds.join(', ')}.`;
      const others = ctx.core.tasks.readyTasks(1).length
        ? ' Other ready tasks are of other kinds: pass kinds to take them.'
        : '';
      return {
        structured: { message: `${why}${others}` },
        summary: `${why}${others} Call continuum_briefing to see where the work stands.`,
      };
    }
    const work = taskWork(ctx.core, task);
    const leaseUntil = work.claim?.leaseUntil ?? ctx.core.clock.now() + leaseMsOf(ctx);
    const message = `Claimed '${task.title}' (id ${task.id}) until ${isoTime(leaseUntil)}; your calls renew the lease.${work.verify ? ` Done runs its verify: ${work.verify}` : ''}`;
    return { structured: { task: work, leaseUntil, message }, summary: `${message}\n\n${taskWorkText(work)}` };
  },
};
