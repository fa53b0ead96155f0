import * as assert from 'assert';
import { NoticeBatcher } from '../../../../src/core/execution/guards/flowProtection';

const notice = (message: string, critical = false, severity: 'info' | 'warning' | 'error' = 'warning') => ({ message, critical, severity });

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
    assert.deepStrictEqual(summary, { severity: 'warning', critical: false, message: 'While you were in flow: 2 notices. task A failed · task B failed' });
    assert.strictEqual(b.release('idle'), undefined);
  });

  it('never holds a critical notice', () => {
    const b = new NoticeBatcher();
    assert.ok(b.offer(notice('session paused', true, 'error'), 'in flow'));
  });
});
