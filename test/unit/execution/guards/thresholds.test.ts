// The confidence gate's adapted thresholds are kept in the store: a reopened window goes on from
// where the last one left them, and a damaged record falls back to the defaults.
import * as assert from 'assert';
import { defaultThresholds, parseThresholds } from '../../../../src/core/execution/guards/confidence';
import {
  ExecutionGuards,
  describeConfidenceDecision,
  thresholdsKey,
} from '../../../../src/core/execution/guards/guards';
import { makeWorld } from '../../helpers';
import { makeExecWorld } from '../world';

const questions = { allowLowConfidenceTask: async () => 'allow' as const, runFix: async () => 'fail' as const };

describe('confidence thresholds and decisions, kept', () => {
  it('keeps adapted thresholds across a reopen of the store', async () => {
    const base = await makeWorld();
    const guards = new ExecutionGuards({ store: base.store, clock: base.clock, questions, watchedAttempts: 1 });
    const w = await makeExecWorld({ hooks: guards, settings: () => ({ concurrency: 1, checkpointEvery: 0 }) }, base);
    // a new kind runs watched; when it fails, the thresholds go up
    w.processes.script('flaky', { code: 1, output: 'error: it broke' });
    const id = await w.shell('Flaky', 'flaky');
    await (
      await w.executor.run(await w.session([id]))
    ).finished;
    await guards.settled();
    const adapted = guards.currentThresholds();
    assert.ok(adapted.run > defaultThresholds.run, JSON.stringify(adapted));
    await base.store.close();
    const reopened = await makeWorld(base.fs, base.clock);
    const again = new ExecutionGuards({ store: reopened.store, clock: reopened.clock, questions });
    assert.deepStrictEqual(again.currentThresholds(), adapted);
  });

  it('falls back to the defaults when the kept thresholds are damaged or out of order', async () => {
    assert.strictEqual(parseThresholds('{"run": 0.5, "watched": 0.7, "checkpoint": 0.4}'), undefined);
    assert.strictEqual(parseThresholds('not json'), undefined);
    assert.strictEqual(parseThresholds('{"run": 2, "watched": 0.7, "checkpoint": 0.4}'), undefined);
    assert.deepStrictEqual(parseThresholds('{"run": 0.92, "watched": 0.72, "checkpoint": 0.52}'), {
      run: 0.92,
      watched: 0.72,
      checkpoint: 0.52,
    });
    const base = await makeWorld();
    await base.store.write(
      w => w.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [thresholdsKey, '{"run": "high"}']),
      'user',
    );
    const guards = new ExecutionGuards({ store: base.store, clock: base.clock, questions });
    assert.deepStrictEqual(guards.currentThresholds(), defaultThresholds);
  });

  it('describes a task’s latest confidence decision for its details, newest first', () => {
    const text = describeConfidenceDecision([
      { kind: 'status', detail: {} },
      {
        kind: 'confidence',
        detail: {
          score: 0.42,
          decision: 'ask',
          factors: { history: 0.6, knownErrors: -0.3, reversibility: 0.15, impact: -0.03, approvals: 0 },
          answer: 'allow',
        },
      },
      { kind: 'confidence', detail: { score: 0.95, decision: 'run', factors: {} } },
    ]);
    assert.strictEqual(
      text,
      'Confidence 0.42: ask (past runs of this kind +0.60, known errors -0.30, can be undone +0.15, impact -0.03); you allowed it',
    );
    assert.strictEqual(describeConfidenceDecision([{ kind: 'status', detail: {} }]), undefined);
    assert.strictEqual(describeConfidenceDecision([{ kind: 'confidence', detail: { score: 'x' } }]), undefined);
  });
});
