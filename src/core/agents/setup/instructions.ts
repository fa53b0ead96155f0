// The block of instructions Continuum keeps in AGENTS.md / CLAUDE.md, between two markers, so that
// running Set Up Agents again replaces it in place and leaves the rest of the file alone.
import { eolOf, SetupError, type MergeOutcome } from './outcome';

export const blockStart = '<!-- continuum:start -->';
export const blockEnd = '<!-- continuum:end -->';

/** What an agent should do with Continuum, whatever its client (tool names are the MCP server's). */
export function instructionsBlock(): string {
  return [
    blockStart,
    '## Continuum: tasks, progress and checkpoints',
    '',
    'This project keeps its task list, progress and checkpoints in Continuum, shared with the people and other agents working on it.',
    '',
    '- At the start of every conversation, and again after the context was cleared or summarised, call `continuum_briefing` first: it says where the work stands, which tasks you hold and what is ready next.',
    '- Take work with `continuum_next_task` (it claims a task for you) rather than picking one yourself, and report through `continuum_update_task`: progress as you go, `blocked` or `failed` with the reason, `done` when its verify passes.',
    '- Add tasks you discover with `continuum_add_tasks`; record decisions with `continuum_context`; save a checkpoint with `continuum_checkpoint` before a risky change.',
    '- Never mark a task done that you have not finished and checked.',
    blockEnd,
  ].join('\n');
}

/** The file with the block put in: in place of the old one when both markers are there, else appended. */
export function mergeInstructions(text: string | undefined, file: string, block = instructionsBlock()): MergeOutcome {
  const current = text ?? '';
  const eol = eolOf(text);
  const wanted = block.replace(/\n/g, eol);
  const start = current.indexOf(blockStart);
  const end = current.indexOf(blockEnd);
  if (start < 0 && end < 0) {
    const separator = !current
      ? ''
      : current.endsWith(`${eol}${eol}`)
        ? ''
        : current.endsWith(eol)
          ? eol
          : `${eol}${eol}`;
    return { kind: 'write', text: `${current}${separator}${wanted}${eol}` };
  }
  if (
    start < 0 ||
    end < start ||
    current.indexOf(blockStart, start + 1) >= 0 ||
    current.indexOf(blockEnd, end + 1) >= 0
  ) {
    throw new SetupError(
      `${file} has Continuum's markers (${blockStart} … ${blockEnd}) out of order, one without the other, or twice; Continuum wrote nothing to it. Leave one pair (or none) and run Set Up Agents again.`,
    );
  }
  const old = current.slice(start, end + blockEnd.length);
  if (old === wanted) return { kind: 'unchanged' };
  // our own block: replacing it needs no question
  return { kind: 'write', text: current.slice(0, start) + wanted + current.slice(end + blockEnd.length) };
}
