// continuum_add_tasks: tasks with dependencies (on existing ids or on each other by local refs) and
// priorities, or a markdown plan through the plan import (dryRun: the preview only). An agent's
// commands are confirmed by a person before they first run (tasks.origin; see confirmations.ts).
import { z } from 'zod/v4';
import { parsePlan } from '../tasks/plan';
import { summarisePreview, describePlanCycle } from '../tasks/planImport';
import { planToJson } from '../tasks/planView';
import { priorities, type TaskAction } from '../tasks/model';
import type { NewTask } from '../tasks/validation';
import { clip, requireTrusted, taskLine, type TaskLine } from './common';
import { AgentToolError, type AgentTool } from './tool';

const newTask = z
  .object({
    ref: z.string().min(1).max(100).optional().describe('local name other tasks here can depend on'),
    title: z.string().min(1).max(500),
    description: z.string().max(20_000).optional(),
    priority: z.enum(priorities).optional(),
    dependsOn: z
      .array(z.string().min(1).max(200))
      .max(50)
      .optional()
      .describe('task ids, or refs of tasks in this call'),
    command: z
      .string()
      .min(1)
      .max(2_000)
      .optional()
      .describe('a shell command that does the task (a person confirms it first)'),
    verify: z.string().min(1).max(2_000).optional().describe('a command that must pass before done'),
    files: z.array(z.string().min(1).max(500)).max(20).optional(),
  })
  .strict();

const addTasksInput = z
  .object({
    tasks: z.array(newTask).min(1).max(200).optional(),
    plan: z
      .string()
      .min(1)
      .max(200_000)
      .optional()
      .describe('a markdown plan: checklists, phases, Dependencies: lines'),
    name: z.string().min(1).max(100).optional().describe("the plan's name; importing the same name again updates it"),
    dryRun: z.boolean().optional().describe('only preview'),
  })
  .strict();

export interface AddTasksAnswer {
  created: TaskLine[];
  /** With a plan: what it makes (a dry run changes nothing). */
  preview?: { source: string; summary: string; plan: ReturnType<typeof planToJson>; commands: string[] };
  imported?: { created: number; updated: number };
  message: string;
}

/** An agent's task as the task manager takes it; files are named in the description, where briefings and the graph find them. */
function toNewTask(t: z.infer<typeof newTask>): NewTask {
  const action: TaskAction | undefined = t.command
    ? { kind: 'shell', command: t.command, ...(t.verify ? { verify: t.verify } : {}) }
    : t.verify
      ? { kind: 'manual', verify: t.verify }
      : undefined;
  const files = t.files?.length ? `Files: ${t.files.join(', ')}` : '';
  const description = [t.description ?? '', files].filter(Boolean).join('\n\n');
  return {
    title: t.title,
    ...(description ? { description } : {}),
    ...(t.priority ? { priority: t.priority } : {}),
    ...(t.dependsOn?.length ? { dependsOn: t.dependsOn } : {}),
    ...(action ? { action } : {}),
  };
}

export const addTasksTool: AgentTool<typeof addTasksInput, AddTasksAnswer> = {
  name: 'continuum_add_tasks',
  title: 'Add tasks',
  description:
    'Adds tasks (dependsOn: ids, or refs of tasks in the same call; priority; optional command and verify) or imports a markdown plan (dryRun previews). Commands run only after a person confirms them.',
  input: addTasksInput,
  readOnly: false,
  readsOnly: input => input.dryRun === true,
  destructive: false,
  lean: true,
  async run(ctx, input) {
    if ((input.tasks === undefined) === (input.plan === undefined))
      throw new AgentToolError("Give either 'tasks' (a list) or 'plan' (markdown text), not both and not neither.");
    if (input.tasks) {
      if (input.dryRun) {
        return {
          structured: { created: [], message: `Would add ${input.tasks.length} task(s); nothing was changed.` },
          summary: `Would add ${input.tasks.length} task(s); nothing was changed.`,
        };
      }
      requireTrusted(ctx, 'add tasks');
      const refs = input.tasks.map(t => t.ref);
      const dup = refs.find((r, i) => r !== undefined && refs.indexOf(r) !== i);
      if (dup) throw new AgentToolError(`Two tasks have the ref '${dup}': give each its own.`);
      const created = await ctx.core.tasks.createMany(input.tasks.map(toNewTask), 'agent', {
        refs,
        agent: ctx.agent.name,
      });
      const commands = created.filter(t => t.action && t.action.kind !== 'manual').length;
      const message = `Added ${created.length} task(s)${commands ? `; ${commands} with a command, which a person confirms before it first runs` : ''}.`;
      return {
        structured: { created: created.map(taskLine), message },
        summary: `${message} Ids: ${created.map(t => t.id).join(', ')}.`,
      };
    }
    const source = `agent plan: ${clip(input.name ?? ctx.agent.name, 100, true)}`;
    const plan = parsePlan(input.plan!, source);
    if (plan.cycle)
      throw new AgentToolError(
        `The plan's dependencies form a cycle (${describePlanCycle(plan, plan.cycle)}): remove one of them and call again.`,
      );
    const preview = ctx.core.tasks.previewImport(plan);
    const summary = summarisePreview(preview);
    const previewOut = { source, summary, plan: planToJson(plan), commands: preview.commands };
    if (input.dryRun) {
      const message = `Preview of ${source}: ${summary}. Nothing was changed.`;
      return { structured: { created: [], preview: previewOut, message }, summary: message };
    }
    requireTrusted(ctx, 'import a plan');
    const imported = await ctx.core.tasks.importPlan(plan, { actor: 'agent' });
    const message = `Imported ${source}: ${summary}.${preview.commands.length ? ` Its ${preview.commands.length} command(s) run only after a person confirms them.` : ''}`;
    return { structured: { created: [], preview: previewOut, imported, message }, summary: message };
  },
};
