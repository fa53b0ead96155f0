// lm tasks under SIGKILL: a CLI run against the local fake provider, killed at random and resumed.
// No recorded model turn is asked for again, no non-re-runnable command runs twice, every edit is
// applied exactly once, and the files end as in a run without kills. The soak (50 kills) runs with
// LM_KILL_ROUNDS=50 (or `npm run bench:lm`); here a few.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildCli, runLmKillLoop } from './killHarness';

describe('lm tasks under SIGKILL', function () {
  const kills = Number(process.env.LM_KILL_ROUNDS ?? 6);
  this.timeout(120_000 + kills * 8_000);
  let work: string;
  let cli: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-lm-kill-'));
    cli = buildCli(path.join(work, 'bin'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it(`asks the model nothing twice that was recorded, runs no command twice that must not run twice, and applies every edit once, across ${kills} kills`, async () => {
    const r = await runLmKillLoop({ work, cli, tasks: 3, turns: 12, kills, maxDelayMs: 1500 });
    console.log(
      `      ${r.kills} kills (${r.killsMidRun} mid-run), ${r.modelRequests} model requests, ${r.repeatedModelCalls} repeated for recorded turns, ${r.repeatedToolCalls} non-re-runnable commands repeated, ${(r.elapsedMs / 1000).toFixed(1)} s; ${JSON.stringify(r.outcomes)}`,
    );
    assert.strictEqual(r.repeatedModelCalls, 0, 'no recorded turn asked again');
    assert.strictEqual(r.repeatedToolCalls, 0, 'no non-re-runnable command run twice');
    assert.deepStrictEqual(r.editsTwice, [], 'no edit applied twice');
    for (const [task, outcome] of Object.entries(r.outcomes)) {
      // a kill during a command that must not run twice leaves nobody to ask (no terminal): that task fails, by the contract
      if (outcome !== 'done') assert.match(outcome, /must not run twice; nobody could be asked/, `${task}: ${outcome}`);
    }
    const failed = Object.entries(r.outcomes)
      .filter(([, o]) => o !== 'done')
      .map(([t]) => t);
    assert.deepStrictEqual(
      r.differingFiles.filter(t => !failed.includes(t)),
      [],
      'the files of every finished task are as without kills',
    );
    assert.ok(r.killsMidRun > 0, 'some kill hit the run while tasks were left');
  });
});
