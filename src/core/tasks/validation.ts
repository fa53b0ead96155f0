// Input checks for tasks, shared by commands, plan import, state import and agents.
import { z } from 'zod';
import { priorities, taskStatuses, type ActionKind, type TaskAction } from './model';

export const limits = {
  title: 500,
  description: 100_000,
  capability: 100,
  capabilities: 50,
  command: 10_000,
  result: 1_000_000,
} as const;

/** Each kind's action shape (model.ts lists the kinds); a kind missing here fails to compile. */
const actionShapes = {
  shell: z
    .object({
      kind: z.literal('shell'),
      command: z.string().min(1).max(limits.command),
      args: z.array(z.string().max(limits.command)).max(1000).optional(),
      shell: z.boolean().optional(),
      cwd: z.string().max(4096).optional(),
      env: z
        .record(
          z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
            .max(200),
          z.string().max(limits.command),
        )
        .optional(),
      timeoutMs: z.number().int().positive().optional(),
      verify: z.string().max(limits.command).optional(),
      rerunnable: z.boolean().optional(),
    })
    .strict(),
  vscodeTask: z
    .object({
      kind: z.literal('vscodeTask'),
      label: z.string().min(1).max(1000),
      timeoutMs: z.number().int().positive().optional(),
      verify: z.string().max(limits.command).optional(),
      rerunnable: z.boolean().optional(),
      shellEquivalent: z.string().min(1).max(limits.command).optional(),
    })
    .strict(),
  manual: z.object({ kind: z.literal('manual'), verify: z.string().max(limits.command).optional() }).strict(),
  lm: z
    .object({
      kind: z.literal('lm'),
      acceptance: z.string().max(limits.description).optional(),
      verify: z.string().max(limits.command).optional(),
      maxTurns: z.number().int().min(1).max(10_000).optional(),
      maxTokens: z.number().int().min(1).optional(),
      maxWallMs: z.number().int().positive().optional(),
      timeoutMs: z.number().int().positive().optional(),
      rerunnable: z.boolean().optional(),
      allowCommands: z.array(z.string().min(1).max(limits.command)).max(100).optional(),
    })
    .strict(),
} satisfies { [K in ActionKind]: z.ZodType<Extract<TaskAction, { kind: K }>> };

/** What a task does; state import checks the stored action JSON against this same schema. */
export const taskActionSchema = z.discriminatedUnion('kind', [
  actionShapes.shell,
  actionShapes.vscodeTask,
  actionShapes.manual,
  actionShapes.lm,
]);

// the schema's output is a TaskAction and every TaskAction passes it: a change to one without the other fails to compile
const _sameActions: [
  (a: z.infer<typeof taskActionSchema>) => TaskAction,
  (a: TaskAction) => z.infer<typeof taskActionSchema>,
] = [a => a, a => a];
void _sameActions;

const title = z
  .string()
  .trim()
  .min(1, 'a task needs a title')
  .max(limits.title, `a title has at most ${limits.title} characters`);

export const newTaskSchema = z
  .object({
    title,
    description: z.string().max(limits.description).optional(),
    key: z.string().min(1).max(1000).optional(),
    status: z.enum(taskStatuses).optional(),
    priority: z.enum(priorities).optional(),
    progress: z.number().int().min(0).max(100).optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    deadline: z.number().int().nonnegative().optional(),
    capabilities: z.array(z.string().min(1).max(limits.capability)).max(limits.capabilities).optional(),
    action: taskActionSchema.optional(),
    phaseId: z.string().optional(),
    parentId: z.string().optional(),
    number: z.string().max(50).optional(),
    dependsOn: z.array(z.string()).max(10_000).optional(),
  })
  .strict();

export type NewTask = z.input<typeof newTaskSchema>;

export const taskPatchSchema = newTaskSchema
  .omit({ key: true, status: true, progress: true })
  .partial()
  .extend({
    deadline: z.number().int().nonnegative().nullable().optional(),
    result: z.string().max(limits.result).optional(),
    error: z.string().max(limits.result).optional(),
  })
  .strict();

export type TaskPatch = z.input<typeof taskPatchSchema>;

/** Parses `value` or throws an Error naming every problem by its path. */
export function parseOrExplain<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new Error(`${what} is not valid: ${explainIssues(parsed.error)}`);
}

export function explainIssues(error: z.ZodError): string {
  return (
    error.issues
      .slice(0, 5)
      .map(i => `${i.path.length ? i.path.join('.') : 'value'}: ${i.message}`)
      .join('; ') + (error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '')
  );
}
