// SIGKILL at random moments, on the real file system, many times over the same folder: no
// acknowledged change may be lost, nothing may need recovery, and the task graph's invariants hold.
// The child and the checks live in ./crash (shared with `npm run soak:store`).
//
//   CRASH_KILLS=1000 npx mocha test/unit/store/crash.test.ts   more kills
//   CRASH_SEED=1234 …                                          repeat a run's choices (not its timing)
//   CRASH_MS_PER_KILL=10000 …                                  a longer timeout (a busy machine)
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildChild, folderFigures, runCrashLoop, summarize } from './crash/harness';
import { buildCompactionChild, fillDisk, killCompactions } from './crash/compactionKills';

describe('store under SIGKILL', function () {
  const kills = Number(process.env.CRASH_KILLS ?? 200);
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  // CRASH_MS_PER_KILL: more time per kill on a machine busy with other work
  this.timeout(Math.max(60_000, kills * Number(process.env.CRASH_MS_PER_KILL ?? 2_000)));
  let work: string;
  let child: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-crash-'));
    child = buildChild(path.join(work, 'bin')); // a bundled child starts in ~60 ms; through tsx it takes ~400 ms
  });

  after(() => {
    fs.rmSync(work, { recursive: true, force: true });
  });

  it(`loses no acknowledged change across ${kills} kills, and never needs recovery`, async () => {
    const folder = path.join(work, 'store');
    const stats = await runCrashLoop({
      folder,
      kills,
      seed,
      child,
      // Without tiering up, a cold sql.js opens about 3× faster (no background compiles on 2 cores).
      nodeFlags: ['--liftoff-only'],
    });
    const files = folderFigures(folder);
    const reopen = summarize(stats.reopenMs);
    const open = summarize(stats.childOpenMs);
    console.log(
      `      seed ${seed}: ${stats.kills} kills (${stats.killsDuringOpen} during open, ${stats.killsAfterDelay} after a delay, ${stats.killsAfterAcks} after n acks), ` +
        `${stats.acknowledged} acknowledged changes verified, ${stats.inFlight} in flight (${stats.inFlightOnDisk} of them on disk), ${stats.tornTails} torn tails; ` +
        `reopen avg ${reopen.avg.toFixed(1)} / max ${reopen.max.toFixed(1)} ms, child open avg ${open.avg.toFixed(1)} ms; ` +
        `${stats.finalTasks} tasks, snapshot ${files.snapshotBytes} B, journal ${files.journalBytes} B; ${(stats.elapsedMs / 1000).toFixed(1)} s`,
    );
    assert.strictEqual(stats.kills, kills);
    if (kills < 50) return; // too few for the figures below to be meaningful
    assert.ok(
      stats.acknowledged > kills,
      `only ${stats.acknowledged} acknowledged changes over ${kills} kills: the children barely ran`,
    );
    assert.ok(
      stats.killsDuringOpen > 0 && stats.killsAfterDelay > 0 && stats.killsAfterAcks > 0,
      'every kill mode was used',
    );
  });
});

describe('store compaction under SIGKILL at each of its steps', function () {
  this.timeout(300_000);
  let work: string;
  let child: string;
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-compaction-kills-'));
    child = buildCompactionChild(path.join(work, 'bin'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('loses no acknowledged change when killed before any disk change of a compaction, even if state.db is damaged afterwards', async () => {
    const stats = await killCompactions(child, work, Number(process.env.COMPACTION_ROUNDS ?? 2));
    console.log(
      `      ${stats.rounds} compactions, ${stats.kills} kills at step boundaries (up to ${stats.boundaries}), ${stats.acknowledged} acknowledged changes verified, ${stats.damagedSnapshotRecoveries} recoveries from a damaged state.db`,
    );
    assert.ok(stats.kills >= 3 * stats.rounds, `only ${stats.kills} kills`);
  });

  it('refuses writes cleanly on a full disk, keeps what it acknowledged, and writes again once space is freed', async function () {
    const stats = await fillDisk(child, work, 1);
    if (!stats) this.skip(); // may not mount a small disk here
    assert.strictEqual(stats!.refusedCleanly, 1);
    assert.ok(stats!.acknowledged > 0);
  });
});
