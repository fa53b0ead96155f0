// What a process that builds again keeps from one build to the next (folder listings, .gitignore
// rules, the project configuration, the stored hashes), and that every change on the disk still shows.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ProjectConfig } from '../../../src/core/graph/model';
import type { BuildRequest, KnownFile, ParseBatch } from '../../../src/core/graph/parser';
import { ParseSession } from '../../../src/core/graph/parseSession';
import type { SourceTree } from '../../../src/core/graph/sourceTree';
import { nodeSourceTree, settledMs } from '../../../src/node/graphWorkerTree';
import { nextTick } from './diskTicks';
import { graphWorld } from './world';

/** A clock far enough ahead that every file and folder on the disk counts as settled. */
const later = () => Date.now() + settledMs + 1000;

/**
 * The disk's tree as a building worker has it, counting what is read through it, and the listings
 * made afresh (a remembered one is the very same list as the last time).
 */
function countingTree(options: { now?: () => number } = { now: later }) {
  const base = nodeSourceTree({ ...options, rememberFolders: true });
  const reads: string[] = [];
  const last = new Map<string, unknown>();
  let listings = 0;
  const tree: SourceTree = {
    list: dir => {
      const entries = base.list(dir);
      if (last.get(dir) !== entries) listings++;
      last.set(dir, entries);
      return entries;
    },
    read: p => {
      reads.push(path.basename(p));
      return base.read(p);
    },
    size: p => base.size(p),
    stat: p => base.stat!(p),
  };
  return {
    tree,
    reads,
    listings: () => listings,
    reset() {
      reads.length = 0;
      listings = 0;
    },
  };
}

describe('what a process that builds again keeps between builds', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-memory-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (id: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, id)), { recursive: true });
    fs.writeFileSync(path.join(dir, id), text);
  };

  function session(tree: SourceTree) {
    const s = new ParseSession(tree);
    let known: KnownFile[] = [];
    return {
      build() {
        const request: BuildRequest = { roots: [dir], exclude: [], maxFileBytes: 1 << 20, known };
        const batches: ParseBatch[] = [];
        const reply = s.build(request, b => batches.push(b))!;
        const records = batches.flatMap(b => b.records);
        const byId = new Map(known.map(k => [k[0], k]));
        for (const r of records) byId.set(r.id, r.stamp ? [r.id, r.hash, r.stamp] : [r.id, r.hash]);
        for (const [id, stamp] of batches.flatMap(b => b.restamped ?? [])) byId.set(id, [id, byId.get(id)![1], stamp]);
        known = reply.present.map(id => byId.get(id)!);
        return { files: reply.present, config: reply.config, parsed: records.map(r => r.id), batches };
      },
    };
  }

  function workspace() {
    write('.gitignore', 'generated/\n');
    write('tsconfig.json', '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["lib/*"] } } }');
    write('package.json', '{ "name": "app" }');
    write('src/a.ts', "import { b } from '@lib/b';\nexport const a = b;\n");
    write('lib/b.ts', 'export const b = 1;\n');
    write('generated/g.ts', 'export const g = 1;\n');
  }

  const paths = (config: ProjectConfig) => config.tsconfigs.map(t => t.paths);

  it('an unchanged workspace is not listed or read again: only stated', () => {
    workspace();
    const counted = countingTree();
    const s = session(counted.tree);
    assert.deepStrictEqual(s.build().files, ['lib/b.ts', 'src/a.ts']);
    assert.ok(counted.listings() >= 3, `the first build lists the folders (${counted.listings()})`);
    counted.reset();
    const again = s.build();
    assert.deepStrictEqual([again.files, again.parsed], [['lib/b.ts', 'src/a.ts'], []]);
    assert.deepStrictEqual([counted.listings(), counted.reads], [0, []]);
  });

  it('a file added to a folder, a folder removed and a file edited in place are all seen', async () => {
    workspace();
    const s = session(countingTree().tree);
    s.build();
    await nextTick();
    write('src/c.ts', 'export const c = 1;\n');
    fs.rmSync(path.join(dir, 'lib'), { recursive: true });
    write('src/a.ts', 'export const a = 2;\n');
    const again = s.build();
    assert.deepStrictEqual(
      [again.files, again.parsed],
      [
        ['src/a.ts', 'src/c.ts'],
        ['src/a.ts', 'src/c.ts'],
      ],
    );
  });

  it('a .gitignore edited in place (its folder unchanged) is read again and applies', async () => {
    workspace();
    const s = session(countingTree().tree);
    assert.deepStrictEqual(s.build().files, ['lib/b.ts', 'src/a.ts']);
    await nextTick();
    write('.gitignore', 'lib/\n');
    assert.deepStrictEqual(s.build().files, ['generated/g.ts', 'src/a.ts']);
  });

  it('a .gitignore added deeper down applies to what lies below it', async () => {
    workspace();
    write('src/deep/d.ts', 'export const d = 1;\n');
    const s = session(countingTree().tree);
    assert.deepStrictEqual(s.build().files, ['lib/b.ts', 'src/a.ts', 'src/deep/d.ts']);
    await nextTick();
    write('src/.gitignore', 'deep/\n');
    assert.deepStrictEqual(s.build().files, ['lib/b.ts', 'src/a.ts']);
  });

  it('a tsconfig edited in place, and a config it extends that appears later, are read again', async () => {
    workspace();
    write('tsconfig.json', '{ "extends": "./tsconfig.base.json" }');
    const s = session(countingTree().tree);
    assert.deepStrictEqual(paths(s.build().config), [undefined]);
    await nextTick();
    write('tsconfig.base.json', '{ "compilerOptions": { "baseUrl": ".", "paths": { "@b/*": ["lib/*"] } } }');
    assert.deepStrictEqual(paths(s.build().config), [{ '@b/*': ['lib/*'] }]);
    await nextTick(); // the same size: only its times tell
    write('tsconfig.base.json', '{ "compilerOptions": { "baseUrl": ".", "paths": { "@c/*": ["lib/*"] } } }');
    assert.deepStrictEqual(paths(s.build().config), [{ '@c/*': ['lib/*'] }]);
  });

  it('files and folders changed within the settling time are listed and read again every time', () => {
    workspace();
    const counted = countingTree({}); // the real clock: everything was just written
    const s = session(counted.tree);
    s.build();
    counted.reset();
    s.build();
    assert.ok(counted.listings() >= 3, `listed again (${counted.listings()})`);
    assert.ok(counted.reads.includes('.gitignore') && counted.reads.includes('tsconfig.json'), counted.reads.join());
  });

  it('a build after no change sends the scan and one batch, not one a chunk of unchanged files', () => {
    for (let i = 0; i < 120; i++) write(`src/f${i}.ts`, `export const f${i} = ${i};\n`);
    const s = session(countingTree().tree);
    assert.strictEqual(s.build().batches.length, 1 + 3); // the scan, then chunks of 50
    const again = s.build();
    assert.deepStrictEqual(
      again.batches.map(b => [b.records.length, b.done, b.total]),
      [
        [0, 0, 120],
        [0, 120, 120],
      ],
    );
  });
});

describe("the graph's stored hashes, kept by the process that writes them", () => {
  function countHashReads(store: { all: (...args: never[]) => unknown }): () => number {
    let n = 0;
    const all = store.all.bind(store) as (...args: unknown[]) => unknown;
    (store as { all: unknown }).all = (sql: string, ...rest: unknown[]) => {
      if (/json_array\(id, hash, stamp, status\)/.test(sql)) n++;
      return all(sql, ...rest);
    };
    return () => n;
  }

  it('a build after a build or an update works from what it wrote, without reading them again', async () => {
    const w = await graphWorld({ 'a.ts': 'export const a = 1;', 'b.ts': "import { a } from './a';" });
    const reads = countHashReads(w.store);
    await w.build();
    await w.build();
    w.write({ 'a.ts': 'export const a = 2;' });
    await w.graph.updateFiles(['/ws/a.ts']);
    const after = await w.build();
    assert.deepStrictEqual([reads(), after.parsed], [0, 0]);
    w.write({ 'b.ts': "import { a } from './a'; export const b = a;" });
    assert.strictEqual((await w.build()).parsed, 1);
  });

  it('counts the files that fail to parse from what it wrote, as an edit breaks one and another mends it', async () => {
    const w = await graphWorld({ 'a.ts': 'export const a = 1;', 'b.ts': "import { a } from './a';" });
    await w.build();
    const reads = countHashReads(w.store);
    w.write({ 'a.ts': 'export function a( { return [1, 2; }' });
    const broken = await w.build();
    assert.deepStrictEqual([broken.parsed, broken.failed], [1, 1]);
    w.write({ 'a.ts': 'export const a = 2;' });
    const mended = await w.build();
    assert.deepStrictEqual([mended.parsed, mended.failed, reads()], [1, 0, 0]);
  });

  it('after a write that failed, the next build reads them from the store again', async () => {
    const w = await graphWorld({ 'a.ts': 'export const a = 1;' });
    await w.build();
    const reads = countHashReads(w.store);
    w.write({ 'a.ts': 'export const a = 2;' });
    w.storeFs.failWrites = 'the disk is full';
    await assert.rejects(w.build(), /disk is full|could not write/);
    w.storeFs.failWrites = undefined;
    await w.build().catch(() => undefined); // the store may refuse until reopened; what matters is what it read
    assert.strictEqual(reads(), 1);
  });
});
