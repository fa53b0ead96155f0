// Benchmark of plan import at the sizes issue 18 names: a 6,000-item plan whose dependencies
// expand to 200,000 edges, and a 100,000-item plan. Both run as in the extension host: parsed with
// parsePlanInSlices and imported with TaskManager.importPlan (slices with setImmediate between),
// into a real store on disk, while the event loop's longest stall is measured.
//   npm run bench:plan
// Prints a table, then (last line) one JSON object: {"plans":{"<name>":{...}}}, per plan:
//   items, edges           tasks in the plan, dependency edges once phases are expanded
//   parse_ms               parsePlanInSlices, wall time
//   import_ms              TaskManager.importPlan into an empty store (every write durable)
//   longest_stall_ms       the longest time the event loop was held during parse + import
//                          (perf_hooks monitorEventLoopDelay, 1 ms resolution: a timer's lateness)
import * as fs from 'fs';
import * as path from 'path';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import { randomIds } from '../src/core/ids';
import { systemClock } from '../src/core/ports';
import { openStore } from '../src/core/store/store';
import { parsePlanInSlices } from '../src/core/tasks/plan';
import { tasksByPhase } from '../src/core/tasks/planGraph';
import { TaskManager } from '../src/core/tasks/taskManager';
import { nodeFileSystem } from '../src/node/fileSystem';
import { realDiskFolder, rng, round } from './lib/stats';

interface Result {
  items: number;
  edges: number;
  parse_ms: number;
  import_ms: number;
  longest_stall_ms: number;
  problems: number;
}

/**
 * 60 phases of 100 items. Phases 2–11 each depend on the phase before (10 × 100 × 100 = 100,000
 * edges once expanded); each item of phases 31–60 names 33 or 34 items of phases 12–30 (100,000).
 */
function edgesPlan(): string {
  const random = rng(6000);
  const lines = ['# Migration plan (generated)', ''];
  for (let p = 1; p <= 60; p++) {
    lines.push(`## Phase ${p}: Work package ${p}`, '');
    if (p >= 2 && p <= 11) lines.push(`**Dependencies:** Phase ${p - 1}`, '');
    for (let i = 1; i <= 100; i++) {
      lines.push(`- [ ] ${p}.${i} Task ${i} of work package ${p}`);
      if (p >= 31) {
        const count = (p - 31) * 100 + i <= 1000 ? 34 : 33;
        const refs = new Set<string>();
        while (refs.size < count) refs.add(`${12 + Math.floor(random() * 19)}.${1 + Math.floor(random() * 100)}`);
        lines.push(`  Depends on: ${[...refs].join(', ')}`);
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** 100 phases of 1,000 items, a priority now and then, no dependencies. */
function bigPlan(): string {
  const lines = ['# Big plan (generated)', ''];
  for (let p = 1; p <= 100; p++) {
    lines.push(`## Phase ${p}: Area ${p}`, '');
    for (let i = 1; i <= 1000; i++) {
      lines.push(`- [ ] ${p}.${i} Item ${i} of area ${p}`);
      if (i % 50 === 0) lines.push('  Priority: high');
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function bench(root: string, name: string, text: string): Promise<Result> {
  const folder = path.join(root, name);
  const store = await openStore({ folder, fs: nodeFileSystem, idleCompactMs: 0 });
  const tasks = new TaskManager(store, systemClock, randomIds);
  const pause = () => new Promise<void>(resolve => setImmediate(resolve));
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  let started = performance.now();
  const plan = await parsePlanInSlices(text, `${name}.md`, pause);
  const parseMs = performance.now() - started;
  started = performance.now();
  await tasks.importPlan(plan, { pause });
  const importMs = performance.now() - started;
  stalls.disable();
  const members = tasksByPhase(plan.phases, plan.tasks);
  let edges = 0;
  for (const t of plan.tasks) for (const k of t.dependsOnKeys) edges += members.get(k)?.length ?? 1;
  const stored = store.get<{ n: number }>('SELECT count(*) AS n FROM task_deps')!.n;
  if (stored !== edges) throw new Error(`${name}: ${stored} edges stored, ${edges} expected`);
  if (tasks.statistics().total !== plan.tasks.length) throw new Error(`${name}: not every task was stored`);
  await store.close();
  return {
    items: plan.tasks.length,
    edges,
    parse_ms: round(parseMs, 0),
    import_ms: round(importMs, 0),
    longest_stall_ms: round(stalls.max / 1e6, 1),
    problems: plan.problems.length,
  };
}

async function main(): Promise<void> {
  const { folder: root, fsType } = realDiskFolder('continuum-bench-plan-');
  console.log(`plan import benchmark in ${root} (${fsType}); node ${process.version}`);
  const results: Record<string, Result> = {};
  try {
    results['6k-items-200k-edges'] = await bench(root, 'edges', edgesPlan());
    results['100k-items'] = await bench(root, 'big', bigPlan());
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const columns = ['items', 'edges', 'parse_ms', 'import_ms', 'longest_stall_ms', 'problems'] as const;
  console.log(['plan'.padEnd(22), ...columns.map(c => c.padStart(17))].join(''));
  for (const [name, r] of Object.entries(results))
    console.log([name.padEnd(22), ...columns.map(c => String(r[c]).padStart(17))].join(''));
  console.log(JSON.stringify({ plans: results }));
}

main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});
