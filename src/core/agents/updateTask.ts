// continuum_update_task: progress, a note, blocked, failed (the error goes to error learning) or
// done — done runs the task's verify command first and leaves the task open when it fails. Only
// the agent holding the task (or anyone, for a task nobody holds) can change it.
import { z } from 'zod/v4';
import { ErrorLearning } from '../execution/guards/learning';
import { errorClassOf } from '../execution/guards/rulebook';
import { AgentToolError, type AgentTool, type ToolContext } from './tool';
import { signatureOf } from './briefing';
import { claimingAgent, clip, leaseMsOf, requireTask, requireTrusted } from './common';
import { workKinds } from './nextTask';
import { ClaimHeldError } from '../tasks/taskManager';

const updateTaskInput = z
  .object({
    taskId: z.string().min(1).max(200),
    status: z.enum(['in_progress', 'blocked', 'failed', 'done']).optional(),
    progress: z.number().min(0).max(100).optional().describe('0-1 as a fraction, or a percent'),
    note: z.string().max(10_000).optional(),
    reason: z.string().min(1).max(10_000).optional().describe('why it is blocked (with status blocked)'),
    error: z.string().min(1).max(50_000).optional().describe('what went wrong (with status failed)'),
    result: z.string().max(50_000).optional().describe('what was done (with status done)'),
  })
  .strict();

type UpdateInput = z.infer<typeof updateTaskInput>;

export interface UpdateAnswer {
  taskId: string;
  status: string;
  progress: number;
  /** With status done on a task that has a verify command: whether it passed, and its output. */
  verify?: { command: string; passed: boolean; output: string };
  message: string;
}

export const updateTaskTool: AgentTool<typeof updateTaskInput, UpdateAnswer> = {
  name: 'continuum_update_task',
  title: 'Update task',
  description:
    "Reports on a task you hold: progress (0-1 or %), a note, status in_progress, blocked (reason), failed (error) or done (result). Done runs the task's verify command; if it fails the task stays open.",
  input: updateTaskInput,
  readOnly: false,
  destructive: false,
  lean: true,
  async run(ctx, input) {
    requireTrusted(ctx, 'update a task');
    if (input.status === undefined && input.progress === undefined && input.note === undefined) {
      throw new AgentToolError('Nothing to update: give status, progress or note.');
    }
    if (input.status === 'blocked' && !input.reason)
      throw new AgentToolError("Say why it is blocked: field 'reason' is needed with status blocked.");
    if (input.status === 'failed' && !input.error)
      throw new AgentToolError("Say what went wrong: field 'error' is needed with status failed.");
    const task = requireTask(ctx, input.taskId);
    const holder = ctx.core.tasks.claimOf(task.id);
    if (holder && holder.agentId !== ctx.agent.id)
      throw new AgentToolError(new ClaimHeldError(task.title, holder).message);
    if (input.status === 'in_progress' && task.status === 'pending') {
      const claimed = await ctx.core.tasks.claimNext(claimingAgent(ctx), {
        kinds: workKinds,
        leaseMs: leaseMsOf(ctx),
        taskId: task.id,
      });
      if (!claimed)
        throw new AgentToolError(
          `Task '${task.title}' cannot start yet: it waits for ${
            ctx.core.tasks
              .blockers(task.id)
              .map(b => `'${b.title}'`)
              .join(', ') || 'something'
          }. Take a ready task with continuum_next_task.`,
        );
    }
    if (input.status === 'done') {
      const waiting = ctx.core.tasks.blockers(task.id);
      if (waiting.length)
        throw new AgentToolError(
          `Task '${task.title}' cannot be done yet: it depends on ${waiting
            .slice(0, 5)
            .map(b => `'${b.title}' (${b.status})`)
            .join(', ')}${waiting.length > 5 ? ' and more' : ''}. Finish those first.`,
        );
    }
    let verify: UpdateAnswer['verify'];
    if (input.status === 'done' && task.action?.verify) {
      if (!ctx.verify) {
        throw new AgentToolError(
          `Task '${task.title}' has a verify command (${task.action.verify}) that must pass before it is done, and this host cannot run it: verification needs a trusted workspace with Continuum's executor (VS Code, or \`continuum mcp\` with --workspace). It stays open.`,
        );
      }
      const ran = await ctx.verify.run(task.id, ctx.signal);
      verify = { command: task.action.verify, passed: ran.passed, output: clip(ran.output, 8000) };
    }
    const answer = await apply(ctx, input, verify);
    return { structured: answer, summary: answer.message };
  },
};

/** Makes the change in one write, refused when another agent took the task meanwhile. */
async function apply(ctx: ToolContext, input: UpdateInput, verify: UpdateAnswer['verify']): Promise<UpdateAnswer> {
  const { tasks } = ctx.core;
  const agent = claimingAgent(ctx);
  const verifyFailed = verify !== undefined && !verify.passed;
  const finishing =
    (input.status === 'done' && !verifyFailed) || input.status === 'failed' || input.status === 'blocked';
  const learning = new ErrorLearning(ctx.core.store, ctx.core.clock);
  await tasks.changeAsAgent(
    input.taskId,
    agent,
    (w, row, log) => {
      if (input.progress !== undefined && !finishing) {
        const percent = input.progress <= 1 ? input.progress * 100 : input.progress;
        tasks.setProgressIn(w, row.id, percent);
        log('progress', { progress: Math.round(percent) });
      }
      if (input.note) log('note', { note: input.note });
      if (input.status === 'in_progress' && row.status !== 'running')
        tasks.setStatusIn(w, row.id, 'running', 'agent', {}, agent.name);
      if (verifyFailed) log('verify failed', { command: verify.command, output: verify.output.slice(-2000) });
      else if (input.status === 'done') {
        tasks.setStatusIn(w, row.id, 'done', 'agent', input.result ? { result: input.result } : {}, agent.name);
        // the task failed before and is done now: its work is a fix that worked for that error
        if (row.error)
          learning.recordFixOutcome(
            w,
            signatureOf(row.error),
            { kind: 'task', taskId: row.id, title: row.title },
            true,
          );
      } else if (input.status === 'blocked') {
        log('note', { note: `blocked: ${input.reason}` });
        tasks.setStatusIn(w, row.id, 'blocked', 'agent', {}, agent.name);
      } else if (input.status === 'failed') {
        const error = input.error!;
        tasks.setStatusIn(w, row.id, 'failed', 'agent', { error }, agent.name);
        learning.recordOccurrence(w, {
          signature: signatureOf(error),
          message: error,
          errorClass: errorClassOf(error, 'deterministic'),
          actionKind: row.action ? (JSON.parse(row.action) as { kind: string }).kind : 'todo',
        });
      }
    },
    { release: finishing },
  );
  const task = tasks.get(input.taskId)!;
  const message = verifyFailed
    ? `Not done: the verify command failed, so '${task.title}' stays open (you keep it). Fix what the output shows and try done again.\n${verify.output}`
    : input.status === 'done'
      ? `'${task.title}' is done${verify ? ' (its verify passed)' : ''}. Call continuum_next_task for the next one.`
      : input.status === 'failed'
        ? `'${task.title}' is marked failed; the error was recorded for error learning.`
        : input.status === 'blocked'
          ? `'${task.title}' is blocked and released; a person sees why.`
          : `Recorded on '${task.title}' (${task.status}, ${task.progress}%).`;
  return { taskId: task.id, status: task.status, progress: task.progress, ...(verify ? { verify } : {}), message };
}
