// System tier: a round of `npm run soak:executor`'s stalled lock holder with the real CLI: a
// `continuum run` SIGSTOPped mid-run past its lock's limit, a `continuum resume` that takes the
// store over, then SIGCONT for the first.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundleForNode } from '../fakes/bundledCli';
import { lockStallViolations, runLockStalls } from '../execution/kill/lockStall';

describe('a run stalled past its lock, taken over by a resume, then woken (system tier: the real CLI, SIGSTOP)', function () {
  this.timeout(120_000);
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-stall-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('stops the woken run cleanly with a non-zero exit, runs no step that must not run twice twice or beside itself, and loses no task it printed done', async () => {
    const cli = bundleForNode(path.join(work, 'bin'));
    const seed = Date.now() % 1_000_000;
    const r = await runLockStalls({ work, cli, rounds: 1, tasks: 6, seed });
    assert.deepStrictEqual(lockStallViolations(r), [], `seed ${seed}: ${JSON.stringify(r)}`);
    assert.strictEqual(r.rounds, 1);
    assert.deepStrictEqual(r.stoppedExitCodes, { '75': 1 }, 'the exit code of a run that lost its lock');
  });
});
