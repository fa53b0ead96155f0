// System tier: a restore killed (SIGKILL, a real child process) at each of its step boundaries,
// then a second restore; and a few rounds of `npm run soak:checkpoint`'s loop (kills at step
// boundaries and at random moments, several in a row). Nothing the checkpoint never saw is
// destroyed, the branch never moves, the tasks are never half restored, and a restore run again
// finishes the job.
import * as assert from 'node:assert/strict';
import {
  assertNothingDestroyed,
  assertRestored,
  assertTasksConsistent,
  buildRestoreChild,
  makeRestoreScene,
  removeRestoreScene,
  restoreSteps,
  restoreToTheEnd,
  runRestoreChild,
  runRestoreKills,
} from './restoreKillHarness';
import { cleanup, tempDir } from './realRepo';

describe('a restore killed at each step boundary, then restored again (system tier: real git, real SIGKILL)', function () {
  this.timeout(180_000);
  let bin: string;
  let child: string;
  before(() => {
    bin = tempDir('restore-child');
    child = buildRestoreChild(bin);
  });
  after(() => cleanup(bin));

  for (const killAt of restoreSteps) {
    it(`killed after '${killAt}': nothing the checkpoint never saw is destroyed, the branch never moves, and a second restore finishes`, async () => {
      const scene = await makeRestoreScene();
      try {
        assert.equal(await runRestoreChild(child, scene, killAt), 'killed');
        assertNothingDestroyed(scene, `after a kill at '${killAt}'`);
        const tasks = await assertTasksConsistent(scene, `after a kill at '${killAt}'`);
        assert.equal(
          tasks,
          killAt === 'files saved' ? 'before' : 'restored',
          'the tasks half is written after the files are saved',
        );
        await restoreToTheEnd(scene);
        await assertRestored(scene, 'after the second restore');
      } finally {
        removeRestoreScene(scene);
      }
    });
  }

  it('killed again and again, at step boundaries and at random moments, keeps every contract after each kill and finishes when run again (a few rounds of soak:checkpoint)', async () => {
    const seed = Date.now() % 1_000_000;
    const stats = await runRestoreKills({ child, kills: 4, seed });
    assert.equal(stats.kills, 4, `seed ${seed}`);
    assert.ok(stats.atRandom + stats.finishedBeforeRandomKill >= 2, `seed ${seed}: ${JSON.stringify(stats)}`);
    assert.ok(Object.values(stats.atStep).reduce((a, b) => a + b) >= 2, `seed ${seed}: ${JSON.stringify(stats)}`);
  });
});
