import * as assert from 'assert';
import { InMemoryFileSystemHost } from 'ts-morph';
import type { BuildRequest, ParseBatch } from '../../../src/core/graph/parser';
import { ParseSession } from '../../../src/core/graph/parseSession';
import { memoryTree, root } from './world';

function workspace(): InMemoryFileSystemHost {
  const host = new InMemoryFileSystemHost();
  host.writeFileSync(
    `${root}/tsconfig.json`,
    `{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] } } }`,
  );
  host.writeFileSync(`${root}/src/a.ts`, `import { b } from '@/b';\nexport const a = b;\n`);
  host.writeFileSync(`${root}/src/b.ts`, `export const b = 1;\n`);
  return host;
}

const request = (exclude: string[] = []): BuildRequest => ({
  roots: [root],
  exclude,
  maxFileBytes: 1 << 20,
  known: [],
});

function build(session: ParseSession, r: BuildRequest): ParseBatch[] {
  const batches: ParseBatch[] = [];
  session.build(r, b => batches.push(b));
  return batches;
}

describe('scanning ahead of a build', () => {
  it('a build of the folders scanned ahead gives the batches of a build that scans itself', () => {
    const host = workspace();
    const ahead = new ParseSession(memoryTree(host));
    ahead.prepare(request());
    assert.deepStrictEqual(build(ahead, request()), build(new ParseSession(memoryTree(host)), request()));
  });

  it('a build with other exclusions than the scan made ahead scans again', () => {
    const session = new ParseSession(memoryTree(workspace()));
    session.prepare(request());
    const [scan] = build(session, request(['src/b.ts']));
    assert.deepStrictEqual(scan.scanned?.present, ['src/a.ts']);
  });

  it('a scan made ahead serves one build only: the next scans again', () => {
    const host = workspace();
    const session = new ParseSession(memoryTree(host));
    session.prepare(request());
    build(session, request());
    host.writeFileSync(`${root}/src/c.ts`, `export const c = 1;\n`);
    const [scan] = build(session, request());
    assert.deepStrictEqual(scan.scanned?.present, ['src/a.ts', 'src/b.ts', 'src/c.ts']);
  });
});
