import * as assert from 'assert';
import { FlowMonitor } from '../../../../src/core/execution/guards/flow';
import { FakeClock } from '../../fakes/fakeClock';

describe('flow monitor', () => {
  it('is idle with no events in the window', () => {
    const clock = new FakeClock();
    const flow = new FlowMonitor(clock);
    assert.strictEqual(flow.status().state, 'idle');
    flow.record('action');
    clock.advance(5 * 60_000 + 1);
    assert.strictEqual(flow.status().state, 'idle');
  });

  it('is warming up right after work starts, and in flow once steady work lasts', () => {
    const clock = new FakeClock();
    const flow = new FlowMonitor(clock);
    flow.record('action');
    assert.strictEqual(flow.status().state, 'warming up');
    for (let i = 0; i < 6; i++) {
      clock.advance(30_000);
      flow.record('action');
    }
    const s = flow.status();
    assert.strictEqual(s.state, 'in flow');
    assert.strictEqual(s.actions, 7);
    assert.strictEqual(s.errorRate, 0);
  });

  it('is struggling when most actions fail', () => {
    const clock = new FakeClock();
    const flow = new FlowMonitor(clock);
    for (let i = 0; i < 4; i++) {
      flow.record('action');
      flow.record('error');
      clock.advance(40_000);
    }
    const s = flow.status();
    assert.strictEqual(s.state, 'struggling');
    assert.strictEqual(s.errorRate, 1);
  });

  it('counts file saves as activity', () => {
    const clock = new FakeClock();
    const flow = new FlowMonitor(clock);
    for (let i = 0; i < 5; i++) {
      flow.record('save');
      clock.advance(40_000);
    }
    assert.strictEqual(flow.status().state, 'in flow');
  });
});

describe('flow monitor counts', () => {
  it('tells tasks started apart from their ends and from file saves', () => {
    const clock = new FakeClock();
    const flow = new FlowMonitor(clock);
    flow.record('action');
    flow.record('done');
    flow.record('save');
    flow.record('save');
    const s = flow.status();
    assert.deepStrictEqual([s.actions, s.tasks, s.saves], [4, 1, 2]);
  });
});
