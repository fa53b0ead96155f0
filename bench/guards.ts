// Overhead of the autonomy guards per executor event: the synchronous work the scheduler waits for
// when a task starts, a try fails, a task ends, and the confidence gate before a task. The store is
// real (sql.js on the Node file system); the error-learning write each failure issues is awaited
// separately and reported on its own, because the scheduler does not wait for it.
//
//   npm run bench:guards          last line: one JSON object
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ExecutionGuards } from '../src/core/execution/guards/guards';
import { percentile } from '../src/core/execution/guards/profiler';
import type { WatchedTask } from '../src/core/execution/hooks';
import { openStore } from '../src/core/store/store';
import { systemClock } from '../src/core/ports';
import { nodeFileSystem } from '../src/node/fileSystem';

async function main(): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-bench-guards-'));
  const store = await openStore({ folder, fs: nodeFileSystem, clock: systemClock });
  const guards = new ExecutionGuards({
    store,
    clock: systemClock,
    questions: { allowLowConfidenceTask: async () => 'allow', runFix: async () => 'fail' },
    budget: { limit: 1_000_000 },
  });
  const events = 20_000;
  const perEvent: Record<string, number[]> = { taskStarted: [], tryFailed: [], taskFinished: [], beforeTask: [] };
  const controller = new AbortController();
  const writes: Array<Promise<void>> = [];
  let writeMs = 0;
  for (let i = 0; i < events; i++) {
    const task: WatchedTask = { id: `t${i}`, title: `Task ${i}`, kind: 'shell', sessionId: 's' };
    let t = performance.now();
    const gate = guards.beforeTask(task, controller.signal);
    perEvent.beforeTask.push(performance.now() - t);
    writes.push(gate.then(() => undefined));
    t = performance.now();
    guards.taskStarted(task);
    perEvent.taskStarted.push(performance.now() - t);
    if (i % 4 === 0) {
      t = performance.now();
      guards.tryFailed(task, {
        message: `'Task ${i}' exited with code 2`,
        failureClass: 'deterministic',
        output: `src/file${i % 50}.ts:${i}:7 - error TS2304: Cannot find name 'n${i % 7}'.\n`,
      });
      perEvent.tryFailed.push(performance.now() - t);
    }
    t = performance.now();
    guards.taskFinished(task, i % 4 === 0 ? 'failed' : 'done', 10);
    perEvent.taskFinished.push(performance.now() - t);
    if (i % 500 === 0) {
      // the writes' time counts: they run on the same event loop as the scheduler
      const w = performance.now();
      await Promise.all(writes.splice(0));
      await guards.settled();
      writeMs += performance.now() - w;
    }
  }
  const t = performance.now();
  await Promise.all(writes);
  await guards.settled();
  const drain = performance.now() - t;
  const rows: Record<string, { p50: number; p95: number; mean: number }> = {};
  let total = 0;
  let count = 0;
  for (const [name, xs] of Object.entries(perEvent)) {
    const sorted = [...xs].sort((a, b) => a - b);
    const sum = xs.reduce((a, b) => a + b, 0);
    total += sum;
    count += xs.length;
    rows[name] = {
      p50: round(percentile(sorted, 0.5)),
      p95: round(percentile(sorted, 0.95)),
      mean: round(sum / xs.length),
    };
    console.log(
      `${name.padEnd(13)} p50 ${rows[name].p50} ms  p95 ${rows[name].p95} ms  mean ${rows[name].mean} ms  (${xs.length} events)`,
    );
  }
  const meanSync = round(total / count);
  const meanPerEvent = round((total + writeMs + drain) / count);
  console.log(
    `mean per executor event: ${meanPerEvent} ms with the store writes (${round(writeMs + drain)} ms in all), ${meanSync} ms on the scheduler's synchronous path (target ≤ 0.1 ms)`,
  );
  await store.close();
  fs.rmSync(folder, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      bench: 'guards',
      events: count,
      meanPerEventMs: meanPerEvent,
      meanSyncPerEventMs: meanSync,
      targetMs: 0.1,
      perEvent: rows,
    }),
  );
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

void main();
