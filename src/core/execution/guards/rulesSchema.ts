// The schema of .continuum/rules.json (zod), kept apart from the rulebook so zod loads only when a
// rules file is read. media/rules.schema.json is the same shape for the editor (jsonValidation).
import { z } from 'zod';
import { errorClasses, type ErrorClass, type Rule } from './rulebook';

export const ruleSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  match: z.object({
    signature: z.string().min(1).max(500).optional(),
    regex: z.string().min(1).max(500).refine(isValidRegex, { message: 'not a valid regular expression' }).optional(),
    errorClass: z.enum(errorClasses as [ErrorClass, ...ErrorClass[]]).optional(),
    actionKind: z.enum(['shell', 'vscodeTask', 'lm', 'manual']).optional(),
  }).strict().refine(m => Object.keys(m).length > 0, { message: 'a rule must match on at least one of signature, regex, errorClass, actionKind' }),
  then: z.discriminatedUnion('do', [
    z.object({ do: z.literal('retry'), attempts: z.number().int().min(1).max(20).optional(), delayMs: z.number().int().min(0).max(3_600_000).optional() }).strict(),
    z.object({ do: z.literal('skip') }).strict(),
    z.object({ do: z.literal('fail') }).strict(),
    z.object({ do: z.literal('pause') }).strict(),
    z.object({ do: z.literal('ask') }).strict(),
    z.object({ do: z.literal('fix'), command: z.string().min(1).max(500), args: z.array(z.string().max(500)).max(50).optional(), ask: z.boolean().optional() }).strict(),
  ]),
}).strict();

export const rulesFileSchema = z.object({
  $schema: z.string().optional(),
  rules: z.array(ruleSchema).max(500),
}).strict();

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
    return { problems: [{ path: [], message: `rules.json is not valid JSON (${err instanceof Error ? err.message : String(err)}). Fix the syntax; the previous rules stay in force until then.` }] };
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

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
