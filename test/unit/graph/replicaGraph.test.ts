// The knowledge graph of a read replica (a second window, an agent's MCP server that does not hold
// the store): it answers from what the holder built, including what it built after the replica
// first read the graph.
import * as assert from 'assert';
import { KnowledgeGraph } from '../../../src/core/graph/knowledgeGraph';
import { openStore } from '../../../src/core/store/store';
import { graphWorld } from './world';

describe("a replica's knowledge graph", () => {
  it('reads the graph again once the holder has built or updated it', async () => {
    const w = await graphWorld({ 'src/a.ts': 'export const a = 1;\n' });
    await w.build();
    const store = await openStore({
      folder: '/store',
      fs: w.storeFs,
      clock: w.clock,
      idleCompactMs: 0,
      readOnly: true,
      followMs: 60_000,
    });
    const graph = new KnowledgeGraph(
      store,
      () => {
        throw new Error('a replica parses nothing');
      },
      w.clock,
    );
    try {
      assert.ok(graph.getComponent('src/a.ts'), 'what the holder had built when the replica opened');
      assert.strictEqual(graph.getComponent('src/b.ts'), undefined);

      w.write({ 'src/b.ts': "import { a } from './a';\nexport const b = a;\n" });
      await w.build();
      assert.ok(await store.catchUp(w.store.seq));
      assert.ok(graph.getComponent('src/b.ts'), 'a file the holder added later');
      assert.deepStrictEqual(
        graph.getDependents('src/a.ts').map(c => c.id),
        ['src/b.ts'],
      );
    } finally {
      graph.dispose();
      await store.close();
      w.graph.dispose();
      await w.store.close();
    }
  });
});
