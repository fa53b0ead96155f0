// The words plans are written in: priorities, status markers, estimates, metadata labels and the
// headings that name kinds of sections. Pure lookups on plain text (markdown already removed).
import type { Priority } from './model';

const priorityWords: Record<string, Priority> = {
  critical: 'critical',
  p0: 'critical',
  urgent: 'critical',
  blocker: 'critical',
  highest: 'critical',
  high: 'high',
  p1: 'high',
  normal: 'normal',
  medium: 'normal',
  p2: 'normal',
  med: 'normal',
  moderate: 'normal',
  low: 'low',
  p3: 'low',
  lowest: 'low',
  p4: 'low',
};

/** "HIGH", "P1", "🔴 High", "high priority" → a priority; undefined when it is none of them. */
export function priorityOf(value: string): Priority | undefined {
  const word = value
    .trim()
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .replace(/\s*priority$/i, '')
    .replace(/[.!]+$/, '')
    .trim()
    .toLowerCase();
  const first = word.split(/[\s(/,–—-]+/)[0];
  for (const w of [word, first]) if (Object.prototype.hasOwnProperty.call(priorityWords, w)) return priorityWords[w];
  return undefined;
}

export type PlanStatus = 'done' | 'in progress' | 'pending';

const doneMarks = /(?:✅|✔️?|☑️?|🟢|\[x\])/iu;
const progressMarks = /(?:🚧|🔄|⚙️?|🟡|🔶)/u;
const pendingMarks = /(?:⏳|⏸️?|🔲|⬜|🕐|📋|🔴|❌)/u;

/** A status written in words or with a marker: "✅ Complete", "Done", "⏳ Pending", "In progress". */
export function statusOf(value: string): PlanStatus | undefined {
  const v = value.trim();
  if (
    doneMarks.test(v) ||
    /^(?:done|complete|completed|finished|shipped|merged|closed|resolved)\b/i.test(v.replace(/^[^\p{L}]+/u, ''))
  )
    return 'done';
  if (
    progressMarks.test(v) ||
    /^(?:in[ -]progress|wip|started|ongoing|doing|active|partial(?:ly)?)\b/i.test(v.replace(/^[^\p{L}]+/u, ''))
  )
    return 'in progress';
  if (
    pendingMarks.test(v) ||
    /^(?:pending|todo|to do|not started|open|planned|blocked|waiting|backlog|new)\b/i.test(v.replace(/^[^\p{L}]+/u, ''))
  )
    return 'pending';
  return undefined;
}

/** Status markers written into a title ("✅ Set up CI", "Set up CI ⏳", "(DONE)"): the status and the title without them. */
export function statusInTitle(title: string): { status?: PlanStatus; title: string } {
  let status: PlanStatus | undefined;
  let rest = title;
  const mark = /\s*(✅|✔️?|☑️?|⏳|🚧|🔄|⏸️?|❌)\s*/gu;
  rest = rest.replace(mark, (_m, emoji: string) => {
    status ??= statusOf(emoji);
    return ' ';
  });
  rest = rest.replace(/\s*[([](done|complete|completed|in progress|wip|pending|todo)[)\]]\s*$/i, (_m, word: string) => {
    status ??= statusOf(word);
    return '';
  });
  rest = rest.replace(/\s+/g, ' ').trim();
  return rest ? { status, title: rest } : { title };
}

/** "(Priority: HIGH)", "[P1]", "(high priority)", "— Priority: Low" inside a title. */
const inlinePriority =
  /\s*(?:[([]\s*(?:priority\s*[:=]\s*([^)\]]*?)|(p[0-4])|(critical|high|medium|normal|low)(?:\s+priority)?)\s*[)\]]|[-–—|]\s*priority\s*[:=]\s*(\w+)\s*$)/i;
/** "(2h)", "(~3 days)", "(Estimate: 1.5 hours)", "[5 pts]" inside a title. */
const inlineEstimate =
  /\s*[([]\s*(?:est(?:imated?)?(?:\s+time)?\s*[:=.]?\s*)?(~?\s*\d+(?:[.,]\d+)?\s*(?:-\s*\d+(?:[.,]\d+)?\s*)?(?:h|hrs?|hours?|d|days?|w|wks?|weeks?|m|mins?|minutes?|pts?|points?|sp))\s*[)\]]/i;

export interface TitleMeta {
  title: string;
  priorityText?: string;
  estimate?: string;
  status?: PlanStatus;
}

/** Takes priority, estimate and status markers out of a heading's or an item's title. */
export function metaInTitle(raw: string): TitleMeta {
  const out: TitleMeta = { title: raw };
  const p = inlinePriority.exec(out.title);
  if (p) {
    const stripped = collapse(out.title.slice(0, p.index) + ' ' + out.title.slice(p.index + p[0].length));
    if (stripped) {
      out.title = stripped;
      out.priorityText = (p[1] ?? p[2] ?? p[3] ?? p[4]).trim();
    }
  }
  const e = inlineEstimate.exec(out.title);
  if (e) {
    const stripped = collapse(out.title.slice(0, e.index) + ' ' + out.title.slice(e.index + e[0].length));
    if (stripped) {
      out.title = stripped;
      out.estimate = collapse(e[1]);
    }
  }
  const s = statusInTitle(out.title);
  out.title = s.title;
  if (s.status) out.status = s.status;
  return out;
}

export type LabelKind =
  | 'priority'
  | 'dependencies'
  | 'run'
  | 'verify'
  | 'kind'
  | 'estimate'
  | 'status'
  | 'tasks'
  | 'acceptance'
  | 'description'
  | 'other';

const labels: Array<[RegExp, LabelKind]> = [
  [/^(?:priority|prio|importance)$/i, 'priority'],
  [
    /^(?:dependencies|dependency|depends on|depends upon|depends|requires|required|prerequisites?|pre-requisites?|blocked by|deps|after)$/i,
    'dependencies',
  ],
  [/^run$/i, 'run'],
  [/^verify$/i, 'verify'],
  [/^kind$/i, 'kind'],
  [
    /^(?:estimate|estimated|estimated time|estimated effort|estimated hours|estimated duration|time estimate|effort|est|duration|time|size|story points|points)$/i,
    'estimate',
  ],
  [/^(?:status|state|progress)$/i, 'status'],
  [
    /^(?:tasks|task list|subtasks|sub-tasks|steps|implementation steps|implementation|todo|to do|to-do|todos|action items|work items|checklist|work)$/i,
    'tasks',
  ],
  [
    /^(?:testing|tests|test plan|test cases|acceptance criteria|acceptance|success criteria|definition of done|done when|verification|validation|exit criteria|how to test|testing strategy)$/i,
    'acceptance',
  ],
  [
    /^(?:description|details|summary|goal|goals|objective|objectives|what|why|context|requirements|requirement|notes|note)$/i,
    'description',
  ],
];

/** "Priority: high" → { kind, label, value }; a label is a few words before a colon. */
export function labelOf(plain: string): { kind: LabelKind; label: string; value: string } | undefined {
  const m = /^([\p{L}][\p{L}\p{N} /_'-]{0,40}?)\s*[:=]\s*(.*)$/u.exec(plain);
  if (!m) return undefined;
  const label = m[1].trim();
  const value = m[2].trim();
  for (const [pattern, kind] of labels)
    if (pattern.test(label))
      // "Kind:" is metadata only with a kind Continuum knows; "Kind: feature" stays the item's text
      return kind === 'kind' && !taskKindOf(value) ? { kind: 'other', label, value } : { kind, label, value };
  return { kind: 'other', label, value };
}

/** Who does a task, as a plan's "Kind:" line says it: a language model, a shell command, or a person. */
export type PlanTaskKind = 'lm' | 'shell' | 'manual';

/** "lm", "model", "shell", "command", "to-do", "manual" → the kind; undefined for any other word. */
export function taskKindOf(value: string): PlanTaskKind | undefined {
  const word = value
    .trim()
    .replace(/[.!`*_]+/g, '')
    .trim()
    .toLowerCase();
  if (/^(?:lm|llm|model|language model)$/.test(word)) return 'lm';
  if (/^(?:shell|command)$/.test(word)) return 'shell';
  if (/^(?:to-?do|to do|manual)$/.test(word)) return 'manual';
  return undefined;
}

/** Headings whose items re-list work defined elsewhere: an order, a schedule, sprints, a summary. */
export const listingHeading =
  /\b(?:implementation order|order of (?:implementation|work|execution|tasks)|execution order|build order|recommended order|suggested order|work order|sequence|sprints?(?:\s+\d+)?|weeks?\s+\d+|iteration\s+\d+|timeline|schedule|critical path|quick reference|progress tracking|task summary|overview of tasks)\b/i;

/** Headings of sections that hold no work, in plans written without checkboxes. */
export const proseHeading =
  /^(?:overview|introduction|intro|background|context|summary|goals?|non-goals?|objectives?|motivation|problem(?: statement)?|scope|out of scope|assumptions|constraints|risks?(?: and mitigations?)?|mitigations?|open questions|questions|references|resources|links|notes?|glossary|appendix|architecture|design|technical design|success (?:criteria|metrics)|acceptance criteria|metrics|kpis|requirements|functional requirements|non-functional requirements|testing strategy|test strategy|rollback(?: plan)?|rollout(?: plan)?|decisions?|alternatives(?: considered)?|conclusion|tl;?dr|status|current state|files?(?: to (?:create|modify|change))?|dependencies|tech stack|stack|deliverables)\b/i;

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
