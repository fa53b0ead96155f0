// A Continuum entry point bundled as the extension ships its scripts (one CommonJS file for Node,
// sql.js's WebAssembly beside it, and the store's worker thread as storeWorker.js, which the CLI
// starts from its own folder), for tests that run it as a real child process.
import { buildSync } from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';

const cliMain = path.join(__dirname, '../../../src/cli/main.ts');
const storeWorkerMain = path.join(__dirname, '../../../src/node/storeWorkerMain.ts');

/** Bundles `entry` (default: the CLI) into `outDir` as `name`, with the store's worker beside it; returns the script to run. */
export function bundleForNode(outDir: string, entry = cliMain, name = 'cli.js'): string {
  buildSync({
    entryPoints: { [path.basename(name, '.js')]: entry, storeWorker: storeWorkerMain },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: outDir,
    logLevel: 'error',
  });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(outDir, 'sql-wasm.wasm'));
  return path.join(outDir, name);
}
