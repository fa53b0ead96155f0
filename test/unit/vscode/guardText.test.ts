import * as assert from 'assert';
import { budgetText, flowText } from '../../../src/vscode/guards/guardText';

describe('guard status-bar text', () => {
  const budget = (remaining: number) => ({
    limit: 10,
    remaining,
    spentBy: [{ signature: 's', type: 'deterministic', count: 10 - remaining, message: 'error: boom' }],
  });

  it('shows the budget as remaining/limit, turning warning then error colours as it drains', () => {
    assert.deepStrictEqual(
      [7, 5, 2, 0].map(n => [budgetText(budget(n)).text, budgetText(budget(n)).urgency]),
      [
        ['$(shield) 7/10', 'normal'],
        ['$(shield) 5/10', 'warning'],
        ['$(shield) 2/10', 'error'],
        ['$(shield) 0/10', 'error'],
      ],
    );
    assert.match(budgetText(budget(0)).tooltip, /Spent: sessions pause[\s\S]*10 × error: boom/);
  });

  it('shows the flow state of a running session with its figures in the tooltip', () => {
    const f = flowText({
      state: 'in flow',
      actionsPerMinute: 2.4,
      errorRate: 0.05,
      actions: 12,
      errors: 1,
      tasks: 12,
      saves: 0,
      running: 2,
    });
    assert.strictEqual(f.text, '$(zap) in flow');
    assert.match(f.tooltip, /2 tasks running[\s\S]*12 tasks started, 1 error \(error rate 5 %\)/);
  });

  it('says idle, without a spinning icon, while no task runs: not "in flow" from file saves, not "warming up" after a run ended', () => {
    const saves = flowText({
      state: 'in flow',
      actionsPerMinute: 1.2,
      errorRate: 0,
      actions: 6,
      errors: 0,
      tasks: 0,
      saves: 6,
      running: 0,
    });
    assert.strictEqual(saves.text, '$(circle-outline) idle');
    assert.match(
      saves.tooltip,
      /no task is running[\s\S]*6 file saves in the last 5 min: you are in flow, so notices that can wait are held/,
    );
    const ended = flowText({
      state: 'warming up',
      actionsPerMinute: 0.2,
      errorRate: 0,
      actions: 1,
      errors: 0,
      tasks: 1,
      saves: 0,
      running: 0,
    });
    assert.strictEqual(ended.text, '$(circle-outline) idle');
    const starting = flowText({
      state: 'warming up',
      actionsPerMinute: 0.2,
      errorRate: 0,
      actions: 1,
      errors: 0,
      tasks: 1,
      saves: 0,
      running: 1,
    });
    assert.strictEqual(starting.text, '$(pulse) warming up');
    for (const state of ['idle', 'warming up', 'in flow', 'struggling'] as const)
      assert.ok(
        !flowText({
          state,
          actionsPerMinute: 1,
          errorRate: 0,
          actions: 5,
          errors: 0,
          tasks: 5,
          saves: 0,
          running: 1,
        }).text.includes('$(loading'),
        state,
      );
  });
});
