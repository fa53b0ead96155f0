// Show Known Errors, Show Performance Report, Show Health: read-only report panels (reportPanel.ts)
// built by the pure report functions (src/core/execution/guards/reports.ts), which keep every
// stored string inert. Each command returns the report's markdown (for tests and other extensions).
import { recentLmRuns } from '../../core/execution/lmUsage';
import * as fs from 'fs';
import { ErrorLearning, knownErrors } from '../../core/execution/guards/learning';
import {
  healthCharts,
  healthReport,
  healthSections,
  healthTitle,
  knownErrorsReport,
  performanceReport,
  type HealthFacts,
} from '../../core/execution/guards/reports';
import { defaultResourceSettings } from '../../core/execution/guards/resources';
import { loadSettings } from '../../core/graph/graphStore';
import { backupsFolder, join, parseBackupNames, snapshotFile } from '../../core/store/layout';
import type { Handler } from '../commands/context';
import { graphStatusLine } from '../graph/graphText';
import type { ReportKind } from './reportPanel';

// the report panels render markdown with markdown-it: loaded on first use, not at activation
const reportPanel = () => import('./reportPanel');

/** Shows a report whose markdown starts with its `# Title` line: the title goes to the tab and the page heading. */
async function showTitled(ctx: Parameters<Handler>[0], kind: ReportKind, text: string): Promise<void> {
  const m = /^# (.*)\n+/.exec(text);
  (await reportPanel()).showReport(
    ctx.host.extensionUri,
    kind,
    m ? m[1] : 'Continuum',
    m ? text.slice(m[0].length) : text,
  );
}

const showKnownErrors: Handler = async (ctx, core) => {
  const learning = new ErrorLearning(core.store, core.clock);
  const text = knownErrorsReport(knownErrors(core.store), s => learning.fixesFor(s));
  await showTitled(ctx, 'knownErrors', text);
  return text;
};

const showPerformanceReport: Handler = async (ctx, core) => {
  const text = performanceReport(
    ctx.runtime.guardsFor(core).profiler.report(),
    recentLmRuns(core.store, id => core.tasks.get(id)?.title),
  );
  await showTitled(ctx, 'performance', text);
  return text;
};

const showHealth: Handler = async (ctx, core) => {
  const guards = ctx.runtime.guardsFor(core);
  const h = core.store.health();
  const folder = core.store.folder;
  const size = await fs.promises.stat(join(folder, snapshotFile)).then(
    s => s.size,
    () => undefined,
  );
  const backups = parseBackupNames(await fs.promises.readdir(join(folder, backupsFolder)).catch(() => []));
  const executor = ctx.runtime.for(core);
  const builtAt = loadSettings(core.store).builtAt;
  const facts: HealthFacts = {
    store: {
      folder,
      journalRecords: h.journalRecords,
      journalBytes: h.journalBytes,
      readOnly: h.readOnly,
      recovery: h.recovery,
      ...(size !== undefined ? { sizeBytes: size } : {}),
      ...(h.lastSnapshotAt ? { lastSnapshotAt: h.lastSnapshotAt } : {}),
      ...(backups[0] ? { lastBackupAt: backups[0].at } : {}),
      ...(h.readOnlyReason ? { readOnlyReason: h.readOnlyReason } : {}),
    },
    executor: { running: executor.activeRuns.reduce((n, r) => n + r.running.length, 0), circuits: executor.circuits() },
    budget: guards.budgetStatus(),
    flow: guards.flowStatus(),
    ...(core.files
      ? { checkpoints: (await import('../../core/git/checkpointFiles')).usageLine(await core.files.usage()) }
      : {}),
    graph: { built: core.graph.isBuilt, line: graphStatusLine(core.graph), ...(builtAt ? { updatedAt: builtAt } : {}) },
    resources: await ctx.runtime.sampleResources(),
    degradations: guards.degradations.degradations(),
    now: core.clock.now(),
    history: {
      samples: ctx.runtime.resourceHistory(),
      budgetErrorTimes: guards.budget.errorTimes(),
      budgetWindowMs: guards.budget.windowMs,
      criticalDiskBytes: defaultResourceSettings.criticalDiskBytes,
    },
  };
  (await reportPanel()).showReport(
    ctx.host.extensionUri,
    'health',
    healthTitle,
    healthSections(facts),
    healthCharts(facts),
  );
  return healthReport(facts);
};

export const guardCommands: Record<string, Handler> = {
  'continuum.showKnownErrors': showKnownErrors,
  'continuum.showPerformanceReport': showPerformanceReport,
  'continuum.showHealth': showHealth,
};
