import * as assert from 'assert';
import { ResourceMonitor, linearFit, type ResourceProbe } from '../../../../src/core/execution/guards/resources';
import { FakeClock } from '../../fakes/fakeClock';

const MB = 1024 * 1024;

function probe(state: { used: number; free: number }): ResourceProbe {
  return {
    memory: () => ({ usedBytes: state.used, limitBytes: 4096 * MB }),
    freeDiskBytes: () => Promise.resolve(state.free),
  };
}

describe('resource monitor', () => {
  it('fits a line', () => {
    assert.deepStrictEqual(
      linearFit([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
      { slope: 2, intercept: 1 },
    );
    assert.strictEqual(linearFit([{ x: 0, y: 1 }]), undefined);
  });

  it('warns at least 5 minutes before the disk is projected to run out', async () => {
    const clock = new FakeClock();
    const state = { used: 100 * MB, free: 2000 * MB };
    const monitor = new ResourceMonitor(probe(state), ['/store'], clock, {
      criticalDiskBytes: 200 * MB,
      warnWithinMs: 0,
    });
    let warnedAtMinutesLeft: number | undefined;
    for (let minute = 0; minute < 40 && warnedAtMinutesLeft === undefined; minute++) {
      const s = await monitor.sample();
      if (s.warning) warnedAtMinutesLeft = (state.free - 200 * MB) / (60 * MB);
      clock.advance(60_000);
      state.free -= 60 * MB; // 60 MB a minute: critical after 30 min
    }
    assert.ok(warnedAtMinutesLeft !== undefined && warnedAtMinutesLeft >= 5, String(warnedAtMinutesLeft));
  });

  it('does not warn while the trend is flat or rising', async () => {
    const clock = new FakeClock();
    const state = { used: 100 * MB, free: 2000 * MB };
    const monitor = new ResourceMonitor(probe(state), ['/store'], clock);
    for (let i = 0; i < 10; i++) {
      assert.strictEqual((await monitor.sample()).warning, undefined);
      clock.advance(60_000);
      state.used -= MB;
    }
  });

  it('says to pause when disk is critically low, and what to do', async () => {
    const monitor = new ResourceMonitor(probe({ used: 0, free: 50 * MB }), ['/store', '/ws'], new FakeClock());
    assert.match((await monitor.sample()).pause ?? '', /Only 50 MB .* Free some space, then resume the session/);
  });

  it('forecasts memory exhaustion from a rising heap', async () => {
    const clock = new FakeClock();
    const state = { used: 3000 * MB, free: 10_000 * MB };
    const monitor = new ResourceMonitor(probe(state), ['/store'], clock);
    let s;
    for (let i = 0; i < 5; i++) {
      s = await monitor.sample();
      clock.advance(60_000);
      state.used += 100 * MB;
    }
    assert.match(s?.warning ?? '', /memory is filling up/);
  });
});

describe('resource forecasts', () => {
  it('are made only from enough samples over enough time to mean something', async () => {
    const clock = new FakeClock();
    const state = { used: 100 * MB, free: 2000 * MB };
    const monitor = new ResourceMonitor(probe(state), ['/store'], clock, { criticalDiskBytes: 200 * MB });
    // three clicks on Show Health seconds apart while a build writes 100 MB: no forecast, no warning
    for (let i = 0; i < 4; i++) {
      const s = await monitor.sample();
      assert.deepStrictEqual(s.forecasts, [], `sample ${i + 1}`);
      assert.strictEqual(s.warning, undefined);
      clock.advance(2_000);
      state.free -= 100 * MB;
    }
    // samples a minute apart for a few minutes: now there is a trend to project
    for (let i = 0; i < 4; i++) {
      clock.advance(60_000);
      await monitor.sample();
    }
    assert.ok(monitor.status().forecasts.some(f => f.resource === 'disk'));
  });
});
