// The store's snapshot worker, bundled as the extension ships it (dist/storeWorker.js), beside a
// crash child, whose store runs its compactions in it as VS Code's and the CLI's do.
import * as path from 'path';
import { buildSync } from 'esbuild';

export function buildStoreWorker(outDir: string): void {
  buildSync({
    entryPoints: { storeWorker: path.join(__dirname, '../../../../src/node/storeWorkerMain.ts') },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: outDir,
    logLevel: 'error',
  });
}
