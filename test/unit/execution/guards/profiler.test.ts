import * as assert from 'assert';
import { Profiler, percentile } from '../../../../src/core/execution/guards/profiler';

describe('profiler', () => {
  it('reports p50, p95 and max per name, hottest first', () => {
    const p = new Profiler();
    for (let i = 1; i <= 100; i++) p.record('shell', i);
    p.record('store.write', 1000);
    const [first, second] = p.report();
    assert.deepStrictEqual(first, { name: 'shell', count: 100, p50: 50, p95: 95, max: 100, totalMs: 5050 });
    assert.strictEqual(second.name, 'store.write');
  });

  it('times sync and async work with the given clock', async () => {
    const p = new Profiler();
    let t = 0;
    await p.time(
      'graph',
      () => {
        t += 7;
      },
      () => t,
    );
    assert.strictEqual(p.report()[0].max, 7);
  });

  it('takes nearest-rank percentiles', () => {
    assert.strictEqual(percentile([], 0.5), 0);
    assert.strictEqual(percentile([3], 0.95), 3);
    assert.strictEqual(percentile([1, 2, 3, 4], 0.5), 2);
  });
});
