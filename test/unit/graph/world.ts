// A workspace on ts-morph's in-memory file system, a real store, and a knowledge graph whose parser
// runs in-process: what the graph tests build on.
import { InMemoryFileSystemHost } from 'ts-morph';
import { KnowledgeGraph } from '../../../src/core/graph/knowledgeGraph';
import { inProcessParser } from '../../../src/core/graph/inProcessParser';
import type { SourceTree } from '../../../src/core/graph/scan';
import { openStore } from '../../../src/core/store/store';
import type { Store } from '../../../src/core/store/types';
import { FakeClock } from '../fakes/fakeClock';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';

export const root = '/ws';

export function memoryTree(host: InMemoryFileSystemHost): SourceTree {
  return {
    list: dir =>
      host.directoryExistsSync(dir)
        ? host.readDirSync(dir).map(e => ({
            name: e.name.slice(e.name.lastIndexOf('/') + 1),
            kind: e.isDirectory ? 'dir' : e.isFile ? 'file' : 'other',
          }))
        : [],
    read: path => (host.fileExistsSync(path) ? host.readFileSync(path) : undefined),
    size: path => (host.fileExistsSync(path) ? Buffer.byteLength(host.readFileSync(path)) : undefined),
  };
}

export interface GraphWorld {
  host: InMemoryFileSystemHost;
  store: Store;
  graph: KnowledgeGraph;
  storeFs: MemoryFileSystem;
  clock: FakeClock;
  write(files: Record<string, string>): void;
  remove(...paths: string[]): void;
  build(options?: {
    exclude?: string[];
    maxFileBytes?: number;
    signal?: AbortSignal;
  }): ReturnType<KnowledgeGraph['build']>;
  /** Closes the store and opens it again with a new graph (a window reload). */
  reopen(): Promise<GraphWorld>;
  /** How many files the parser has been asked to parse so far. */
  parsedCount(): number;
  /** What the graph logged (info, warnings, errors), in order. */
  logs: string[];
}

export async function graphWorld(
  files: Record<string, string>,
  shared?: { host: InMemoryFileSystemHost; storeFs: MemoryFileSystem; clock: FakeClock },
): Promise<GraphWorld> {
  const host = shared?.host ?? new InMemoryFileSystemHost();
  const storeFs = shared?.storeFs ?? new MemoryFileSystem();
  const clock = shared?.clock ?? new FakeClock();
  for (const [path, text] of Object.entries(files)) host.writeFileSync(`${root}/${path}`, text);
  const store = await openStore({ folder: '/store', fs: storeFs, clock, idleCompactMs: 0 });
  const parser = inProcessParser(memoryTree(host));
  let parsed = 0;
  const counting = {
    ...parser,
    build: (
      request: Parameters<typeof parser.build>[0],
      onBatch: Parameters<typeof parser.build>[1],
      signal?: AbortSignal,
    ) =>
      parser.build(
        request,
        batch => {
          parsed += batch.records.length;
          onBatch(batch);
        },
        signal,
      ),
  };
  const logs: string[] = [];
  const logger = {
    info: (m: string) => logs.push(m),
    warn: (m: string) => logs.push(m),
    error: (m: string) => logs.push(m),
  };
  const graph = new KnowledgeGraph(store, () => counting, clock, logger);
  const world: GraphWorld = {
    host,
    store,
    graph,
    storeFs,
    clock,
    write(more) {
      for (const [path, text] of Object.entries(more)) host.writeFileSync(`${root}/${path}`, text);
    },
    remove(...paths) {
      for (const p of paths) host.deleteSync(`${root}/${p}`);
    },
    build: (options = {}) => graph.build({ roots: [root], ...options }),
    async reopen() {
      graph.dispose();
      await store.close();
      return graphWorld({}, { host, storeFs, clock });
    },
    parsedCount: () => parsed,
    logs,
  };
  return world;
}
