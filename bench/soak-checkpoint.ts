// Soak: restores of checkpoints SIGKILLed on real git workspaces (test/unit/git/restoreKillHarness.ts):
// a repository with ignored and untracked files, a nested repository, a symlink and odd file names;
// each restore (tasks and files) killed at the next step boundary in turn or at a random moment,
// one to three times in a row, then run again to the end. After every kill and at the end: nothing
// no snapshot saw was removed or overwritten, HEAD, index, branches and stash untouched, the tasks
// all as before the restore or all as the checkpoint had them; at the end, the restore's job done.
//   npm run soak:checkpoint                      300 kills
//   RESTORE_KILLS=1000 npm run soak:checkpoint   more
//   RESTORE_SEED=1234 npm run soak:checkpoint    repeat a run's choices (not its timing)
//   RESTORE_MINUTES=10 npm run soak:checkpoint   start no new scene after 10 minutes (default: no limit)
// Exits 1 at the first violation, printing the seed and keeping that scene's folders.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AssertionError } from 'assert';
import { buildRestoreChild, runRestoreKills } from '../test/unit/git/restoreKillHarness';

async function main(): Promise<void> {
  const kills = Number(process.env.RESTORE_KILLS ?? 300);
  const seed = Number(process.env.RESTORE_SEED ?? Date.now() % 1_000_000);
  const minutes = process.env.RESTORE_MINUTES === undefined ? undefined : Number(process.env.RESTORE_MINUTES);
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-restore-soak-'));
  console.log(
    `soak:checkpoint: ${kills} killed restores${minutes === undefined ? '' : ` or ${minutes} minutes`}, seed ${seed}`,
  );
  const load = os.loadavg();
  try {
    const stats = await runRestoreKills({
      child: buildRestoreChild(bin),
      kills,
      seed,
      ...(minutes === undefined ? {} : { budgetMs: minutes * 60_000 }),
      progressEvery: 25,
      log: line => console.log(`  ${line}`),
    });
    const figures: Record<string, unknown> = {
      kills: stats.kills,
      killsAtStep: stats.atStep,
      killsAtRandom: stats.atRandom,
      finishedBeforeRandomKill: stats.finishedBeforeRandomKill,
      randomWindowMs: stats.randomWindowMs,
      scenes: stats.scenes,
      tasksFoundBeforeAfterKill: stats.tasksFoundBefore,
      tasksFoundRestoredAfterKill: stats.tasksFoundRestored,
      violations: 0,
      seed,
      seconds: Math.round(stats.elapsedMs / 100) / 10,
      loadAtStart: load.map(n => Math.round(n * 100) / 100),
      loadAtEnd: os.loadavg().map(n => Math.round(n * 100) / 100),
    };
    console.log('soak passed');
    for (const [k, v] of Object.entries(figures))
      console.log(`  ${k.padEnd(28)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
    console.log(JSON.stringify(figures));
  } catch (err) {
    if (err instanceof AssertionError) {
      console.error(`soak FAILED (seed ${seed}): ${err.message}`);
      process.exit(1);
    }
    throw err;
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
