import * as assert from 'assert';
import { graphWorld, root, type GraphWorld } from './world';

/** A small app: a barrel, a class hierarchy, calls across files, an alias import, a cycle. */
const app = {
  'tsconfig.json': `{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } // comments are fine\n }`,
  'src/lib/math.ts': `export function add(a: number, b: number) { return a + b; }\nexport function twice(n: number) { return add(n, n); }\n`,
  'src/lib/index.ts': `export * from './math';\nexport { Shape as BaseShape } from './shape';\n`,
  'src/lib/shape.ts': `export interface Sized { size(): number }\nexport abstract class Shape implements Sized { abstract size(): number; describe() { return String(this.size()); } }\n`,
  'src/square.ts': `import { BaseShape, twice } from './lib';\nexport class Square extends BaseShape { constructor(private side: number) { super(); }\n  size() { return twice(this.side); } }\n`,
  'src/app.ts': `import { Square } from './square';\nimport { add } from '@lib/math';\nimport chalk from 'chalk';\nimport * as fs from 'node:fs';\nexport function main() { return add(new Square(2).size(), 1); }\n`,
  'src/a.ts': `import { b } from './b';\nexport const a = () => b();\n`,
  'src/b.ts': `import { a } from './a';\nexport function b() { return a; }\n`,
};

const ids = (components: Array<{ id: string }>) => components.map(c => c.id).sort();

describe('knowledge graph', () => {
  let w: GraphWorld;

  beforeEach(async () => {
    w = await graphWorld(app);
    const summary = await w.build();
    assert.deepStrictEqual([summary.files, summary.parsed, summary.cancelled], [7, 7, false]);
  });

  afterEach(async () => {
    w.graph.dispose();
    await w.store.close();
  });

  it('getComponent returns modules, symbols and packages with their locations', () => {
    assert.deepStrictEqual(w.graph.getComponent('src/square.ts#Square'), {
      id: 'src/square.ts#Square',
      kind: 'class',
      name: 'Square',
      file: 'src/square.ts',
      line: 2,
      exported: true,
    });
    assert.strictEqual(w.graph.getComponent('src/square.ts#Square.size')?.kind, 'method');
    assert.strictEqual(w.graph.getComponent('src/app.ts')?.kind, 'module');
    assert.deepStrictEqual(w.graph.getComponent('pkg:chalk'), { id: 'pkg:chalk', kind: 'package', name: 'chalk' });
    assert.strictEqual(w.graph.getComponent('src/nothing.ts'), undefined);
  });

  it('getDependencies: direct imports of a module (files and packages), and all of them recursively', () => {
    assert.deepStrictEqual(ids(w.graph.getDependencies('src/app.ts')), [
      'pkg:chalk',
      'pkg:node:fs',
      'src/lib/math.ts',
      'src/square.ts',
    ]);
    assert.deepStrictEqual(ids(w.graph.getDependencies('src/app.ts', { recursive: true })), [
      'pkg:chalk',
      'pkg:node:fs',
      'src/lib/index.ts',
      'src/lib/math.ts',
      'src/lib/shape.ts',
      'src/square.ts',
    ]);
  });

  it('getDependents: importers of a module, and callers and subclasses of a symbol', () => {
    assert.deepStrictEqual(ids(w.graph.getDependents('src/lib/math.ts')), ['src/app.ts', 'src/lib/index.ts']);
    assert.deepStrictEqual(ids(w.graph.getDependents('src/lib/math.ts', { recursive: true })), [
      'src/app.ts',
      'src/lib/index.ts',
      'src/square.ts',
    ]);
    // a call through the barrel (import { twice } from './lib') lands on the declaring file
    assert.deepStrictEqual(ids(w.graph.getDependents('src/lib/math.ts#twice')), [
      'src/lib/index.ts',
      'src/square.ts#Square.size',
    ]);
    // an aliased re-export (Shape as BaseShape) still finds the subclass
    assert.deepStrictEqual(ids(w.graph.getDependents('src/lib/shape.ts#Shape')), [
      'src/lib/index.ts',
      'src/square.ts#Square',
    ]);
    assert.deepStrictEqual(ids(w.graph.getDependencies('src/lib/shape.ts#Shape')), ['src/lib/shape.ts#Sized']);
  });

  it('findAffectedComponents: the reverse transitive closure of a file, nearest first', () => {
    const affected = w.graph.findAffectedComponents('src/lib/math.ts');
    assert.deepStrictEqual(
      affected.map(a => `${a.depth} ${a.component.id} via ${a.via}`),
      [
        '1 src/app.ts via src/lib/math.ts',
        '1 src/app.ts#main via src/lib/math.ts#add',
        '1 src/lib/index.ts via src/lib/math.ts',
        '1 src/square.ts#Square.size via src/lib/math.ts#twice',
        '2 src/square.ts via src/lib/index.ts',
      ],
    );
    // a symbol: its callers, subclasses and importers by name, then theirs
    assert.deepStrictEqual(
      w.graph.findAffectedComponents('src/lib/shape.ts#Shape').map(a => `${a.depth} ${a.component.id}`),
      ['1 src/lib/index.ts', '1 src/square.ts#Square', '2 src/app.ts', '2 src/app.ts#main', '2 src/square.ts'],
    );
    assert.ok(!affected.some(a => a.component.id.startsWith('src/a.ts')), 'unrelated modules are not');
    // by absolute path, as the editor gives it
    assert.deepStrictEqual(
      ids(w.graph.findAffectedComponents(`${root}/src/lib/math.ts`).map(a => a.component)),
      ids(affected.map(a => a.component)),
    );
  });

  it('findCycles names each import cycle', () => {
    assert.deepStrictEqual(w.graph.findCycles(), [['src/a.ts', 'src/b.ts']]);
  });

  it('getStatistics counts components by kind and lists the most depended-on and largest modules', () => {
    const s = w.graph.getStatistics();
    assert.strictEqual(s.files, 7);
    assert.deepStrictEqual(
      [
        s.components.module,
        s.components.class,
        s.components.interface,
        s.components.package,
        s.cycles,
        s.unresolvedImports,
      ],
      [7, 2, 1, 2, 1, 0],
    );
    assert.ok(
      s.relations.calls >= 3 &&
        s.relations.extends === 1 &&
        s.relations.implements === 1 &&
        s.relations.reexports === 2,
    );
    assert.strictEqual(s.mostDependedOn[0].id, 'src/lib/math.ts');
  });

  it('search finds components by name: exact, then prefix, then substring', () => {
    assert.deepStrictEqual(
      w.graph
        .search('shape')
        .map(c => c.id)
        .slice(0, 2),
      ['src/lib/shape.ts#Shape', 'src/lib/shape.ts'],
    );
    assert.deepStrictEqual(
      w.graph.search('SQU').map(c => c.id),
      ['src/square.ts#Square', 'src/square.ts'],
    );
    assert.deepStrictEqual(w.graph.search('   '), []);
  });

  it('exports the graph as JSON, Mermaid and DOT', () => {
    const json = w.graph.exportJson();
    assert.strictEqual(json.format, 'continuum.graph');
    assert.ok(json.components.some(c => c.id === 'pkg:chalk'));
    assert.ok(
      json.relations.some(
        r => r.kind === 'extends' && r.from === 'src/square.ts#Square' && r.to === 'src/lib/shape.ts#Shape',
      ),
    );
    const mermaid = w.graph.exportMermaid();
    assert.match(mermaid, /^graph LR\n/);
    assert.match(mermaid, /\["src\/app\.ts"\]/);
    const dot = w.graph.exportDot({ focus: 'src/a.ts' });
    assert.strictEqual(
      dot,
      'digraph continuum {\n  rankdir=LR;\n  node [shape=box];\n  "src/a.ts" -> "src/b.ts";\n  "src/b.ts" -> "src/a.ts";\n}\n',
    );
  });

  it('a query about an unknown component says what to do', () => {
    assert.throws(
      () => w.graph.getDependencies('src/gone.ts'),
      /no component "src\/gone\.ts": search for it by name, or rebuild/,
    );
  });

  it('stores resolved module edges for readers of the store', () => {
    const rows = w.store.all<{ to_id: string; kind: string; names: string }>(
      "SELECT to_id, kind, names FROM graph_edges WHERE from_id = 'src/lib/index.ts' ORDER BY to_id",
    );
    assert.deepStrictEqual(rows, [
      { to_id: 'src/lib/math.ts', kind: 'reexports', names: '["*"]' },
      { to_id: 'src/lib/shape.ts', kind: 'reexports', names: '["Shape"]' },
    ]);
  });

  describe('incremental updates', () => {
    it('a changed file gets new relations, and the graph equals a fresh build', async () => {
      w.write({ 'src/b.ts': `export function b() { return 2; }\n` });
      await w.graph.updateFiles([`${root}/src/b.ts`]);
      assert.deepStrictEqual(w.graph.findCycles(), []);
      assert.deepStrictEqual(ids(w.graph.getDependents('src/a.ts')), []);
      const fresh = await graphWorld({ ...app, 'src/b.ts': `export function b() { return 2; }\n` });
      await fresh.build();
      assert.deepStrictEqual(sortJson(w.graph.exportJson()), sortJson(fresh.graph.exportJson()));
    });

    it('an edit inside a body keeps the relations other files have into it, as a fresh build would', async () => {
      const math = `export function add(a: number, b: number) { return b + a; }\nexport function twice(n: number) { return add(n, n); }\n`;
      w.write({ 'src/lib/math.ts': math });
      assert.deepStrictEqual(
        await w.graph.updateFiles([`${root}/src/lib/math.ts`]),
        ['src/lib/math.ts'],
        'only the edited file is relinked',
      );
      assert.deepStrictEqual(ids(w.graph.getDependents('src/lib/math.ts#twice')), [
        'src/lib/index.ts',
        'src/square.ts#Square.size',
      ]);
      const fresh = await graphWorld({ ...app, 'src/lib/math.ts': math });
      await fresh.build();
      assert.deepStrictEqual(sortJson(w.graph.exportJson()), sortJson(fresh.graph.exportJson()));
    });

    it('a deleted file takes its components and edges with it; its importers now have an unresolved import', async () => {
      w.remove('src/lib/shape.ts');
      await w.graph.updateFiles([`${root}/src/lib/shape.ts`]);
      assert.strictEqual(w.graph.getComponent('src/lib/shape.ts#Shape'), undefined);
      assert.deepStrictEqual(w.graph.index().unresolvedImports(), [
        { file: 'src/lib/index.ts', specifier: './shape', line: 2 },
      ]);
      assert.deepStrictEqual(w.store.all("SELECT to_id FROM graph_edges WHERE to_id = 'src/lib/shape.ts'"), []);
    });

    it('a rename (old and new name) moves the module; a created file resolves imports that waited for it', async () => {
      w.write({ 'src/lib/shapes.ts': w.host.readFileSync(`${root}/src/lib/shape.ts`) });
      w.remove('src/lib/shape.ts');
      w.write({ 'src/lib/index.ts': `export * from './math';\nexport { Shape as BaseShape } from './shapes';\n` });
      await w.graph.updateFiles([`${root}/src/lib/shape.ts`, `${root}/src/lib/shapes.ts`, `${root}/src/lib/index.ts`]);
      assert.deepStrictEqual(ids(w.graph.getDependents('src/lib/shapes.ts#Shape')), [
        'src/lib/index.ts',
        'src/square.ts#Square',
      ]);
      assert.strictEqual(w.graph.getComponent('src/lib/shape.ts'), undefined);
      assert.deepStrictEqual(w.graph.index().unresolvedImports(), []);
    });

    it('a file outside the graph (excluded, not source) changes nothing', async () => {
      w.write({ 'node_modules/x/index.js': 'module.exports = 1', 'README.md': '# hi' });
      assert.deepStrictEqual(await w.graph.updateFiles([`${root}/node_modules/x/index.js`, `${root}/README.md`]), []);
      assert.strictEqual(w.graph.getStatistics().files, 7);
    });

    it('an edited tsconfig changes how aliases resolve', async () => {
      w.write({ 'tsconfig.json': '{ "compilerOptions": {} }' });
      await w.graph.updateFiles([`${root}/tsconfig.json`]);
      assert.deepStrictEqual(w.graph.index().unresolvedImports(), []);
      assert.ok(
        ids(w.graph.getDependencies('src/app.ts')).includes('pkg:@lib/math'),
        'without paths, @lib/math is an external package',
      );
    });
  });

  describe('persistence', () => {
    it('after a reopen the graph loads from the store, and a rebuild parses only the files that changed', async () => {
      const before = sortJson(w.graph.exportJson());
      const again = await w.reopen();
      w = again;
      assert.deepStrictEqual(sortJson(w.graph.exportJson()), before);
      assert.deepStrictEqual(ids(w.graph.getDependencies('src/lib/math.ts#twice')), ['src/lib/math.ts#add']);
      w.write({
        'src/lib/math.ts': `export function add(a: number, b: number) { return b + a; }\nexport function twice(n: number) { return n * 2; }\n`,
      });
      const summary = await w.build();
      assert.deepStrictEqual([summary.files, summary.parsed], [7, 1]);
      assert.strictEqual(w.parsedCount(), 1);
      assert.deepStrictEqual(ids(w.graph.getDependencies('src/lib/math.ts#twice')), []);
    });

    it('a rebuild after a one-file edit relinks that file and its importers only, not the whole graph, when the configuration is the same', async () => {
      w = await w.reopen();
      const relinked: string[][] = [];
      w.graph.onDidChange(change => relinked.push(change.files));
      w.write({
        'src/b.ts': `import { a } from './a';\nexport function b() { return a; }\nexport function c() { return 1; }\n`,
      });
      await w.build();
      // a.ts imports only b from b.ts, which is still there: b.ts alone is relinked
      assert.deepStrictEqual(
        relinked.map(files => [...files].sort()),
        [['src/b.ts']],
      );
    });

    it('a file deleted while the window was closed is gone after the next build', async () => {
      w = await w.reopen();
      w.remove('src/a.ts');
      const summary = await w.build();
      assert.deepStrictEqual([summary.removed, summary.parsed], [1, 0]);
      assert.strictEqual(w.graph.getComponent('src/a.ts'), undefined);
    });
  });
});

function sortJson(json: {
  components: Array<{ id: string }>;
  relations: Array<{ from: string; to: string; kind: string }>;
}) {
  return {
    components: [...json.components].sort((a, b) => a.id.localeCompare(b.id)),
    relations: json.relations.map(r => JSON.stringify(r)).sort(),
  };
}

describe('knowledge graph: assets', () => {
  it('imports of styles, images and data are edges to asset components, not unresolved imports', async () => {
    const w = await graphWorld({
      'tsconfig.json': `{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }`,
      'src/lib/math.ts': `export function twice(n: number) { return n * 2; }\n`,
      'src/logo.svg': `<svg xmlns="http://www.w3.org/2000/svg"/>`,
      'src/view.tsx': `import logo from './logo.svg';\nimport './view.css';\nimport { twice } from '@lib/math';\nexport const View = () => <img src={logo} width={twice(2)} />;\n`,
    });
    try {
      await w.build();
      assert.deepStrictEqual(ids(w.graph.getDependencies('src/view.tsx')), [
        'asset:src/logo.svg',
        'asset:src/view.css',
        'src/lib/math.ts',
      ]);
      assert.deepStrictEqual(w.graph.getComponent('asset:src/logo.svg'), {
        id: 'asset:src/logo.svg',
        kind: 'asset',
        name: 'src/logo.svg',
        file: 'src/logo.svg',
      });
      assert.deepStrictEqual(w.graph.index().unresolvedImports(), []);
      assert.strictEqual(w.graph.getStatistics().components.asset, 2);
      // what a changed image affects, asked by its path as Show Affected Components does for an open file
      assert.deepStrictEqual(
        w.graph.findAffectedComponents(`${root}/src/logo.svg`).map(a => a.component.id),
        ['src/view.tsx'],
      );
      assert.ok(w.graph.exportJson().components.some(c => c.id === 'asset:src/view.css'));
    } finally {
      w.graph.dispose();
      await w.store.close();
    }
  });
});
