// The schema of .continuum/rules.json (zod), kept apart from the rulebook so zod loads only when a
// rules file is read. media/rules.schema.json, for the editor (jsonValidation), is generated from it
// (rulesJsonSchema; a unit test keeps the file equal to it).
import { z } from 'zod';
import { actionKinds } from '../../tasks/model';
import { errorClasses, type ErrorClass, type Rule } from './rulebook';

export const ruleSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: "Shown in the task's log when this rule decides." }),
    match: z
      .object({
        signature: z
          .string()
          .min(1)
          .max(500)
          .optional()
          .meta({ description: "An error signature exactly as 'Continuum: Show Known Errors' lists it." }),
        regex: z
          .string()
          .min(1)
          .max(500)
          .refine(isValidRegex, { message: 'not a valid regular expression' })
          .optional()
          .meta({
            format: 'regex',
            description: 'A regular expression over the error message and output (case-insensitive).',
          }),
        errorClass: z.enum(errorClasses as [ErrorClass, ...ErrorClass[]]).optional(),
        actionKind: z.enum(actionKinds).optional(),
      })
      .strict()
      .refine(m => Object.keys(m).length > 0, {
        message: 'a rule must match on at least one of signature, regex, errorClass, actionKind',
      })
      .meta({ description: 'Every field given must match.', minProperties: 1 }),
    then: z
      .discriminatedUnion('do', [
        z
          .object({
            do: z.literal('retry'),
            attempts: z.number().int().min(1).max(20).optional(),
            delayMs: z.number().int().min(0).max(3_600_000).optional(),
          })
          .strict(),
        z.object({ do: z.literal('skip') }).strict(),
        z.object({ do: z.literal('fail') }).strict(),
        z.object({ do: z.literal('pause') }).strict(),
        z.object({ do: z.literal('ask') }).strict(),
        z
          .object({
            do: z.literal('fix'),
            command: z
              .string()
              .min(1)
              .max(500)
              .meta({ description: "A program to run (no shell). ${module} in args is the missing package's name." }),
            args: z.array(z.string().max(500)).max(50).optional(),
            ask: z.boolean().optional().meta({ description: 'Ask before running it.' }),
          })
          .strict(),
      ])
      .meta({ description: 'retry (attempts, delayMs), skip, fail, pause, ask, or fix (command, args, ask).' }),
  })
  .strict();

export const rulesFileSchema = z
  .object({
    $schema: z.string().optional(),
    rules: z.array(ruleSchema).max(500),
  })
  .strict()
  .meta({
    title: 'Continuum decision rules',
    description:
      "What Continuum's executor does with a failure. Rules are tried in order; the first that matches decides. Built-in defaults (lock contention → retry, missing module → propose an install, failing test → fail, out of memory or disk → pause) follow your rules.",
  });

/** The JSON schema of .continuum/rules.json for the editor: media/rules.schema.json holds exactly this. */
export function rulesJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(rulesFileSchema, { target: 'draft-7', io: 'input' }), null, 2)}\n`;
}

// the schema's output must be a Rule: a change to one without the other fails to compile
const _sameShape: (r: z.infer<typeof ruleSchema>) => Rule = r => r;
void _sameShape;

export interface RulesProblem {
  /** JSON path of the offending value: ['rules', 2, 'then', 'do']. */
  path: Array<string | number>;
  message: string;
}

/** Parses a rules file's text: the rules, or every problem found (the caller keeps the previous rules). */
export function parseRulesFile(text: string): { rules: Rule[] } | { problems: RulesProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return {
      problems: [
        {
          path: [],
          message: `rules.json is not valid JSON (${err instanceof Error ? err.message : String(err)}). Fix the syntax; the previous rules stay in force until then.`,
        },
      ],
    };
  }
  const parsed = rulesFileSchema.safeParse(json);
  if (parsed.success) return { rules: parsed.data.rules };
  return {
    problems: parsed.error.issues.map(issue => ({
      path: issue.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number'),
      message: issue.message,
    })),
  };
}

/** The continuum.guards.rules setting, checked like the file; a rule without a name is named by its place in the setting. */
export function parseRulesSetting(raw: unknown): { rules: Rule[] } | { problems: RulesProblem[] } {
  const parsed = parseRulesFile(JSON.stringify({ rules: raw ?? [] }));
  if ('problems' in parsed) return parsed;
  return {
    rules: parsed.rules.map((r, i) => ({
      ...r,
      name: r.name ?? `rule ${i + 1} of the continuum.guards.rules setting`,
    })),
  };
}

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
