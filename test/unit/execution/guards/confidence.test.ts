import * as assert from 'assert';
import {
  adaptThresholds,
  defaultThresholds,
  gate,
  type ConfidenceFactors,
} from '../../../../src/core/execution/guards/confidence';

const base: ConfidenceFactors = {
  kindSuccessRate: 1,
  kindRuns: 20,
  knownErrors: 0,
  reversible: true,
  alwaysAllowed: false,
  approvals: 0,
};

describe('confidence gate', () => {
  it('runs a reliable, reversible kind at once', () => {
    const g = gate(base);
    assert.strictEqual(g.decision, 'run');
    assert.ok(g.score >= 0.9);
    assert.deepStrictEqual(Object.keys(g.contributions).sort(), [
      'approvals',
      'history',
      'impact',
      'knownErrors',
      'reversibility',
    ]);
  });

  it('steps down through watched and checkpoint-first to asking as evidence worsens', () => {
    assert.strictEqual(gate({ ...base, kindSuccessRate: 0.7 }).decision, 'run watched');
    assert.strictEqual(gate({ ...base, kindSuccessRate: 0.7, knownErrors: 2 }).decision, 'checkpoint first');
    assert.strictEqual(gate({ ...base, kindSuccessRate: 0.3, reversible: false }).decision, 'ask');
  });

  it('counts a wide impact from the knowledge graph against the task', () => {
    assert.ok(gate({ ...base, affectedComponents: 100 }).score < gate({ ...base, affectedComponents: 1 }).score);
  });

  it('runs a kind the user always allows', () => {
    assert.notStrictEqual(
      gate({ ...base, kindSuccessRate: 0.3, reversible: false, alwaysAllowed: true }).decision,
      'ask',
    );
  });

  it('raises thresholds when a confident run fails and lowers them when an allowed run succeeds, keeping them ordered', () => {
    const up = adaptThresholds(defaultThresholds, 'run', false);
    assert.ok(up.run > defaultThresholds.run && up.watched > defaultThresholds.watched);
    const down = adaptThresholds(defaultThresholds, 'ask', true);
    assert.ok(down.run < defaultThresholds.run);
    assert.deepStrictEqual(adaptThresholds(defaultThresholds, 'run', true), defaultThresholds);
    let t = defaultThresholds;
    for (let i = 0; i < 100; i++) t = adaptThresholds(t, 'run', false);
    assert.ok(t.run <= 0.98 && t.watched < t.run && t.checkpoint < t.watched, JSON.stringify(t));
  });
});
