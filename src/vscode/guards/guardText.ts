// What the guards' status-bar items say. Pure (no vscode), so it has plain unit tests.
import type { BudgetStatus } from '../../core/execution/guards/budget';
import type { FlowStatus } from '../../core/execution/guards/flow';

export type Urgency = 'normal' | 'warning' | 'error';

/** `$(shield) 7/10`; warning colours at half the budget, error colours at a fifth or less. */
export function budgetText(b: BudgetStatus): { text: string; tooltip: string; urgency: Urgency } {
  const share = b.limit ? b.remaining / b.limit : 0;
  const urgency: Urgency = share <= 0.2 ? 'error' : share <= 0.5 ? 'warning' : 'normal';
  const spent = b.spentBy.slice(0, 3).map(s => `${s.count} × ${s.message.slice(0, 80)}`).join('\n');
  const tooltip = `Error budget: ${b.remaining} of ${b.limit} errors left for this hour.`
    + (b.remaining === 0 ? ' Spent: sessions pause until errors age out of the hour.' : '')
    + (spent ? `\nSpent by:\n${spent}` : '')
    + (b.refillsAt ? `\nNext refill: ${new Date(b.refillsAt).toLocaleTimeString()}` : '');
  return { text: `$(shield) ${b.remaining}/${b.limit}`, tooltip, urgency };
}

const flowIcons: Record<FlowStatus['state'], string> = { idle: '$(circle-outline)', 'warming up': '$(loading)', 'in flow': '$(zap)', struggling: '$(warning)' };

export function flowText(f: FlowStatus): { text: string; tooltip: string } {
  return {
    text: `${flowIcons[f.state]} ${f.state}`,
    tooltip: `Flow: ${f.state}\n${f.actionsPerMinute} actions/min over the last 5 min (${f.actions} actions)\nerror rate ${Math.round(f.errorRate * 100)} % (${f.errors} errors)`,
  };
}
