// The getting-started walkthrough: each step completes on a context key the extension sets from
// what the store holds, so a step is done when the person has done it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { walkthroughKeys, walkthroughProgress } from '../../../src/vscode/walkthrough/walkthroughProgress';

const root = path.resolve(__dirname, '../../..');
interface Step {
  id: string;
  media: { markdown: string };
  completionEvents: string[];
  when?: string;
}
const walkthroughs = (
  JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    contributes: { walkthroughs: Array<{ id: string; steps: Step[] }> };
  }
).contributes.walkthroughs;

describe('getting-started walkthrough', () => {
  it('marks each step done only from what the person did: a task, a session, a checkpoint they made, a restore', () => {
    const none = { tasks: 0, sessions: 0, manualCheckpoints: 0, restores: 0 };
    assert.deepStrictEqual(Object.values(walkthroughProgress(none)), [false, false, false, false]);
    assert.deepStrictEqual(walkthroughProgress({ ...none, tasks: 3 }), {
      [walkthroughKeys.hasTasks]: true,
      [walkthroughKeys.sessionStarted]: false,
      [walkthroughKeys.checkpointMade]: false,
      [walkthroughKeys.restored]: false,
    });
    assert.strictEqual(walkthroughProgress({ ...none, manualCheckpoints: 1 })[walkthroughKeys.checkpointMade], true);
    assert.strictEqual(walkthroughProgress({ ...none, restores: 1 })[walkthroughKeys.restored], true);
  });

  it('is contributed with a step per key, each completing on that key, with its media in media/walkthrough', () => {
    const w = walkthroughs.find(x => x.id === 'continuum.gettingStarted');
    assert.ok(w, 'contributes.walkthroughs has continuum.gettingStarted');
    const byStep = Object.fromEntries(w.steps.map(s => [s.id, s.completionEvents]));
    assert.deepStrictEqual(byStep.plan, [`onContext:${walkthroughKeys.hasTasks}`]);
    assert.deepStrictEqual(byStep.session, [`onContext:${walkthroughKeys.sessionStarted}`]);
    assert.deepStrictEqual(byStep.checkpoint, [`onContext:${walkthroughKeys.checkpointMade}`]);
    assert.deepStrictEqual(byStep.restore, [`onContext:${walkthroughKeys.restored}`]);
    for (const s of w.steps) {
      assert.match(s.media.markdown, /^media\/walkthrough\/[\w-]+\.md$/);
      assert.ok(fs.existsSync(path.join(root, s.media.markdown)), s.media.markdown);
    }
    // every step is always listed: a when-clause on a key set while Continuum activates hid the
    // agent step from a walkthrough opened before that (journey 01 caught it)
    assert.ok(
      w.steps.find(s => s.id === 'agent'),
      'an agent step',
    );
    assert.deepStrictEqual(
      w.steps.filter(s => s.when).map(s => s.id),
      [],
    );
  });
});
