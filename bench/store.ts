// Benchmark of the durable store and the task graph on the real file system.
//   npm run bench:store                       sizes 1,000, 10,000 and 100,000 tasks
//   BENCH_SIZES=1000,10000 npm run bench:store
// Prints a table, then (last line) one JSON object: {"tasks":{"1000":{...},...}}.
//
// Per size: a realistic graph (each task depends on 0–3 earlier tasks, ~30% done, 1,000
// checkpoints) is bulk-inserted in a few big writes and compacted. Then:
//   ready_ms / next_ms         medians of 20 TaskManager.readyTasks() / nextTask() calls
//   transition_p50/p99_ms      1,000 durable TaskManager.setStatus() calls, awaited one at a time
//   max_stall_ms               the largest event-loop delay during those 1,000 transitions
//   open_ms                    opening that store (snapshot + the 1,000-record journal the transitions
//                              left, replay, then the compaction that follows a replay), median of 3
//   open_readonly_ms           the same without the compaction (read-only open), median of 3
//   compaction_ms / compaction_stall_ms   one compaction of the store, and the event-loop delay it causes
//   naive_transition_p50_ms    the approach the store avoids: UPDATE, then db.export() + write + fsync
import * as fs from 'fs';
import * as path from 'path';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import { openStore } from '../src/core/store/store';
import { SqliteDatabase } from '../src/core/store/sqlite';
import { decodeSnapshot } from '../src/core/store/records';
import { TaskManager } from '../src/core/tasks/taskManager';
import type { TaskStatus } from '../src/core/tasks/model';
import { SavedStates } from '../src/core/sessions/savedStates';
import { systemClock } from '../src/core/ports';
import { nodeFileSystem } from '../src/node/fileSystem';
import { buildGraph } from './lib/graph';
import { median, percentile, realDiskFolder, rng, round, time } from './lib/stats';

interface SizeResult {
  transition_p50_ms: number;
  transition_p99_ms: number;
  ready_ms: number;
  next_ms: number;
  open_ms: number;
  open_readonly_ms: number;
  compaction_ms: number;
  compaction_stall_ms: number;
  max_stall_ms: number;
  naive_transition_p50_ms: number;
  ready_count: number;
  snapshot_mb: number;
  /** Bytes one SessionManager checkpoint of the whole graph takes (a complete one, as SavedStates saves it). */
  full_checkpoint_state_kb: number;
  build_s: number;
}

const transitions = 1000;

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(s => Number(s.trim())).filter(n => n > 0);
  const { folder: root, fsType } = realDiskFolder('continuum-bench-');
  console.log(`store benchmark in ${root} (${fsType}); node ${process.version}`);
  const results: Record<string, SizeResult> = {};
  try {
    for (const n of sizes) {
      const started = performance.now();
      results[String(n)] = await benchSize(path.join(root, `n${n}`), n);
      console.log(`  ${n} tasks done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  printTable(results);
  console.log(JSON.stringify({ tasks: results }));
}

async function benchSize(folder: string, n: number): Promise<SizeResult> {
  const random = rng(n);
  const options = { folder, fs: nodeFileSystem, idleCompactMs: 0 };

  // ---- build: a few big writes, then a compaction ----
  const [buildMs] = await time(async () => {
    const store = await openStore(options);
    await buildGraph(store, n, random, 1000);
    await store.compact();
    await store.close();
  });

  let store = await openStore(options);
  const tasks = new TaskManager(store, systemClock, prefix => `${prefix}_bench_${Math.random().toString(36).slice(2)}`);
  const fullCheckpointBytes = Buffer.byteLength(new SavedStates().capture(store, undefined).json);

  // ---- reads ----
  const readyCount = tasks.readyTasks().length; // also warms up
  const readyTimes: number[] = [];
  const nextTimes: number[] = [];
  for (let i = 0; i < 20; i++) readyTimes.push((await time(() => tasks.readyTasks()))[0]);
  tasks.nextTask();
  for (let i = 0; i < 20; i++) nextTimes.push((await time(() => tasks.nextTask()))[0]);

  // ---- durable transitions, one at a time ----
  const picks = store.all<{ id: string }>('SELECT id FROM tasks').map(r => r.id);
  const transitionTimes: number[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  await sleep(20);
  for (let i = 0; i < transitions; i++) {
    const id = picks[Math.floor(random() * picks.length)];
    const from = store.get<{ status: TaskStatus }>('SELECT status FROM tasks WHERE id = ?', [id])!.status;
    const to = nextStatus(from);
    const t = performance.now();
    await tasks.setStatus(id, to, 'executor');
    transitionTimes.push(performance.now() - t);
  }
  loopDelay.disable();
  const maxStall = loopDelay.max / 1e6;
  await store.close(); // leaves the snapshot and a journal of 1,000 records

  // ---- open: snapshot + journal, three copies so each open replays the same journal ----
  const openTimes: number[] = [];
  const openReadOnlyTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const copy = `${folder}-copy${i}`;
    fs.cpSync(folder, copy, { recursive: true });
    const [ro, roStore] = await time(() => openStore({ ...options, folder: copy, readOnly: true }));
    await roStore.close();
    openReadOnlyTimes.push(ro);
    const [ms, opened] = await time(() => openStore({ ...options, folder: copy }));
    openTimes.push(ms);
    if (opened.health().recovery.length) throw new Error(`open needed recovery: ${opened.health().recovery.join('; ')}`);
    await opened.close();
    fs.rmSync(copy, { recursive: true, force: true });
  }

  // ---- one compaction, and the stall it causes ----
  store = await openStore(options);
  const unfinished = store.get<{ id: string }>("SELECT id FROM tasks WHERE status = 'pending' LIMIT 1")!.id;
  await new TaskManager(store, systemClock, () => 'unused').setProgress(unfinished, 50); // one change for the compaction to fold in
  const compactionDelay = monitorEventLoopDelay({ resolution: 1 });
  compactionDelay.enable();
  await sleep(20); // the monitor's first ticks set its baseline: a stall before them would not count
  const [compactionMs] = await time(() => store.compact());
  await sleep(20);
  compactionDelay.disable();
  await store.close();
  const snapshot = fs.readFileSync(path.join(folder, 'state.db'));

  // ---- the naive approach: export the whole database and fsync it after every change ----
  const naiveTimes = await naiveTransitions(new Uint8Array(snapshot), picks, folder, n >= 100_000 ? 20 : 100, random);

  fs.rmSync(folder, { recursive: true, force: true });
  return {
    transition_p50_ms: round(median(transitionTimes)),
    transition_p99_ms: round(percentile(transitionTimes, 99)),
    ready_ms: round(median(readyTimes)),
    next_ms: round(median(nextTimes), 3),
    open_ms: round(median(openTimes), 1),
    open_readonly_ms: round(median(openReadOnlyTimes), 1),
    compaction_ms: round(compactionMs, 1),
    compaction_stall_ms: round(compactionDelay.max / 1e6, 1),
    max_stall_ms: round(maxStall, 1),
    naive_transition_p50_ms: round(median(naiveTimes)),
    ready_count: readyCount,
    snapshot_mb: round(snapshot.length / 1048576),
    full_checkpoint_state_kb: round(fullCheckpointBytes / 1024, 1),
    build_s: round(buildMs / 1000, 1),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** A status every status may move to (no dependency check needed: never 'running'). */
function nextStatus(from: TaskStatus): TaskStatus {
  switch (from) {
    case 'pending': return 'blocked';
    case 'blocked': return 'pending';
    case 'running': return 'done';
    case 'failed': return 'pending';
    case 'skipped': return 'pending';
    case 'cancelled': return 'pending';
    case 'done': return 'pending';
  }
}

async function naiveTransitions(snapshotFile: Uint8Array, ids: string[], folder: string, count: number, random: () => number): Promise<number[]> {
  const decoded = decodeSnapshot(snapshotFile);
  if (typeof decoded === 'string') throw new Error(decoded);
  const db = await SqliteDatabase.open(decoded.database);
  const file = path.join(folder, 'naive.db');
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = ids[Math.floor(random() * ids.length)];
    const t = performance.now();
    db.run("UPDATE tasks SET status = CASE status WHEN 'blocked' THEN 'pending' ELSE 'blocked' END, updated_at = ? WHERE id = ?", [Date.now(), id]);
    const bytes = db.export();
    const handle = await fs.promises.open(file, 'w');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    times.push(performance.now() - t);
  }
  db.close();
  return times;
}

function printTable(results: Record<string, SizeResult>): void {
  const sizes = Object.keys(results);
  const targets: Partial<Record<keyof SizeResult, number>> = { transition_p50_ms: 5, transition_p99_ms: 25, ready_ms: 10, next_ms: 10, open_ms: 500, max_stall_ms: 50 };
  const keys = Object.keys(results[sizes[0]] ?? {}) as Array<keyof SizeResult>;
  const width = 26;
  console.log('');
  console.log(`${'metric'.padEnd(width)}${sizes.map(s => `${Number(s).toLocaleString('en-US')} tasks`.padStart(16)).join('')}   target at 10,000`);
  for (const k of keys) {
    const target = targets[k];
    const at10k = results['10000']?.[k];
    const verdict = target === undefined ? '' : at10k === undefined ? `≤ ${target}` : `≤ ${target} ${at10k <= target ? 'met' : 'MISSED'}`;
    console.log(`${k.padEnd(width)}${sizes.map(s => String(results[s][k]).padStart(16)).join('')}   ${verdict}`);
  }
  console.log('');
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
