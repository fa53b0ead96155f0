// Several processes taking over the lock of a holder that died (SIGKILL) at the same instant, as the
// clients of a killed `continuum mcp` holder do: exactly one gets it. The one that gets it removes
// the dead holder's lock folder and makes its own a moment before it writes who it is; another that
// read the dead holder's name in that moment must not remove the new folder as well.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { HeldLock } from '../../../src/core/ports';
import { nodeLock } from '../../../src/node/lock';

describe('taking over the lock of a holder that died', function () {
  this.timeout(60_000);
  let work: string;
  let deadPid: number;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-lockrace-'));
    deadPid = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString() as unknown as number;
    deadPid = Number(deadPid);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('gives it to exactly one of several processes asking at the same instant', async () => {
    for (let round = 0; round < 60; round++) {
      const file = path.join(work, `lock${round}`);
      // the dead holder's lock: its folder and the file saying who it was
      fs.mkdirSync(`${file}.lock`);
      fs.writeFileSync(
        `${file}.owner.json`,
        JSON.stringify({ description: 'a killed holder', pid: deadPid, host: os.hostname(), since: 1 }),
      );
      const takers = Array.from({ length: 3 }, (_, i) =>
        nodeLock({ staleMs: 60_000 }).acquire(file, {
          description: `taker ${i}`,
          pid: process.pid,
          host: os.hostname(),
          since: round * 10 + i + 2,
        }),
      );
      const got = await Promise.all(takers);
      const held = got.filter((g): g is HeldLock => !('heldBy' in g));
      const lost = await Promise.all(held.map(h => h.verify()));
      const stillHeld = held.filter((_, i) => lost[i] === undefined);
      for (const h of held) await h.release().catch(() => undefined);
      assert.strictEqual(
        held.length,
        1,
        `round ${round}: ${held.length} takers were given the lock (${lost.filter(Boolean).length} of them lost it at once)`,
      );
      assert.strictEqual(stillHeld.length, 1);
    }
  });
});
