import * as assert from 'assert';
import { budgetText, flowText } from '../../../src/vscode/guards/guardText';

describe('guard status-bar text', () => {
  const budget = (remaining: number) => ({ limit: 10, remaining, spentBy: [{ signature: 's', type: 'deterministic', count: 10 - remaining, message: 'error: boom' }] });

  it('shows the budget as remaining/limit, turning warning then error colours as it drains', () => {
    assert.deepStrictEqual([7, 5, 2, 0].map(n => [budgetText(budget(n)).text, budgetText(budget(n)).urgency]),
      [['$(shield) 7/10', 'normal'], ['$(shield) 5/10', 'warning'], ['$(shield) 2/10', 'error'], ['$(shield) 0/10', 'error']]);
    assert.match(budgetText(budget(0)).tooltip, /Spent: sessions pause[\s\S]*10 × error: boom/);
  });

  it('shows the flow state with its figures in the tooltip', () => {
    const f = flowText({ state: 'in flow', actionsPerMinute: 2.4, errorRate: 0.05, actions: 12, errors: 1 });
    assert.strictEqual(f.text, '$(zap) in flow');
    assert.match(f.tooltip, /2.4 actions\/min[\s\S]*error rate 5 %/);
  });
});
