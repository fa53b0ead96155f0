// Markdown plan import: turns a checklist plan (headings as phases, `- [ ]` items as tasks, nested
// checklists as subtasks, "Priority:", "Depends on:", "Run:", "Verify:" lines) into specs the task
// graph can import. Pure: no I/O, no vscode, never throws. Everything it cannot use is reported as
// a problem with its line, never dropped silently.
import type { Priority, TaskAction } from './model';
import { parseBlocks, toPlain, type BlockNode } from './plan-markdown';

export interface PlanProblem { line: number; message: string }

export interface PlanTaskSpec {
  /** Stable across re-imports: source + phase number/title + item number or title path; unique in the plan. */
  key: string;
  /** Plain text (inline markdown removed), not HTML-escaped. */
  title: string;
  done: boolean;
  line: number;
  number?: string;
  phaseKey?: string;
  parentKey?: string;
  priority?: Priority;
  dependsOnKeys: string[];
  description: string;
  action?: TaskAction;
}

export interface PlanPhaseSpec { key: string; title: string; number?: string; line: number; position: number; dependsOnKeys: string[] }

export interface ParsedPlan { source: string; phases: PlanPhaseSpec[]; tasks: PlanTaskSpec[]; problems: PlanProblem[] }

export const planLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxTitleLength: 500,
  maxDepth: 8,
  maxTasks: 10_000,
  maxProblems: 1_000,
  /** Dependency edges over the whole plan ("Phase 2" expands to every item of phase 2). */
  maxDependencies: 200_000,
} as const;

interface Ref { text: string; line: number }

interface Section {
  title: string;
  /** The heading as written (plain text), number included. */
  heading: string;
  number?: string;
  line: number;
  level: number;
  parent?: Section;
  children: Section[];
  /** Tasks whose item sits under this heading (subtasks included), in document order. */
  tasks: RawTask[];
  refs: Ref[];
  part: string;
  key: string;
  depKeys: string[];
}

interface RawTask {
  title: string;
  done: boolean;
  line: number;
  number?: string;
  section?: Section;
  parent?: RawTask;
  depth: number;
  priority?: Priority;
  refs: Ref[];
  description: string[];
  run?: string;
  verify?: string;
  part: string;
  key: string;
}

/** Where a block sits: its phase, the item it belongs to, and whether that item was left out. */
interface Ctx { section?: Section; task?: RawTask; inItem?: boolean; dropped?: boolean }

const priorityWords: Record<string, Priority> = {
  critical: 'critical', p0: 'critical',
  high: 'high', p1: 'high',
  normal: 'normal', medium: 'normal', p2: 'normal',
  low: 'low', p3: 'low',
};

const numberKeywords = 'phase|stage|milestone|section|part|sprint|step|task|item';
const phaseKeywords = new Set(['phase', 'stage', 'milestone', 'section', 'part', 'sprint']);
/** "Phase 1: Setup", "1. Setup", "1.2 Login", "Task 1.1 - Title", "1) Title". */
const numberedText = new RegExp(`^(?:(${numberKeywords})\\s+)?#?(\\d{1,9}(?:\\.\\d{1,9})*)(\\.(?!\\d)|:|\\))?(?=\\s|$|\\s*[-–—:])\\s*(?:[-–—:]\\s*)?`, 'i');
const boldNumber = /^(\*\*|__)\s*\d{1,9}(?:\.\d{1,9})*[.:)]?\s*\1/;
const checkbox = /^\[([ xX])\](?=[ \t]|$)[ \t]*/;
const checkboxLike = /^\[(\s{0,3}|\s?[^\s\d\]]\s?)\](?![([:])/;
const bulletWithoutSpace = /^\s*(?:[-*+]|\d{1,9}[.)])\[[ xX]?\]/;
const checkboxWithoutBullet = /^\s*\[[ xX]\](?:\s|$)/;
const metaCandidate = /^[\s*_]*(?:priority|run|verify|dependencies|dependency|depends|requires|prerequisites?|blocked by)\b/i;
const priorityLine = /^priority\s*[:=]\s*(.*)$/i;
// "Depends on 1.2" also goes without a colon, but only before a number, so prose is left alone
const dependsLine = /^(?:dependencies|dependency|depends on|depends upon|depends|requires|prerequisites?|blocked by)\s*:\s*(.*)$|^depends on\s+((?:(?:phase|task|step|item)\s+)?#?\d.*)$/i;
const runLine = /^(run|verify)\s*:\s*(.*)$/i;
const inlinePriority = /\s*[([]\s*priority\s*[:=]\s*([^)\]]*?)\s*[)\]]/i;
const noDeps = /^(?:none|n\/a|na|no|nothing|-|–|—)\.?$/i;
const numberRef = new RegExp(`^(?:(${numberKeywords})\\s*)?#?(\\d{1,9}(?:\\.\\d{1,9})*)\\.?(?:(?:\\s*[-–—:)]|\\s)\\s*.*)?$`, 'i');

/** Parses a markdown plan. Never throws; problems carry 1-based line numbers. */
export function parsePlan(markdown: string, source: string): ParsedPlan {
  const text = typeof markdown === 'string' ? markdown : '';
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > planLimits.maxBytes) {
    const mb = (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
    return { source, phases: [], tasks: [], problems: [{ line: 1, message: `plan is too large (${mb} MB; the limit is 5 MB)` }] };
  }
  try {
    return new PlanParser(text, String(source)).parse();
  } catch (err) {
    // A bug here must not take the import down with it: say so and import nothing.
    const message = err instanceof Error ? err.message : String(err);
    return { source, phases: [], tasks: [], problems: [{ line: 1, message: `internal error while reading the plan: ${message}` }] };
  }
}

class PlanParser {
  private readonly text: string;
  private readonly lineCount: number;
  private readonly problems: PlanProblem[] = [];
  private droppedProblems = 0;
  private firstDroppedLine = 1;
  private readonly sections: Section[] = [];
  private readonly tasks: RawTask[] = [];
  private sectionStack: Section[] = [];
  private tooManyTasks = false;

  constructor(markdown: string, private readonly source: string) {
    // BOM off, one kind of line ending, no NULs (markdown-it's own normalisation, done up front
    // because only its block parser is used).
    this.text = markdown.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
    let count = 1;
    for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) count++;
    this.lineCount = count;
  }

  parse(): ParsedPlan {
    const tree = parseBlocks(this.text);
    for (const line of tree.tooDeep) {
      this.problem(line, `markdown is nested too deeply here; the rest of this block is ignored`);
    }
    this.walk(tree.children, {});
    this.assignKeys();
    const phases = this.resolvePhases();
    const tasks = this.resolveTasks();
    if (this.droppedProblems > 0) {
      this.problems.push({ line: this.firstDroppedLine, message: `${this.droppedProblems} more problems not shown` });
    }
    this.problems.sort((a, b) => a.line - b.line);
    return { source: this.source, phases, tasks, problems: this.problems };
  }

  /** Records a problem; past maxProblems only a count is kept, except for `always` (the limits). */
  private problem(line: number, message: string, always = false): void {
    const at = Math.min(Math.max(1, Math.floor(line) || 1), this.lineCount);
    if (this.problems.length >= planLimits.maxProblems && !always) {
      if (this.droppedProblems === 0) this.firstDroppedLine = at;
      this.droppedProblems++;
      return;
    }
    this.problems.push({ line: at, message });
  }

  // ---- walking the block tree ----

  private walk(nodes: BlockNode[], ctx: Ctx): void {
    for (const node of nodes) {
      switch (node.type) {
        case 'heading':
          // only a heading outside lists starts a phase; inside an item it is just text
          if (ctx.inItem) this.textLines(node.content, node.line, ctx);
          else ctx = { section: this.heading(node) };
          break;
        case 'paragraph':
          this.textLines(node.content, node.line, ctx);
          break;
        case 'bullet_list':
        case 'ordered_list':
          for (const item of node.children) this.listItem(item, ctx);
          break;
        case 'blockquote':
          this.walk(node.children, ctx);
          // a heading inside the quote starts a phase for what follows it
          if (!ctx.inItem && this.sectionStack.length > 0) ctx = { section: this.sectionStack[this.sectionStack.length - 1] };
          break;
        case 'fence':
        case 'code_block':
          if (ctx.task) ctx.task.description.push(node.content.replace(/\n$/, ''));
          break;
        default:
          break;
      }
    }
  }

  private heading(node: BlockNode): Section {
    const level = node.level ?? 1;
    const heading = collapse(toPlain(node.content.replace(/\n/g, ' ')));
    const numbered = parseNumber(heading, node.content);
    const title = this.truncate(numbered && numbered.rest ? numbered.rest : heading, node.line) || 'Untitled';
    while (this.sectionStack.length > 0 && this.sectionStack[this.sectionStack.length - 1].level >= level) this.sectionStack.pop();
    const parent = this.sectionStack[this.sectionStack.length - 1];
    const section: Section = {
      title, heading, number: numbered?.number, line: node.line, level, parent,
      children: [], tasks: [], refs: [], part: '', key: '', depKeys: [],
    };
    parent?.children.push(section);
    this.sectionStack.push(section);
    this.sections.push(section);
    return section;
  }

  private listItem(item: BlockNode, outer: Ctx): void {
    const ctx: Ctx = { ...outer, inItem: true };
    const [first, ...rest] = item.children;
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
        this.walk(rest, { ...ctx, dropped: true });
        return;
      }
      const task = this.newTask(titleRaw, box[1] !== ' ', first.line, ctx);
      const inner: Ctx = task ? { section: ctx.section, task, inItem: true } : { ...ctx, dropped: true };
      if (lines.length > 1) this.textLines(lines.slice(1).join('\n'), first.line + 1, inner);
      this.walk(rest, inner);
      return;
    }
    if (/^\[[ xX]\]\S/.test(head)) {
      this.problem(first.line, 'checklist item needs a space between the checkbox and its title; not imported');
      if (lines.length > 1) this.textLines(lines.slice(1).join('\n'), first.line + 1, { ...ctx, dropped: true });
    } else if (checkboxLike.test(head)) {
      const shown = /^\[[^\]]*\]/.exec(head)?.[0] ?? head;
      this.problem(first.line, `malformed checkbox "${shown}": write "[ ]" or "[x]" followed by a space and the title; not imported`);
      if (lines.length > 1) this.textLines(lines.slice(1).join('\n'), first.line + 1, { ...ctx, dropped: true });
    } else {
      this.textLines(first.content, first.line, ctx);
      this.walk(rest, ctx);
      return;
    }
    this.walk(rest, { ...ctx, dropped: true });
  }

  private newTask(titleRaw: string, done: boolean, line: number, ctx: Ctx): RawTask | undefined {
    if (this.tasks.length >= planLimits.maxTasks) {
      if (!this.tooManyTasks) {
        this.tooManyTasks = true;
        this.problem(line, `the plan has more than ${planLimits.maxTasks} checklist items; items from this line on are not imported`, true);
      }
      return undefined;
    }
    let title = collapse(toPlain(titleRaw));
    const numbered = parseNumber(title, titleRaw);
    let number: string | undefined;
    if (numbered && numbered.rest) {
      number = numbered.number;
      title = numbered.rest;
    } else if (numbered) {
      number = numbered.number;
    }
    let priority: Priority | undefined;
    const inline = inlinePriority.exec(title);
    if (inline) {
      const stripped = collapse(title.slice(0, inline.index) + ' ' + title.slice(inline.index + inline[0].length));
      if (stripped) {
        title = stripped;
        priority = this.priority(inline[1], line);
      }
    }
    title = this.truncate(title, line);
    let parent = ctx.task;
    let depth = parent ? parent.depth + 1 : 1;
    if (depth > planLimits.maxDepth) {
      this.problem(line, `checklist is nested deeper than ${planLimits.maxDepth} levels; this item is imported at level ${planLimits.maxDepth}`);
      while (parent && parent.depth >= planLimits.maxDepth) parent = parent.parent;
      depth = planLimits.maxDepth;
    }
    const task: RawTask = {
      title, done, line, number, section: ctx.section, parent, depth, priority,
      refs: [], description: [], part: '', key: '',
    };
    this.tasks.push(task);
    ctx.section?.tasks.push(task);
    return task;
  }

  private truncate(title: string, line: number): string {
    if (title.length <= planLimits.maxTitleLength) return title;
    this.problem(line, `title is longer than ${planLimits.maxTitleLength} characters; it is truncated`);
    // never split a surrogate pair
    const cut = title.slice(0, planLimits.maxTitleLength - 1).replace(/[\uD800-\uDBFF]$/, '');
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
      this.problem(line, 'looks like a checklist item but has no space after the bullet (write "- [ ] title"); not imported');
      return;
    }
    if (checkboxWithoutBullet.test(raw)) {
      this.problem(line, 'looks like a checklist item but is not a list item (write "- [ ] title" on its own line); not imported');
      return;
    }
    // the lines of an item that was not imported (reported already) go with it
    if (ctx.dropped) return;
    const task = ctx.task;
    if (metaCandidate.test(raw)) {
      const plain = collapse(toPlain(raw).replace(/^[\s*_]+/, ''));
      const pri = priorityLine.exec(plain);
      const dep = pri ? null : dependsLine.exec(plain);
      const run = pri || dep ? null : runLine.exec(plain);
      if (pri || dep || run) {
        const what = pri ? 'Priority' : dep ? 'dependency' : run![1].toLowerCase() === 'run' ? 'Run' : 'Verify';
        if (!task) {
          if (dep && ctx.section && ctx.section.tasks.length === 0) {
            ctx.section.refs.push({ text: dep[1] ?? dep[2] ?? '', line });
          } else {
            const where = ctx.section ? 'after the phase\'s first item, outside any item' : 'outside any phase or checklist item';
            this.problem(line, `${what} line ${where} is ignored (indent it under the item it belongs to${dep ? ', or put it right under the phase heading' : ''})`);
          }
          return;
        }
        if (pri) task.priority = this.priority(pri[1], line) ?? task.priority;
        else if (dep) task.refs.push({ text: dep[1] ?? dep[2] ?? '', line });
        else this.action(task, run![1].toLowerCase() === 'run' ? 'run' : 'verify', commandValue(raw), line);
        return;
      }
    }
    if (task) {
      const plain = toPlain(raw).trim();
      if (plain) task.description.push(plain);
    }
  }

  private priority(value: string, line: number): Priority | undefined {
    const word = value.trim().replace(/[.!]+$/, '').toLowerCase();
    const found = Object.prototype.hasOwnProperty.call(priorityWords, word) ? priorityWords[word] : undefined;
    if (!found) this.problem(line, `unknown priority "${clip(value.trim())}" (use critical, high, normal, medium, low or P0–P3)`);
    return found;
  }

  private action(task: RawTask, kind: 'run' | 'verify', command: string, line: number): void {
    const label = kind === 'run' ? 'Run' : 'Verify';
    if (!command) {
      this.problem(line, `${label}: line has no command`);
      return;
    }
    if (task[kind] !== undefined) {
      this.problem(line, `a second ${label}: line for the same item; only the first is kept`);
      return;
    }
    task[kind] = command;
  }

  // ---- keys ----

  private assignKeys(): void {
    // Parts never contain "~", so "part~N" cannot collide with another written part.
    const seen = new Map<string, number>();
    const unique = (prefix: string, part: string): string => {
      const n = (seen.get(prefix + part) ?? 0) + 1;
      seen.set(prefix + part, n);
      return n === 1 ? part : `${part}~${n}`;
    };
    const root = `${this.source}#`;
    for (const s of this.sections) {
      s.part = unique(root, s.number ? `p${s.number}` : slug(s.title));
      s.key = root + s.part;
    }
    const numbered = new Map<string, RawTask>();
    for (const t of this.tasks) {
      const prefix = `${root}${t.section ? t.section.part : '-'}/`;
      t.part = unique(prefix, t.number ?? (t.parent ? `${t.parent.part}/` : '') + slug(t.title));
      t.key = prefix + t.part;
      if (t.number) {
        const earlier = numbered.get(prefix + t.number);
        if (earlier) this.problem(t.line, `item number ${t.number} is used twice here (also on line ${earlier.line}); references to it are ambiguous`);
        else numbered.set(prefix + t.number, t);
      }
    }
  }

  // ---- dependencies ----

  private index?: Index;

  private buildIndex(): Index {
    const index: Index = { tasksByTitle: new Map(), tasksByNumber: new Map(), sectionsByTitle: new Map(), sectionsByNumber: new Map(), groups: new Map(), subtrees: new Map() };
    for (const t of this.tasks) {
      push(index.tasksByTitle, t.title.toLowerCase(), t);
      if (t.number) push(index.tasksByNumber, t.number, t);
      const prefixes = new Set<string>();
      for (const n of [t.number, t.section?.number]) {
        if (!n) continue;
        const parts = n.split('.');
        for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
      }
      for (const p of prefixes) push(index.groups, p, t);
    }
    for (const s of this.sections) {
      push(index.sectionsByTitle, s.title.toLowerCase(), s);
      if (s.heading.toLowerCase() !== s.title.toLowerCase()) push(index.sectionsByTitle, s.heading.toLowerCase(), s);
      if (s.number) push(index.sectionsByNumber, s.number, s);
    }
    return index;
  }

  /** Every task under a heading, its sub-headings included, in document order (cached). */
  private subtree(section: Section): RawTask[] {
    const index = this.index!;
    const cached = index.subtrees.get(section);
    if (cached) return cached;
    const sections: Section[] = [];
    const stack = [section];
    while (stack.length > 0) {
      const s = stack.pop()!;
      sections.push(s);
      stack.push(...s.children);
    }
    sections.sort((a, b) => a.line - b.line);
    const tasks = sections.flatMap(s => s.tasks);
    index.subtrees.set(section, tasks);
    return tasks;
  }

  private edges = 0;
  private edgeLimitHit = false;

  /** Counts edges against the plan-wide limit; false (and one problem) once it is reached. */
  private allowEdges(count: number, line: number): boolean {
    if (this.edges + count <= planLimits.maxDependencies) {
      this.edges += count;
      return true;
    }
    if (!this.edgeLimitHit) {
      this.edgeLimitHit = true;
      this.problem(line, `the plan has more than ${planLimits.maxDependencies} dependencies; those from this line on are not imported`, true);
    }
    return false;
  }

  private resolvePhases(): PlanPhaseSpec[] {
    this.index = this.buildIndex();
    for (const s of this.sections) {
      if (s.refs.length === 0) continue;
      const own = new Set(this.subtree(s));
      const keys: string[] = [];
      for (const ref of s.refs) {
        for (const target of this.resolve(ref, s) ?? []) {
          if (own.has(target)) {
            this.problem(ref.line, `phase "${clip(s.title)}" cannot depend on its own item "${clip(target.title)}"`);
            break;
          }
          keys.push(target.key);
        }
      }
      s.depKeys = unique(keys);
    }
    const phases: PlanPhaseSpec[] = [];
    for (const s of this.sections) {
      if (s.tasks.length === 0) continue;
      const deps = inheritedDeps(s);
      const phase: PlanPhaseSpec = { key: s.key, title: s.title, line: s.line, position: phases.length, dependsOnKeys: this.allowEdges(deps.length, s.line) ? deps : [] };
      if (s.number) phase.number = s.number;
      phases.push(phase);
    }
    return phases;
  }

  private resolveTasks(): PlanTaskSpec[] {
    const out: PlanTaskSpec[] = [];
    const inherited = new Map<Section, string[]>();
    for (const t of this.tasks) {
      const keys: string[] = [];
      for (const ref of t.refs) {
        const targets = this.resolve(ref, t.section);
        if (!targets) continue;
        if (targets.includes(t)) {
          this.problem(ref.line, targets.length === 1
            ? `"${clip(t.title)}" depends on itself`
            : `"${clip(t.title)}" depends on a group that contains itself ("${clip(collapse(ref.text))}"); the rest of the group is kept`);
        }
        if (!this.allowEdges(targets.length, ref.line)) continue;
        for (const target of targets) if (target !== t) keys.push(target.key);
      }
      if (!t.parent && t.section) {
        let deps = inherited.get(t.section);
        if (!deps) inherited.set(t.section, deps = inheritedDeps(t.section));
        if (this.allowEdges(deps.length, t.line)) keys.push(...deps);
      }
      const spec: PlanTaskSpec = {
        key: t.key, title: t.title, done: t.done, line: t.line,
        dependsOnKeys: unique(keys), description: t.description.join('\n'),
      };
      if (t.number) spec.number = t.number;
      if (t.section) spec.phaseKey = t.section.key;
      if (t.parent) spec.parentKey = t.parent.key;
      if (t.priority) spec.priority = t.priority;
      if (t.run !== undefined) spec.action = t.verify !== undefined ? { kind: 'shell', command: t.run, verify: t.verify } : { kind: 'shell', command: t.run };
      else if (t.verify !== undefined) spec.action = { kind: 'manual', verify: t.verify };
      out.push(spec);
    }
    return out;
  }

  /** The tasks a dependency line names, or undefined when a problem was reported instead. */
  private resolve(ref: Ref, from: Section | undefined): RawTask[] | undefined {
    const value = collapse(ref.text);
    if (!value || noDeps.test(value)) return [];
    // A title may itself contain commas: try the whole value first.
    const whole = this.byTitle(value, from);
    if (whole.kind !== 'none') return this.settle(whole, value, ref.line);
    const pieces = value.split(/\s*[,;]\s*/).flatMap(p =>
      /^(?:#?\d{1,9}(?:\.\d{1,9})*\s+)+#?\d{1,9}(?:\.\d{1,9})*$/.test(p) ? p.split(/\s+/) : [p]).filter(p => p && !noDeps.test(p));
    const out: RawTask[] = [];
    let failed = false;
    for (const piece of pieces) {
      const name = piece.replace(/^["'`“‘](.*)["'`”’]$/, '$1').replace(/\.$/, '').trim();
      let found = this.byTitle(name, from);
      if (found.kind === 'none') found = this.byNumber(name, from);
      const targets = this.settle(found, name, ref.line);
      if (targets) out.push(...targets);
      else failed = true;
    }
    return out.length === 0 && failed ? undefined : out;
  }

  private settle(found: Lookup, name: string, line: number): RawTask[] | undefined {
    switch (found.kind) {
      case 'tasks':
        return found.tasks;
      case 'section': {
        const tasks = this.subtree(found.section);
        if (tasks.length === 0) {
          this.problem(line, `dependency "${clip(name)}" names a phase with no checklist items`);
          return undefined;
        }
        return tasks;
      }
      case 'ambiguous':
        this.problem(line, `dependency "${clip(name)}" is ambiguous: it could be ${found.candidates.slice(0, 5).join(', ')}${found.candidates.length > 5 ? ', …' : ''}`);
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
}

interface Index {
  tasksByTitle: Map<string, RawTask[]>;
  tasksByNumber: Map<string, RawTask[]>;
  sectionsByTitle: Map<string, Section[]>;
  sectionsByNumber: Map<string, Section[]>;
  /** Tasks by each proper prefix of their own number or their heading's number ("1" for 1.2.3: "1", "1.2"). */
  groups: Map<string, RawTask[]>;
  subtrees: Map<Section, RawTask[]>;
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

/** Several candidates: prefer the ones in the referring phase. */
function narrow(tasks: RawTask[], from: Section | undefined): RawTask[] {
  if (tasks.length <= 1 || !from) return tasks;
  const local = tasks.filter(t => t.section === from);
  return local.length > 0 ? local : tasks;
}

function inheritedDeps(section: Section): string[] {
  const keys: string[] = [];
  const chain: Section[] = [];
  for (let s: Section | undefined = section; s; s = s.parent) chain.unshift(s);
  for (const s of chain) keys.push(...s.depKeys);
  return unique(keys);
}

function parseNumber(plain: string, raw: string): { number: string; rest: string } | undefined {
  const m = numberedText.exec(plain);
  if (!m) return undefined;
  const [, keyword, number, terminator] = m;
  const bold = boldNumber.test(raw.trim());
  if (!keyword && !number.includes('.') && !terminator && !bold) return undefined;
  return { number: normaliseNumber(number), rest: plain.slice(m[0].length).trim() };
}

function normaliseNumber(number: string): string {
  return number.split('.').map(part => part.replace(/^0+(?=\d)/, '')).join('.');
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
  const s = title.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
  return Array.from(s).slice(0, 60).join('').replace(/-+$/, '') || 'untitled';
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string): string {
  return text.length > 80 ? text.slice(0, 79) + '…' : text;
}

function unique(keys: string[]): string[] {
  return [...new Set(keys)];
}
