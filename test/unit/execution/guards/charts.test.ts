// Health's charts: SVG from numbers only, as base64 data-URI images that stay inert in the preview.
import * as assert from 'assert';
import {
  budgetChart,
  bytesLabel,
  charWidth,
  chartImage,
  diskChart,
  leftPadFor,
  lineChartSvg,
  memoryChart,
} from '../../../../src/core/execution/guards/charts';
import { healthReport, type HealthFacts } from '../../../../src/core/execution/guards/reports';

const mb = 1024 * 1024;
const now = Date.UTC(2026, 0, 1, 12);
const samples = [0, 1, 2, 3, 4].map(i => ({
  at: now - (4 - i) * 60_000,
  memoryUsed: (200 + i * 50) * mb,
  memoryLimit: 1000 * mb,
  diskFree: (5000 - i * 400) * mb,
}));
const decode = (img: string) => Buffer.from(/base64,([A-Za-z0-9+/=]+)"/.exec(img)![1], 'base64').toString('utf8');

describe('health charts', () => {
  it('draws memory with its forecast reaching 15 minutes ahead, against the limit', () => {
    const svg = memoryChart(samples, now)!;
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.strictEqual(svg.match(/<polyline/g)?.length, 2, 'the samples and the dashed forecast');
    assert.match(svg, /stroke-dasharray="5 3"/);
    assert.match(svg, />\+15m</);
    assert.match(svg, />limit</);
    assert.strictEqual(memoryChart(samples.slice(0, 1), now), undefined, 'one sample is no trend');
  });

  it('draws free disk falling towards the level that pauses', () => {
    const svg = diskChart(samples, now, 200 * mb)!;
    assert.match(svg, />pauses below</);
    const forecastLine = [...svg.matchAll(/<polyline[^>]* points="([^"]+)"[^>]*stroke-dasharray/g)][0][1]
      .split(' ')
      .map(p => Number(p.split(',')[1]));
    assert.ok(forecastLine[1] > forecastLine[0], `the forecast goes down the chart: ${forecastLine.join(' → ')}`);
  });

  it('steps the error budget down at each error in the last hour', () => {
    const svg = budgetChart([now - 50 * 60_000, now - 10 * 60_000, now - 2 * 60 * 60_000], 10, now);
    const ys = [...svg.matchAll(/<polyline[^>]* points="([^"]+)"/g)][0][1].split(' ').map(p => Number(p.split(',')[1]));
    assert.strictEqual(
      new Set(ys).size,
      3,
      'full, one spent, two spent (the error two hours ago is out of the window)',
    );
  });

  it('marks its parts with classes the Health page colours from the theme', () => {
    const svg = memoryChart(samples, now)!;
    for (const cls of ['chart', 'frame', 'title', 'axis', 'label', 'limit', 'series-memory'])
      assert.match(svg, new RegExp(`class="${cls}"`), cls);
    assert.match(budgetChart([], 10, now), /class="series-budget"/);
  });

  it('fits its y-axis labels inside the chart, in MB or GB', () => {
    assert.deepStrictEqual(
      [bytesLabel(812 * mb), bytesLabel(4.94 * 1024 * mb), bytesLabel(64 * 1024 * mb)],
      ['812 MB', '4.9 GB', '64 GB'],
    );
    const big = samples.map(s => ({ ...s, memoryLimit: 16 * 1024 * mb, memoryUsed: s.memoryUsed * 20 }));
    const svg = memoryChart(big, now)!;
    for (const m of svg.matchAll(/<text class="label" x="([\d.]+)" y="[\d.]+" text-anchor="end"[^>]*>([^<]+)</g)) {
      const [x, text] = [Number(m[1]), m[2]];
      if (x > 150) continue; // the right-hand x label
      assert.ok(
        x - text.length * charWidth >= 0,
        `'${text}' ends at ${x} and starts at ${x - text.length * charWidth}: cut off`,
      );
    }
    assert.ok(leftPadFor(['1000000 MB']) > leftPadFor(['0 MB']));
  });

  it('keeps any text it is given inert: escaped in the SVG, and the SVG itself base64 inside the image', () => {
    const svg = lineChartSvg({
      title: '<script>alert(1)</script> & "x"',
      now,
      format: String,
      series: [
        {
          points: [
            { x: now - 1, y: 1 },
            { x: now, y: 2 },
          ],
          colour: '"><script>',
        },
      ],
    });
    assert.ok(!svg.includes('<script>'), svg);
    const img = chartImage(svg, '"><img src=x onerror=alert(1)>');
    assert.match(
      img,
      /^<img alt="&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+">$/,
    );
    assert.strictEqual(decode(img), svg);
  });

  it('puts the charts into Show Health when there is history', () => {
    const facts: HealthFacts = {
      store: { folder: '/s', journalRecords: 0, journalBytes: 0, readOnly: false, recovery: [] },
      executor: { running: 0, circuits: [] },
      budget: { limit: 10, remaining: 8, spentBy: [] },
      flow: { state: 'idle', actionsPerMinute: 0, errorRate: 0 } as never,
      graph: { built: false, line: 'not built' },
      resources: { latest: samples[4], forecasts: [] },
      degradations: [],
      now,
      history: {
        samples,
        budgetErrorTimes: [now - 60_000, now - 30_000],
        budgetWindowMs: 60 * 60_000,
        criticalDiskBytes: 200 * mb,
      },
    };
    const text = healthReport(facts);
    assert.strictEqual(text.match(/<img alt="[^"]+" src="data:image\/svg\+xml;base64,/g)?.length, 3);
    assert.match(decode(/<img alt="error budget[^>]+>/.exec(text)![0]), /Error budget left, last hour/);
  });
});
