import * as assert from 'assert';
import { ErrorLearning, decayedSuccessRate, fixHalfLifeMs } from '../../../../src/core/execution/guards/learning';
import { openTestStore } from '../../context/openTestStore';

describe('error learning', () => {
  it('weighs recent fix outcomes more than old ones', () => {
    const now = 100 * fixHalfLifeMs;
    assert.strictEqual(decayedSuccessRate([], now), 0);
    const oldFailureRecentSuccess = decayedSuccessRate(
      [
        { at: now - 3 * fixHalfLifeMs, succeeded: false },
        { at: now, succeeded: true },
      ],
      now,
    );
    assert.ok(Math.abs(oldFailureRecentSuccess - 1 / 1.125) < 1e-9);
    const oldSuccessRecentFailure = decayedSuccessRate(
      [
        { at: now - 3 * fixHalfLifeMs, succeeded: true },
        { at: now, succeeded: false },
      ],
      now,
    );
    assert.ok(oldSuccessRecentFailure < 0.2);
  });

  it('remembers signatures with occurrences and first/last seen, across a reopen of the store', async () => {
    const { store, clock } = await openTestStore();
    const learning = new ErrorLearning(store, clock);
    await learning.remember({ signature: 'sig', message: 'first', errorClass: 'deterministic', actionKind: 'shell' });
    const first = clock.now();
    clock.advance(60_000);
    await learning.remember({ signature: 'sig', message: 'second', errorClass: 'deterministic' });
    const known = learning.known('sig');
    assert.deepStrictEqual(known, {
      signature: 'sig',
      sample: 'second',
      errorClass: 'deterministic',
      actionKind: 'shell',
      occurrences: 2,
      firstSeen: first,
      lastSeen: first + 60_000,
    });
    assert.deepStrictEqual(
      learning.all().map(k => k.signature),
      ['sig'],
    );
  });

  it('ranks the fixes of a signature by their decayed success rate', async () => {
    const { store, clock } = await openTestStore();
    const learning = new ErrorLearning(store, clock);
    const install = { kind: 'command' as const, command: 'npm', args: ['install'] };
    const clean = { kind: 'command' as const, command: 'npm', args: ['ci'] };
    await learning.fixTried('sig', install, false);
    await learning.fixTried('sig', clean, true);
    clock.advance(1000);
    await learning.fixTried('sig', install, true);
    const fixes = learning.fixesFor('sig');
    assert.deepStrictEqual(
      fixes.map(f => [f.fix, f.tries]),
      [
        [clean, 1],
        [install, 2],
      ],
    );
    assert.ok(fixes[1].successRate > 0.49 && fixes[1].successRate < 0.51);
  });
});
