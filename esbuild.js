// One bundler for everything: the extension (Node, CommonJS, `vscode` external), the webview code
// (browser), the CLI, and, with --tests, the integration suite that runs inside the extension host.
//   node esbuild.js               development build with source maps
//   node esbuild.js --production  minified, no source maps (what `npm run package` ships)
//   node esbuild.js --watch       rebuild on change
//   node esbuild.js --tests       also bundle test/integration/suite into out/integration
//   node esbuild.js --outdir DIR  the bundles into DIR instead of dist
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
/** Where the bundles go: dist, or (for tests that run the CLI as shipped) `--outdir DIR`. */
const outdir = process.argv.includes('--outdir') ? process.argv[process.argv.indexOf('--outdir') + 1] : 'dist';
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** @type {import('esbuild').BuildOptions} */
const base = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  target: 'es2022',
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

/**
 * proper-lockfile (src/node/lock.ts) requires graceful-fs only as the default of its `fs` option, which
 * lock.ts always sets. Loading graceful-fs patches the process's `fs` and loads Node's file streams:
 * 10 ms of every CLI command's start (the graph CLI's bundle loaded in 17–24 ms without it, 27–33
 * with). Here it is Node's own `fs`.
 * @returns {import('esbuild').Plugin}
 */
function gracefulFsIsFs() {
  return {
    name: 'graceful-fs-is-fs',
    setup(build) {
      build.onResolve({ filter: /^graceful-fs$/ }, () => ({ path: 'graceful-fs', namespace: 'graceful-fs-is-fs' }));
      build.onLoad({ filter: /.*/, namespace: 'graceful-fs-is-fs' }, () => ({ contents: "module.exports = require('fs');", loader: 'js' }));
    },
  };
}

const node = {
  ...base,
  platform: 'node',
  format: 'cjs',
  external: ['vscode'],
  plugins: [gracefulFsIsFs()],
};

/** TypeScript as ts-morph ships it (in @ts-morph/common): the graph worker's parser. */
const typescriptFile = require.resolve('@ts-morph/common/dist/typescript.js', { paths: [path.dirname(require.resolve('ts-morph'))] });

/**
 * The graph worker parses with the `ts` namespace ts-morph re-exports and nothing else of ts-morph
 * (no Project, no wrapped nodes). This plugin turns the worker's `import { ts } from 'ts-morph'`
 * into a getter that requires './typescript.js' the first time `ts` is read: TypeScript sits beside
 * the bundle as a file of its own, not inside it (a 14 MB bundle of all of ts-morph was 25 MB more
 * memory and 150 ms more start-up per worker), not wrapped in a bundle's module function either, so
 * that Node's compile cache keeps its compiled code, and it is loaded only when a file needs the
 * parser (or a tsconfig is more than JSON with comments): a build whose files are all read from
 * tokens never loads it (test/unit/node/graphWorkerTypescript.test.ts), which saved 200–250 ms of
 * the worker's start. esbuild reads `ts.x` as a property of the import on every use, so the getter
 * stands for TypeScript everywhere.
 * @returns {import('esbuild').Plugin}
 */
function tsMorphTypescriptOnly() {
  return {
    name: 'ts-morph-typescript-only',
    setup(build) {
      build.onResolve({ filter: /^ts-morph$/ }, () => ({ path: 'ts-morph', namespace: 'ts-morph-ts' }));
      build.onLoad({ filter: /.*/, namespace: 'ts-morph-ts' }, () => ({
        contents: "let ts; module.exports = { get ts() { return (ts ??= require('./typescript.js')); } };",
        resolveDir: __dirname,
        loader: 'js',
      }));
    },
  };
}

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir },
  { ...node, entryPoints: { cliMain: 'src/cli/main.ts' }, outdir },
  { ...node, entryPoints: { cli: 'src/cli/cli.ts' }, outdir, banner: { js: '#!/usr/bin/env node' }, external: ['./cliMain.js', './cliGraph.js', './cliGraphBuild.js'] },
  // `continuum graph build`: the holder's client alone, loading the graph's own CLI when nobody holds the store
  { ...node, entryPoints: { cliGraphBuild: 'src/cli/graphBuildMain.ts' }, outdir, external: ['./cliGraph.js'] },
  // `continuum graph …` alone: the store and the knowledge graph, without the rest of the CLI
  { ...node, entryPoints: { cliGraph: 'src/cli/graphMain.ts' }, outdir, external: ['./cliMain.js'] },
  // the knowledge graph's worker thread: ts-morph lives in this bundle only, never in extension.js, and
  // TypeScript (typescript.js beside it) is loaded only when a file needs the parser
  { ...node, entryPoints: { graphWorkerMain: 'src/node/graphWorkerMain.ts' }, outdir, plugins: [gracefulFsIsFs(), tsMorphTypescriptOnly()], external: ['./typescript.js'] },
  // TypeScript itself, beside the worker: minified in every build (3.6 MB instead of 9.1: the worker,
  // which loads it when a file first needs the parser, has it 50–80 ms sooner), still a plain CommonJS file
  { ...base, minify: true, platform: 'node', format: 'cjs', bundle: false, sourcemap: false, entryPoints: { typescript: typescriptFile }, outdir },
  { ...node, entryPoints: { graphWorker: 'src/node/graphWorker.ts' }, outdir, external: ['./graphWorkerMain.js'] },
  // the store's snapshot copy (sql.js) in a worker thread: compactions export there, not in the extension host
  { ...node, entryPoints: { storeWorker: 'src/node/storeWorkerMain.ts' }, outdir },
  { ...base, platform: 'browser', format: 'iife', entryPoints: fs.readdirSync('src/webview').filter(f => /\.ts$/.test(f) && !f.endsWith('.d.ts')).map(f => path.join('src/webview', f)), outdir: path.join(outdir, 'webview') },
];
if (tests) {
  const suite = 'test/integration/suite';
  targets.push({
    ...node, minify: false, sourcemap: 'inline',
    entryPoints: fs.readdirSync(suite).filter(f => f.endsWith('.ts')).map(f => path.join(suite, f)),
    outdir: 'out/integration', external: ['vscode', 'mocha'],
  });
}

/** sql.js loads its WebAssembly next to the bundle at run time. */
function copyAssets() {
  fs.mkdirSync(outdir, { recursive: true });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(outdir, 'sql-wasm.wasm'));
}

async function main() {
  copyAssets();
  const present = targets.filter(t => Object.values(t.entryPoints).length > 0 && [].concat(Object.values(t.entryPoints)).every(p => fs.existsSync(p)));
  if (watch) {
    const contexts = await Promise.all(present.map(t => esbuild.context(t)));
    await Promise.all(contexts.map(c => c.watch()));
    console.log('[watch] watching for changes');
    return;
  }
  await Promise.all(present.map(t => esbuild.build(t)));
}

// required by the graph worker's test, which bundles the worker as this file does
module.exports = { tsMorphTypescriptOnly, typescriptFile };
if (require.main === module) main().catch(e => { console.error(e); process.exit(1); });
