// What a parsed plan looks like to a person before anything is written: the JSON form the CLI
// prints with --json, and the same tree as text (phases nested with their numbers, tasks with
// their priority and what they wait for, a cycle, every line not used and why). Pure.
import type { ParsedPlan, PlanPhaseSpec, PlanTaskSpec } from './plan';

export interface PlanJson {
  phases: Array<{
    key: string;
    number: string | null;
    title: string;
    parent: string | null;
    priority: string | null;
    dependsOn: string[];
  }>;
  tasks: Array<{
    key: string;
    number: string | null;
    title: string;
    phase: string | null;
    priority: string | null;
    dependsOn: string[];
  }>;
  unused: Array<{ line: number; text: string; why: string }>;
  problems: Array<{ line: number; message: string }>;
}

/** The plan in the CLI's JSON form: effective priorities, dependencies as task or phase keys. */
export function planToJson(plan: ParsedPlan): PlanJson {
  return {
    phases: plan.phases.map(p => ({
      key: p.key,
      number: p.number ?? null,
      title: p.title,
      parent: p.parentKey ?? null,
      priority: p.priority ?? null,
      dependsOn: [...p.dependsOnKeys],
    })),
    tasks: plan.tasks.map(t => ({
      key: t.key,
      number: t.number ?? null,
      title: t.title,
      phase: t.phaseKey ?? null,
      priority: t.priority ?? null,
      dependsOn: [...t.dependsOnKeys],
    })),
    unused: plan.unused.map(u => ({ line: u.line, text: u.text, why: u.why })),
    problems: plan.problems.map(p => ({ line: p.line, message: p.message })),
  };
}

/** One row of the preview tree. */
export interface PlanRow {
  kind: 'phase' | 'task';
  key: string;
  depth: number;
  /** "2.1 Health Check System" */
  label: string;
  /** "high · after Phase 1.1 Database Connection · est. 1.5 hours · done · runs: npm test" */
  detail: string;
  /** `detail` without what does the task ("runs: npm test", "done by a language model"): "high · est. 1.5 hours". */
  facts: string;
  line: number;
  /** Acceptance notes (phases) or description (tasks), for tooltips. */
  notes: string[];
}

/** The plan as a tree of rows in document order: each phase, then its tasks (subtasks indented), then its sub-phases. */
export function planRows(plan: ParsedPlan): PlanRow[] {
  const names = new Map<string, string>();
  for (const p of plan.phases) names.set(p.key, `Phase ${numbered(p.number, p.title)}`);
  for (const t of plan.tasks) names.set(t.key, numbered(t.number, t.title));
  const phaseChildren = new Map<string | undefined, PlanPhaseSpec[]>();
  for (const p of plan.phases) push(phaseChildren, p.parentKey, p);
  const tasksOf = new Map<string | undefined, PlanTaskSpec[]>();
  const subtasks = new Map<string, PlanTaskSpec[]>();
  const keys = new Set(plan.tasks.map(t => t.key));
  for (const t of plan.tasks) {
    if (t.parentKey && keys.has(t.parentKey)) push(subtasks, t.parentKey, t);
    else push(tasksOf, t.phaseKey, t);
  }
  const phaseByKey = new Map(plan.phases.map(p => [p.key, p]));
  const rows: PlanRow[] = [];
  const after = (deps: readonly string[], inherited: ReadonlySet<string>) => {
    const own = deps.filter(d => !inherited.has(d));
    if (!own.length) return '';
    const shown = own.slice(0, 3).map(d => names.get(d) ?? d);
    return `after ${shown.join(', ')}${own.length > 3 ? ` and ${own.length - 3} more` : ''}`;
  };
  const inheritedOf = (phaseKey: string | undefined): Set<string> => {
    const out = new Set<string>();
    for (
      let p = phaseKey ? phaseByKey.get(phaseKey) : undefined;
      p;
      p = p.parentKey ? phaseByKey.get(p.parentKey) : undefined
    )
      for (const d of p.dependsOnKeys) out.add(d);
    return out;
  };
  const addTask = (t: PlanTaskSpec, depth: number, inherited: ReadonlySet<string>) => {
    const bits = [
      t.priority ?? '',
      after(t.dependsOnKeys, inherited),
      t.estimate ? `est. ${t.estimate}` : '',
      t.done ? 'done' : t.status === 'in progress' ? 'in progress' : '',
    ];
    const does =
      t.action?.kind === 'shell'
        ? `runs: ${t.action.command}`
        : t.action?.kind === 'lm'
          ? 'done by a language model'
          : '';
    rows.push({
      kind: 'task',
      key: t.key,
      depth,
      label: numbered(t.number, t.title),
      detail: [...bits, does].filter(Boolean).join(' · '),
      facts: bits.filter(Boolean).join(' · '),
      line: t.line,
      notes: t.description ? t.description.split('\n') : [],
    });
    for (const c of subtasks.get(t.key) ?? []) addTask(c, depth + 1, inherited);
  };
  const addPhase = (p: PlanPhaseSpec, depth: number) => {
    const above = inheritedOf(p.parentKey);
    const bits = [
      p.priority ?? '',
      after(p.dependsOnKeys, above),
      p.estimate ? `est. ${p.estimate}` : '',
      p.status ?? '',
    ];
    rows.push({
      kind: 'phase',
      key: p.key,
      depth,
      label: numbered(p.number, p.title),
      detail: bits.filter(Boolean).join(' · '),
      facts: bits.filter(Boolean).join(' · '),
      line: p.line,
      notes: p.notes,
    });
    const inherited = inheritedOf(p.key);
    for (const t of tasksOf.get(p.key) ?? []) addTask(t, depth + 1, inherited);
    for (const c of phaseChildren.get(p.key) ?? []) addPhase(c, depth + 1);
  };
  for (const t of tasksOf.get(undefined) ?? []) addTask(t, 0, new Set());
  for (const p of phaseChildren.get(undefined) ?? []) addPhase(p, 0);
  return rows;
}

/** "2 phases, 7 tasks, 3 dependencies; 4 lines not used; 1 problem" */
export function summarisePlan(plan: ParsedPlan): string {
  const deps = plan.tasks.reduce((n, t) => n + t.dependsOnKeys.length, 0);
  const parts = [
    `${plan.phases.length} phase${plural(plan.phases.length)}`,
    `${plan.tasks.length} task${plural(plan.tasks.length)}`,
    `${deps} dependenc${deps === 1 ? 'y' : 'ies'}`,
  ];
  const tail = [`${plan.unused.length} line${plural(plan.unused.length)} not used`];
  if (plan.problems.length) tail.push(`${plan.problems.length} problem${plural(plan.problems.length)}`);
  return `${parts.join(', ')}; ${tail.join('; ')}`;
}

/** Name of a task or phase key, as the preview shows it. */
export function planNames(plan: ParsedPlan): Map<string, string> {
  const names = new Map<string, string>();
  for (const p of plan.phases) names.set(p.key, `Phase ${numbered(p.number, p.title)}`);
  for (const t of plan.tasks) names.set(t.key, numbered(t.number, t.title));
  return names;
}

/** The preview as plain text lines (the CLI prints them; VS Code shows the same in a read-only document). */
export function planPreviewText(plan: ParsedPlan): string[] {
  const out = [`${plan.source}: ${summarisePlan(plan)}`];
  if (plan.cycle) {
    const names = planNames(plan);
    out.push(
      '',
      `CYCLE — nothing will be imported until it is broken: ${plan.cycle.map(k => names.get(k) ?? k).join(' → ')}`,
    );
  }
  out.push('');
  for (const row of planRows(plan)) {
    const mark = row.kind === 'phase' ? '▸ ' : '- ';
    out.push(
      `${'  '.repeat(row.depth)}${mark}${row.kind === 'phase' ? 'Phase ' : ''}${row.label}${row.detail ? `  [${row.detail}]` : ''}  (line ${row.line})`,
    );
    if (row.kind === 'phase') for (const n of row.notes) out.push(`${'  '.repeat(row.depth + 1)}✓ ${n}`);
  }
  if (plan.problems.length) {
    out.push('', 'Problems:');
    for (const p of plan.problems) out.push(`  line ${p.line}: ${p.message}`);
  }
  if (plan.unused.length) {
    out.push('', 'Lines not used:');
    for (const u of plan.unused) out.push(`  line ${u.line}: ${u.text}  — ${u.why}`);
  }
  return out;
}

function numbered(number: string | undefined, title: string): string {
  return number ? `${number} ${title}` : title;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
