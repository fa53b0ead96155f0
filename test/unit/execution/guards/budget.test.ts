import * as assert from 'assert';
import { ErrorBudget, describeSpentBudget } from '../../../../src/core/execution/guards/budget';
import { FakeClock } from '../../fakes/fakeClock';

const err = (signature: string, type = 'deterministic') => ({
  signature,
  type,
  message: `${signature} happened`,
  taskTitle: 'Build',
});

describe('error budget', () => {
  it('allows 10 errors in a rolling hour by default, then is spent', () => {
    const budget = new ErrorBudget(new FakeClock());
    for (let i = 0; i < 9; i++) assert.strictEqual(budget.record(err(`e${i}`)).spent, false);
    const last = budget.record(err('e9'));
    assert.deepStrictEqual([last.spent, last.remaining], [true, 0]);
    assert.ok(budget.isSpent());
  });

  it('takes new limits from changed settings, keeping the errors already counted', () => {
    const budget = new ErrorBudget(new FakeClock());
    for (const s of ['a', 'b', 'c']) budget.record(err(s));
    assert.strictEqual(budget.remaining(), 7);
    budget.configure({ limit: 4 });
    assert.strictEqual(budget.remaining(), 1);
    assert.ok(!budget.isSpent());
    budget.configure({ limit: 20, perType: { deterministic: 3 } });
    assert.strictEqual(budget.remaining(), 17);
    assert.ok(budget.isSpent(), 'three deterministic errors spend a per-type limit of three');
  });

  it('refills as errors leave the window', () => {
    const clock = new FakeClock();
    const budget = new ErrorBudget(clock, { limit: 3 });
    const start = clock.now();
    budget.record(err('a'));
    clock.advance(30 * 60_000);
    budget.record(err('b'));
    budget.record(err('c'));
    assert.strictEqual(budget.remaining(), 0);
    clock.advance(30 * 60_000 + 1);
    assert.strictEqual(budget.remaining(), 1);
    assert.strictEqual(budget.status().refillsAt, start + 30 * 60_000 + 60 * 60_000);
  });

  it('spends a per-type budget on its own', () => {
    const budget = new ErrorBudget(new FakeClock(), { perType: { transient: 2 } });
    assert.strictEqual(budget.record(err('a', 'transient')).spent, false);
    assert.strictEqual(budget.record(err('b', 'deterministic')).spent, false);
    assert.strictEqual(budget.record(err('c', 'transient')).spent, true);
  });

  it('calls the same signature repeating systemic, and different ones transient', () => {
    const budget = new ErrorBudget(new FakeClock(), { systemicAfter: 3 });
    assert.strictEqual(budget.record(err('same')).systemic, false);
    assert.strictEqual(budget.record(err('other')).systemic, false);
    assert.strictEqual(budget.record(err('same')).systemic, false);
    assert.strictEqual(budget.record(err('same')).systemic, true);
    assert.ok(budget.isSystemic('same'));
    assert.ok(!budget.isSystemic('other'));
  });

  it('names the errors that spent it, most frequent first', () => {
    const budget = new ErrorBudget(new FakeClock(), { limit: 3 });
    budget.record(err('x'));
    budget.record(err('y'));
    budget.record(err('y'));
    assert.strictEqual(
      describeSpentBudget(budget.status()),
      "2 × y happened (task 'Build'); 1 × x happened (task 'Build')",
    );
  });
});
