// A model's file edit as two recorded steps: the plan (what the file holds now, what it will hold,
// each as a hash, and the diff) is recorded before anything is written; the apply step then writes
// only when the file still has the before-hash, counts the edit done when it already has the
// after-hash (a resume after the write), and stops when it has neither (the file changed
// underneath). So an edit is applied at most once, whatever the kills. Pure but for the hashes.
import { createHash } from 'crypto';
import { ToolRefused } from './files';

export interface EditInput {
  path: string;
  /** The exact text to replace (once); absent: `newText` is the whole file. */
  oldText?: string;
  newText: string;
}

export interface EditPlan {
  path: string;
  /** sha256 of the text before; 'absent' when the file does not exist yet. */
  beforeHash: string;
  afterHash: string;
  after: string;
  diff: string;
}

export const absent = 'absent';

export function textHash(text: string | undefined): string {
  return text === undefined ? absent : createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The plan of an edit of `before` (undefined: no such file). Throws ToolRefused when it cannot apply. */
export function planEdit(input: EditInput, before: string | undefined): EditPlan {
  let after: string;
  if (input.oldText === undefined || input.oldText === '') {
    after = input.newText;
  } else {
    if (before === undefined)
      throw new ToolRefused(
        `'${input.path}' does not exist, so there is no text to replace; give only newText to create it.`,
      );
    const at = before.indexOf(input.oldText);
    if (at < 0)
      throw new ToolRefused(
        `The text to replace was not found in '${input.path}'; read the file again and copy the text exactly.`,
      );
    if (before.indexOf(input.oldText, at + 1) >= 0)
      throw new ToolRefused(
        `The text to replace occurs more than once in '${input.path}'; include more lines around it so it is found once.`,
      );
    after = before.slice(0, at) + input.newText + before.slice(at + input.oldText.length);
  }
  return {
    path: input.path,
    beforeHash: textHash(before),
    afterHash: textHash(after),
    after,
    diff: lineDiff(input.path, before ?? '', after, before === undefined),
  };
}

export type ApplyDecision = 'write' | 'already-applied' | 'changed-underneath';

/** What the apply step does with the file as it is now. */
export function applyDecision(
  plan: Pick<EditPlan, 'beforeHash' | 'afterHash'>,
  now: string | undefined,
): ApplyDecision {
  const hash = textHash(now);
  if (hash === plan.afterHash) return 'already-applied';
  if (hash === plan.beforeHash) return 'write';
  return 'changed-underneath';
}

const context = 3;
const shownLines = 400;

/**
 * A unified diff of one changed region (from the first to the last differing line), with three
 * lines of context: enough for a person to read what an edit did in the task log.
 */
export function lineDiff(name: string, before: string, after: string, created = false): string {
  if (before === after) return `--- ${name}\n+++ ${name}\n(no change)\n`;
  const a = before === '' && created ? [] : before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const from = Math.max(0, start - context);
  const toA = Math.min(a.length, endA + context);
  const toB = Math.min(b.length, endB + context);
  const lines = [
    ...a.slice(from, start).map(l => ` ${l}`),
    ...a.slice(start, endA).map(l => `-${l}`),
    ...b.slice(start, endB).map(l => `+${l}`),
    ...a.slice(endA, toA).map(l => ` ${l}`),
  ];
  const shown =
    lines.length > shownLines ? [...lines.slice(0, shownLines), `[… ${lines.length - shownLines} more lines]`] : lines;
  return `--- ${created ? '/dev/null' : name}\n+++ ${name}\n@@ -${from + 1},${toA - from} +${from + 1},${toB - from} @@\n${shown.join('\n')}\n`;
}
