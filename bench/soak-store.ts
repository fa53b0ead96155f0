// Soak: the crash test's kill loop (test/unit/store/crash) run many more times on one folder.
//   npm run soak:store                      10,000 kills
//   CRASH_KILLS=1000 npm run soak:store     fewer
//   CRASH_SEED=1234 npm run soak:store      repeat a run's choices (not its timing)
//   COMPACTION_ROUNDS=50 FULL_DISK_ROUNDS=5  then: compactions killed at every step boundary (each
//                                           also checked with state.db damaged after the kill), and
//                                           a small disk filled by the writer (needs the right to mount)
// Exits 1 at the first violation, printing the seed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildChild, CrashViolation, folderFigures, runCrashLoop, summarize } from '../test/unit/store/crash/harness';
import { buildCompactionChild, fillDisk, killCompactions } from '../test/unit/store/crash/compactionKills';

async function main(): Promise<void> {
  const kills = Number(process.env.CRASH_KILLS ?? 10_000);
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-soak-'));
  const folder = path.join(work, 'store');
  console.log(`soak: ${kills} kills, seed ${seed}, folder ${folder}`);
  const child = buildChild(path.join(work, 'bin'));
  try {
    const stats = await runCrashLoop({
      folder,
      kills,
      seed,
      child,
      nodeFlags: ['--liftoff-only'],
      progressEvery: 500,
      log: line => console.log(`  ${line}`),
    });
    const files = folderFigures(folder);
    const reopen = summarize(stats.reopenMs);
    const open = summarize(stats.childOpenMs);
    const ready = summarize(stats.spawnToReadyMs);
    const figures: Record<string, unknown> = {
      kills: stats.kills,
      killsDuringOpen: stats.killsDuringOpen,
      killsAfterDelay: stats.killsAfterDelay,
      killsAfterAcks: stats.killsAfterAcks,
      acknowledgedVerified: stats.acknowledged,
      inFlight: stats.inFlight,
      inFlightFoundOnDisk: stats.inFlightOnDisk,
      tornTails: stats.tornTails,
      reopenMs: { avg: round(reopen.avg), p50: round(reopen.p50), max: round(reopen.max) },
      childOpenMs: { avg: round(open.avg), p50: round(open.p50), max: round(open.max) },
      goToReadyMs: { avg: round(ready.avg), max: round(ready.max) },
      finalTasks: stats.finalTasks,
      finalCheckpoints: stats.finalCheckpoints,
      ...files,
      seconds: round(stats.elapsedMs / 1000),
    };
    const compactionChild = buildCompactionChild(path.join(work, 'bin'));
    const compactionRounds = Number(process.env.COMPACTION_ROUNDS ?? 50);
    console.log(`compactions killed at every step boundary: ${compactionRounds}`);
    const compactions = await killCompactions(compactionChild, work, compactionRounds, line =>
      console.log(`  ${line}`),
    );
    const fullDiskRounds = Number(process.env.FULL_DISK_ROUNDS ?? 5);
    console.log(`full disk: ${fullDiskRounds} rounds`);
    const fullDisk = await fillDisk(compactionChild, work, fullDiskRounds);
    if (!fullDisk) console.log('  skipped: this process may not mount a small disk');
    Object.assign(figures, { compactionKills: compactions, fullDisk: fullDisk ?? 'skipped' });
    console.log('soak passed');
    for (const [k, v] of Object.entries(figures))
      console.log(`  ${k.padEnd(22)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
    console.log(JSON.stringify(figures));
    fs.rmSync(work, { recursive: true, force: true });
  } catch (err) {
    if (
      err instanceof CrashViolation ||
      /acknowledged changes are missing|needed recovery|full disk|read-only after/.test((err as Error).message)
    ) {
      console.error(`soak FAILED: ${(err as Error).message}`);
      console.error(`the store folders are kept for inspection under ${work}`);
      process.exit(1);
    }
    throw err;
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
