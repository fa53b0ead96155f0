import * as assert from 'assert';
import { InMemoryFileSystemHost } from 'ts-morph';
import type { BuildRequest, ParseBatch } from '../../../src/core/graph/parser';
import { ParseSession } from '../../../src/core/graph/parseSession';
import { chunkOrder, sharedBuild, type BuildReader } from '../../../src/core/graph/sharedBuild';
import { memoryTree, root } from './world';

/** 130 modules (three chunks of files) importing each other through an alias and a barrel. */
function workspace(host: InMemoryFileSystemHost): void {
  host.writeFileSync(
    `${root}/tsconfig.json`,
    `{ "compilerOptions": { "baseUrl": ".", "paths": { "@m/*": ["src/*"] } } }`,
  );
  host.writeFileSync(`${root}/src/index.ts`, `export * from './m0';\n`);
  for (let i = 0; i < 130; i++)
    host.writeFileSync(
      `${root}/src/m${i}.ts`,
      `import { m${(i + 1) % 130} } from '@m/m${(i + 1) % 130}';\nimport { m0 } from './index';\nexport function m${i}() { return m${(i + 1) % 130}() + m0(); }\n`,
    );
}

const request: BuildRequest = { roots: [root], exclude: [], maxFileBytes: 1 << 20, known: [] };

/** A session as a reader; `reverse`: its batches are passed on last to first, after it has read them all. */
function reader(session: ParseSession, reverse = false): BuildReader {
  const deliver = (read: (onBatch: (b: ParseBatch) => void) => unknown, onBatch: (b: ParseBatch) => void) => {
    const held: ParseBatch[] = [];
    const result = read(reverse ? b => held.push(b) : onBatch);
    for (const b of held.reverse()) onBatch(b);
    return Promise.resolve(result);
  };
  return {
    build: (r, onBatch) => deliver(b => session.build(r, b), onBatch) as never,
    read: (r, onBatch) => deliver(b => session.read(r, b), onBatch),
  };
}

describe('a build shared by several readers', () => {
  it('passes batches on in the order of their chunks, whatever order they come in', () => {
    const seen: number[] = [];
    const inOrder = chunkOrder(b => seen.push(b.chunk!));
    for (const chunk of [2, 0, 3, 1, 4]) inOrder({ records: [], chunk, done: 0, total: 5 });
    assert.deepStrictEqual(seen, [0, 1, 2, 3, 4]);
  });

  it('gives the caller the batches, files and module edges of a build by one reader', async () => {
    const host = new InMemoryFileSystemHost();
    workspace(host);
    const alone: ParseBatch[] = [];
    const reply = new ParseSession(memoryTree(host)).build(request, b => alone.push(b));
    const shared: ParseBatch[] = [];
    const sharedReply = await sharedBuild(
      reader(new ParseSession(memoryTree(host))),
      [reader(new ParseSession(memoryTree(host)), true)],
      request,
      b => shared.push(b),
    );
    assert.ok(alone.length > 3, 'the workspace has several chunks');
    assert.deepStrictEqual(sharedReply, reply);
    assert.deepStrictEqual(shared, alone);
    assert.strictEqual(
      alone.reduce((n, b) => n + b.records.length, 0),
      131,
    );
  });
});
