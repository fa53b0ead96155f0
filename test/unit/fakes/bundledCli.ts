// A Continuum entry point bundled as the extension ships its scripts (one CommonJS file for Node,
// sql.js's WebAssembly beside it), for tests that run it as a real child process.
import { buildSync } from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';

const cliMain = path.join(__dirname, '../../../src/cli/main.ts');

/** Bundles `entry` (default: the CLI) into `outDir` as `name`; returns the script to run. */
export function bundleForNode(outDir: string, entry = cliMain, name = 'cli.js'): string {
  const outfile = path.join(outDir, name);
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(outDir, 'sql-wasm.wasm'));
  return outfile;
}
