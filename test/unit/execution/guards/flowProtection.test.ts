import * as assert from 'assert';
import { NoticeBatcher } from '../../../../src/core/execution/guards/flowProtection';

const notice = (message: string, critical = false, severity: 'info' | 'warning' | 'error' = 'warning') => ({
  message,
  critical,
  severity,
});

describe('flow protection', () => {
  it('shows notices at once when not in flow', () => {
    const b = new NoticeBatcher();
    assert.deepStrictEqual(b.offer(notice('a'), 'warming up'), notice('a'));
  });

  it('holds non-critical notices while in flow and sums them up once flow ends', () => {
    const b = new NoticeBatcher();
    assert.strictEqual(b.offer(notice('task A failed'), 'in flow'), undefined);
    assert.strictEqual(b.offer(notice('task B failed', false, 'info'), 'in flow'), undefined);
    assert.strictEqual(b.release('in flow'), undefined);
    const summary = b.release('idle');
    assert.deepStrictEqual(summary, {
      severity: 'warning',
      critical: false,
      message: 'While you were in flow: 2 notices. task A failed · task B failed',
    });
    assert.strictEqual(b.release('idle'), undefined);
  });

  it('releases held notices after the longest hold even while flow goes on', () => {
    let now = 0;
    const b = new NoticeBatcher(() => now, 10 * 60_000);
    b.offer(notice('task A failed'), 'in flow');
    now = 9 * 60_000;
    b.offer(notice('task B failed'), 'in flow');
    assert.strictEqual(b.release('in flow'), undefined, 'not yet: the first has waited 9 minutes');
    now = 10 * 60_000;
    assert.deepStrictEqual(b.release('in flow'), {
      severity: 'warning',
      critical: false,
      message: 'Held while you are in flow: 2 notices. task A failed · task B failed',
    });
    assert.strictEqual(b.heldCount, 0);
    // the hold starts again with the next held notice
    now = 11 * 60_000;
    b.offer(notice('task C failed'), 'in flow');
    now = 20 * 60_000;
    assert.strictEqual(b.release('in flow'), undefined);
    now = 21 * 60_000;
    assert.deepStrictEqual(b.release('in flow'), notice('task C failed'));
  });

  it('never holds a critical notice', () => {
    const b = new NoticeBatcher();
    assert.ok(b.offer(notice('session paused', true, 'error'), 'in flow'));
  });
});
