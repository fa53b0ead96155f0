import * as assert from 'assert';
import { DegradationRegistry } from '../../../../src/core/execution/guards/degradation';

describe('degradation registry', () => {
  it('steps a capability down its fallbacks in order, recording level and reason', () => {
    const r = new DegradationRegistry(undefined, () => 5);
    assert.strictEqual(r.overall(), 'full');
    assert.deepStrictEqual(r.stepDown('pullRequest', 'not signed in to GitHub'), {
      capability: 'pullRequest',
      title: 'pull requests',
      using: 'push only',
      level: 'minor',
      reason: 'not signed in to GitHub',
      at: 5,
      note: 'open the pull request yourself',
    });
    assert.strictEqual(r.stepDown('pullRequest', 'push refused')?.using, 'local branch');
    assert.strictEqual(r.stepDown('pullRequest', 'nothing left'), undefined);
    r.stepDown('checkpoint', 'git is not installed');
    assert.deepStrictEqual(
      r.degradations().map(d => [d.capability, d.level]),
      [
        ['checkpoint', 'severe'],
        ['pullRequest', 'moderate'],
      ],
    );
    assert.strictEqual(r.overall(), 'severe');
    r.restore('checkpoint');
    assert.strictEqual(r.overall(), 'moderate');
  });

  it('refuses an unknown capability or way with the known ones named', () => {
    const r = new DegradationRegistry();
    assert.throws(() => r.use('graph', 'guessing', 'x'), /known: syntax-tree parse, import scan/);
    assert.throws(() => r.stepDown('teleport', 'x'), /Unknown capability/);
  });
});
