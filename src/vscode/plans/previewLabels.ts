// The import preview's quick pick, in words that fit its rows. Pure: no vscode, so it has plain unit tests.
import type { ParsedPlan, PlanPhaseSpec } from '../../core/tasks/plan';

/**
 * A phase separator's longest label. VS Code draws a separator's label at the right end of the row of the
 * phase's first task: a longer label squeezed that task's own title down to "…".
 */
export const separatorRoom = 48;

/**
 * A phase's separator in the preview pick: its number and title, its priority and what it waits for by
 * number ("2.1 Health Check System · high · after 1.1"), within `separatorRoom` characters; the read-only
 * preview document beside it has the rest (estimates, status, acceptance notes).
 */
export function phaseSeparatorLabel(plan: ParsedPlan, phase: PlanPhaseSpec, depth: number): string {
  const short = new Map<string, string>();
  for (const p of plan.phases) short.set(p.key, p.number ?? p.title);
  for (const t of plan.tasks) short.set(t.key, t.number ?? t.title);
  const parent = phase.parentKey ? plan.phases.find(p => p.key === phase.parentKey) : undefined;
  const own = phase.dependsOnKeys.filter(d => !parent?.dependsOnKeys.includes(d)).map(d => short.get(d) ?? d);
  const after = own.length ? `after ${own.slice(0, 2).join(', ')}${own.length > 2 ? ` +${own.length - 2}` : ''}` : '';
  const tail = [phase.priority ?? '', after]
    .filter(Boolean)
    .map(b => ` · ${b}`)
    .join('');
  const head = `${'· '.repeat(depth)}${phase.number ? `${phase.number} ` : ''}${phase.title}`;
  const room = Math.max(12, separatorRoom - tail.length);
  return `${head.length > room ? `${head.slice(0, room - 1)}…` : head}${tail}`.slice(0, separatorRoom + 24);
}
