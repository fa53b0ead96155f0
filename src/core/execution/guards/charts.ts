// Small charts for Show Health, where a trend reads better as a picture: memory and free disk over
// the recent samples with the forecast drawn on, and the error budget through the last hour. Each
// is an SVG built only from numbers and fixed labels (nothing from the store or a command's
// output). Its parts carry classes (frame, title, axis, label, limit, series-*) that the Health
// page's stylesheet colours with VS Code's theme variables; the fixed colours beside them are
// the fallback where the SVG is shown as an image (the markdown text). Pure.
import { enoughForForecast, linearFit, type ResourceSample } from './resources';

export interface Series {
  /** Epoch ms and value. */
  points: ReadonlyArray<{ x: number; y: number }>;
  /** Drawn dashed (a forecast). */
  dashed?: boolean;
  colour: string;
  /** Its class (series-memory, series-disk, series-budget, series-budget-low): the theme colours it. */
  kind?: string;
}

export interface ChartSpec {
  title: string;
  series: readonly Series[];
  /** The y range; the default spans the points (with 0 at the bottom). */
  yMax?: number;
  /** A horizontal line (a limit), labelled. */
  limit?: { y: number; label: string };
  /** How y values are written on the axis. */
  format(y: number): string;
  /** Where the x axis starts and ends; default: the first and last point. */
  xMin?: number;
  xMax?: number;
  now: number;
}

const width = 300;
const height = 110;
const fontSize = 10;
/** A generous width per character of the 10 px sans-serif labels, so a label never runs past the frame. */
export const charWidth = 6.2;

/** The left margin that fits the longest y-axis label (right-aligned 4 px left of the axis). */
export function leftPadFor(labels: readonly string[]): number {
  return Math.ceil(Math.max(24, ...labels.map(l => l.length * charWidth)) + 8);
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (n: number) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : 0);

/** "-12m", "now", "+5m": where a time lies relative to now. */
function relative(at: number, now: number): string {
  const m = Math.round((at - now) / 60_000);
  return m === 0 ? 'now' : `${m > 0 ? '+' : ''}${m}m`;
}

export function lineChartSvg(c: ChartSpec): string {
  const all = c.series.flatMap(s => s.points);
  const xs = all.map(p => p.x);
  const xMin = Math.min(c.xMin ?? Math.min(...xs), c.now);
  const xMax = Math.max(c.xMax ?? Math.max(...xs), xMin + 1);
  const yMax = Math.max(c.yMax ?? Math.max(...all.map(p => p.y), c.limit?.y ?? 0), 1e-9);
  const yLabels = [c.format(yMax), c.format(0)];
  const pad = { left: leftPadFor(yLabels), right: 8, top: 18, bottom: 18 };
  const px = (x: number) => pad.left + ((x - xMin) / (xMax - xMin)) * (width - pad.left - pad.right);
  const py = (y: number) => pad.top + (1 - Math.max(0, Math.min(y, yMax)) / yMax) * (height - pad.top - pad.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${fontSize}">`,
    `<rect class="frame" width="${width}" height="${height}" fill="#ffffff" stroke="#c8c8c8"/>`,
    `<text class="title" x="${pad.left}" y="12" fill="#333333" font-weight="bold">${xml(c.title)}</text>`,
    `<line class="axis" x1="${pad.left}" y1="${py(0)}" x2="${width - pad.right}" y2="${py(0)}" stroke="#999999"/>`,
    `<line class="axis" x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${py(0)}" stroke="#999999"/>`,
    `<text class="label" x="${pad.left - 4}" y="${pad.top + 4}" text-anchor="end" fill="#555555">${xml(yLabels[0])}</text>`,
    `<text class="label" x="${pad.left - 4}" y="${py(0)}" text-anchor="end" fill="#555555">${xml(yLabels[1])}</text>`,
    `<text class="label" x="${pad.left}" y="${height - 4}" fill="#555555">${xml(relative(xMin, c.now))}</text>`,
    `<text class="label" x="${width - pad.right}" y="${height - 4}" text-anchor="end" fill="#555555">${xml(relative(xMax, c.now))}</text>`,
  ];
  if (c.now > xMin && c.now < xMax) {
    parts.push(
      `<line class="now" x1="${num(px(c.now))}" y1="${pad.top}" x2="${num(px(c.now))}" y2="${py(0)}" stroke="#bbbbbb" stroke-dasharray="2 2"/>`,
    );
    // labelled only where it does not run into the labels at the ends
    if (px(c.now) - pad.left > 40 && width - pad.right - px(c.now) > 40)
      parts.push(
        `<text class="label" x="${num(px(c.now))}" y="${height - 4}" text-anchor="middle" fill="#555555">now</text>`,
      );
  }
  if (c.limit) {
    parts.push(
      `<line class="limit" x1="${pad.left}" y1="${num(py(c.limit.y))}" x2="${width - pad.right}" y2="${num(py(c.limit.y))}" stroke="#c72e0f" stroke-dasharray="4 3"/>`,
      `<text class="limit-label" x="${width - pad.right - 2}" y="${num(py(c.limit.y)) - 3}" text-anchor="end" fill="#c72e0f">${xml(c.limit.label)}</text>`,
    );
  }
  for (const s of c.series) {
    if (!s.points.length) continue;
    const d = s.points.map(p => `${num(px(p.x))},${num(py(p.y))}`).join(' ');
    const cls = s.kind ? ` class="${xml(s.kind)}"` : '';
    parts.push(
      s.points.length === 1
        ? `<circle${cls} cx="${num(px(s.points[0].x))}" cy="${num(py(s.points[0].y))}" r="2.5" fill="${xml(s.colour)}"/>`
        : `<polyline${cls} points="${d}" fill="none" stroke="${xml(s.colour)}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** An <img> of the chart as a base64 data URI: inert in the markdown preview whatever it holds. */
export function chartImage(svg: string, alt: string): string {
  return `<img alt="${xml(alt)}" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;
}

/** "812 MB", "4.9 GB", "12 GB": short enough for the axis. */
export function bytesLabel(b: number): string {
  const mbs = b / 1024 / 1024;
  if (mbs < 1000) return `${Math.round(mbs)} MB`;
  const gbs = mbs / 1024;
  return `${gbs < 10 ? gbs.toFixed(1) : Math.round(gbs)} GB`;
}

/** Memory used over the samples, with the fitted trend carried forward `aheadMs`, against the limit. */
export function memoryChart(
  samples: readonly ResourceSample[],
  now: number,
  aheadMs = 15 * 60_000,
): string | undefined {
  if (samples.length < 2) return undefined;
  const points = samples.map(s => ({ x: s.at, y: s.memoryUsed }));
  const limit = samples[samples.length - 1].memoryLimit;
  return lineChartSvg({
    title: 'Memory used (dashed: forecast)',
    now,
    format: bytesLabel,
    yMax: limit,
    limit: { y: limit, label: 'limit' },
    xMin: now - aheadMs,
    xMax: now + aheadMs,
    series: [
      { points, colour: '#1a7f37', kind: 'series-memory' },
      { points: forecast(points, now, aheadMs), colour: '#1a7f37', dashed: true, kind: 'series-memory' },
    ],
  });
}

/** Free disk over the samples, with the trend carried forward, against the critical level. */
export function diskChart(
  samples: readonly ResourceSample[],
  now: number,
  criticalBytes: number,
  aheadMs = 15 * 60_000,
): string | undefined {
  const withDisk = samples.filter(s => s.diskFree !== undefined);
  if (withDisk.length < 2) return undefined;
  const points = withDisk.map(s => ({ x: s.at, y: s.diskFree! }));
  return lineChartSvg({
    title: 'Free disk (dashed: forecast)',
    now,
    format: bytesLabel,
    limit: { y: criticalBytes, label: 'pauses below' },
    xMin: now - aheadMs,
    xMax: now + aheadMs,
    series: [
      { points, colour: '#0969da', kind: 'series-disk' },
      { points: forecast(points, now, aheadMs), colour: '#0969da', dashed: true, kind: 'series-disk' },
    ],
  });
}

/** The budget left through the last hour, a step down at each error still in the window. */
export function budgetChart(errorTimes: readonly number[], limit: number, now: number, windowMs = 60 * 60_000): string {
  const start = now - windowMs;
  const times = errorTimes.filter(t => t > start && t <= now).sort((a, b) => a - b);
  const points: Array<{ x: number; y: number }> = [{ x: start, y: limit }];
  let left = limit;
  for (const t of times) {
    points.push({ x: t, y: left });
    left = Math.max(0, left - 1);
    points.push({ x: t, y: left });
  }
  points.push({ x: now, y: left });
  return lineChartSvg({
    title: 'Error budget left, last hour',
    now,
    format: y => String(Math.round(y)),
    yMax: limit,
    series: [
      {
        points,
        colour: left <= limit / 5 ? '#c72e0f' : '#9a6700',
        kind: left <= limit / 5 ? 'series-budget-low' : 'series-budget',
      },
    ],
  });
}

/** The fitted trend (resources.ts), from the last point to `now + aheadMs`; x is shifted to keep the sums exact. */
function forecast(
  points: ReadonlyArray<{ x: number; y: number }>,
  now: number,
  aheadMs: number,
): Array<{ x: number; y: number }> {
  if (!enoughForForecast(points)) return [];
  const x0 = points[0].x;
  const fit = linearFit(points.map(p => ({ x: p.x - x0, y: p.y })));
  if (!fit) return [];
  const at = (x: number) => Math.max(0, fit.intercept + fit.slope * (x - x0));
  const from = points[points.length - 1].x;
  return [
    { x: from, y: at(from) },
    { x: now + aheadMs, y: at(now + aheadMs) },
  ];
}
