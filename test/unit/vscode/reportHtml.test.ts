// The report pages (Health, Known Errors, Performance Report): a strict CSP, no script, text from
// the store inert, codicons instead of emoji, charts inline so the theme colours them.
import * as assert from 'assert';
import {
  healthCharts,
  healthSections,
  knownErrorsReport,
  performanceReport,
  type HealthFacts,
} from '../../../src/core/execution/guards/reports';
import { reportBodyHtml, reportPageHtml } from '../../../src/vscode/guards/reportHtml';

const mb = 1024 * 1024;
const now = Date.UTC(2026, 0, 1, 12);
const samples = [0, 1, 2, 3, 4].map(i => ({
  at: now - (4 - i) * 60_000,
  memoryUsed: (200 + i * 50) * mb,
  memoryLimit: 1000 * mb,
  diskFree: (5000 - i * 400) * mb,
}));
const facts: HealthFacts = {
  store: { folder: '/s', journalRecords: 0, journalBytes: 0, readOnly: false, recovery: [] },
  executor: { running: 0, circuits: [{ kind: 'shell', state: 'open' }] },
  budget: { limit: 10, remaining: 8, spentBy: [] },
  flow: { state: 'idle', actionsPerMinute: 0, errorRate: 0, actions: 0, errors: 0, tasks: 0, saves: 0 },
  graph: { built: true, line: 'built' },
  resources: { latest: samples[4], forecasts: [] },
  degradations: [],
  now,
  history: { samples, budgetErrorTimes: [now - 60_000], budgetWindowMs: 60 * 60_000, criticalDiskBytes: 200 * mb },
};
const page = (markdown: string, charts = healthCharts(facts)) =>
  reportPageHtml({
    title: 'Continuum health',
    markdown,
    charts,
    cspSource: 'https://webview.test',
    nonce: 'bm9uY2U=',
    styleUri: 'https://webview.test/media/reports.css',
    codiconFontUri: 'https://webview.test/codicon.ttf',
  });

describe('report pages', () => {
  it('allow nothing but our stylesheet, the codicon font and one style by nonce: no script, no inline anything else', () => {
    const html = page(healthSections(facts));
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    assert.strictEqual(
      csp,
      "default-src 'none'; style-src https://webview.test 'nonce-bm9uY2U='; font-src https://webview.test; img-src https://webview.test",
    );
    assert.ok(!/<script/i.test(html));
    assert.match(
      html,
      /<style nonce="bm9uY2U=">@font-face \{ font-family: "codicon";[^<]*url\("https:\/\/webview\.test\/codicon\.ttf"\)/,
    );
  });

  it('show status icons as codicons, not emoji', () => {
    const html = page(healthSections(facts));
    assert.match(
      html,
      /<h2><span class="codicon codicon-warning" role="img" aria-label="needs attention"><\/span> Executor<\/h2>/,
    );
    assert.match(html, /<h2><span class="codicon codicon-pass" role="img" aria-label="ok"><\/span> Store<\/h2>/);
    assert.ok(!/[\u2705\u26a0\u26d4]/u.test(html), 'no ✅ ⚠️ ⛔');
  });

  it('draw the charts inline with their theme classes, not as images', () => {
    const html = page(healthSections(facts));
    assert.strictEqual(
      html.match(
        /<figure class="chart-box" role="img" aria-label="[^"]+"><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="chart"/g,
      )?.length,
      3,
    );
    assert.ok(!html.includes('<img'));
  });

  it('keep text from the store inert: no markup, no links, no icons spelled by the store', () => {
    const evil =
      '[click](command:workbench.action.quit) <img src=x onerror=alert(1)> **bold** $(pass) <script>alert(1)</script>';
    const html = page(
      knownErrorsReport(
        [{ signature: evil, sample: evil, errorClass: 'deterministic', occurrences: 2, firstSeen: 0, lastSeen: 1 }],
        () => [],
      ).replace(/^# .*\n+/, ''),
      [],
    );
    assert.ok(!/<img|<a |<script|<strong>bold/.test(html), html);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/, 'shown as the text it is, once escaped');
    assert.ok(!html.includes('codicon-pass'), 'the store wrote $(pass), and it stays text');
    assert.match(html, /\$\(pass\)/);
    // an icon name outside the fixed set is text too
    assert.strictEqual(reportBodyHtml('$(bug) x').trim(), '<p>$(bug) x</p>');
  });

  it('name timings in words with units', () => {
    const html = reportBodyHtml(
      performanceReport([
        { name: 'action.shell', count: 3, p50: 12, p95: 1500, max: 2000, totalMs: 90_000 },
        { name: 'guards.gate', count: 3, p50: 0.2, p95: 0.4, max: 0.5, totalMs: 1 },
      ]),
    );
    assert.match(
      html,
      /<td>Shell tasks<\/td>\s*<td[^>]*>3×<\/td>\s*<td[^>]*>12\.0 ms<\/td>\s*<td[^>]*>1\.5 s<\/td>\s*<td[^>]*>2\.0 s<\/td>\s*<td[^>]*>1\.5 min<\/td>/,
    );
    assert.match(html, /Confidence checks/);
  });
});
