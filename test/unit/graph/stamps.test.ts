import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InMemoryFileSystemHost } from 'ts-morph';
import type { BuildRequest, KnownFile, ParseBatch } from '../../../src/core/graph/parser';
import { ParseSession } from '../../../src/core/graph/parseSession';
import type { SourceTree } from '../../../src/core/graph/sourceTree';
import { nodeSourceTree, settledMs } from '../../../src/node/graphWorkerTree';
import { memoryTree, root } from './world';

/** A memory tree whose files have stamps (set by the test), counting the files read. */
function stampedTree() {
  const host = new InMemoryFileSystemHost();
  const stamps = new Map<string, string>();
  const reads: string[] = [];
  const base = memoryTree(host);
  const tree: SourceTree = {
    ...base,
    read: p => {
      reads.push(p.slice(root.length + 1));
      return base.read(p);
    },
    stat: p => {
      const size = base.size(p);
      return size === undefined ? undefined : { size, ...(stamps.has(p) ? { stamp: stamps.get(p) } : {}) };
    },
  };
  const write = (id: string, text: string, stamp?: string) => {
    host.writeFileSync(`${root}/${id}`, text);
    if (stamp) stamps.set(`${root}/${id}`, stamp);
    else stamps.delete(`${root}/${id}`);
  };
  return { tree, reads, write };
}

function build(tree: SourceTree, known: KnownFile[] = []) {
  const request: BuildRequest = { roots: [root], exclude: [], maxFileBytes: 1 << 20, known };
  const batches: ParseBatch[] = [];
  new ParseSession(tree).build(request, b => batches.push(b));
  const records = batches.flatMap(b => b.records);
  return {
    records,
    restamped: batches.flatMap(b => b.restamped ?? []),
    known: records.map(r => [r.id, r.hash, ...(r.stamp ? [r.stamp] : [])] as KnownFile),
  };
}

describe("files' stamps", () => {
  it('a rebuild does not read a file whose stamp is the one stored with its hash', () => {
    const { tree, reads, write } = stampedTree();
    write('a.ts', 'export const a = 1;\n', 's1');
    write('b.ts', 'export const b = 1;\n', 's1');
    const first = build(tree);
    assert.deepStrictEqual(
      first.records.map(r => r.stamp),
      ['s1', 's1'],
    );
    reads.length = 0;
    const again = build(tree, first.known);
    assert.deepStrictEqual([reads, again.records], [[], []]);
  });

  it('a rebuild reads a file whose stamp changed: parsed when its content changed, else only its new stamp is reported', () => {
    const { tree, reads, write } = stampedTree();
    write('a.ts', 'export const a = 1;\n', 's1');
    write('b.ts', 'export const b = 1;\n', 's1');
    const first = build(tree);
    write('a.ts', 'export const a = 2;\n', 's2');
    write('b.ts', 'export const b = 1;\n', 's2');
    reads.length = 0;
    const again = build(tree, first.known);
    assert.deepStrictEqual(reads, ['a.ts', 'b.ts']);
    assert.deepStrictEqual(
      again.records.map(r => [r.id, r.stamp]),
      [['a.ts', 's2']],
    );
    assert.deepStrictEqual(again.restamped, [['b.ts', 's2']]);
  });

  it('a file without a stamp (changed too recently) is read and hashed on every rebuild', () => {
    const { tree, reads, write } = stampedTree();
    write('a.ts', 'export const a = 1;\n');
    const first = build(tree);
    assert.deepStrictEqual(first.known, [['a.ts', first.records[0].hash]]);
    reads.length = 0;
    const again = build(tree, first.known);
    assert.deepStrictEqual([reads, again.records, again.restamped], [['a.ts'], [], []]);
  });

  describe('on the disk', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-stamps-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('a file written less than the settling time ago has no stamp; a settled one has one, which a write changes', () => {
      const file = path.join(dir, 'a.ts');
      fs.writeFileSync(file, 'export const a = 1;\n');
      assert.strictEqual(nodeSourceTree().stat!(file)?.stamp, undefined);
      const later = () => Date.now() + settledMs + 1000;
      const before = nodeSourceTree({ now: later }).stat!(file)?.stamp;
      assert.ok(before);
      fs.writeFileSync(file, 'export const a = 2;\n');
      const after = nodeSourceTree({ now: later }).stat!(file)?.stamp;
      assert.ok(after && after !== before, `${before} then ${after}`);
      assert.strictEqual(nodeSourceTree({ now: later }).stat!(path.join(dir, 'missing.ts')), undefined);
    });
  });
});
