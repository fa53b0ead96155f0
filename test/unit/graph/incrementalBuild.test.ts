import * as assert from 'assert';
import { graphWorld, type GraphWorld } from './world';

/** Seventy modules in a chain through a barrel, an alias, a re-export and a cycle: enough files that a build's journal is worth compacting. */
function workspace(edit = ''): Record<string, string> {
  const files: Record<string, string> = {
    'tsconfig.json': `{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }`,
    'src/lib/index.ts': `export * from './m0';\nexport { m1 as first } from './m1';\n`,
    'src/app.ts': `import { m0, first } from './lib';\nimport { m2 } from '@lib/m2';\nimport chalk from 'chalk';\nexport function main() { return m0() + first() + m2() + chalk; }\n`,
  };
  for (let i = 0; i < 70; i++) {
    const next = `./m${(i + 1) % 70}`;
    files[`src/lib/m${i}.ts`] =
      `import { m${(i + 1) % 70} } from '${next}';\nexport function m${i}(): number { return ${i === 5 ? edit || '5' : `m${(i + 1) % 70}()`}; }\n`;
  }
  return files;
}

const edges = (w: GraphWorld) =>
  w.store.all('SELECT from_id, to_id, kind, names FROM graph_edges ORDER BY from_id, to_id, kind');
/** The graph as JSON, in an order that does not depend on the order files were loaded in. */
const sorted = (w: GraphWorld) => {
  const json = w.graph.exportJson();
  return {
    components: json.components.map(c => JSON.stringify(c)).sort(),
    relations: json.relations.map(r => JSON.stringify(r)).sort(),
  };
};
const journalBytes = (w: GraphWorld) =>
  w.storeFs.find('/store', /journal-\d+\.log$/).reduce((n, f) => n + (w.storeFs.files.get(f)?.length ?? 0), 0);

describe('knowledge graph: rebuilding an existing store', () => {
  let w: GraphWorld;

  beforeEach(async () => {
    w = await graphWorld(workspace());
    await w.build();
  });

  afterEach(async () => {
    w.graph.dispose();
    await w.store.close();
  });

  it('a build that stored many files leaves the store compacted, so the next open does not replay its journal', () => {
    assert.strictEqual(journalBytes(w), 0);
  });

  it('a rebuild after a one-file edit on a reopened store does not load every file, and its stored edges and graph equal a fresh build', async () => {
    w = await w.reopen();
    const changes: string[][] = [];
    w.graph.onDidChange(change => changes.push([...change.files].sort()));
    const edited = workspace(`m6() + 1`);
    edited['src/lib/m5.ts'] =
      `import { m6 } from './m6';\nimport { join } from 'node:path';\nexport function m5(): number { return m6() + join.length; }\nexport const extra = 1;\n`;
    w.write(edited);
    const summary = await w.build();
    assert.deepStrictEqual([summary.files, summary.parsed, summary.removed], [72, 1, 0]);
    assert.ok(!w.logs.some(line => line.includes('loaded')), `the graph was loaded: ${w.logs.join('; ')}`);
    // m4 imports only m5 from it, which is still there: the edited file alone is relinked
    assert.deepStrictEqual(changes, [['src/lib/m5.ts']]);

    const fresh = await graphWorld(edited);
    try {
      await fresh.build();
      assert.deepStrictEqual(edges(w), edges(fresh));
      assert.deepStrictEqual(sorted(w), sorted(fresh));
      assert.deepStrictEqual(w.graph.getStatistics(), fresh.graph.getStatistics());
    } finally {
      fresh.graph.dispose();
      await fresh.store.close();
    }
  });

  it('a rebuild on a reopened store after an edit that changes what a file exports relinks its importers, through re-exports', async () => {
    w = await w.reopen();
    const changes: string[][] = [];
    w.graph.onDidChange(change => changes.push([...change.files].sort()));
    const edited = workspace();
    edited['src/lib/m0.ts'] = `export function zero(): number { return 0; }\n`;
    w.write(edited);
    await w.build();
    assert.deepStrictEqual(changes, [['src/app.ts', 'src/lib/index.ts', 'src/lib/m0.ts', 'src/lib/m69.ts']]);
    const fresh = await graphWorld(edited);
    try {
      await fresh.build();
      assert.deepStrictEqual(edges(w), edges(fresh));
      assert.deepStrictEqual(sorted(w), sorted(fresh));
    } finally {
      fresh.graph.dispose();
      await fresh.store.close();
    }
  });

  it('a rebuild on a reopened store after a file was added or removed resolves every import again, as a fresh build', async () => {
    w = await w.reopen();
    const edited = workspace();
    delete edited['src/lib/m3.ts'];
    edited['src/lib/extra.ts'] = `import { m3 } from './m3';\nexport const extra = m3;\n`;
    w.remove('src/lib/m3.ts');
    w.write(edited);
    const summary = await w.build();
    assert.deepStrictEqual([summary.parsed, summary.removed], [1, 1]);
    const fresh = await graphWorld(edited);
    try {
      await fresh.build();
      assert.deepStrictEqual(edges(w), edges(fresh));
      assert.deepStrictEqual(sorted(w), sorted(fresh));
      assert.deepStrictEqual(w.graph.index().unresolvedImports(), fresh.graph.index().unresolvedImports());
    } finally {
      fresh.graph.dispose();
      await fresh.store.close();
    }
  });

  it('a rebuild on a reopened store after a tsconfig edit resolves every import with the new options, as a fresh build', async () => {
    w = await w.reopen();
    const edited = { ...workspace(), 'tsconfig.json': '{ "compilerOptions": {} }' };
    w.write(edited);
    await w.build();
    const fresh = await graphWorld(edited);
    try {
      await fresh.build();
      assert.ok(
        edges(w).some(e => (e as { to_id: string }).to_id === 'pkg:@lib/m2'),
        'without paths, @lib/m2 is an external package',
      );
      assert.deepStrictEqual(edges(w), edges(fresh));
      assert.deepStrictEqual(sorted(w), sorted(fresh));
    } finally {
      fresh.graph.dispose();
      await fresh.store.close();
    }
  });
});
