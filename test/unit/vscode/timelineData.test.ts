import * as assert from 'assert';
import { openContinuum } from '../../../src/core/continuum';
import { timelineEntries } from '../../../src/vscode/timeline/timelineData';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';

async function openCore() {
  return openContinuum({ folder: '/store', fs: new MemoryFileSystem(), idleCompactMs: 0 });
}

describe('the checkpoint timeline', () => {
  it('shows a checkpoint created after its session completed', async () => {
    const core = await openCore();
    try {
      const task = await core.tasks.create({ title: 'Build' });
      const session = await core.sessions.create({ name: 'Sprint', taskIds: [task.id] });
      await core.sessions.start(session.id);
      const during = await core.sessions.createCheckpoint({ sessionId: session.id, trigger: 'manual' });
      await core.sessions.complete(session.id);
      // Create Checkpoint with no running or resumable session saves it under no session
      const after = await core.sessions.createCheckpoint({ trigger: 'manual', note: 'after the sprint' });
      const { entries } = timelineEntries(core);
      assert.deepStrictEqual(
        entries.map(e => e.id),
        [after.id, during.id],
      );
    } finally {
      await core.close();
    }
  });

  it("follows the running session's checkpoints only", async () => {
    const core = await openCore();
    try {
      const older = await core.sessions.createCheckpoint({ trigger: 'manual' });
      const session = await core.sessions.create({ name: 'Sprint', taskIds: [] });
      await core.sessions.start(session.id);
      const mine = await core.sessions.createCheckpoint({ sessionId: session.id, trigger: 'manual' });
      const { title, entries } = timelineEntries(core);
      assert.strictEqual(title, "Checkpoints of session 'Sprint'");
      assert.deepStrictEqual(
        entries.map(e => e.id),
        [mine.id],
      );
      assert.ok(!entries.some(e => e.id === older.id));
    } finally {
      await core.close();
    }
  });
});
