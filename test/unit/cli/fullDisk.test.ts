// `continuum run` when the store's disk fills mid-run: "done" is printed only for tasks whose end is
// on disk; the run stops with a message that says what failed and how much space there is, and a
// non-zero exit code — never an unhandled rejection (issue 18, item 5). The store is on a file
// system whose writes fail with ENOSPC after N appends; the tasks are real processes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { forTerminal, runSession } from '../../../src/cli/run';
import { openContinuum } from '../../../src/core/continuum';
import type { AppendOnlyFile } from '../../../src/core/ports';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';

/** A disk that fills after `room` more journal appends. */
class FillingDisk extends MemoryFileSystem {
  room = Infinity;

  override async openAppendOnly(file: string): Promise<AppendOnlyFile> {
    const inner = await super.openAppendOnly(file);
    return {
      append: async data => {
        if (this.room-- <= 0) this.failWrites = 'ENOSPC: no space left on device, write';
        return inner.append(data);
      },
      close: () => inner.close(),
    };
  }
}

describe('continuum run on a disk that fills up', function () {
  this.timeout(60_000);
  let work: string;
  const rejections: unknown[] = [];
  const onRejection = (err: unknown) => rejections.push(err);

  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-full-'));
    rejections.length = 0;
    process.on('unhandledRejection', onRejection);
  });
  afterEach(() => {
    process.off('unhandledRejection', onRejection);
    fs.rmSync(work, { recursive: true, force: true });
  });

  for (const room of [3, 12, 25]) {
    it(`prints done only for tasks saved as done, then stops with the reason and a non-zero exit code (disk full after ${room} writes)`, async () => {
      const disk = new FillingDisk();
      const folder = path.join(work, 'store');
      const workspace = path.join(work, 'ws');
      fs.mkdirSync(workspace);
      const core = await openContinuum({ folder, fs: disk, idleCompactMs: 0 });
      await core.tasks.createMany(
        Array.from({ length: 30 }, (_, i) => ({ title: `t${i}`, action: { kind: 'shell' as const, command: 'true' } })),
      );
      disk.room = room;
      const lines: string[] = [];
      const code = await runSession(core, {
        workspace,
        yes: true,
        interactive: false,
        say: l => lines.push(l),
        onInterrupt: () => () => undefined,
      });
      await core.close().catch(() => undefined);
      await new Promise(r => setTimeout(r, 50));

      assert.deepStrictEqual(rejections, [], 'no unhandled rejection');
      assert.notStrictEqual(code, 0);
      const text = lines.join('\n');
      if (process.env.SHOW_OUTPUT) console.log(text);
      assert.match(text, /disk .*is full|no space left/i, text);
      assert.match(text, /free/, text);
      assert.doesNotMatch(text, /reload/i);

      disk.failWrites = undefined;
      const reopened = await openContinuum({ folder, fs: disk, readOnly: true });
      const saved = new Set(
        reopened.tasks
          .list()
          .filter(t => t.status === 'done')
          .map(t => t.title),
      );
      await reopened.close();
      const printed = lines.filter(l => / done {5}/.test(l)).map(l => l.replace(/^.* done {5}(\S+).*$/, '$1'));
      for (const t of printed) assert.ok(saved.has(t), `'${t}' was printed done but is not saved as done\n${text}`);
    });
  }
});

describe('texts of the core for a terminal', () => {
  it('leave out the remedies that speak of reloading a window', () => {
    assert.strictEqual(
      forTerminal(
        'continuum CLI (pid 4) is already writing to this store. This window shows a read-only view; close the other one and reload this window to make changes here.',
      ),
      'continuum CLI (pid 4) is already writing to this store.',
    );
    assert.strictEqual(
      forTerminal("the store's lock was lost (stale); reload the window to write again."),
      "the store's lock was lost (stale).",
    );
    assert.strictEqual(
      forTerminal('Recent changes are not saved; free disk space or fix permissions, then reload the window.'),
      'Recent changes are not saved; free disk space or fix permissions.',
    );
    assert.strictEqual(forTerminal('Nothing to change here.'), 'Nothing to change here.');
  });
});
