// Markdown plan import: turns a plan as people and agents write it into phases and tasks the task
// graph can import. Headings are phases (nested by level: phase → sub-phase), checklist items,
// "Task N" headings and rows of task tables are tasks (nested items subtasks); plans written without
// checkboxes make their numbered or bulleted steps tasks. Metadata under a heading ("**Priority:**
// HIGH", "**Dependencies:** Phase 1.1", "**Estimated Time:**", "**Status:** ✅", "**Testing:**"
// bullets) belongs to that heading; metadata under an item to the item. Sections that only re-list
// work defined elsewhere (an implementation order, sprints) create nothing. Pure: no I/O, no vscode,
// never throws. Every line it does not use is reported with its line number and why.
import type { Priority, TaskAction } from './model';
import { parseBlocks, splitBlocks, toPlain, type BlockNode } from './plan-markdown';
import { findPlanCycle } from './planGraph';
import {
  collapse,
  labelOf,
  listingHeading,
  metaInTitle,
  priorityOf,
  proseHeading,
  statusOf,
  taskKindOf,
  type LabelKind,
  type PlanTaskKind,
  type PlanStatus,
} from './planWords';
import { limits as taskLimits } from './validation';

export type { PlanStatus } from './planWords';

export interface PlanProblem {
  line: number;
  message: string;
}

/** A line of the plan that became nothing, and why. */
export interface PlanUnusedLine {
  line: number;
  text: string;
  why: string;
}

export interface PlanTaskSpec {
  /** Stable across re-imports: source + phase number/title + item number or title path; unique in the plan. */
  key: string;
  /** Plain text (inline markdown removed), not HTML-escaped. */
  title: string;
  done: boolean;
  line: number;
  number?: string;
  /** The nearest phase it sits in. */
  phaseKey?: string;
  parentKey?: string;
  /** Its effective priority: its own, else its nearest phase's (undefined: none written). */
  priority?: Priority;
  /** The priority written on the task itself. */
  ownPriority?: Priority;
  /** Task or phase keys it waits for: its own dependencies and its phases' (a phase key means all of that phase's tasks). */
  dependsOnKeys: string[];
  description: string;
  action?: TaskAction;
  estimate?: string;
  status?: PlanStatus;
}

export interface PlanPhaseSpec {
  key: string;
  title: string;
  number?: string;
  line: number;
  /** Document order among phases. */
  position: number;
  parentKey?: string;
  /** Effective priority: its own, else its nearest parent phase's. */
  priority?: Priority;
  ownPriority?: Priority;
  /** Task or phase keys written under this heading; every task under it inherits them. */
  dependsOnKeys: string[];
  estimate?: string;
  status?: PlanStatus;
  /** Testing / acceptance bullets under the heading. */
  notes: string[];
}

export interface ParsedPlan {
  source: string;
  phases: PlanPhaseSpec[];
  tasks: PlanTaskSpec[];
  problems: PlanProblem[];
  unused: PlanUnusedLine[];
  /** A dependency cycle among the plan's tasks and phases, as keys ending where they start. */
  cycle?: string[];
}

export const planLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxTitleLength: 500,
  maxDepth: 8,
  maxTasks: 100_000,
  maxProblems: 1_000,
  /** Dependency edges over the whole plan once phases are expanded ("Phase 2" is every item of phase 2). */
  maxDependencies: 200_000,
} as const;

export type PlanLimits = { -readonly [K in keyof typeof planLimits]: number };

export interface PlanOptions {
  limits?: Partial<PlanLimits>;
}

interface Ref {
  text: string;
  line: number;
}

interface Section {
  title: string;
  heading: string;
  number?: string;
  line: number;
  level: number;
  parent?: Section;
  children: Section[];
  /** Tasks that sit directly under this heading (not under a sub-heading), in document order. */
  tasks: RawTask[];
  refs: Ref[];
  priority?: Priority;
  estimate?: string;
  status?: PlanStatus;
  notes: string[];
  /** What the lists under the heading are, after a "Tasks:" / "Testing:" / "Dependencies:" label. */
  mode: { kind: LabelKind; label: string };
  /** A "Task 3: …" heading: the task it is. */
  task?: RawTask;
  /** A "Testing" / "Acceptance criteria" heading: its bullets are its parent's notes. */
  notesOf?: Section;
  isTitle?: boolean;
  listing: boolean;
  prose: boolean;
  isPhase?: boolean;
  part: string;
  key: string;
  depKeys: string[];
  depLines: Map<string, number>;
  /** Lines used for this heading's metadata and notes: given back when it turns out not to be a phase. */
  lines: number[];
}

interface RawTask {
  title: string;
  done: boolean;
  status?: PlanStatus;
  line: number;
  number?: string;
  /** The heading it sits under. */
  home?: Section;
  parent?: RawTask;
  depth: number;
  priority?: Priority;
  estimate?: string;
  refs: Ref[];
  description: string[];
  run?: string;
  verify?: string;
  /** Who does it, from a "Kind:" line (lm: a language model), and that line. */
  kind?: { kind: PlanTaskKind; line: number };
  /** Made from a plain list item (plans without checkboxes). */
  plain: boolean;
  /** Lines this task used, given back when it is dropped. */
  lines: number[];
  dropped?: string;
  /** Whether a heading / table made it (numbers from a heading are always kept). */
  from: 'item' | 'heading' | 'table';
  part: string;
  key: string;
  depKeys: string[];
  depLines: Map<string, number>;
}

/** Where a block sits. `task` is the item (or "Task N" heading) it belongs to. */
interface Ctx {
  section?: Section;
  task?: RawTask;
  inItem?: boolean;
  dropped?: string;
}

const numberKeywords = 'phase|stage|milestone|section|part|sprint|step|task|item|story|ticket|epic|issue';
const phaseKeywords = new Set(['phase', 'stage', 'milestone', 'section', 'part', 'sprint', 'epic']);
const taskHeadingKeywords = new Set(['task', 'item', 'story', 'ticket', 'issue', 'step']);
/** "Phase 1: Setup", "1. Setup", "1.2 Login", "Task 1.1 - Title", "1) Title". */
const numberedText = new RegExp(
  `^(?:(${numberKeywords})\\s+)?#?(\\d{1,9}(?:\\.\\d{1,9})*)(\\.(?!\\d)|:|\\))?(?=\\s|$|\\s*[-–—:])\\s*(?:[-–—:]\\s*)?`,
  'i',
);
const boldNumber = /^(\*\*|__)\s*\d{1,9}(?:\.\d{1,9})*[.:)]?\s*\1/;
const checkbox = /^\[([ xX~/-])\](\*)?(?=[ \t]|$)[ \t]*/;
const checkboxLike = /^\[(\s{0,3}|\s?[^\s\d\]]\s?)\](?![([:])/;
const bulletWithoutSpace = /^\s*(?:[-*+]|\d{1,9}[.)])\[[ xX]?\]/;
const checkboxWithoutBullet = /^\s*\[[ xX]\](?:\s|$)/;
const dependsWithoutColon = /^depends on\s+((?:(?:phase|task|step|item)\s+)?#?\d.*)$/i;
const noDeps = /^(?:none|n\/a|na|no|nothing|-|–|—|\(none\)|none yet|nil)\.?$/i;
const numberRef = new RegExp(
  `^(?:(${numberKeywords})\\s*)?#?(\\d{1,9}(?:\\.\\d{1,9})*)\\.?(?:(?:\\s*[-–—:)(]|\\s)\\s*.*)?$`,
  'i',
);
const boldLabel = /^\s*(?:\*\*|__)[^*_\n]{1,40}?:?\s*(?:\*\*|__)\s*:?/;
const thematicBreak = /^([-*_])(?:[ \t]*\1){2,}$/;

/** Parses a markdown plan at once. Never throws; problems carry 1-based line numbers. */
export function parsePlan(markdown: string, source: string, options: PlanOptions = {}): ParsedPlan {
  const steps = planSteps(markdown, source, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Parses a markdown plan a slice at a time: after about `sliceMs` of work it awaits `pause()`
 * (in the extension host: a macrotask), so no single slice holds the event loop long.
 */
export async function parsePlanInSlices(
  markdown: string,
  source: string,
  pause: () => Promise<void>,
  options: PlanOptions & { sliceMs?: number } = {},
): Promise<ParsedPlan> {
  return runInSlices(planSteps(markdown, source, options), pause, options.sliceMs ?? 15);
}

/** Drives a generator, pausing whenever a slice has run `sliceMs`. */
export async function runInSlices<T>(
  steps: Generator<void, T>,
  pause: () => Promise<void>,
  sliceMs: number,
): Promise<T> {
  let started = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - started >= sliceMs) {
      await pause();
      started = performance.now();
    }
  }
}

/** The parser as steps: it yields between pieces of work of a few milliseconds each. */
export function* planSteps(markdown: string, source: string, options: PlanOptions = {}): Generator<void, ParsedPlan> {
  const text = typeof markdown === 'string' ? markdown : '';
  const limits: PlanLimits = { ...planLimits, ...options.limits };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) {
    const mb = (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
    return {
      source,
      phases: [],
      tasks: [],
      unused: [],
      problems: [
        { line: 1, message: `plan is too large (${mb} MB; the limit is ${limits.maxBytes / (1024 * 1024)} MB)` },
      ],
    };
  }
  try {
    return yield* new PlanParser(text, String(source), limits).parse();
  } catch (err) {
    // A bug here must not take the import down with it: say so and import nothing.
    const message = err instanceof Error ? err.message : String(err);
    return {
      source,
      phases: [],
      tasks: [],
      unused: [],
      problems: [{ line: 1, message: `internal error while reading the plan: ${message}` }],
    };
  }
}

class PlanParser {
  private readonly lines: string[];
  private readonly problems: PlanProblem[] = [];
  private droppedProblems = 0;
  private firstDroppedLine = 1;
  private readonly sections: Section[] = [];
  private readonly tasks: RawTask[] = [];
  private sectionStack: Section[] = [];
  private here: Ctx = {};
  private tooManyTasks = false;
  /** Per line: used by something (1), or why not. */
  private readonly used: Uint8Array;
  private readonly why = new Map<number, string>();
  private explicitTasks = 0;

  constructor(
    markdown: string,
    private readonly source: string,
    private readonly limits: PlanLimits,
  ) {
    // BOM off, one kind of line ending, no NULs (markdown-it's own normalisation, done up front
    // because only its block parser is used).
    const text = markdown
      .replace(/^\uFEFF/, '')
      .replace(/\r\n?/g, '\n')
      .replace(/\0/g, '\uFFFD');
    this.lines = text.split('\n');
    this.used = new Uint8Array(this.lines.length + 2);
  }

  /** True every `n` calls: where a loop over the whole plan lets the event loop in. */
  private tick = 0;
  private due(n = 2000): boolean {
    return ++this.tick % n === 0;
  }

  *parse(): Generator<void, ParsedPlan> {
    yield;
    for (const piece of splitBlocks(this.lines, 400)) {
      const tree = parseBlocks(piece.text, piece.firstLine);
      for (const line of tree.tooDeep)
        this.problem(line, 'markdown is nested too deeply here; the rest of this block is ignored');
      this.walk(tree.children, undefined);
      yield;
    }
    yield* this.settleStructure();
    yield* this.assignKeys();
    yield* this.resolveAll();
    const phases = this.phaseSpecs();
    const tasks: PlanTaskSpec[] = [];
    for (const t of this.tasks) {
      if (t.dropped) continue;
      tasks.push(this.taskSpec(t));
      if (tasks.length % 1000 === 0) yield;
    }
    const cycle = yield* findPlanCycle(phases, tasks, key => this.phaseTaskKeys.get(key) ?? []);
    if (cycle)
      this.problem(
        this.cycleLine(cycle),
        `dependency cycle: ${this.describeCycle(cycle)}; nothing can be imported until one of these dependencies is removed`,
        true,
      );
    yield;
    const unused = yield* this.unusedLines();
    if (this.droppedProblems > 0) {
      this.problems.push({ line: this.firstDroppedLine, message: `${this.droppedProblems} more problems not shown` });
    }
    this.problems.sort((a, b) => a.line - b.line);
    const plan: ParsedPlan = { source: this.source, phases, tasks, problems: this.problems, unused };
    if (cycle) plan.cycle = cycle;
    return plan;
  }

  /** Records a problem; past maxProblems only a count is kept, except for `always` (the limits). */
  private problem(line: number, message: string, always = false): void {
    const at = Math.min(Math.max(1, Math.floor(line) || 1), this.lines.length);
    if (this.problems.length >= this.limits.maxProblems && !always) {
      if (this.droppedProblems === 0) this.firstDroppedLine = at;
      this.droppedProblems++;
      return;
    }
    this.problems.push({ line: at, message });
  }

  private claim(line: number, task?: RawTask): void {
    if (line < 1 || line > this.lines.length) return;
    this.used[line] = 1;
    task?.lines.push(line);
  }

  private claimFor(section: Section, line: number): void {
    this.claim(line);
    section.lines.push(line);
  }

  private unuse(line: number, why: string): void {
    if (line < 1 || line > this.lines.length || this.used[line]) return;
    if (!this.why.has(line)) this.why.set(line, why);
  }

  // ---- walking the block tree ----

  /** Walks blocks; `ctx` undefined means "directly under the current heading". */
  private walk(nodes: BlockNode[], ctx: Ctx | undefined): void {
    for (const node of nodes) {
      const at = ctx ?? this.here;
      switch (node.type) {
        case 'heading':
          // only a heading outside lists starts a phase; inside an item it is just text
          if (at.inItem) this.textLines(node.content, node.line, at);
          else this.heading(node);
          break;
        case 'paragraph':
          this.textLines(node.content, node.line, at);
          break;
        case 'bullet_list':
        case 'ordered_list':
          for (const item of node.children) this.listItem(item, at, node.type === 'ordered_list');
          break;
        case 'blockquote':
          this.walk(node.children, ctx);
          break;
        case 'table':
          this.table(node, at);
          break;
        case 'fence':
        case 'code_block':
          if (at.task && !at.dropped) {
            at.task.description.push(node.content.replace(/\n$/, ''));
            for (let l = node.line; l < node.end; l++) this.claim(l, at.task);
          } else {
            for (let l = node.line; l < node.end; l++) this.unuse(l, at.dropped ?? 'code block outside any task');
          }
          break;
        case 'hr':
          break;
        default:
          break;
      }
    }
  }

  private heading(node: BlockNode): void {
    const level = node.level ?? 1;
    const plain = collapse(toPlain(node.content.replace(/\n/g, ' ')));
    const meta = metaInTitle(plain);
    const numbered = parseNumber(meta.title, node.content);
    const keyword = numbered?.keyword?.toLowerCase();
    // "#### Priority: Critical" right under a heading is that heading's metadata, not a section
    const asMeta = labelOf(meta.title);
    const above = this.sectionStack[this.sectionStack.length - 1];
    if (
      asMeta &&
      asMeta.value &&
      above &&
      above.level < level &&
      ['priority', 'dependencies', 'estimate', 'status'].includes(asMeta.kind)
    ) {
      if (above.task) this.taskMeta(above.task, asMeta, null, node.content, node.line);
      else this.sectionMeta(above, asMeta, node.line);
      return;
    }
    while (this.sectionStack.length > 0 && this.sectionStack[this.sectionStack.length - 1].level >= level)
      this.sectionStack.pop();
    const parent = this.sectionStack[this.sectionStack.length - 1];
    const titleText = numbered && numbered.rest ? numbered.rest : meta.title;
    const section: Section = {
      title: this.truncate(titleText, node.line) || 'Untitled',
      heading: plain,
      number: numbered?.number,
      line: node.line,
      level,
      parent,
      children: [],
      tasks: [],
      refs: [],
      notes: [],
      mode: { kind: 'tasks', label: '' },
      listing: listingHeading.test(meta.title) || !!parent?.listing,
      prose: proseHeading.test(titleText),
      part: '',
      key: '',
      depKeys: [],
      depLines: new Map(),
      lines: [],
    };
    if (meta.status) section.status = meta.status;
    if (meta.estimate) section.estimate = meta.estimate;
    if (meta.priorityText) section.priority = this.priority(meta.priorityText, node.line);
    parent?.children.push(section);
    this.sectionStack.push(section);
    this.sections.push(section);
    const owner = parent && (parent.task ? parent : parent.notesOf ? undefined : parent);
    const label = labelOf(`${meta.title}:`);
    if (parent?.task) {
      // a sub-heading of a "Task N" heading is part of that task
      section.task = parent.task;
      section.mode =
        label && label.kind !== 'other'
          ? { kind: label.kind, label: label.label }
          : { kind: 'description', label: meta.title };
      this.claim(node.line, parent.task);
    } else if (keyword && taskHeadingKeywords.has(keyword) && numbered?.rest !== undefined && !section.listing) {
      const task = this.newTask(
        numbered.rest || meta.title,
        meta.status === 'done',
        node.line,
        { section: parent },
        'heading',
      );
      if (task) {
        task.number = numbered.number;
        if (meta.status) task.status = meta.status;
        if (meta.estimate) task.estimate = meta.estimate;
        if (section.priority) task.priority = section.priority;
        section.task = task;
        section.number = undefined;
        this.explicitTasks++;
        section.mode = { kind: 'tasks', label: '' };
      }
    } else if (owner && label && label.kind === 'acceptance' && !numbered) {
      // "#### Testing" under a phase: its bullets are the phase's acceptance notes
      section.notesOf = owner;
      section.mode = { kind: 'acceptance', label: label.label };
      this.claimFor(owner, node.line);
    }
    this.here = { section, ...(section.task ? { task: section.task } : {}) };
  }

  private listItem(item: BlockNode, outer: Ctx, ordered: boolean): void {
    const ctx: Ctx = { ...outer, inItem: true };
    const [first, ...rest] = item.children;
    const mode = !outer.inItem ? outer.section?.mode : undefined;
    if (outer.dropped) {
      this.unuseNode(item, outer.dropped);
      return;
    }
    if (
      mode &&
      !outer.task &&
      (mode.kind === 'acceptance' ||
        mode.kind === 'dependencies' ||
        mode.kind === 'description' ||
        mode.kind === 'other')
    ) {
      if (this.sectionListItem(item, outer, mode)) return;
    }
    if (
      mode &&
      outer.task &&
      !outer.inItem &&
      (mode.kind === 'acceptance' || mode.kind === 'description' || mode.kind === 'other')
    ) {
      // bullets under "Acceptance criteria:" of a "Task N" heading: its description
      this.textLines(this.itemText(item), item.line, { ...outer, inItem: true });
      return;
    }
    if (!first || first.type !== 'paragraph') {
      this.walk(item.children, ctx);
      return;
    }
    const lines = first.content.split('\n');
    const head = lines[0];
    const box = checkbox.exec(head);
    if (box) {
      const titleRaw = head.slice(box[0].length);
      if (!titleRaw.trim()) {
        this.problem(first.line, 'checklist item has no title; it is not imported');
        this.unuse(first.line, 'checklist item without a title');
        this.walk(rest, { ...ctx, dropped: 'part of a checklist item that was not imported' });
        return;
      }
      const mark = box[1];
      const task = this.newTask(titleRaw, mark === 'x' || mark === 'X', first.line, ctx, 'item');
      if (task && ordered && !outer.inItem && !outer.task && outer.section?.number)
        this.numberFromList(task, item, outer.section);
      if (task) {
        this.explicitTasks++;
        if (mark === '-' || mark === '~' || mark === '/') task.status = 'in progress';
      }
      const inner: Ctx = task
        ? { section: ctx.section, task, inItem: true }
        : { ...ctx, dropped: 'part of a checklist item over the limit' };
      this.itemLines(item, lines, first.line, inner);
      this.walk(rest, inner);
      return;
    }
    if (/^\[[ xX]\]\S/.test(head)) {
      this.problem(first.line, 'checklist item needs a space between the checkbox and its title; not imported');
      this.unuse(first.line, 'checklist item needs a space between the checkbox and its title');
    } else if (checkboxLike.test(head)) {
      const shown = /^\[[^\]]*\]/.exec(head)?.[0] ?? head;
      this.problem(
        first.line,
        `malformed checkbox "${shown}": write "[ ]" or "[x]" followed by a space and the title; not imported`,
      );
      this.unuse(first.line, `malformed checkbox "${shown}"`);
    } else {
      this.plainItem(item, first, lines, rest, ctx, outer, ordered);
      return;
    }
    const dropped = 'part of a checklist item that was not imported';
    for (let i = 1; i < lines.length; i++) this.textLine(lines[i], first.line + i, { ...ctx, dropped });
    this.walk(rest, { ...ctx, dropped });
  }

  /** A list item without a checkbox: a step of a plan written without checkboxes, or text. */
  private plainItem(
    item: BlockNode,
    first: BlockNode,
    lines: string[],
    rest: BlockNode[],
    ctx: Ctx,
    outer: Ctx,
    ordered: boolean,
  ): void {
    const section = outer.section;
    const label = labelOf(collapse(toPlain(lines[0]).replace(/^[\s*_]+/, '')));
    const isMeta =
      !!label &&
      label.kind !== 'other' &&
      label.kind !== 'description' &&
      label.kind !== 'tasks' &&
      label.kind !== 'acceptance';
    const workHere = !outer.task || (outer.task.plain && ordered);
    const candidate =
      !isMeta && workHere && !(section && (section.prose || section.notesOf)) && !(outer.task && !outer.inItem);
    if (!candidate) {
      // text of the item it sits in, or metadata written as a bullet
      this.textLines(first.content, first.line, ctx);
      this.walk(rest, ctx);
      return;
    }
    const head = lines[0];
    // "**Set up the repo** — create the folders": the bold lead is the title, the rest description
    const lead = /^(\*\*|__)(.+?)\1\s*(?:[-–—:.]\s*)?(.*)$/.exec(head);
    const useLead = lead && !/^\s*\d{1,9}(?:\.\d{1,9})*[.:)]?\s*$/.test(lead[2]) && lead[3];
    const task = this.newTask(useLead ? lead[2] : head, false, first.line, ctx, 'item', true);
    if (!task) {
      this.unuseNode(item, 'part of an item over the limit');
      return;
    }
    if (useLead) task.description.push(collapse(toPlain(lead[3])));
    if (ordered && !outer.inItem) this.numberFromList(task, item, outer.task ? undefined : outer.section, outer.task);
    const inner: Ctx = { section: ctx.section, task, inItem: true };
    this.itemLines(item, lines, first.line, inner);
    this.walk(rest, inner);
  }

  /**
   * The lines after an item's first: its metadata and description — except lines written at the
   * left margin with a bold label ("**Dependencies:** …" right under "- [ ] item"), which markdown
   * joins to the item but belong, as written, to the heading above it; so does all that follows them.
   */
  private itemLines(item: BlockNode, lines: string[], firstLine: number, inner: Ctx): void {
    const column = contentColumn(this.lines[item.line - 1] ?? '');
    let out = false;
    for (let i = 1; i < lines.length; i++) {
      const line = firstLine + i;
      const raw = this.lines[line - 1] ?? '';
      const indent = /^[ \t]*/.exec(raw)![0].length;
      if (!out && inner.task && indent < column && boldLabel.test(lines[i])) out = true;
      this.textLine(lines[i], line, out ? this.here : inner);
    }
  }

  /**
   * "2." of an ordered list is the step's number when its text has none: "2.2" under a heading
   * numbered 2 (or under step 2), else "2" — so "Depends on: 1" can name step 1.
   */
  private numberFromList(task: RawTask, item: BlockNode, section: Section | undefined, parent?: RawTask): void {
    if (task.number) return;
    const ordinal = /^[ \t>]*(\d{1,9})[.)]/.exec(this.lines[item.line - 1] ?? '')?.[1];
    if (!ordinal) return;
    const base = parent ? parent.number : section?.number;
    task.number = normaliseNumber(base ? `${base}.${ordinal}` : ordinal);
  }

  /** A list item under a "Testing:", "Dependencies:" or other label of a phase: true when it was taken. */
  private sectionListItem(item: BlockNode, outer: Ctx, mode: { kind: LabelKind; label: string }): boolean {
    const section = outer.section!;
    const text = collapse(toPlain(this.itemText(item).replace(/^\s*\[[ xX]\]\s*/, '')));
    const lines = this.nodeLines(item);
    if (mode.kind === 'acceptance') {
      const target = section.notesOf ?? section;
      if (text) target.notes.push(text);
      for (const l of lines) this.claimFor(target, l);
      return true;
    }
    if (mode.kind === 'dependencies') {
      section.refs.push({ text, line: item.line });
      for (const l of lines) this.claimFor(section, l);
      return true;
    }
    const first = item.children[0];
    if (first?.type === 'paragraph' && checkbox.test(first.content)) return false;
    const why = `listed under "${mode.label}:", which is not imported`;
    for (const l of lines) this.unuse(l, why);
    return true;
  }

  private table(node: BlockNode, ctx: Ctx): void {
    const rows: Array<{ line: number; cells: string[] }> = [];
    const collect = (n: BlockNode) => {
      if (n.type === 'tr') rows.push({ line: n.line, cells: n.children.map(c => collapse(toPlain(c.content))) });
      else for (const c of n.children) collect(c);
    };
    collect(node);
    const [header, ...body] = rows;
    if (!header || ctx.dropped) {
      for (let l = node.line; l < node.end; l++) this.unuse(l, ctx.dropped ?? 'table without rows');
      return;
    }
    const col = (pattern: RegExp) => header.cells.findIndex(c => pattern.test(c.trim()));
    let title = col(/^(?:tasks?|titles?|names?|work items?|items?|stor(?:y|ies)|todo|to do|action|steps?)$/i);
    const description = col(/^(?:description|details|what|notes?|summary|deliverables?)$/i);
    if (title === -1) title = description;
    const number = col(/^(?:#|no\.?|nr\.?|number|id|task id|ref|step|task #|item #)$/i);
    const priority = col(/^(?:priority|prio|p)$/i);
    const deps = col(/^(?:depends on|dependencies|dependency|deps|depends|blocked by|prerequisites?|requires|after)$/i);
    const status = col(/^(?:status|state|done|progress)$/i);
    const estimate = col(/^(?:estimate|estimated|est\.?|effort|time|hours|duration|size|points|story points)$/i);
    if (title === -1 || (ctx.task && !ctx.inItem && ctx.section?.mode.kind !== 'tasks')) {
      for (let l = node.line; l < node.end; l++)
        this.unuse(l, 'table without a Task or Title column: not a table of tasks');
      return;
    }
    this.claim(header.line);
    this.claim(header.line + 1); // the |---| rule
    for (const row of body) {
      const cell = (i: number) => (i >= 0 ? (row.cells[i] ?? '') : '');
      const name = cell(title);
      if (!name) {
        this.unuse(row.line, 'table row with an empty Task cell');
        continue;
      }
      const numberText = cell(number).replace(/^#/, '');
      const titled =
        numberText && /^\d{1,9}(?:\.\d{1,9})*\.?$/.test(numberText) ? `${numberText.replace(/\.$/, '')} ${name}` : name;
      const stat = status >= 0 ? statusOf(cell(status)) : undefined;
      const task = this.newTask(titled, stat === 'done', row.line, ctx, 'table');
      if (!task) {
        this.unuse(row.line, 'row over the limit of tasks');
        continue;
      }
      if (numberText && /^\d{1,9}(?:\.\d{1,9})*\.?$/.test(numberText))
        task.number = normaliseNumber(numberText.replace(/\.$/, ''));
      this.explicitTasks++;
      if (stat) task.status = stat;
      if (priority >= 0 && cell(priority)) task.priority = this.priority(cell(priority), row.line) ?? task.priority;
      if (deps >= 0 && cell(deps) && !noDeps.test(cell(deps))) task.refs.push({ text: cell(deps), line: row.line });
      if (estimate >= 0 && cell(estimate) && !noDeps.test(cell(estimate))) task.estimate = cell(estimate);
      if (description >= 0 && description !== title && cell(description)) task.description.push(cell(description));
    }
  }

  private newTask(
    titleRaw: string,
    done: boolean,
    line: number,
    ctx: Ctx,
    from: RawTask['from'],
    plain = false,
  ): RawTask | undefined {
    if (this.tasks.length >= this.limits.maxTasks) {
      if (!this.tooManyTasks) {
        this.tooManyTasks = true;
        this.problem(
          line,
          `the plan has more than ${this.limits.maxTasks} tasks; tasks from this line on are not imported`,
          true,
        );
      }
      return undefined;
    }
    const plainTitle = collapse(toPlain(titleRaw));
    const meta = metaInTitle(plainTitle);
    let title = meta.title;
    const numbered = from === 'heading' ? undefined : parseNumber(title, titleRaw);
    let number: string | undefined;
    if (numbered) {
      number = numbered.number;
      if (numbered.rest) title = numbered.rest;
    }
    title = this.truncate(title, line);
    let parent = ctx.task;
    let depth = parent ? parent.depth + 1 : 1;
    if (depth > this.limits.maxDepth) {
      this.problem(
        line,
        `checklist is nested deeper than ${this.limits.maxDepth} levels; this item is imported at level ${this.limits.maxDepth}`,
      );
      while (parent && parent.depth >= this.limits.maxDepth) parent = parent.parent;
      depth = this.limits.maxDepth;
    }
    const task: RawTask = {
      title,
      done: done || meta.status === 'done',
      line,
      number,
      home: ctx.section,
      parent,
      depth,
      refs: [],
      description: [],
      plain,
      lines: [],
      from,
      part: '',
      key: '',
      depKeys: [],
      depLines: new Map(),
    };
    if (meta.status) task.status = meta.status;
    if (meta.estimate) task.estimate = meta.estimate;
    if (meta.priorityText) task.priority = this.priority(meta.priorityText, line);
    this.claim(line, task);
    this.tasks.push(task);
    ctx.section?.tasks.push(task);
    return task;
  }

  private truncate(title: string, line: number): string {
    if (title.length <= this.limits.maxTitleLength) return title;
    this.problem(line, `title is longer than ${this.limits.maxTitleLength} characters; it is truncated`);
    // never split a surrogate pair
    const cut = title.slice(0, this.limits.maxTitleLength - 1).replace(/[\uD800-\uDBFF]$/, '');
    return cut + '…';
  }

  /** Paragraph-like text: metadata lines, description lines, or prose outside any item. */
  private textLines(content: string, firstLine: number, ctx: Ctx): void {
    if (!content) return;
    const lines = content.split('\n');
    for (let i = 0; i < lines.length; i++) this.textLine(lines[i], firstLine + i, ctx);
  }

  private textLine(raw: string, line: number, ctx: Ctx): void {
    if (bulletWithoutSpace.test(raw)) {
      this.problem(
        line,
        'looks like a checklist item but has no space after the bullet (write "- [ ] title"); not imported',
      );
      this.unuse(line, 'checklist item without a space after the bullet');
      return;
    }
    if (checkboxWithoutBullet.test(raw)) {
      this.problem(
        line,
        'looks like a checklist item but is not a list item (write "- [ ] title" on its own line); not imported',
      );
      this.unuse(line, 'checkbox that is not a list item');
      return;
    }
    // the lines of an item that was not imported (reported already) go with it
    if (ctx.dropped) {
      this.unuse(line, ctx.dropped);
      return;
    }
    const task = ctx.task;
    const plain = collapse(toPlain(raw).replace(/^[\s*_]+/, ''));
    if (!plain) return;
    const label = labelOf(plain);
    const bare = !label ? dependsWithoutColon.exec(plain) : null;
    if (task) {
      if (this.taskMeta(task, label, bare, raw, line)) return;
      task.description.push(toPlain(raw).trim());
      this.claim(line, task);
      return;
    }
    const section = ctx.section;
    if (!section) {
      if (
        label &&
        (label.kind === 'priority' || label.kind === 'dependencies' || label.kind === 'run' || label.kind === 'verify')
      ) {
        const what =
          label.kind === 'priority' ? 'Priority' : label.kind === 'dependencies' ? 'dependency' : label.label;
        this.problem(
          line,
          `${what} line outside any phase or checklist item is ignored (indent it under the item it belongs to)`,
        );
        this.unuse(line, `${what} line outside any phase or task`);
      } else {
        this.unuse(line, 'text outside any task');
      }
      return;
    }
    if (section.notesOf) {
      section.notesOf.notes.push(plain);
      this.claimFor(section.notesOf, line);
      return;
    }
    if (bare) {
      section.refs.push({ text: bare[1], line });
      this.claimFor(section, line);
      return;
    }
    if (!label) {
      this.unuse(line, 'text under a heading, outside any task');
      return;
    }
    this.sectionMeta(section, label, line);
  }

  /** Metadata written under a task; false when the line is description. */
  private taskMeta(
    task: RawTask,
    label: ReturnType<typeof labelOf>,
    bare: RegExpExecArray | null,
    raw: string,
    line: number,
  ): boolean {
    if (bare) {
      task.refs.push({ text: bare[1], line });
      this.claim(line, task);
      return true;
    }
    if (!label) return false;
    switch (label.kind) {
      case 'priority': {
        const p = this.priority(label.value, line);
        if (p) task.priority = p;
        break;
      }
      case 'dependencies':
        if (!label.value) return false;
        task.refs.push({ text: label.value, line });
        break;
      case 'run':
      case 'verify':
        this.action(task, label.kind, commandValue(raw), line);
        break;
      case 'kind':
        if (task.kind) this.problem(line, 'a second Kind: line for the same item; only the first is kept');
        else task.kind = { kind: taskKindOf(label.value)!, line };
        break;
      case 'estimate':
        if (!label.value) return false;
        task.estimate = label.value;
        break;
      case 'status': {
        const s = statusOf(label.value);
        if (!s) return false;
        task.status = s;
        if (s === 'done') task.done = true;
        break;
      }
      default:
        return false;
    }
    this.claim(line, task);
    return true;
  }

  /** Metadata written under a heading, outside any item: it belongs to the heading. */
  private sectionMeta(section: Section, label: NonNullable<ReturnType<typeof labelOf>>, line: number): void {
    switch (label.kind) {
      case 'priority': {
        const p = this.priority(label.value, line);
        if (p) section.priority = p;
        else this.unuse(line, 'unknown priority');
        break;
      }
      case 'dependencies':
        if (label.value) section.refs.push({ text: label.value, line });
        section.mode = label.value ? { kind: 'tasks', label: '' } : { kind: 'dependencies', label: label.label };
        break;
      case 'estimate':
        if (label.value) section.estimate = label.value;
        break;
      case 'status': {
        const s = statusOf(label.value);
        if (!s) {
          this.unuse(line, `status "${clip(label.value)}" is not one Continuum knows (done, in progress, pending)`);
          return;
        }
        section.status = s;
        break;
      }
      case 'tasks':
        section.mode = { kind: 'tasks', label: label.label };
        if (label.value) {
          this.unuse(line, 'text after "Tasks:" is not a task; list the tasks as items below it');
          return;
        }
        break;
      case 'acceptance':
        section.mode = { kind: 'acceptance', label: label.label };
        if (label.value) section.notes.push(label.value);
        break;
      case 'run':
      case 'verify':
      case 'kind':
        this.problem(line, `${label.label}: line under a heading is ignored (put it under the item it belongs to)`);
        this.unuse(line, `${label.label}: belongs under a task`);
        return;
      default:
        section.mode = { kind: label.kind, label: label.label };
        this.unuse(
          line,
          `"${clip(label.label)}:" under a heading is not imported (phases keep priority, dependencies, estimate, status and testing notes)`,
        );
        return;
    }
    this.claimFor(section, line);
  }

  private priority(value: string, line: number): Priority | undefined {
    const found = priorityOf(value);
    if (!found)
      this.problem(line, `unknown priority "${clip(value.trim())}" (use critical, high, normal, medium, low or P0–P3)`);
    return found;
  }

  private action(task: RawTask, kind: 'run' | 'verify', command: string, line: number): void {
    const label = kind === 'run' ? 'Run' : 'Verify';
    if (!command) {
      this.problem(line, `${label}: line has no command`);
      return;
    }
    if (command.length > taskLimits.command) {
      this.problem(
        line,
        `${label}: command is ${command.length} characters long; the limit is ${taskLimits.command}, so it is refused`,
      );
      return;
    }
    if (task[kind] !== undefined) {
      this.problem(line, `a second ${label}: line for the same item; only the first is kept`);
      return;
    }
    task[kind] = command;
  }

  private itemText(item: BlockNode): string {
    const first = item.children[0];
    return first?.type === 'paragraph' ? first.content : '';
  }

  private nodeLines(node: BlockNode): number[] {
    const out: number[] = [];
    for (let l = node.line; l < Math.max(node.end, node.line + 1); l++) out.push(l);
    return out;
  }

  private unuseNode(node: BlockNode, why: string): void {
    for (const l of this.nodeLines(node)) this.unuse(l, why);
  }

  // ---- structure: titles, plain items, re-listed work, numbered parents ----

  private *settleStructure(): Generator<void> {
    // A single un-numbered level-1 heading at the top is the document's title, not a phase.
    const top = this.sections.filter(s => s.level === 1);
    if (top.length === 1 && top[0] === this.sections[0] && !top[0].number && !top[0].task) {
      top[0].isTitle = true;
      this.why.set(top[0].line, "the document's title");
    }
    // Items of a section that re-lists work (an implementation order, sprints) create nothing.
    const definedTasks = new Map<string, RawTask>();
    const definedTitles = new Map<string, RawTask>();
    const definedSections = new Map<string, Section>();
    for (const t of this.tasks) {
      if (this.due()) yield;
      if (t.dropped || t.home?.listing) continue;
      if (t.number && !definedTasks.has(t.number)) definedTasks.set(t.number, t);
      definedTitles.set(t.title.toLowerCase(), t);
    }
    const sectionTitles = new Map<string, Section>();
    for (const s of this.sections) {
      if (this.due()) yield;
      if (s.listing) continue;
      if (s.number && !definedSections.has(s.number)) definedSections.set(s.number, s);
      if (!sectionTitles.has(s.title.toLowerCase())) sectionTitles.set(s.title.toLowerCase(), s);
    }
    for (const t of this.tasks) {
      if (this.due()) yield;
      if (t.dropped) continue;
      const listing = t.home?.listing;
      const phaseRef =
        !listing && t.plain
          ? /^(?:phase|stage|milestone|sprint)\s+#?(\d{1,9}(?:\.\d{1,9})*)/i.exec(this.rawTitle(t))
          : null;
      if (!listing && !phaseRef) continue;
      const again = this.relisted(t, definedTasks, definedTitles, definedSections, sectionTitles);
      if (again) this.drop(t, `re-lists ${again}; nothing created`);
    }
    // In a plan with checklists (or task headings or task tables), plain list items are text.
    if (this.explicitTasks > 0) {
      for (const t of this.tasks)
        if (t.plain && !t.dropped)
          this.drop(t, 'plain list item: in a plan with checklists only checklist items become tasks');
    }
    this.forgetDropped();
    // "- [ ] 2.1 …" after "- [ ] 2. …" at the same level: 2.1 is a subtask of 2 (Kiro's tasks.md)
    const topByNumber = new Map<Section | undefined, Map<string, RawTask>>();
    for (const t of this.tasks) {
      if (this.due()) yield;
      if (t.dropped || !t.number || t.parent) continue;
      let here = topByNumber.get(t.home);
      if (!here) topByNumber.set(t.home, (here = new Map()));
      if (t.number.includes('.')) {
        const up = here.get(t.number.slice(0, t.number.lastIndexOf('.')));
        if (up && up.depth < this.limits.maxDepth) {
          t.parent = up;
          t.depth = up.depth + 1;
        }
      }
      if (!here.has(t.number)) here.set(t.number, t);
    }
    // Phases: headings with tasks under them (sub-headings included).
    const hasTasks = new Set<Section>();
    for (const t of this.tasks) {
      if (this.due()) yield;
      if (t.dropped) continue;
      for (let s = t.home; s; s = s.parent) {
        if (hasTasks.has(s)) break;
        hasTasks.add(s);
      }
    }
    for (const s of this.sections) {
      if (this.due()) yield;
      // a prose heading ("Overview") that merely contains phases is not one itself
      s.isPhase = hasTasks.has(s) && !s.task && !s.isTitle && !s.notesOf && (!s.prose || s.tasks.length > 0);
      if (s.isPhase) this.claim(s.line);
      if (s.task) {
        if (s.task.dropped) continue;
        // a "Task N" heading: its priority/estimate/status lines were read as the task's
      }
      if (!s.isPhase && !s.task && !s.notesOf && !s.isTitle) {
        this.unuse(
          s.line,
          s.listing ? 'heading of a section that re-lists work defined elsewhere' : 'heading with no tasks under it',
        );
      }
      if (!s.isPhase && !s.task)
        for (const l of s.lines) this.unclaim(l, 'under a heading with no tasks under it: not imported');
    }
    // A phase marked done: its tasks are done.
    for (const t of this.tasks) {
      if (this.due()) yield;
      if (t.dropped || t.done) continue;
      for (let s = t.home; s; s = s.parent) {
        if (s.isPhase && s.status === 'done') {
          t.done = true;
          break;
        }
      }
    }
  }

  private rawTitle(t: RawTask): string {
    return collapse(
      toPlain(this.lines[t.line - 1] ?? '').replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX~/-]\]\s*)?/, ''),
    );
  }

  /** What a re-listing item names ("2.1 Health Check System (line 40)"), or undefined. */
  private relisted(
    t: RawTask,
    tasks: Map<string, RawTask>,
    titles: Map<string, RawTask>,
    sections: Map<string, Section>,
    sectionTitles: Map<string, Section>,
  ): string | undefined {
    const raw = this.rawTitle(t);
    const m = numberRef.exec(raw);
    if (m) {
      const number = normaliseNumber(m[2]);
      const keyword = m[1]?.toLowerCase();
      const s = sections.get(number);
      const task = tasks.get(number);
      if (keyword && phaseKeywords.has(keyword) && s) return `${describeSection(s)}`;
      if (task && task !== t) return describeTask(task);
      if (s) return describeSection(s);
    }
    const byTitle = titles.get(t.title.toLowerCase());
    if (byTitle && byTitle !== t) return describeTask(byTitle);
    const section = sectionTitles.get(t.title.toLowerCase());
    return section && describeSection(section);
  }

  private drop(t: RawTask, why: string): void {
    t.dropped = why;
    for (const l of t.lines) {
      this.used[l] = 0;
      this.why.set(l, why);
    }
  }

  /** After drops: children of a dropped task move up to its parent; headings forget dropped tasks. */
  private forgetDropped(): void {
    for (const t of this.tasks) while (t.parent?.dropped) t.parent = t.parent.parent;
    for (const s of this.sections) if (s.tasks.some(t => t.dropped)) s.tasks = s.tasks.filter(t => !t.dropped);
  }

  private unclaim(line: number, why: string): void {
    this.used[line] = 0;
    this.why.set(line, why);
  }

  /** The phase a heading's content belongs to: the heading itself or its nearest phase above. */
  private phaseOf(s: Section | undefined): Section | undefined {
    for (let at = s; at; at = at.parent) if (at.isPhase) return at;
    return undefined;
  }

  // ---- keys ----

  private *assignKeys(): Generator<void> {
    // Parts never contain "~", so "part~N" cannot collide with another written part.
    const seen = new Map<string, number>();
    const unique = (prefix: string, part: string): string => {
      const n = (seen.get(prefix + part) ?? 0) + 1;
      seen.set(prefix + part, n);
      return n === 1 ? part : `${part}~${n}`;
    };
    const root = `${this.source}#`;
    for (const s of this.sections) {
      if (this.due()) yield;
      if (!s.isPhase) continue;
      s.part = unique(root, s.number ? `p${s.number}` : slug(s.title));
      s.key = root + s.part;
    }
    const numbered = new Map<string, RawTask>();
    for (const t of this.tasks) {
      if (this.due()) yield;
      if (t.dropped) continue;
      const phase = this.phaseOf(t.home);
      const prefix = `${root}${phase ? phase.part : '-'}/`;
      t.part = unique(prefix, t.number ?? (t.parent ? `${t.parent.part}/` : '') + slug(t.title));
      t.key = prefix + t.part;
      if (t.number) {
        const earlier = numbered.get(prefix + t.number);
        if (earlier)
          this.problem(
            t.line,
            `item number ${t.number} is used twice here (also on line ${earlier.line}); references to it are ambiguous`,
          );
        else numbered.set(prefix + t.number, t);
      }
    }
  }

  // ---- dependencies ----

  private index?: Index;
  /** Every task key under a phase (its sub-phases included), by phase key. */
  private readonly phaseTaskKeys = new Map<string, string[]>();
  private readonly titleOfKey = new Map<string, string>();
  private readonly lineOfKey = new Map<string, number>();

  private *buildIndex(): Generator<void, Index> {
    const index: Index = {
      tasksByTitle: new Map(),
      tasksByNumber: new Map(),
      sectionsByTitle: new Map(),
      sectionsByNumber: new Map(),
      groups: new Map(),
    };
    for (const t of this.tasks) {
      if (this.due()) yield;
      if (t.dropped) continue;
      push(index.tasksByTitle, t.title.toLowerCase(), t);
      if (t.number) push(index.tasksByNumber, t.number, t);
      const prefixes = new Set<string>();
      for (const n of [t.number, this.phaseOf(t.home)?.number]) {
        if (!n) continue;
        const parts = n.split('.');
        for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
      }
      for (const p of prefixes) push(index.groups, p, t);
    }
    for (const s of this.sections) {
      if (!s.isPhase) continue;
      push(index.sectionsByTitle, s.title.toLowerCase(), s);
      if (s.heading.toLowerCase() !== s.title.toLowerCase()) push(index.sectionsByTitle, s.heading.toLowerCase(), s);
      if (s.number) push(index.sectionsByNumber, s.number, s);
    }
    return index;
  }

  private edges = 0;
  private edgeLimitHit = false;

  /** Counts edges against the plan-wide limit; false (and one problem) once it is reached. */
  private allowEdges(count: number, line: number): boolean {
    if (this.edges + count <= this.limits.maxDependencies) {
      this.edges += count;
      return true;
    }
    if (!this.edgeLimitHit) {
      this.edgeLimitHit = true;
      this.problem(
        line,
        `the plan has more than ${this.limits.maxDependencies} dependencies once phases are expanded; those from this line on are not imported`,
        true,
      );
    }
    return false;
  }

  private *resolveAll(): Generator<void> {
    this.index = yield* this.buildIndex();
    // task keys per phase, sub-phases included, in document order: one pass up each task's chain
    for (const t of this.tasks) {
      if (this.due()) yield;
      if (t.dropped) continue;
      this.titleOfKey.set(t.key, t.number ? `${t.number} ${t.title}` : t.title);
      this.lineOfKey.set(t.key, t.line);
      for (let s = this.phaseOf(t.home); s; s = this.phaseOf(s.parent)) push(this.phaseTaskKeys, s.key, t.key);
    }
    for (const s of this.sections) {
      if (!s.isPhase) continue;
      this.titleOfKey.set(s.key, `Phase ${s.number ? `${s.number} ` : ''}${s.title}`);
      this.lineOfKey.set(s.key, s.line);
    }
    yield;
    for (const s of this.sections) {
      if (!s.isPhase || s.refs.length === 0) continue;
      const own = new Set(this.phaseTaskKeys.get(s.key) ?? []);
      for (const ref of s.refs) {
        for (const target of this.resolve(ref, s) ?? []) {
          if (target.key === s.key || own.has(target.key) || (target.section && this.contains(target.section, s))) {
            this.problem(
              ref.line,
              `phase "${clip(s.title)}" cannot depend on ${target.section ? 'its own phase' : `its own item "${clip(target.title)}"`}`,
            );
            continue;
          }
          s.depKeys.push(target.key);
          if (!s.depLines.has(target.key)) s.depLines.set(target.key, ref.line);
        }
      }
      s.depKeys = unique(s.depKeys);
    }
    yield;
    let n = 0;
    for (const t of this.tasks) {
      if (t.dropped) continue;
      for (const ref of t.refs) {
        const targets = this.resolve(ref, t.home);
        if (!targets) continue;
        const self = targets.some(
          x =>
            x.key === t.key || (x.section && this.phaseOf(t.home) && this.contains(x.section, this.phaseOf(t.home)!)),
        );
        if (self) {
          this.problem(
            ref.line,
            targets.length === 1 && !targets[0].section
              ? `"${clip(t.title)}" depends on itself`
              : `"${clip(t.title)}" depends on a group that contains itself ("${clip(collapse(ref.text))}"); the rest of the group is kept`,
          );
        }
        for (const target of targets) {
          if (target.key === t.key) continue;
          if (target.section && this.phaseOf(t.home) && this.contains(target.section, this.phaseOf(t.home)!)) {
            // "Depends on: Phase 1" from inside phase 1: the rest of the phase
            for (const k of this.phaseTaskKeys.get(target.key) ?? [])
              if (k !== t.key && !this.isAncestorKey(t, k)) this.addTaskDep(t, k, ref.line);
            continue;
          }
          this.addTaskDep(t, target.key, ref.line);
        }
      }
      if (++n % 500 === 0) yield;
    }
  }

  private isAncestorKey(t: RawTask, key: string): boolean {
    for (let p = t.parent; p; p = p.parent) if (p.key === key) return true;
    return false;
  }

  private addTaskDep(t: RawTask, key: string, line: number): void {
    if (t.depLines.has(key)) return;
    t.depKeys.push(key);
    t.depLines.set(key, line);
  }

  /** Whether `inner` is `outer` or lies under it. */
  private contains(outer: Section, inner: Section): boolean {
    for (let s: Section | undefined = inner; s; s = s.parent) if (s === outer) return true;
    return false;
  }

  private phaseSpecs(): PlanPhaseSpec[] {
    const phases: PlanPhaseSpec[] = [];
    for (const s of this.sections) {
      if (!s.isPhase) continue;
      const parent = this.phaseOf(s.parent);
      const phase: PlanPhaseSpec = {
        key: s.key,
        title: s.title,
        line: s.line,
        position: phases.length,
        dependsOnKeys: s.depKeys,
        notes: s.notes,
      };
      if (s.number) phase.number = s.number;
      if (parent) phase.parentKey = parent.key;
      if (s.priority) phase.ownPriority = s.priority;
      const effective = this.sectionPriority(s);
      if (effective) phase.priority = effective;
      if (s.estimate) phase.estimate = s.estimate;
      if (s.status) phase.status = s.status;
      phases.push(phase);
    }
    return phases;
  }

  private sectionPriority(s: Section | undefined): Priority | undefined {
    for (let at = s; at; at = at.parent) if (at.isPhase && at.priority) return at.priority;
    return undefined;
  }

  private taskSpec(t: RawTask): PlanTaskSpec {
    // its own dependencies, then its phases' from the nearest out
    const keys = [...t.depKeys];
    const lines = new Map(t.depLines);
    for (let s = this.phaseOf(t.home); s; s = this.phaseOf(s.parent)) {
      for (const k of s.depKeys) {
        if (!lines.has(k)) {
          keys.push(k);
          lines.set(k, s.depLines.get(k) ?? s.line);
        }
      }
    }
    let expanded = 0;
    for (const k of keys) expanded += this.phaseTaskKeys.get(k)?.length ?? 1;
    const allowed = this.allowEdges(expanded, t.refs[0]?.line ?? t.line);
    this.depLinesOf.set(t.key, lines);
    const phase = this.phaseOf(t.home);
    const spec: PlanTaskSpec = {
      key: t.key,
      title: t.title,
      done: t.done,
      line: t.line,
      dependsOnKeys: allowed ? keys : [],
      description: t.description.join('\n'),
    };
    if (t.number) spec.number = t.number;
    if (phase) spec.phaseKey = phase.key;
    if (t.parent && !t.parent.dropped) spec.parentKey = t.parent.key;
    if (t.priority) spec.ownPriority = t.priority;
    const effective = t.priority ?? this.sectionPriority(t.home);
    if (effective) spec.priority = effective;
    if (t.estimate) spec.estimate = t.estimate;
    if (t.status) spec.status = t.status;
    else if (t.done) spec.status = 'done';
    const action = this.taskAction(t);
    if (action) spec.action = action;
    return spec;
  }

  /**
   * What a task does: a "Run:" command makes it a shell task, "Kind: lm" a language model's (its title and
   * description are the instructions), "Kind: to-do" or a "Verify:" alone a person's; "Verify:" is checked after.
   */
  private taskAction(t: RawTask): TaskAction | undefined {
    const verify = t.verify !== undefined ? { verify: t.verify } : {};
    const kind = t.kind?.kind ?? (t.run !== undefined ? 'shell' : undefined);
    if (t.kind && t.run !== undefined && kind !== 'shell')
      this.problem(
        t.kind.line,
        `Kind: ${kind === 'lm' ? 'lm' : 'to-do'} and a Run: command on the same item; the Run: command is not used (remove one of them)`,
      );
    if (kind === 'lm') return { kind: 'lm', ...verify };
    if (kind === 'shell') {
      if (t.run !== undefined) return { kind: 'shell', command: t.run, ...verify };
      this.problem(t.kind!.line, 'Kind: shell needs a Run: line with the command; imported as a to-do');
    }
    return t.verify !== undefined ? { kind: 'manual', verify: t.verify } : undefined;
  }

  private readonly depLinesOf = new Map<string, Map<string, number>>();

  /** The line of the dependency that leads from the cycle's first member to the next. */
  private cycleLine(cycle: string[]): number {
    for (let i = 0; i + 1 < cycle.length; i++) {
      const line = this.depLinesOf.get(cycle[i])?.get(cycle[i + 1]);
      if (line) return line;
    }
    return this.lineOfKey.get(cycle[0]) ?? 1;
  }

  private describeCycle(cycle: string[]): string {
    return cycle.map(k => `'${clip(this.titleOfKey.get(k) ?? k)}' (line ${this.lineOfKey.get(k) ?? '?'})`).join(' → ');
  }

  /** The tasks and phases a dependency line names, or undefined when a problem was reported instead. */
  private resolve(ref: Ref, from: Section | undefined): Target[] | undefined {
    const value = collapse(ref.text).replace(/\.$/, '');
    if (!value || noDeps.test(value)) return [];
    // A title may itself contain commas: try the whole value first.
    const whole = this.byTitle(value, from);
    if (whole.kind !== 'none') return this.settle(whole, value, ref.line);
    const pieces = value
      .split(/\s*(?:[,;]|\band\b|&)\s*/i)
      .flatMap(p => (/^(?:#?\d{1,9}(?:\.\d{1,9})*\s+)+#?\d{1,9}(?:\.\d{1,9})*$/.test(p) ? p.split(/\s+/) : [p]))
      .filter(p => p && !noDeps.test(p));
    const out: Target[] = [];
    let failed = false;
    for (const piece of pieces) {
      const name = piece
        .replace(/^["'`“‘](.*)["'`”’]$/, '$1')
        .replace(/\.$/, '')
        .trim();
      let found = this.byTitle(name, from);
      if (found.kind === 'none') found = this.byNumber(name, from);
      if (found.kind === 'none') {
        // "Phase 1.1 (Database Connection)", "Task 3 – API": the number decides
        const numbered = numberRef.exec(name);
        if (numbered && numbered[2]) found = this.byNumber(`${numbered[1] ?? ''} ${numbered[2]}`.trim(), from);
      }
      const targets = this.settle(found, name, ref.line);
      if (targets) out.push(...targets);
      else failed = true;
    }
    return out.length === 0 && failed ? undefined : out;
  }

  private settle(found: Lookup, name: string, line: number): Target[] | undefined {
    switch (found.kind) {
      case 'tasks':
        return found.tasks.map(t => ({ key: t.key, title: t.title }));
      case 'section':
        return [{ key: found.section.key, title: found.section.title, section: found.section }];
      case 'ambiguous':
        this.problem(
          line,
          `dependency "${clip(name)}" is ambiguous: it could be ${found.candidates.slice(0, 5).join(', ')}${found.candidates.length > 5 ? ', …' : ''}`,
        );
        return undefined;
      case 'none':
        this.problem(line, `dependency "${clip(name)}" matches no item or phase in this plan`);
        return undefined;
    }
  }

  private byTitle(name: string, from: Section | undefined): Lookup {
    const wanted = name.toLowerCase();
    const tasks = narrow(this.index!.tasksByTitle.get(wanted) ?? [], from);
    if (tasks.length === 1) return { kind: 'tasks', tasks };
    if (tasks.length > 1) return { kind: 'ambiguous', candidates: tasks.map(describeTask) };
    const sections = this.index!.sectionsByTitle.get(wanted) ?? [];
    if (sections.length === 1) return { kind: 'section', section: sections[0] };
    if (sections.length > 1) return { kind: 'ambiguous', candidates: sections.map(describeSection) };
    return { kind: 'none' };
  }

  private byNumber(name: string, from: Section | undefined): Lookup {
    const m = numberRef.exec(name);
    if (!m) return { kind: 'none' };
    const number = normaliseNumber(m[2]);
    const index = this.index!;
    const phaseFirst = m[1] !== undefined && phaseKeywords.has(m[1].toLowerCase());
    // "Depends on: 1" inside phase 3 whose steps are numbered 3.1, 3.2 …: step 3.1 first
    const phase = this.phaseOf(from);
    if (!m[1] && !number.includes('.') && phase?.number) {
      const local = (index.tasksByNumber.get(`${phase.number}.${number}`) ?? []).filter(
        t => this.phaseOf(t.home) === phase,
      );
      if (local.length === 1) return { kind: 'tasks', tasks: local };
    }
    const tasks = (): Lookup => {
      const found = narrow(index.tasksByNumber.get(number) ?? [], from);
      if (found.length === 1) return { kind: 'tasks', tasks: found };
      if (found.length > 1) return { kind: 'ambiguous', candidates: found.map(describeTask) };
      return { kind: 'none' };
    };
    const sections = (): Lookup => {
      const found = index.sectionsByNumber.get(number) ?? [];
      if (found.length === 1) return { kind: 'section', section: found[0] };
      if (found.length > 1) return { kind: 'ambiguous', candidates: found.map(describeSection) };
      return { kind: 'none' };
    };
    const first = phaseFirst ? sections() : tasks();
    if (first.kind !== 'none') return first;
    const second = phaseFirst ? tasks() : sections();
    if (second.kind !== 'none') return second;
    // "Phase 1" with items (or headings) numbered 1.1, 1.2 … but nothing numbered 1: all of them.
    const group = index.groups.get(number);
    return group && group.length > 0 ? { kind: 'tasks', tasks: group } : { kind: 'none' };
  }

  // ---- lines not used ----

  private *unusedLines(): Generator<void, PlanUnusedLine[]> {
    for (const p of this.problems) if (!this.used[p.line] && !this.why.has(p.line)) this.why.set(p.line, p.message);
    const out: PlanUnusedLine[] = [];
    let fence: string | undefined;
    for (let line = 1; line <= this.lines.length; line++) {
      if (line % 5000 === 0) yield;
      const raw = this.lines[line - 1];
      const f = /^\s*(`{3,}|~{3,})/.exec(raw);
      if (f) fence = fence ? (raw.trim().startsWith(fence) ? undefined : fence) : f[1];
      if (this.used[line] || !raw.trim()) continue;
      // rules (---, |---|---|) are layout, not content; the cheap test first keeps the regexes linear
      if (
        !fence &&
        !f &&
        /^[\s|:*_-]+$/.test(raw) &&
        (thematicBreak.test(raw.trim()) || (raw.includes('|') && raw.includes('-')))
      )
        continue;
      out.push({ line, text: clip(raw.trim(), 200), why: this.why.get(line) ?? 'not part of any task or phase' });
    }
    return out;
  }
}

interface Target {
  key: string;
  title: string;
  section?: Section;
}

interface Index {
  tasksByTitle: Map<string, RawTask[]>;
  tasksByNumber: Map<string, RawTask[]>;
  sectionsByTitle: Map<string, Section[]>;
  sectionsByNumber: Map<string, Section[]>;
  /** Tasks by each proper prefix of their own number or their phase's number ("1" for 1.2.3: "1", "1.2"). */
  groups: Map<string, RawTask[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

type Lookup =
  | { kind: 'tasks'; tasks: RawTask[] }
  | { kind: 'section'; section: Section }
  | { kind: 'ambiguous'; candidates: string[] }
  | { kind: 'none' };

/** Several candidates: prefer the ones under the referring heading. */
function narrow(tasks: RawTask[], from: Section | undefined): RawTask[] {
  if (tasks.length <= 1 || !from) return tasks;
  const local = tasks.filter(t => t.home === from);
  return local.length > 0 ? local : tasks;
}

/** The column where a list item's content starts ("- [ ] x" → 2, "10. x" → 4). */
function contentColumn(line: string): number {
  const m = /^([ \t>]*)([-*+]|\d{1,9}[.)])([ \t]*)/.exec(line);
  if (!m) return 0;
  const spaces = m[3].length > 4 || m[3].length === 0 ? 1 : m[3].length;
  return m[1].length + m[2].length + spaces;
}

function parseNumber(plain: string, raw: string): { number: string; rest: string; keyword?: string } | undefined {
  const m = numberedText.exec(plain);
  if (!m) return undefined;
  const [, keyword, number, terminator] = m;
  const bold = boldNumber.test(raw.trim());
  if (!keyword && !number.includes('.') && !terminator && !bold) return undefined;
  return { number: normaliseNumber(number), rest: plain.slice(m[0].length).trim(), keyword };
}

function normaliseNumber(number: string): string {
  return number
    .split('.')
    .map(part => part.replace(/^0+(?=\d)/, ''))
    .join('.');
}

/** The value of a Run:/Verify: line as written: markdown emphasis around it removed, a code span unwrapped. */
function commandValue(raw: string): string {
  const colon = raw.indexOf(':');
  let value = (colon === -1 ? '' : raw.slice(colon + 1)).replace(/^\s*(?:\*\*|__|\*|_)(?=\s|$)/, '').trim();
  const code = /^(`+)\s?([\s\S]*?)\s?\1$/.exec(value);
  if (code && !code[2].includes(code[1])) value = code[2].trim();
  return value;
}

function describeTask(t: RawTask): string {
  return `"${clip(t.number ? `${t.number} ${t.title}` : t.title)}" (line ${t.line})`;
}

function describeSection(s: Section): string {
  return `phase "${clip(s.heading)}" (line ${s.line})`;
}

function slug(title: string): string {
  const s = title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return Array.from(s).slice(0, 60).join('').replace(/-+$/, '') || 'untitled';
}

function clip(text: string, max = 80): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function unique(keys: string[]): string[] {
  return [...new Set(keys)];
}
