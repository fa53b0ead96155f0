// Turns zod's issues into one sentence a user can act on: the path of the bad value, then what
// was expected there ("context.notes[3].title: expected a string, received a number").
import type { z } from 'zod/v4';

/** `["notes", 3, "title"]` under `root` → `root.notes[3].title`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

/** What kind of JSON value `value` is, with an article: "a string", "an array", "null". */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return withArticle(typeof value);
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = input;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${withArticle(issue.expected)}, received ${describeType(valueAt(input, issue.path))}`;
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${issue.keys.map(k => `"${k}"`).join(', ')}`;
    default:
      return issue.message;
  }
}

/** The first problems of a failed parse, separated by "; ", each naming its path under `root`. */
export function explainIssues(root: string, error: z.ZodError, input: unknown, max = 5): string {
  const lines = error.issues
    .slice(0, max)
    .map(issue => `${formatPath(root, issue.path)}: ${describeIssue(issue, input)}`);
  const more = error.issues.length - lines.length;
  if (more > 0) lines.push(`… and ${more} more ${more === 1 ? 'problem' : 'problems'}`);
  return lines.join('; ');
}
