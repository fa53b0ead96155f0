// What the guards' status-bar items say. Pure (no vscode), so it has plain unit tests.
import type { BudgetStatus } from '../../core/execution/guards/budget';
import type { FlowStatus } from '../../core/execution/guards/flow';

export type Urgency = 'normal' | 'warning' | 'error';

/** `$(shield) 7/10`; warning colours at half the budget, error colours at a fifth or less. */
export function budgetText(b: BudgetStatus): { text: string; tooltip: string; urgency: Urgency } {
  const share = b.limit ? b.remaining / b.limit : 0;
  const urgency: Urgency = share <= 0.2 ? 'error' : share <= 0.5 ? 'warning' : 'normal';
  const spent = b.spentBy
    .slice(0, 3)
    .map(s => `${s.count} × ${s.message.slice(0, 80)}`)
    .join('\n');
  const tooltip =
    `Error budget: ${b.remaining} of ${b.limit} errors left for this hour.` +
    (b.remaining === 0 ? ' Spent: sessions pause until errors age out of the hour.' : '') +
    (spent ? `\nSpent by:\n${spent}` : '') +
    (b.refillsAt ? `\nNext refill: ${new Date(b.refillsAt).toLocaleTimeString()}` : '');
  return { text: `$(shield) ${b.remaining}/${b.limit}`, tooltip, urgency };
}

// no spinning icon: the item shows how work goes, it is not a progress indicator
const flowIcons: Record<FlowStatus['state'], string> = {
  idle: '$(circle-outline)',
  'warming up': '$(pulse)',
  'in flow': '$(zap)',
  struggling: '$(warning)',
};

/**
 * The flow of the work Continuum runs: idle whenever no task runs (file saves alone are the
 * person's own flow, which holds back notices that can wait, but no run is in flow), otherwise
 * warming up, in flow or struggling as the monitor sees the last minutes.
 */
export function flowText(f: FlowStatus): { text: string; tooltip: string } {
  const running = f.running ?? 0;
  const state = running > 0 ? f.state : 'idle';
  const lines = [
    running > 0
      ? `Flow: ${state}, ${running} task${running === 1 ? '' : 's'} running`
      : 'Flow: idle, no task is running',
  ];
  if (f.tasks || f.errors)
    lines.push(
      `Last 5 min: ${f.tasks} task${f.tasks === 1 ? '' : 's'} started, ${f.errors} error${f.errors === 1 ? '' : 's'} (error rate ${Math.round(f.errorRate * 100)} %), ${f.actionsPerMinute} actions/min`,
    );
  else lines.push('No task started in the last 5 min.');
  if (f.saves)
    lines.push(
      `${f.saves} file save${f.saves === 1 ? '' : 's'} in the last 5 min${f.state === 'in flow' ? ': you are in flow, so notices that can wait are held' : ''}.`,
    );
  return { text: `${flowIcons[state]} ${state}`, tooltip: lines.join('\n') };
}
