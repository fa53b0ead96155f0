// Continuum's daemon as people meet it: a `continuum graph build` that built alone leaves it holding
// the store (the shipped CLI, real processes), the next build after an edit is built there, and it
// gets out of the way: for a command that writes, for an agent's MCP server, on `daemon stop`, after
// its idle time, when its store folder goes, and when it is killed.
import * as assert from 'assert';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { connectToHolder } from '../../../src/node/endpoint/client';
import { writeFiles } from '../fakes/diskFiles';

const repo = path.join(__dirname, '../../..');

describe('continuum daemon (the shipped CLI, real processes)', function () {
  this.timeout(120_000);
  let bundles: string;
  let work: string;
  let cli: string;
  const started: number[] = [];
  before(() => {
    bundles = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-daemonbin-'));
    execFileSync(process.execPath, ['esbuild.js', '--production', '--outdir', bundles], { cwd: repo, stdio: 'pipe' });
    cli = path.join(bundles, 'cli.js');
  });
  after(() => fs.rmSync(bundles, { recursive: true, force: true }));
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-daemon-'));
  });
  afterEach(() => {
    for (const pid of [...started.splice(0), ...daemonsIn(work)]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });

  function project(): string {
    const ws = path.join(work, 'app');
    const files: Record<string, string> = {
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }',
      'src/lib/math.ts': 'export function add(a: number, b: number) { return a + b }\n',
      'src/app.ts': "import { add } from '@lib/math'\nexport const total = add(1, 2)\n",
      'src/cli.ts': "import { total } from './app'\nconsole.log(total)\n",
    };
    writeFiles(ws, files);
    return ws;
  }

  const daemonOn = (more: NodeJS.ProcessEnv = {}) => ({ ...process.env, CONTINUUM_DAEMON: 'on', CI: '', ...more });

  function continuum(args: string[], env: NodeJS.ProcessEnv = daemonOn()) {
    return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
  }

  /** A first build that starts the daemon: its pid, once it serves the store. */
  async function buildLeavingDaemon(store: string, ws: string, env?: NodeJS.ProcessEnv): Promise<number> {
    const first = continuum(['graph', 'build', ws, '--store', store], env);
    assert.strictEqual(first.status, 0, first.stderr);
    assert.match(first.stdout, /^3 files \(3 parsed/, first.stdout);
    const said = /Continuum's daemon \(pid (\d+)\) keeps the store open/.exec(first.stderr);
    assert.ok(said, `the build says it left a daemon: ${first.stderr}`);
    const pid = Number(said[1]);
    started.push(pid);
    // it serves the store, and has looked over the folders once (an edit made while it does is
    // read by that first look, and the next build would rightly read nothing)
    await eventually(async () => {
      const client = await connectToHolder(store, 'cli');
      client?.close();
      return client?.holder.kind === 'daemon' && client.holder.pid === pid;
    }, 'the daemon serves the store');
    await eventually(
      async () => /warmed the graph/.test(fs.readFileSync(path.join(store, 'daemon.log'), 'utf8')),
      'the daemon warms the graph',
    );
    return pid;
  }

  it('holds the store after a build, builds the next one after an edit, and ends on `daemon stop`', async () => {
    const ws = project();
    const store = path.join(work, 'store');
    const pid = await buildLeavingDaemon(store, ws);
    fs.appendFileSync(path.join(ws, 'src/app.ts'), 'export const more = 1\n');
    const next = continuum(['graph', 'build', ws, '--store', store]);
    assert.strictEqual(next.status, 0, next.stderr);
    assert.match(next.stderr, new RegExp(`held by Continuum's daemon \\(pid ${pid}\\): the graph is built there`));
    assert.match(next.stdout, /^3 files \(1 parsed, 0 failed/, next.stdout);
    assert.doesNotMatch(next.stderr, /keeps the store open/, 'no second daemon');
    const stop = continuum(['daemon', 'stop', '--store', store]);
    assert.strictEqual(stop.status, 0, stop.stderr);
    assert.match(stop.stdout, new RegExp(`the daemon \\(pid ${pid}\\) ended`));
    await eventually(async () => !alive(pid), 'the daemon exits');
    assert.match(
      fs.readFileSync(path.join(store, 'daemon.log'), 'utf8'),
      /ends: it gave the store to the process that asked/,
    );
    assert.match(continuum(['daemon', 'stop', '--store', store]).stdout, /no daemon holds this store/);
    // alone again: it reads nothing new, and what the daemon built is in the store
    const alone = continuum(['graph', 'build', ws, '--store', store], daemonOn({ CONTINUUM_DAEMON: 'off' }));
    assert.strictEqual(alone.status, 0, alone.stderr);
    assert.match(alone.stdout, /^3 files \(0 parsed/, alone.stdout);
    assert.doesNotMatch(alone.stderr, /daemon/, 'CONTINUUM_DAEMON=off starts none');
  });

  it('a build right after the one that started it (a hook run twice) waits for it to serve, and is built there', async () => {
    const ws = project();
    const store = path.join(work, 'store');
    const first = continuum(['graph', 'build', ws, '--store', store]);
    assert.strictEqual(first.status, 0, first.stderr);
    const pid = Number(/daemon \(pid (\d+)\)/.exec(first.stderr)?.[1]);
    started.push(pid);
    fs.appendFileSync(path.join(ws, 'src/app.ts'), 'export const more = 1\n');
    const next = continuum(['graph', 'build', ws, '--store', store]);
    assert.strictEqual(next.status, 0, next.stderr);
    // the edit is read once: by the daemon's first look over the folders, or by this build
    assert.match(next.stdout, /^3 files \([01] parsed/, next.stdout);
    // it came while the daemon was starting (Node's start alone takes longer than this build's
    // first step): it waited for it, rather than take the store first and start a second one
    assert.match(next.stderr, new RegExp(`held by Continuum's daemon \\(pid ${pid}\\): the graph is built there`));
    assert.doesNotMatch(next.stderr, /keeps the store open/, 'no second daemon');
    assert.ok(!fs.existsSync(path.join(store, 'daemon.starting')), 'the daemon serves: nobody is told to wait for it');
  });

  it('steps aside for a command that writes (a plan import), which then holds the store itself', async () => {
    const ws = project();
    const store = path.join(work, 'store');
    const pid = await buildLeavingDaemon(store, ws);
    const plan = path.join(work, 'plan.md');
    fs.writeFileSync(plan, '# Plan\n\n- [ ] Write the parser\n- [ ] Test the parser\n');
    const imported = continuum(['plan', 'import', plan, '--store', store]);
    assert.strictEqual(imported.status, 0, imported.stderr + imported.stdout);
    assert.match(imported.stdout, /imported/);
    await eventually(async () => !alive(pid), 'the daemon exits');
    const status = continuum(['status', '--store', store]);
    assert.match(status.stdout, /Write the parser/, status.stdout);
  });

  it("gives the store to an agent's MCP server, which holds it from then on", async () => {
    const ws = project();
    const store = path.join(work, 'store');
    const pid = await buildLeavingDaemon(store, ws);
    const server = spawn(process.execPath, [cli, 'mcp', '--store', store, '--workspace', ws], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: daemonOn(),
    });
    try {
      await saysOnStderr(server, /this process holds it/);
      await eventually(async () => !alive(pid), 'the daemon exits');
      const client = await connectToHolder(store, 'cli');
      assert.strictEqual(client?.holder.kind, 'mcp');
      client?.close();
    } finally {
      server.stdin!.end();
      await new Promise(resolve => server.once('exit', resolve));
    }
  });

  it('ends by itself after its idle time, and when its store folder is removed', async () => {
    const ws = project();
    const store = path.join(work, 'store');
    const idle = await buildLeavingDaemon(store, ws, daemonOn({ CONTINUUM_DAEMON_IDLE_MINUTES: '0.03' }));
    await eventually(async () => !alive(idle), 'the idle daemon exits', 15_000);
    assert.match(fs.readFileSync(path.join(store, 'daemon.log'), 'utf8'), /ends: nothing asked it for 2 s/);
    const other = path.join(work, 'other-store');
    const orphan = await buildLeavingDaemon(other, ws);
    fs.rmSync(other, { recursive: true, force: true });
    await eventually(async () => !alive(orphan), 'the daemon of a removed store exits', 15_000);
  });

  it('killed with SIGKILL, leaves a store the next build opens at once (and that build starts a new one)', async () => {
    const ws = project();
    const store = path.join(work, 'store');
    const pid = await buildLeavingDaemon(store, ws);
    process.kill(pid, 'SIGKILL');
    await eventually(async () => !alive(pid), 'the daemon is gone');
    fs.appendFileSync(path.join(ws, 'src/app.ts'), 'export const more = 1\n');
    const t = Date.now();
    const next = continuum(['graph', 'build', ws, '--store', store]);
    assert.strictEqual(next.status, 0, next.stderr);
    assert.match(next.stdout, /^3 files \(1 parsed/, next.stdout);
    assert.ok(Date.now() - t < 10_000, 'no wait for a stale lock');
    const again = Number(/daemon \(pid (\d+)\) keeps/.exec(next.stderr)?.[1]);
    assert.ok(again > 0 && again !== pid, next.stderr);
    started.push(again);
  });

  it('stopped (SIGSTOP): a build says at once that it does not answer and how to end it; once its lock is stale a build takes the store, and the daemon, continued, ends', async function () {
    this.timeout(120_000);
    const ws = project();
    const store = path.join(work, 'store');
    const pid = await buildLeavingDaemon(store, ws);
    process.kill(pid, 'SIGSTOP');
    try {
      fs.appendFileSync(path.join(ws, 'src/app.ts'), 'export const more = 1\n');
      const t = Date.now();
      const stuck = continuum(['graph', 'build', ws, '--store', store]);
      assert.strictEqual(stuck.status, 1, stuck.stderr);
      assert.match(
        stuck.stderr,
        new RegExp(`daemon \\(pid ${pid}\\) holds the store but does not answer .*kill ${pid}`),
      );
      assert.ok(Date.now() - t < 8_000, `it said so in ${Date.now() - t} ms`);
      // the stopped daemon keeps its lock fresh no longer: after 15 s it is taken over
      await new Promise(resolve => setTimeout(resolve, 16_000));
      const taken = continuum(['graph', 'build', ws, '--store', store], daemonOn({ CONTINUUM_DAEMON: 'off' }));
      assert.strictEqual(taken.status, 0, taken.stderr);
      assert.match(taken.stdout, /^3 files \(1 parsed/, taken.stdout);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually(async () => !alive(pid), 'the continued daemon ends', 30_000);
    assert.match(
      fs.readFileSync(path.join(store, 'daemon.log'), 'utf8'),
      /ends: (it lost the store|another process holds the store)/,
    );
    const after = continuum(['graph', 'build', ws, '--store', store], daemonOn({ CONTINUUM_DAEMON: 'off' }));
    assert.match(after.stdout, /^3 files \(0 parsed/, `what the build that took over stored is kept: ${after.stdout}`);
  });

  it('on CI (CI set) starts none unless CONTINUUM_DAEMON=on', () => {
    const ws = project();
    const store = path.join(work, 'store');
    const env = { ...process.env, CI: 'true', CONTINUUM_DAEMON: '' };
    const built = continuum(['graph', 'build', ws, '--store', store], env);
    assert.strictEqual(built.status, 0, built.stderr);
    assert.doesNotMatch(built.stderr, /daemon/, built.stderr);
    assert.ok(!fs.existsSync(path.join(store, 'daemon.log')));
  });
});

/** The pids of `continuum daemon` processes for stores under `folder` (as /proc shows them). */
function daemonsIn(folder: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH') continue;
      throw err;
    }
    const args = cmdline.split('\0');
    const at = args.indexOf('daemon');
    if (at > 0 && args[at + 1] === '--store' && args[at + 2]?.startsWith(folder)) pids.push(Number(name));
  }
  return pids;
}

/** Whether `pid` runs (a zombie nobody reaped yet, as under a container's init that reaps none, does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function eventually(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

function saysOnStderr(child: ChildProcess, pattern: RegExp, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(() => reject(new Error(`not said within ${ms} ms: ${pattern}; said: ${said}`)), ms);
    child.stderr!.on('data', (d: Buffer) => {
      said += d.toString();
      if (pattern.test(said)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}
