// The executor under SIGKILL: a session of short shell tasks run by a child process that is killed
// at random moments and resumed. No task recorded done before a kill may run again. The full 50
// rounds run in `npm run soak:executor`; here a few (KILL_ROUNDS to change).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runContractSoak, runKilledAtSpawn } from './kill/contracts';
import { buildKillChild, runKillLoop } from './kill/harness';

describe('executor under SIGKILL', function () {
  const kills = Number(process.env.KILL_ROUNDS ?? 6);
  this.timeout(60_000 + kills * 5_000);
  let work: string;
  let child: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-kill-'));
    child = buildKillChild(path.join(work, 'bin'));
  });

  after(() => {
    fs.rmSync(work, { recursive: true, force: true });
  });

  it(`never re-runs a task recorded done, across ${kills} kills of a 200-task run, and finishes every task`, async () => {
    const r = await runKillLoop({ work, child, tasks: 200, kills, concurrency: 2, maxDelayMs: 250 });
    console.log(
      `      ${r.kills} kills (${r.killsMidRun} mid-run), ${r.done}/${r.tasks} done, ${r.rerunCutOff} cut-off steps re-run, ${r.repeatedAfterDone.length} done tasks repeated, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    );
    assert.deepStrictEqual(r.repeatedAfterDone, []);
    assert.strictEqual(r.done, r.tasks);
    assert.ok(r.killsMidRun > 0, 'at least one kill hit the run while tasks were left');
  });

  it(`never re-runs a task recorded done one task at a time, where a task's start shares its fdatasync with the previous task's end, across ${kills} kills`, async () => {
    const dir = path.join(work, 'one-at-a-time');
    fs.mkdirSync(dir);
    const r = await runKillLoop({ work: dir, child, tasks: 100, kills, concurrency: 1, maxDelayMs: 250 });
    console.log(
      `      ${r.kills} kills (${r.killsMidRun} mid-run), ${r.done}/${r.tasks} done, ${r.rerunCutOff} cut-off steps re-run, ${r.repeatedAfterDone.length} done tasks repeated, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    );
    assert.deepStrictEqual(r.repeatedAfterDone, []);
    assert.strictEqual(r.done, r.tasks);
    assert.ok(r.killsMidRun > 0, 'at least one kill hit the run while tasks were left');
  });

  it('waits for the process of a re-runnable step whose runner was killed the instant it started, instead of running the step beside it', async () => {
    const dir = path.join(work, 'spawn');
    fs.mkdirSync(dir);
    const r = await runKilledAtSpawn({ work: dir, child, runMs: 3000 });
    assert.strictEqual(r.outcome, 'done');
    assert.strictEqual(r.overlaps, 0, 'the resumed step started while its earlier process still ran');
    assert.strictEqual(
      r.starts,
      2,
      'cut off before its result was recorded, the re-runnable step ran again once the earlier process ended',
    );
  });

  it(`never runs a step that must not run twice again, nor beside its orphan, across ${kills} kills at step boundaries, in writes and at random`, async () => {
    const dir = path.join(work, 'contracts');
    fs.mkdirSync(dir);
    const r = await runContractSoak({ work: dir, child, tasks: 20, kills, concurrency: 2 });
    console.log(
      `      ${r.kills} kills (${JSON.stringify(r.byKind)}), ${r.done} done + ${r.failed} failed of ${r.tasks}, ${r.repeatedNonRerunnable.length} non-re-runnable repeated, ${r.overlaps.nonRerunnable}/${r.overlaps.rerunnable} overlaps, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    );
    assert.deepStrictEqual(r.repeatedNonRerunnable, []);
    assert.deepStrictEqual(r.overlaps, { nonRerunnable: 0, rerunnable: 0 }, 'no step ran beside its own orphan');
    assert.deepStrictEqual(r.repeatedAfterDone, []);
    assert.strictEqual(r.done + r.failed, r.tasks);
  });
});
