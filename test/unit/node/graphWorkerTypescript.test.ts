import * as assert from 'assert';
import { build as bundle } from 'esbuild';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ParsedFile } from '../../../src/core/graph/parser';
import { WorkerGraphParser } from '../../../src/node/graphWorkerParser';
import { scanAhead, startGraphWorker } from '../../../src/node/graphWorkerStart';
import { writeFiles } from '../fakes/diskFiles';

// The graph worker loads TypeScript (9 MB; 200–250 ms of its start) only when a file needs the parser:
// a build whose files are all read from tokens never loads it. The worker is bundled here as esbuild.js
// bundles it (its plugin turns `ts-morph` into a getter of ./typescript.js beside the bundle), started
// as a real worker thread by the real WorkerGraphParser, and every require of typescript.js in it is
// written down in a file.

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the build script is CommonJS
const { tsMorphTypescriptOnly, typescriptFile } = require('../../../esbuild.js') as {
  tsMorphTypescriptOnly(): import('esbuild').Plugin;
  typescriptFile: string;
};

describe('the graph worker and TypeScript', function () {
  this.timeout(60_000);
  let dir: string;
  let probe: string;
  let loads: string;
  let starts: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-worker-ts-'));
    const out = path.join(dir, 'dist');
    await bundle({
      entryPoints: { graphWorkerMain: path.join(__dirname, '../../../src/node/graphWorkerMain.ts') },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'es2022',
      outdir: out,
      plugins: [tsMorphTypescriptOnly()],
      external: ['./typescript.js'],
      logLevel: 'error',
    });
    fs.copyFileSync(typescriptFile, path.join(out, 'typescript.js'));
    loads = path.join(dir, 'typescript-loads.txt');
    starts = path.join(dir, 'worker-starts.txt');
    // the worker's entry: notes every load of typescript.js, then runs the bundled worker
    probe = path.join(out, 'probe.js');
    fs.writeFileSync(
      probe,
      `const Module = require('module');
const fs = require('fs');
fs.appendFileSync(${JSON.stringify(starts)}, 'start\\n');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/typescript\\.js$/.test(request)) fs.appendFileSync(${JSON.stringify(loads)}, request + '\\n');
  return load.call(this, request, ...rest);
};
require('./graphWorkerMain.js');
`,
    );
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function folder(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(dir, 'ws-'));
    writeFiles(root, files);
    return root.split(path.sep).join('/');
  }

  async function buildWith(parser: WorkerGraphParser, root: string): Promise<ParsedFile[]> {
    const records: ParsedFile[] = [];
    await parser.build({ roots: [root], exclude: [], maxFileBytes: 1 << 20, known: [] }, batch =>
      records.push(...batch.records),
    );
    return records;
  }

  async function build(files: Record<string, string>): Promise<{ records: ParsedFile[]; typescriptLoaded: boolean }> {
    const root = folder(files);
    fs.rmSync(loads, { force: true });
    const parser = new WorkerGraphParser(probe);
    try {
      return { records: await buildWith(parser, root), typescriptLoaded: fs.existsSync(loads) };
    } finally {
      parser.dispose();
    }
  }

  /** How many workers started since `starts` was last removed. */
  const started = () =>
    fs.existsSync(starts) ? fs.readFileSync(starts, 'utf8').split('\n').filter(Boolean).length : 0;

  const project = {
    'tsconfig.json':
      '{\n  // paths for the app\n  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] }, },\n}\n',
    'package.json': '{ "name": "app", "version": "1.0.0" }',
    'src/a.ts': "import { b } from '@/b';\nexport function a(): number {\n  return b() + 1;\n}\n",
    'src/b.ts': 'export const b = (): number => 2;\n',
    'src/view.tsx': 'import { a } from \'./a\';\nexport const View = () => <div title="x">{a()}</div>;\n',
  };

  it('reads a project whose files all read from tokens without ever loading TypeScript', async () => {
    const { records, typescriptLoaded } = await build(project);
    assert.strictEqual(records.length, 3);
    assert.ok(records.every(r => r.status === 'parsed'));
    assert.strictEqual(typescriptLoaded, false, 'the worker loaded typescript.js');
  });

  it('loads TypeScript when a file needs the parser, and parses it', async () => {
    // `/// <reference path>` is left to the parser (quickExtract.ts)
    const { records, typescriptLoaded } = await build({
      ...project,
      'src/c.ts': '/// <reference path="./b.ts" />\nexport function c() {\n  return 3;\n}\n',
    });
    assert.strictEqual(records.length, 4);
    assert.ok(records.every(r => r.status === 'parsed'));
    assert.strictEqual(typescriptLoaded, true, 'the probe saw no load of typescript.js');
  });

  it('keeps its worker after a build that read a few files, and stops it after one that read many', async () => {
    const few = folder(project);
    const many: Record<string, string> = {};
    for (let i = 0; i < 80; i++) many[`src/m${i}.ts`] = `export const v${i} = ${i};\n`;
    const large = folder(many);
    fs.rmSync(starts, { force: true });
    const parser = new WorkerGraphParser(probe);
    try {
      assert.strictEqual((await buildWith(parser, few)).length, 3);
      assert.strictEqual((await buildWith(parser, few)).length, 3);
      assert.strictEqual(started(), 1, 'the second small build ran on the same worker');
      assert.strictEqual((await buildWith(parser, large)).length, 80);
      assert.strictEqual((await buildWith(parser, few)).length, 3);
      assert.strictEqual(started(), 2, 'the build after the large one had a new worker');
    } finally {
      parser.dispose();
    }
  });

  it('takes over a worker started before it (as `graph build` starts one): builds on it, and starts no other', async () => {
    const root = folder(project);
    fs.rmSync(starts, { force: true });
    const worker = startGraphWorker(probe, { rememberFolders: false });
    scanAhead(worker, { roots: [root], exclude: [] });
    const parser = new WorkerGraphParser(probe, { started: worker, rememberFolders: false });
    try {
      await parser.loaded();
      assert.strictEqual((await buildWith(parser, root)).length, 3);
      assert.strictEqual(started(), 1);
    } finally {
      parser.dispose();
    }
  });

  it('says when its worker has loaded its code, and when it could not start', async () => {
    // a worker whose code takes 300 ms to load
    const slow = path.join(path.dirname(probe), 'slow.js');
    fs.writeFileSync(slow, "const until = Date.now() + 300; while (Date.now() < until);\nrequire('./probe.js');\n");
    const parser = new WorkerGraphParser(slow);
    try {
      const asked = Date.now();
      parser.warm();
      await parser.loaded();
      assert.ok(Date.now() - asked >= 300, `loaded after ${Date.now() - asked} ms`);
    } finally {
      parser.dispose();
    }
    const broken = new WorkerGraphParser(path.join(dir, 'no-such-worker.js'));
    broken.warm();
    await broken.loaded(); // settles (the test would time out otherwise)
    broken.dispose();
  });

  it('a worker without TypeScript stays idle for lightIdleMs; once it loaded TypeScript, for idleMs only', async () => {
    const light = folder(project);
    const heavy = folder({
      ...project,
      'src/c.ts': '/// <reference path="./b.ts" />\nexport function c() {\n  return 3;\n}\n',
    });
    fs.rmSync(starts, { force: true });
    const parser = new WorkerGraphParser(probe, { idleMs: 50, lightIdleMs: 60_000 });
    const quiet = () => new Promise(resolve => setTimeout(resolve, 400));
    try {
      await buildWith(parser, light);
      await quiet();
      await buildWith(parser, light);
      assert.strictEqual(started(), 1, 'the worker without TypeScript stayed');
      await buildWith(parser, heavy);
      await quiet();
      await buildWith(parser, light);
      assert.strictEqual(started(), 2, 'the worker with TypeScript stopped after idleMs');
    } finally {
      parser.dispose();
    }
  });
});
