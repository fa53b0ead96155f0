import * as assert from 'assert';
import { inProcessParser } from '../../../src/core/graph/inProcessParser';
import { KnowledgeGraph } from '../../../src/core/graph/knowledgeGraph';
import type { GraphParser, ParseBatch } from '../../../src/core/graph/parser';
import { WorkspaceScanner, type SourceTree } from '../../../src/core/graph/scan';
import { openStore } from '../../../src/core/store/store';
import { graphWorld, memoryTree } from './world';

describe('knowledge graph build: what is read, what degrades, cancelling', () => {
  it('honours .gitignore at every level, never reads node_modules/.git/out/dist/build, and applies continuum.graph.exclude', async () => {
    const w = await graphWorld({
      '.gitignore': 'generated/\n*.gen.ts\n!keep.gen.ts\n',
      'src/a.ts': 'export const a = 1;',
      'src/keep.gen.ts': 'export const k = 1;',
      'src/drop.gen.ts': 'export const d = 1;',
      'generated/x.ts': 'export const x = 1;',
      'pkg/.gitignore': 'local.ts\n',
      'pkg/local.ts': 'export const l = 1;',
      'pkg/shared.mjs': 'export const s = 1;',
      'node_modules/dep/index.js': 'module.exports = 1;',
      'dist/a.js': '',
      'out/a.js': '',
      'build/a.js': '',
      'src/build/b.js': '',
      'fixtures/big.ts': 'export const f = 1;',
      'README.md': '# readme',
    });
    await w.build({ exclude: ['fixtures/'] });
    assert.deepStrictEqual(w.graph.index().fileIds(), ['pkg/shared.mjs', 'src/a.ts', 'src/keep.gen.ts']);
  });

  it('a .gitignore that is a link (listed as neither file nor folder) still applies', () => {
    const files: Record<string, string> = { '/ws/.gitignore': 'skip.ts\n', '/ws/keep.ts': '', '/ws/skip.ts': '' };
    const tree: SourceTree = {
      list: dir =>
        dir === '/ws'
          ? [
              { name: '.gitignore', kind: 'other' },
              { name: 'keep.ts', kind: 'file' },
              { name: 'skip.ts', kind: 'file' },
            ]
          : [],
      read: path => files[path],
      size: path => files[path]?.length,
    };
    const scanner = new WorkspaceScanner(tree, { roots: ['/ws'], exclude: [] });
    assert.deepStrictEqual(
      scanner.scan().map(f => f.id),
      ['keep.ts'],
    );
  });

  it('includes(path), asked about one file (as updates do), answers as the scan does', () => {
    const files: Record<string, string> = {
      '/ws/.gitignore': 'generated/\n*.gen.ts\n!keep.gen.ts\n',
      '/ws/src/a.ts': '',
      '/ws/src/keep.gen.ts': '',
      '/ws/src/drop.gen.ts': '',
      '/ws/generated/x.ts': '',
      '/ws/pkg/.gitignore': 'local.ts\n',
      '/ws/pkg/local.ts': '',
      '/ws/pkg/deep/local.ts': '',
      '/ws/pkg/shared.mjs': '',
      '/ws/node_modules/dep/index.js': '',
      '/ws/fixtures/big.ts': '',
      '/ws/README.md': '',
    };
    const tree: SourceTree = {
      list: dir =>
        [
          ...new Set(
            Object.keys(files)
              .filter(f => f.startsWith(`${dir}/`))
              .map(f => f.slice(dir.length + 1).split('/')[0]),
          ),
        ].map(name => ({ name, kind: files[`${dir}/${name}`] === undefined ? 'dir' : 'file' })),
      read: path => files[path],
      size: path => files[path]?.length,
    };
    const settings = { roots: ['/ws'], exclude: ['fixtures/'], maxFileBytes: 1 << 20 };
    const scanned = new WorkspaceScanner(tree, settings).scan().map(f => f.path);
    assert.deepStrictEqual(scanned, ['/ws/pkg/shared.mjs', '/ws/src/a.ts', '/ws/src/keep.gen.ts']);
    const asked = new WorkspaceScanner(tree, settings);
    assert.deepStrictEqual(
      Object.keys(files)
        .filter(f => asked.includes(f))
        .sort(),
      scanned,
    );
  });

  it('a file that does not parse is listed with its error, and its import edges survive', async () => {
    const w = await graphWorld({
      'src/ok.ts': 'export function ok() { return 1; }',
      'src/broken.ts': "import { ok } from './ok';\nexport function f( {\n",
    });
    const summary = await w.build();
    assert.strictEqual(summary.failed, 1);
    const record = w.graph.index().file('src/broken.ts')!;
    assert.strictEqual(record.status, 'failed');
    assert.match(record.error!, /^line \d+: /);
    assert.deepStrictEqual(
      w.graph.getDependencies('src/broken.ts').map(c => c.id),
      ['src/ok.ts'],
    );
  });

  it('files over the size limit are skipped and listed, not parsed', async () => {
    const w = await graphWorld({
      'src/small.ts': 'export const s = 1;',
      'src/huge.js': `export const data = "${'x'.repeat(5000)}";`,
    });
    const summary = await w.build({ maxFileBytes: 1000 });
    assert.strictEqual(summary.skipped, 1);
    const record = w.graph.index().file('src/huge.js')!;
    assert.strictEqual(record.status, 'skipped');
    assert.match(record.error!, /larger than 1 KB \(5 KB\); not parsed/);
  });

  it('reports progress as files done out of the total', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) files[`src/m${i}.ts`] = `export const v${i} = ${i};`;
    const w = await graphWorld(files);
    const seen: string[] = [];
    await w.graph.build({ roots: ['/ws'], onProgress: p => seen.push(`${p.done}/${p.total}`) });
    assert.deepStrictEqual(seen, ['50/120', '100/120', '120/120']);
  });

  it("a new graph stores each batch's module edges with its files while the parser reads on, and ends with the same edges as the index", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++)
      files[`src/m${i}.ts`] = `import { v${(i + 1) % 120} } from './m${(i + 1) % 120}';\nexport const v${i} = 1;`;
    const w = await graphWorld(files);
    const storedDuring: number[] = [];
    await w.graph.build({
      roots: ['/ws'],
      onProgress: p => {
        if (p.done < p.total) storedDuring.push(w.store.get<{ n: number }>('SELECT count(*) AS n FROM graph_edges')!.n);
      },
    });
    assert.deepStrictEqual(storedDuring, [50, 100]);
    const stored = w.store.all<{ from_id: string; to_id: string }>('SELECT from_id, to_id FROM graph_edges');
    assert.deepStrictEqual(
      stored.map(e => `${e.from_id} -> ${e.to_id}`).sort(),
      w.graph
        .index()
        .fileIds()
        .flatMap(id =>
          w.graph
            .index()
            .moduleRelationsOf(id)
            .map(r => `${id} -> ${r.to}`),
        )
        .sort(),
    );
  });

  it('a cancelled build keeps what it parsed, and the next build parses only the rest', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`src/m${i}.ts`] = `export const v${i} = ${i};`;
    const w = await graphWorld(files);
    const controller = new AbortController();
    const first = await w.graph.build({
      roots: ['/ws'],
      signal: controller.signal,
      onProgress: p => {
        if (p.done >= 100) controller.abort();
      },
    });
    assert.strictEqual(first.cancelled, true);
    assert.strictEqual(first.parsed, 100);
    assert.strictEqual(w.graph.isBuilt, false, 'a cancelled build does not count as built');
    const second = await w.build();
    assert.deepStrictEqual([second.cancelled, second.parsed, second.files], [false, 100, 200]);
  });

  it('a store that another process writes to refuses a build up front, saying who holds it', async () => {
    const w = await graphWorld({ 'src/a.ts': 'export const a = 1;' });
    const held = await openStore({
      folder: '/store',
      fs: w.storeFs,
      readOnly: true,
      readOnlyReason: 'continuum CLI (pid 4242 on here) is already writing to this store',
    });
    const graph = new KnowledgeGraph(held, () => inProcessParser(memoryTree(w.host)));
    await assert.rejects(graph.build({ roots: ['/ws'] }), /cannot be built here: continuum CLI \(pid 4242/);
    graph.dispose();
    await held.close();
    await w.store.close();
  });

  it('a store write that fails while the parser reads on fails the build with its reason, none left unhandled', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`src/m${i}.ts`] = `export const v${i} = ${i};`;
    const w = await graphWorld(files);
    let delivered = 0;
    // batches arrive a turn of the event loop apart, as from the worker; the disk fills after the second
    const parser = oneBatchATurn(inProcessParser(memoryTree(w.host)), () => {
      if (++delivered === 2) w.storeFs.failWrites = 'the disk is full';
    });
    const graph = new KnowledgeGraph(w.store, () => parser);
    const unhandled: unknown[] = [];
    const listeners = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection'); // mocha's own would end the run
    process.on('unhandledRejection', reason => unhandled.push(reason));
    try {
      await assert.rejects(graph.build({ roots: ['/ws'] }), /could not write|disk is full/);
      await new Promise(resolve => setTimeout(resolve, 20));
    } finally {
      process.removeAllListeners('unhandledRejection');
      for (const l of listeners) process.on('unhandledRejection', l);
    }
    assert.ok(delivered > 2, `the parser read on after the failure (${delivered} batches)`);
    assert.deepStrictEqual(unhandled, []);
    graph.dispose();
    w.storeFs.failWrites = undefined;
  });
});

/** `parser`, its build's batches handed over one a turn of the event loop (as a worker's arrive), `onDeliver` after each. */
function oneBatchATurn(parser: GraphParser, onDeliver: () => void): GraphParser {
  return {
    ...parser,
    async build(request, onBatch, signal) {
      const batches: ParseBatch[] = [];
      const reply = await parser.build(request, b => batches.push(b), signal);
      for (const batch of batches) {
        await new Promise(resolve => setImmediate(resolve));
        onBatch(batch);
        onDeliver();
      }
      return reply;
    },
  };
}
