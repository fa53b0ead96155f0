import * as assert from 'assert';
import {
  bar,
  healthReport,
  knownErrorsReport,
  md,
  performanceReport,
} from '../../../../src/core/execution/guards/reports';

describe('guard reports', () => {
  it('renders text from the store inert: no links, no HTML, no emphasis', () => {
    const evil = '[click](command:workbench.action.quit) <img src=x onerror=alert(1)> **bold**';
    const out = md(evil);
    assert.ok(!out.includes('](') && !out.includes('<img') && !out.includes('**'), out);
    const report = knownErrorsReport(
      [{ signature: evil, sample: evil, errorClass: 'deterministic', occurrences: 2, firstSeen: 0, lastSeen: 1 }],
      () => [],
    );
    assert.ok(!report.includes('<img') && !report.includes('](command:'), report);
  });

  it('says what to do when there is nothing yet', () => {
    assert.match(
      knownErrorsReport([], () => []),
      /No errors recorded yet/,
    );
    assert.match(performanceReport([]), /Nothing measured yet/);
  });

  it('tabulates timings', () => {
    assert.match(
      performanceReport([{ name: 'action.shell', count: 3, p50: 12, p95: 40, max: 41, totalMs: 90 }]),
      /\| Shell tasks \| 3× \| 12\.0 ms \| 40\.0 ms \| 41\.0 ms \| 90\.0 ms \| action\\.shell \|/,
    );
  });

  it('draws bars and a health page with every section', () => {
    assert.strictEqual(bar(0.7), '███████░░░');
    const page = healthReport({
      store: {
        folder: '/s',
        sizeBytes: 2 * 1024 * 1024,
        journalRecords: 3,
        journalBytes: 100,
        readOnly: false,
        recovery: [],
      },
      executor: { running: 0, circuits: [{ kind: 'shell', state: 'open' }] },
      budget: { limit: 10, remaining: 7, spentBy: [] },
      flow: { state: 'in flow', actionsPerMinute: 2, errorRate: 0, actions: 10, errors: 0, tasks: 10, saves: 0 },
      graph: { built: false, line: 'no knowledge graph yet' },
      degradations: [],
      now: 0,
    });
    for (const section of ['Store', 'Executor', 'Guards', 'Knowledge graph', 'Resources', 'Degradations'])
      assert.match(page, new RegExp(`## .* ${section}`));
    assert.match(page, /███████░░░ 7\/10/);
    assert.match(page, /## \$\(warning\) Executor/);
    assert.match(page, /## \$\(pass\) Store/);
  });
});
