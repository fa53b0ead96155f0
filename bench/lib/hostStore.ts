// The store as the hosts open it (VS Code and the CLI): the real lock (proper-lockfile), and the
// snapshot copy in its worker thread, bundled for the run as esbuild.js bundles dist/storeWorker.js.
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import type { LockPort } from '../../src/core/ports';
import type { SnapshotCopyFactory } from '../../src/core/store/snapshotCopy';
import { nodeLock } from '../../src/node/lock';
import { workerSnapshotCopies } from '../../src/node/storeWorker';

/** The store's worker, bundled into `folder`; none when STORE_SNAPSHOT_COPY=none. */
export function bundledSnapshotCopies(folder: string): SnapshotCopyFactory | undefined {
  if (process.env.STORE_SNAPSHOT_COPY === 'none') return undefined;
  buildSync({
    entryPoints: { storeWorker: path.join(__dirname, '../../src/node/storeWorkerMain.ts') },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: folder,
    logLevel: 'error',
  });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(folder, 'sql-wasm.wasm'));
  return workerSnapshotCopies(path.join(folder, 'storeWorker.js'));
}

/** What openContinuum/openStore take to open a store as the hosts do; the worker is bundled into `binFolder`. */
export function hostStoreOptions(binFolder: string): { lock: LockPort; snapshots?: SnapshotCopyFactory } {
  const snapshots = bundledSnapshotCopies(binFolder);
  return { lock: nodeLock(), ...(snapshots ? { snapshots } : {}) };
}
