// `continuum graph build` as people run it: the CLI bundled as `npm run package` ships it (cli.js,
// which picks V8's flags and loads the graph-only bundle, the graph's worker beside it), as a real
// process on a real folder: a first build, a build after a one-line edit that reads only that file,
// what a change affects, a store another process writes to, and one whose holder builds for it (and
// keeps track of every kind of change through its folder watches).
import * as assert from 'assert';
import { execFile, execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { callAgentTool } from '../../../src/core/agents/index';
import { openContinuum } from '../../../src/core/continuum';
import { silentLogger } from '../../../src/core/ports';
import { openStore } from '../../../src/core/store/store';
import { serveHolder } from '../../../src/node/endpoint/holder';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { WorkerGraphParser } from '../../../src/node/graphWorkerParser';
import { nodeLock } from '../../../src/node/lock';
import { damagedWithValidChecksum } from '../store/damagedSnapshot';
import { writeFiles } from '../fakes/diskFiles';

const repo = path.join(__dirname, '../../..');

describe('continuum graph build (the shipped CLI, a real process)', function () {
  this.timeout(120_000);
  let bundles: string;
  let work: string;
  let cli: string;
  before(() => {
    bundles = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-graphbin-'));
    execFileSync(process.execPath, ['esbuild.js', '--production', '--outdir', bundles], { cwd: repo, stdio: 'pipe' });
    cli = path.join(bundles, 'cli.js');
  });
  after(() => fs.rmSync(bundles, { recursive: true, force: true }));
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-graphcli-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  /** A small project: a path alias, a barrel, files git ignores, and a build folder nobody reads. */
  function project(): string {
    const ws = path.join(work, 'app');
    const files: Record<string, string> = {
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }',
      '.gitignore': 'generated/\n',
      'src/lib/math.ts': 'export function add(a: number, b: number) { return a + b }\n',
      'src/lib/index.ts': "export * from './math'\n",
      'src/app.ts': "import { add } from '@lib/math'\nexport const total = add(1, 2)\n",
      'src/cli.ts': "import { total } from './app'\nconsole.log(total)\n",
      'generated/big.ts': "import { add } from '../src/lib'\nexport const x = add(0, 0)\n",
      'dist/app.js': 'exports.total = 3\n',
    };
    writeFiles(ws, files);
    return ws;
  }

  const graph = (store: string, ...args: string[]) =>
    spawnSync(process.execPath, [cli, 'graph', ...args, '--store', store], { encoding: 'utf8' });

  /** The build ended well, with 4 files of which `parsed` were read. */
  function builds(run: Pick<ReturnType<typeof graph>, 'status' | 'stdout' | 'stderr'>, parsed: number): void {
    assert.strictEqual(run.status, 0, run.stderr);
    const summary = new RegExp(`^4 files \\(${parsed} parsed, 0 failed to parse, 0 skipped as too large, 0 removed\\)`);
    assert.match(run.stdout, summary, run.stdout);
  }

  it('builds, then after a one-line edit reads only the edited file, and says what a change affects', () => {
    const ws = project();
    const store = path.join(work, 'store');
    builds(graph(store, 'build', ws), 4);
    fs.appendFileSync(path.join(ws, 'src/app.ts'), 'export const more = 1\n');
    builds(graph(store, 'build', ws), 1);

    const affected = graph(store, 'affected', path.join(ws, 'src/lib/math.ts'));
    assert.strictEqual(affected.status, 0, affected.stderr);
    assert.match(affected.stdout, /may be affected by a change to src\/lib\/math\.ts/, affected.stdout);
    assert.match(affected.stdout, /src\/app\.ts/, 'the alias import counts');
    assert.match(affected.stdout, /src\/cli\.ts/, 'and what imports the importer');
    assert.doesNotMatch(affected.stdout, /generated\//, 'ignored files are not read');
  });

  it('on a store another process writes to, says who holds it and builds nothing (no stack trace)', async () => {
    const ws = project();
    const store = path.join(work, 'store');
    builds(graph(store, 'build', ws), 4);
    fs.appendFileSync(path.join(ws, 'src/app.ts'), 'export const more = 1\n');
    const held = await openStore({ folder: store, fs: nodeFileSystem, lock: nodeLock() });
    try {
      const refused = graph(store, 'build', ws);
      assert.strictEqual(refused.status, 1, refused.stderr);
      assert.match(
        refused.stderr,
        /^continuum: The knowledge graph cannot be built here: .* is already writing to this store/m,
      );
      assert.doesNotMatch(refused.stderr, /^\s+at /m, refused.stderr);
    } finally {
      await held.close();
    }
    builds(graph(store, 'build', ws), 1); // the edit is read once the store is free
  });

  /** The store opened and served in this process, as a VS Code window holds it, with the shipped graph worker. */
  it("on a store whose snapshot is damaged under a matching checksum, stops when SQLite's check (run while the worker reads) finds it, and the next build recovers", async () => {
    const ws = project();
    const store = path.join(work, 'store');
    builds(graph(store, 'build', ws), 4);
    const opened = await openStore({ folder: store, fs: nodeFileSystem });
    await opened.compact(); // a snapshot and its backup
    await opened.close();
    const snapshot = path.join(store, 'state.db');
    fs.writeFileSync(snapshot, await damagedWithValidChecksum(fs.readFileSync(snapshot)));
    fs.appendFileSync(path.join(ws, 'src/app.ts'), 'export const more = 1\n');

    const stopped = graph(store, 'build', ws);
    assert.notStrictEqual(stopped.status, 0, stopped.stdout);
    assert.match(
      stopped.stderr,
      /^continuum: .*found it damaged \(\*\*\* in database main \*\*\* .*\), so this process stopped writing.* Open the store again/m,
      stopped.stderr,
    );
    assert.strictEqual(stopped.status, 75, 'as a store this process can no longer write to');
    assert.doesNotMatch(stopped.stderr, /^\s+at /m, stopped.stderr);
    assert.strictEqual(fs.readdirSync(store).filter(f => /^state\.db\.\d+\.bad$/.test(f)).length, 1);

    builds(graph(store, 'build', ws), 1); // recovered from the backup: only the edit is read
  });

  async function holdAsAWindow(store: string) {
    const holder = await openContinuum({
      folder: store,
      fs: nodeFileSystem,
      lock: nodeLock(),
      graphParser: () => new WorkerGraphParser(path.join(bundles, 'graphWorker.js')),
    });
    const endpoint = await serveHolder(holder, { kind: 'vscode', logger: silentLogger, callTool: callAgentTool });
    return {
      holder,
      close: async () => {
        await endpoint.close();
        await holder.close();
      },
    };
  }

  /** `continuum graph build` run without blocking this process's event loop (the holder answers in it). */
  const buildWhileHeld = (ws: string, store: string) =>
    new Promise<{ status: number; stdout: string; stderr: string }>(resolve =>
      execFile(process.execPath, [cli, 'graph', 'build', ws, '--store', store], (err, stdout, stderr) =>
        resolve({ status: err ? Number(err.code) : 0, stdout, stderr }),
      ),
    );

  it('on a store a VS Code window holds and serves, the window builds the graph and the CLI prints its summary', async () => {
    const ws = project();
    const store = path.join(work, 'store');
    builds(graph(store, 'build', ws), 4);
    const { holder, close } = await holdAsAWindow(store);
    try {
      fs.appendFileSync(path.join(ws, 'src/app.ts'), 'export function more() { return 1 }\n');
      const run = await buildWhileHeld(ws, store);
      builds(run, 1);
      assert.match(run.stderr, /the store is held by a VS Code window \(pid \d+\): the graph is built there/);
      assert.strictEqual(holder.graph.getComponent('src/app.ts#more')?.kind, 'function', 'the window has the edit');
    } finally {
      await close();
    }
  });

  it('a holder that builds again and again (its folders watched) sees every kind of change the CLI asks it to build after', async () => {
    const ws = project();
    const store = path.join(work, 'store');
    builds(graph(store, 'build', ws), 4);
    const { holder, close } = await holdAsAWindow(store);
    const build = async () => {
      const run = await buildWhileHeld(ws, store);
      assert.strictEqual(run.status, 0, run.stderr);
      return run.stdout;
    };
    const at = (p: string) => path.join(ws, p);
    const kind = (id: string) => holder.graph.getComponent(id)?.kind;
    try {
      await build(); // the holder's first: its worker watches the folders after it
      await build(); // and looks at them on the disk once more, now watched
      assert.match(await build(), /^4 files \(0 parsed/);

      fs.appendFileSync(at('src/app.ts'), 'export function more() { return 1 }\n');
      assert.match(await build(), /^4 files \(1 parsed/);
      assert.strictEqual(kind('src/app.ts#more'), 'function', 'an edit in place');

      fs.writeFileSync(at('src/lib/extra.ts'), 'export function extra() { return 2 }\n');
      assert.match(await build(), /^5 files \(1 parsed/);
      assert.strictEqual(kind('src/lib/extra.ts#extra'), 'function', 'a new file');

      // a folder moved away and another made in its place, its file of the same name and size
      fs.renameSync(at('src/lib'), at('src/old'));
      fs.mkdirSync(at('src/lib'));
      fs.writeFileSync(at('src/lib/math.ts'), 'export function mul(a: number, b: number) { return a * b }\n');
      assert.match(await build(), /^6 files \(4 parsed, 0 failed to parse, 0 skipped as too large, 2 removed\)/);
      assert.strictEqual(kind('src/lib/math.ts#mul'), 'function', 'the new folder’s file');
      assert.strictEqual(kind('src/lib/math.ts#add'), undefined);
      assert.strictEqual(kind('src/old/math.ts#add'), 'function', 'the moved folder’s file');

      fs.appendFileSync(at('src/old/math.ts'), 'export function sub(a: number, b: number) { return a - b }\n');
      assert.match(await build(), /^6 files \(1 parsed/);
      assert.strictEqual(kind('src/old/math.ts#sub'), 'function', 'an edit in the moved folder');

      fs.writeFileSync(at('.gitignore'), 'generated/\nsrc/old/\n');
      assert.match(await build(), /^3 files \(0 parsed, 0 failed to parse, 0 skipped as too large, 3 removed\)/);
    } finally {
      await close();
    }
  });
});
