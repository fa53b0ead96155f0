// `continuum run` over a session with many to-dos (tasks without an action, which wait for a
// person): the runnable tasks start at once, and the terminal says how many tasks wait for a person
// instead of seeming stuck (issue 13, item 1).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runSession } from '../../../src/cli/run';
import { openContinuum } from '../../../src/core/continuum';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';

describe('continuum run with many to-dos', function () {
  this.timeout(60_000);

  it('runs a low-priority shell task behind 1,000 higher-priority to-dos at once, and says how many wait for a person', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-todos-'));
    try {
      const core = await openContinuum({
        folder: path.join(work, 'store'),
        fs: new MemoryFileSystem(),
        idleCompactMs: 0,
      });
      await core.tasks.createMany(
        Array.from({ length: 1000 }, (_, i) => ({ title: `to-do ${i}`, priority: 'critical' as const })),
      );
      await core.tasks.create({ title: 'Build', priority: 'low', action: { kind: 'shell', command: 'touch built' } });
      const lines: string[] = [];
      const code = await runSession(core, {
        workspace: work,
        yes: true,
        interactive: false,
        say: l => lines.push(l),
        onInterrupt: () => () => undefined,
      });
      await core.close();
      const text = lines.join('\n');
      assert.ok(fs.existsSync(path.join(work, 'built')), text);
      assert.match(text, /done {5}Build/);
      assert.match(text, /1000 tasks wait for a person/);
      assert.ok(lines.length < 30, `a line per to-do is not a summary:\n${text.slice(0, 2000)}`);
      assert.strictEqual(code, 1, 'work is left');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
