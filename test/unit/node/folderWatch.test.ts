// A holder's graph worker watches the folders it builds (Linux, local file systems): a watched
// folder's listing and its files' stats come from memory while its watch reports nothing. Here a
// real tree on the disk, with real watches, built as the worker builds (after the event loop's poll
// phase, through the tree's `request`), with every stat and listing of the disk counted.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BuildRequest, KnownFile, ParseBatch } from '../../../src/core/graph/parser';
import { ParseSession } from '../../../src/core/graph/parseSession';
import type { FolderWatchOptions } from '../../../src/node/folderWatch';
import { nodeSourceTree, settledMs } from '../../../src/node/graphWorkerTree';

const linux = process.platform === 'linux';

/** The module object itself (the source tree calls through it), not an import's read-only copy. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const disk = require('fs') as { statSync: unknown; readdirSync: unknown };

/** Counts the stats and listings of the disk while `work` runs. */
function counting<T>(work: () => T): { result: T; stats: string[]; listings: string[] } {
  const stats: string[] = [];
  const listings: string[] = [];
  const stat = disk.statSync as (...args: unknown[]) => unknown;
  const readdir = disk.readdirSync as (...args: unknown[]) => unknown;
  disk.statSync = (p: fs.PathLike, ...rest: unknown[]) => (stats.push(String(p)), stat(p, ...rest));
  disk.readdirSync = (p: fs.PathLike, ...rest: unknown[]) => (listings.push(String(p)), readdir(p, ...rest));
  try {
    return { result: work(), stats, listings };
  } finally {
    disk.statSync = stat;
    disk.readdirSync = readdir;
  }
}

(linux ? describe : describe.skip)('a graph worker that watches its folders', function () {
  this.timeout(30_000);
  let dir: string;
  const closing: Array<() => void> = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-watch-'))));
  afterEach(() => {
    for (const close of closing.splice(0)) close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const at = (p: string) => path.join(dir, p);
  const write = (p: string, text: string) => {
    fs.mkdirSync(path.dirname(at(p)), { recursive: true });
    fs.writeFileSync(at(p), text);
  };

  /** A worker's session: builds after the poll phase; every file counts as settled. */
  function worker(watch: boolean | FolderWatchOptions = true) {
    const tree = nodeSourceTree({
      now: () => Date.now() + settledMs + 1000,
      rememberFolders: true,
      watchFolders: watch,
    });
    closing.push(() => tree.close());
    const session = new ParseSession(tree);
    const known = new Map<string, KnownFile>();
    return async () => {
      await new Promise(resolve => setImmediate(resolve));
      const request: BuildRequest = { roots: [dir], exclude: [], maxFileBytes: 1 << 20, known: [...known.values()] };
      const batches: ParseBatch[] = [];
      const counted = counting(() => tree.request('build', () => session.build(request, b => batches.push(b))!));
      const records = batches.flatMap(b => b.records);
      for (const r of records) known.set(r.id, r.stamp ? [r.id, r.hash, r.stamp] : [r.id, r.hash]);
      for (const [id, stamp] of batches.flatMap(b => b.restamped ?? [])) known.set(id, [id, known.get(id)![1], stamp]);
      return {
        files: [...counted.result.present].sort(),
        read: records.map(r => r.id).sort(),
        stats: counted.stats.map(p => path.relative(dir, p)),
        listings: counted.listings.map(p => path.relative(dir, p)),
      };
    };
  }

  function project(): void {
    write('package.json', '{ "name": "app" }');
    write('src/a.ts', 'export const a = 1;\n');
    write('src/b.ts', "import { a } from './a';\nexport const b = a;\n");
    write('src/deep/c.ts', 'export const c = 3;\n');
    write('lib/d.ts', 'export const d = 4;\n');
  }

  it('looks at the disk only for what changed once its watches are in place', async () => {
    project();
    const build = worker();
    await build(); // watches each folder before it first lists it
    const quiet = await build();
    assert.deepStrictEqual(quiet.stats, [], 'nothing changed: no stat');
    assert.deepStrictEqual(quiet.listings, [], 'nothing changed: no listing');
    assert.deepStrictEqual(quiet.read, []);

    fs.writeFileSync(at('src/a.ts'), 'export const a = 2;\n');
    const edited = await build();
    assert.deepStrictEqual(edited.read, ['src/a.ts']);
    assert.deepStrictEqual(edited.stats, ['src/a.ts'], 'only the edited file is stat’ed');
    assert.deepStrictEqual(edited.listings, [], 'an edit in place lists no folder');

    write('src/deep/e.ts', 'export const e = 5;\n');
    const added = await build();
    assert.deepStrictEqual(added.read, ['src/deep/e.ts']);
    assert.deepStrictEqual(added.listings, ['src/deep'], 'only the folder that changed is listed');
    assert.ok(added.files.includes('src/deep/e.ts'));
  });

  it('a folder moved away and another made in its place: the new one is read, not remembered', async () => {
    project();
    const build = worker();
    await build();
    await build();
    fs.renameSync(at('src'), at('old'));
    write('src/deep/f.ts', 'export const f = 6;\n');
    const after = await build();
    assert.deepStrictEqual(
      after.files,
      ['lib/d.ts', 'old/a.ts', 'old/b.ts', 'old/deep/c.ts', 'package.json', 'src/deep/f.ts'].filter(f =>
        f.endsWith('.ts'),
      ),
    );
    // and a change in the moved folder is no longer vouched for by a watch that moved with it
    fs.writeFileSync(at('old/deep/c.ts'), 'export const c = 33;\n');
    const edited = await build();
    assert.deepStrictEqual(edited.read, ['old/deep/c.ts']);
  });

  it('a folder removed and made again, with files of the same names and sizes', async () => {
    project();
    const build = worker();
    await build();
    await build();
    fs.rmSync(at('src/deep'), { recursive: true });
    write('src/deep/c.ts', 'export const c = 9;\n'); // same size, a new inode
    const after = await build();
    assert.deepStrictEqual(after.read, ['src/deep/c.ts']);
  });

  it('after a burst of events (the kernel may have dropped some), trusts nothing it remembers', async () => {
    project();
    const build = worker({ burst: 3 });
    await build();
    await build();
    for (let i = 0; i < 5; i++) write(`lib/n${i}.ts`, `export const n = ${i};\n`);
    const after = await build();
    assert.ok(after.stats.includes('src/a.ts'), 'an unchanged file is stat’ed again');
    assert.ok(after.stats.includes('src'), 'an unchanged folder’s stamp is looked at again');
    assert.strictEqual(after.read.length, 5);
    const quiet = await build();
    assert.deepStrictEqual(quiet.stats, [], 'and trusts its watches again after');
  });

  it('after a burst in which a folder was moved away and another made in its place, watches the new one', async () => {
    project();
    const build = worker({ burst: 3 });
    await build();
    await build();
    fs.renameSync(at('src'), at('old')); // events past the burst: the moved folders' own are not looked at
    write('src/deep/f.ts', 'export const f = 6;\n');
    assert.ok((await build()).files.includes('src/deep/f.ts'));
    fs.writeFileSync(at('src/deep/f.ts'), 'export const f = 66;\n');
    assert.deepStrictEqual((await build()).read, ['src/deep/f.ts'], 'the new folder is watched, not the old one');
  });

  it('a folder that cannot be watched (not a local file system) is looked at on the disk every time', async () => {
    project();
    const build = worker({ watchable: folder => !folder.endsWith(`${path.sep}lib`) });
    await build();
    await build();
    const quiet = await build();
    assert.deepStrictEqual(quiet.stats, ['lib', 'lib/d.ts'], 'the folder’s stamp and its file');
    assert.deepStrictEqual(quiet.listings, [], 'the folder’s stamp says its listing is the same');
    fs.writeFileSync(at('lib/d.ts'), 'export const d = 44;\n');
    assert.deepStrictEqual((await build()).read, ['lib/d.ts']);
  });

  it('watches no more folders than its budget (a share of the user’s inotify watches); the others are looked at on the disk', async () => {
    project();
    const build = worker({ budget: 2 }); // the root and one other of its 3 folders
    await build();
    await build();
    const quiet = await build();
    const stated = quiet.stats.filter(p => p.endsWith('.ts')).length;
    assert.ok(stated > 0 && stated < 4, `some files are stat'ed, not all: ${quiet.stats.join()}`);
    fs.writeFileSync(at('src/deep/c.ts'), 'export const c = 33;\n');
    fs.writeFileSync(at('src/a.ts'), 'export const a = 11;\n');
    assert.deepStrictEqual((await build()).read, ['src/a.ts', 'src/deep/c.ts']);
  });

  it('when the system refuses a watch (inotify’s limit reached), starts no more and looks at the rest on the disk', async () => {
    project();
    let asked = 0;
    const build = worker({
      watchable: () => {
        if (++asked > 2)
          throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
            code: 'ENOSPC',
          });
        return true;
      },
    });
    await build();
    await build();
    assert.strictEqual(asked, 3, 'after the refusal it asks for no more watches');
    const quiet = await build();
    const stated = quiet.stats.filter(p => p.endsWith('.ts')).length;
    assert.ok(stated > 0 && stated < 4, `the folders not watched are stat'ed: ${quiet.stats.join()}`);
    fs.writeFileSync(at('src/deep/c.ts'), 'export const c = 33;\n');
    fs.writeFileSync(at('src/a.ts'), 'export const a = 11;\n');
    fs.writeFileSync(at('lib/d.ts'), 'export const d = 44;\n');
    assert.deepStrictEqual((await build()).read, ['lib/d.ts', 'src/a.ts', 'src/deep/c.ts']);
  });

  it('a worker of one build (the CLI on its own) watches nothing', async () => {
    project();
    const build = worker(false);
    await build();
    await build();
    const again = await build();
    assert.strictEqual(again.stats.filter(p => p.endsWith('.ts')).length, 4);
  });
});
