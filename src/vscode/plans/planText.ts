// What @continuum /plan writes in chat about a proposed plan: a short summary (phases with their
// tasks, each task's kind), every title escaped: the model's words are data here. Pure: unit-tested.
import { goalPlanSummary } from '../../core/plans/fromGoal';
import type { ParsedPlan } from '../../core/tasks/plan';
import { mdText } from '../../core/agents/markdown';

const kindWords = { lm: 'model', shell: 'command', manual: 'to-do', vscodeTask: 'VS Code task' } as const;

/** The proposed plan in a few lines: its size, then each phase with its first tasks and their kinds. */
export function planSummaryMarkdown(plan: ParsedPlan, warnings: readonly string[] = [], maxTasks = 20): string {
  const lines = [`**Proposed plan:** ${goalPlanSummary(plan)}.`]; // counts only: nothing to escape
  const phaseOf = new Map(plan.phases.map(p => [p.key, p]));
  let shown = 0;
  let phase: string | undefined = '\0';
  for (const t of plan.tasks) {
    if (shown >= maxTasks) break;
    if (t.phaseKey !== phase) {
      phase = t.phaseKey;
      const p = phase ? phaseOf.get(phase) : undefined;
      if (p) lines.push('', `**${mdText([p.number, p.title].filter(Boolean).join(' '), 100)}**`, '');
    }
    const kind = t.action ? kindWords[t.action.kind] : 'to-do';
    lines.push(
      `- ${mdText([t.number, t.title].filter(Boolean).join(' '), 120)} _(${kind}${t.priority ? `, ${t.priority}` : ''})_`,
    );
    shown++;
  }
  if (plan.tasks.length > shown) lines.push('', `… and ${plan.tasks.length - shown} more in the preview.`);
  for (const w of warnings) lines.push('', `⚠ ${mdText(w, 300)}`);
  if (plan.cycle)
    lines.push('', 'Its dependencies form a cycle: the preview shows where; it cannot be imported as it is.');
  lines.push('', 'Nothing is imported until you look at the preview and confirm.');
  return lines.join('\n');
}
