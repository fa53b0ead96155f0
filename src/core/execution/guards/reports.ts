// The guards' reports as markdown: Known Errors, Performance Report and Health. Pure. Every string
// that came from the store or from a command's output goes through `md()`, so it shows as text and
// never as markup, a link or HTML. Status icons are written `$(name)` (a codicon, as in VS Code's
// own labels): the report page draws them; `md()` escapes every parenthesis, so text from the store
// can never spell one.
import type { BudgetStatus } from './budget';
import type { Degradation } from './degradation';
import type { FlowStatus } from './flow';
import type { KnownError, KnownFix } from './learning';
import type { Timing } from './profiler';
import { formatTokens, type LmTaskUsage } from '../lmUsage';
import { formatDuration } from '../summary';
import { budgetChart, bytesLabel, chartImage, diskChart, memoryChart } from './charts';
import type { ResourceSample, ResourceStatus } from './resources';

/** Markdown- and HTML-inert text on one line. */
export function md(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const short = oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
  return short
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, c => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const when = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 19);

/** A duration with its unit: "0.4 ms", "12 ms", "1.5 s", "2.1 min". */
export function duration(x: number): string {
  if (x < 1) return `${x.toFixed(2)} ms`;
  if (x < 1000) return `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ms`;
  if (x < 60_000) return `${(x / 1000).toFixed(1)} s`;
  return `${(x / 60_000).toFixed(1)} min`;
}

/** What the profiler calls a timing, in a user's words ("action.shell" is "Shell tasks"). */
const timingNames: Record<string, string> = {
  'action.shell': 'Shell tasks',
  'action.vscodeTask': 'VS Code tasks',
  'action.lm': 'Model tasks',
  'action.manual': 'To-dos',
  'guards.gate': 'Confidence checks (before each task)',
  'guards.failure': 'Error handling (after each failed try)',
};

export function timingName(name: string): string {
  return timingNames[name] ?? name;
}

export function knownErrorsReport(errors: readonly KnownError[], fixesFor: (signature: string) => KnownFix[]): string {
  if (!errors.length)
    return '# Known errors\n\nNo errors recorded yet. Each failure the executor sees is remembered here by its signature.\n';
  const lines = [
    '# Known errors',
    '',
    `${errors.length} signature(s), most recent first. A signature is the message with paths, numbers, ids and times taken out.`,
    '',
  ];
  for (const e of errors) {
    lines.push(
      `## ${md(e.signature, 160)}`,
      '',
      `- seen **${e.occurrences}** time(s), first ${when(e.firstSeen)}, last ${when(e.lastSeen)}`,
      `- class: ${md(e.errorClass)}${e.actionKind ? `, in ${md(e.actionKind)} tasks` : ''}`,
      `- example: ${md(e.sample, 400)}`,
    );
    const fixes = fixesFor(e.signature);
    for (const f of fixes) {
      const what =
        f.fix.kind === 'command' ? `run ${md([f.fix.command, ...f.fix.args].join(' '))}` : `task ${md(f.fix.title)}`;
      lines.push(
        `- fix: ${what} — worked ${Math.round(f.successRate * 100)} % (recent tries count more), ${f.tries} tr${f.tries === 1 ? 'y' : 'ies'}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The latest language-model task runs: tokens and time each, newest first; empty without any. */
function lmRunsSection(runs: readonly LmTaskUsage[]): string[] {
  if (!runs.length) return [];
  const tokens = runs.reduce((n, r) => n + r.tokens, 0);
  return [
    '## Language-model tasks',
    '',
    `The latest ${runs.length} run(s), newest first: ${formatTokens(tokens)} in all.`,
    '',
    '| task | ended | tokens | turns | time | when |',
    '|---|---|---:|---:|---:|---|',
    ...runs.map(
      r =>
        `| ${md(r.title, 80)} | ${md(r.outcome || '—', 20)} | ${formatTokens(r.tokens)} | ${r.turns} | ${formatDuration(r.durationMs)} | ${when(r.at)} |`,
    ),
    '',
  ];
}

export function performanceReport(timings: readonly Timing[], lmRuns: readonly LmTaskUsage[] = []): string {
  if (!timings.length && !lmRuns.length)
    return '# Performance report\n\nNothing measured yet: run a session, and how long each kind of task and each check takes shows here.\n';
  if (!timings.length) return ['# Performance report', '', ...lmRunsSection(lmRuns)].join('\n');
  return [
    '# Performance report',
    '',
    'What took the most time in all comes first. A task\'s time is from its start to its end, retries included; "typical" is the median, "slow" the 95th percentile.',
    '',
    '| what | how often | typical | slow | slowest | in all | measured as |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...timings.map(
      t =>
        `| ${md(timingName(t.name), 60)} | ${t.count}× | ${duration(t.p50)} | ${duration(t.p95)} | ${duration(t.max)} | ${duration(t.totalMs)} | ${md(t.name, 60)} |`,
    ),
    '',
    ...lmRunsSection(lmRuns),
  ].join('\n');
}

export interface HealthFacts {
  store: {
    folder: string;
    sizeBytes?: number;
    journalRecords: number;
    journalBytes: number;
    lastSnapshotAt?: number;
    lastBackupAt?: number;
    readOnly: boolean;
    readOnlyReason?: string;
    recovery: readonly string[];
  };
  executor: { running: number; circuits: ReadonlyArray<{ kind: string; state: string }> };
  budget: BudgetStatus;
  flow: FlowStatus;
  graph: { built: boolean; line: string; updatedAt?: number };
  /** "Checkpoints: 12 snapshots of the files, 8.4 MB"; absent without a workspace folder. */
  checkpoints?: string;
  resources?: ResourceStatus;
  degradations: readonly Degradation[];
  now: number;
  /** For the charts: the resource samples, the budget's errors in its window, the disk level that pauses. */
  history?: {
    samples: readonly ResourceSample[];
    budgetErrorTimes: readonly number[];
    budgetWindowMs: number;
    criticalDiskBytes: number;
  };
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
/** A section's status icon: a codicon the report page draws. */
const ok = (good: boolean) => (good ? '$(pass)' : '$(warning)');

/** A bar of `width` cells for a 0–1 share: "█████░░░░░". */
export function bar(share: number, width = 10): string {
  const full = Math.max(0, Math.min(width, Math.round(share * width)));
  return '█'.repeat(full) + '░'.repeat(width - full);
}

export interface Chart {
  /** SVG built from numbers and fixed labels only (charts.ts). */
  svg: string;
  alt: string;
}

/** The charts at the top of Health: the budget through the hour, memory and free disk with their forecasts. */
export function healthCharts(h: HealthFacts): Chart[] {
  const history = h.history;
  if (!history) return [];
  const charts: Array<[string | undefined, string]> = [
    [
      budgetChart(history.budgetErrorTimes, h.budget.limit, h.now, history.budgetWindowMs),
      'error budget left through the last hour',
    ],
    [memoryChart(history.samples, h.now), 'memory used, with its forecast'],
    [diskChart(history.samples, h.now, history.criticalDiskBytes), 'free disk, with its forecast'],
  ];
  return charts.flatMap(([svg, alt]) => (svg ? [{ svg, alt }] : []));
}

export const healthTitle = 'Continuum health';

/** Health as markdown, the charts as images at the top (what Show Health returns). */
export function healthReport(h: HealthFacts): string {
  const charts = healthCharts(h);
  return [
    `# ${healthTitle}`,
    '',
    ...(charts.length ? [charts.map(c => chartImage(c.svg, c.alt)).join(' '), ''] : []),
    healthSections(h),
  ].join('\n');
}

/** Health's sections as markdown, without its title and charts (the Health page draws those itself). */
export function healthSections(h: HealthFacts): string {
  const s = h.store;
  const lines: string[] = [];
  lines.push(
    `## ${ok(!s.readOnly && !s.recovery.length)} Store`,
    '',
    `- folder: ${md(s.folder)}`,
    `- size: ${s.sizeBytes !== undefined ? mb(s.sizeBytes) : 'unknown'}; journal: ${s.journalRecords} record(s), ${mb(s.journalBytes)}`,
    `- last snapshot: ${s.lastSnapshotAt ? when(s.lastSnapshotAt) : 'none yet'}; last backup: ${s.lastBackupAt ? when(s.lastBackupAt) : 'none yet'}`,
    ...(s.readOnly ? [`- read-only: ${md(s.readOnlyReason ?? 'unknown reason')}`] : []),
    ...s.recovery.map(r => `- recovered: ${md(r)}`),
    ...(h.checkpoints ? [`- ${md(h.checkpoints)}`] : []),
    '',
  );
  const open = h.executor.circuits.filter(c => c.state !== 'closed');
  lines.push(
    `## ${ok(!open.length)} Executor`,
    '',
    `- tasks running: ${h.executor.running}`,
    `- circuits: ${h.executor.circuits.map(c => `${md(c.kind)} ${md(c.state)}`).join(', ') || 'none used yet'}`,
    '',
  );
  const b = h.budget;
  lines.push(
    `## ${ok(b.remaining > b.limit / 5)} Guards`,
    '',
    `- error budget: ${bar(b.limit ? b.remaining / b.limit : 0)} ${b.remaining}/${b.limit} left this hour`,
    ...b.spentBy.slice(0, 5).map(x => `  - ${x.count} × ${md(x.message, 160)}`),
    `- flow: **${h.flow.running ? h.flow.state : 'idle'}** — ${h.flow.running ?? 0} task(s) running; last 5 min: ${h.flow.tasks} task(s) started, ${h.flow.saves} file save(s), error rate ${Math.round(h.flow.errorRate * 100)} %`,
    '',
  );
  lines.push(
    `## ${ok(h.graph.built)} Knowledge graph`,
    '',
    `- ${md(h.graph.line)}`,
    ...(h.graph.updatedAt
      ? [`- last updated ${when(h.graph.updatedAt)} (${Math.round((h.now - h.graph.updatedAt) / 60_000)} min ago)`]
      : []),
    '',
  );
  const r = h.resources;
  lines.push(`## ${ok(!r?.warning && !r?.pause)} Resources`, '');
  if (!r?.latest) lines.push('- not sampled yet');
  else {
    const m = r.latest;
    lines.push(
      `- memory: ${bar(m.memoryUsed / m.memoryLimit)} ${bytesLabel(m.memoryUsed)} of ${bytesLabel(m.memoryLimit)}`,
      `- free disk: ${m.diskFree !== undefined ? bytesLabel(m.diskFree) : 'unknown'}`,
      ...(r.forecasts.length
        ? r.forecasts.map(
            f =>
              `- ${f.resource} trend: ${f.trendPerMinute >= 0 ? '+' : '−'}${mb(Math.abs(f.trendPerMinute))} per minute${f.exhaustedAt ? `, runs out around ${when(f.exhaustedAt)}` : ''}`,
          )
        : ['- trend: not enough samples yet (a forecast needs a few minutes of them)']),
      ...(r.warning ? [`- $(warning) ${md(r.warning, 400)}`] : []),
      ...(r.pause ? [`- $(error) ${md(r.pause, 400)}`] : []),
    );
  }
  lines.push('', `## ${ok(!h.degradations.length)} Degradations`, '');
  if (!h.degradations.length) lines.push('- everything runs at full service');
  for (const d of h.degradations)
    lines.push(
      `- ${md(d.title)}: **${d.level}**, using ${md(d.using)} since ${when(d.at)} — ${md(d.reason)}${d.note ? ` (${md(d.note)})` : ''}`,
    );
  lines.push('');
  return lines.join('\n');
}
