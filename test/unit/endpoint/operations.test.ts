// The writes another process asks the holder for, by name: a malformed request is refused with
// what it needed, before anything runs.
import * as assert from 'assert';
import { openContinuum } from '../../../src/core/continuum';
import { inProcessParser } from '../../../src/core/graph/inProcessParser';
import { runOperation, UnknownOperationError } from '../../../src/node/endpoint/operations';
import { FakeClock } from '../fakes/fakeClock';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';
import { memoryTree } from '../graph/world';
import { InMemoryFileSystemHost } from 'ts-morph';

describe('holder operations', () => {
  it("graph.build runs on the holder's graph, and refuses requests without folders to build", async () => {
    const host = new InMemoryFileSystemHost();
    host.writeFileSync('/ws/src/a.ts', "import { b } from './b'\nexport const a = b\n");
    host.writeFileSync('/ws/src/b.ts', 'export const b = 1\n');
    const core = await openContinuum({
      folder: '/store',
      fs: new MemoryFileSystem(),
      clock: new FakeClock(),
      graphParser: () => inProcessParser(memoryTree(host)),
    });
    try {
      for (const bad of [[], [{}], [{ roots: [] }], [{ roots: '/ws' }], [{ roots: [42] }]])
        await assert.rejects(runOperation(core, 'graph.build', bad), (err: Error) => {
          assert.ok(err instanceof UnknownOperationError, String(err));
          assert.match(err.message, /needs \{ roots \}/);
          return true;
        });
      assert.strictEqual(core.graph.isBuilt, false, 'nothing was built');
      const { value } = await runOperation(core, 'graph.build', [{ roots: ['/ws'] }]);
      assert.deepStrictEqual([(value as { files: number }).files, (value as { parsed: number }).parsed], [2, 2]);
      assert.deepStrictEqual(
        core.graph.getDependencies('src/a.ts').map(c => c.id),
        ['src/b.ts'],
      );
    } finally {
      await core.close();
    }
  });
});
