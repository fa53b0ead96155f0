// The real lock (proper-lockfile) between real processes: a writer stopped with SIGSTOP past the
// lock's stale limit loses the store to another process, and on SIGCONT stops cleanly.
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openStore } from '../../../src/core/store/store';
import type { Migration } from '../../../src/core/store/schema';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { leastStaleMs, nodeLock } from '../../../src/node/lock';
import { currentOwner } from '../../../src/node/lockOwner';

const kv: Migration[] = [
  { version: 1, description: 'kv', sql: 'CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);' },
];
const staleMs = leastStaleMs;

interface Line {
  t: string;
  n?: number;
  reason?: string;
  name?: string;
  readOnly?: boolean;
}

function startWriter(folder: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'lockChild.ts'), folder, String(staleMs)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Line[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffer.slice(0, i)) as Line);
      buffer = buffer.slice(i + 1);
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  return { child, lines, stderr: () => stderr, exited };
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

describe('the store lock between processes', function () {
  this.timeout(90_000);
  let work: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-lock-'));
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('stops a writer that wakes from SIGSTOP without its lock: it says so, acknowledges nothing more, and exits without an unhandled error', async () => {
    const folder = path.join(work, 'store');
    const writer = startWriter(folder);
    child = writer.child;
    await until('the writer to acknowledge writes', () => writer.lines.filter(l => l.t === 'ack').length >= 20);
    writer.child.kill('SIGSTOP');
    const ackedBeforeStop = writer.lines.filter(l => l.t === 'ack').length;
    // Past the stale limit, as the lock folder's own time says: proper-lockfile may have dated it up to
    // a second ahead (its probe of the file system's time precision) and refreshes it only every second.
    const lockDir = path.join(folder, 'lock.lock');
    await until(
      "the stopped writer's lock to go stale",
      () => Date.now() - fs.statSync(lockDir).mtimeMs > staleMs + 200,
    );

    const second = await openStore({
      folder,
      fs: nodeFileSystem,
      lock: nodeLock({ staleMs }),
      owner: currentOwner('second writer'),
      migrations: kv,
      idleCompactMs: 0,
    });
    assert.ok(!second.readOnly, `the second process could not take over: ${second.health().readOnlyReason}`);
    await second.write(w => w.run("INSERT OR REPLACE INTO kv (k, v) VALUES ('second', 'yes')"));
    await second.compact(); // as a new holder does: snapshot, and the old journal gone

    writer.child.kill('SIGCONT');
    const code = await writer.exited;
    assert.strictEqual(code, 3, `the writer should stop with its lock-lost exit code; stderr:\n${writer.stderr()}`);
    assert.doesNotMatch(writer.stderr(), /Unhandled|ReadOnlyStoreError|LockLostError/);
    const lost = writer.lines.find(l => l.t === 'lost');
    assert.ok(lost, 'the store told the writer that its lock was lost');
    assert.match(lost.reason!, /lost the lock.*changes made from this moment on were not saved/s);

    // Every write the first process acknowledged, before or after its stall, is in the store the second one holds.
    const acked = writer.lines.filter(l => l.t === 'ack').map(l => l.n!);
    assert.ok(acked.length >= ackedBeforeStop);
    await second.close();
    const check = await openStore({ folder, fs: nodeFileSystem, readOnly: true, migrations: kv, idleCompactMs: 0 });
    const stored = new Set(check.all<{ k: string }>('SELECT k FROM kv').map(r => r.k));
    const missing = acked.filter(n => !stored.has(`k${n}`));
    assert.deepStrictEqual(missing, [], `acknowledged by the first writer but not in the store: ${missing.join(', ')}`);
    assert.ok(stored.has('second'));
    await check.close();
  });

  it('leaves the new holder its lock folder when a holder that found its lock taken over releases it and exits', async () => {
    const file = path.join(work, 'lock');
    const holder = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'lockHolderChild.ts'), file], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child = holder;
    let out = '';
    let stderr = '';
    holder.stdout.on('data', (d: Buffer) => (out += d.toString()));
    holder.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>(resolve => holder.on('exit', code => resolve(code)));
    await until('the holder to take the lock', () => out.includes('held\n'));
    // as a takeover of a holder stalled past the limit does: its folder removed, a new one made
    fs.rmSync(`${file}.lock`, { recursive: true });
    const second = await nodeLock().acquire(file, { ...currentOwner('second holder'), since: 1 });
    if (!('verify' in second)) throw new Error('the second could not take the lock');
    const secondFolder = fs.statSync(`${file}.lock`).ino;
    holder.stdin.end('go\n');
    assert.strictEqual(await exited, 0, stderr);
    assert.match(out, /"lost":".*took it over/, 'the holder found its lock taken over');
    assert.ok(fs.existsSync(`${file}.lock`), "the exiting holder removed the new holder's lock folder");
    assert.strictEqual(fs.statSync(`${file}.lock`).ino, secondFolder);
    assert.strictEqual(await second.verify(), undefined);
    await second.release();
  });

  it('answers a holder that asks whether it still holds its fresh lock without going to the disk', async () => {
    const lock = await nodeLock({ staleMs: 15_000, updateMs: 5_000 }).acquire(
      path.join(work, 'lock'),
      currentOwner('test'),
    );
    if (!('verify' in lock)) throw new Error(`the lock is held by ${JSON.stringify(lock.heldBy)}`);
    assert.strictEqual(await lock.verify(), undefined); // asks the disk, and learns how fresh the lock is
    const stat = fs.promises.stat;
    let stats = 0;
    fs.promises.stat = ((...args: Parameters<typeof stat>) => {
      stats++;
      return stat(...args);
    }) as typeof stat;
    try {
      for (let i = 0; i < 100; i++) assert.strictEqual(await lock.verify(), undefined);
    } finally {
      fs.promises.stat = stat;
    }
    assert.strictEqual(stats, 0, 'a verify within the fresh period looked at the disk');
    await lock.release();
  });

  it('takes over at once a lock folder that names no holder and that nobody refreshes', async () => {
    const folder = path.join(work, 'store');
    fs.mkdirSync(path.join(folder, 'lock.lock'), { recursive: true }); // a holder killed before it wrote who it is
    const past = new Date(Date.now() - 10_000);
    fs.utimesSync(path.join(folder, 'lock.lock'), past, past);
    const store = await openStore({
      folder,
      fs: nodeFileSystem,
      lock: nodeLock(),
      owner: currentOwner('test'),
      migrations: kv,
      idleCompactMs: 0,
    });
    assert.ok(!store.readOnly, store.health().readOnlyReason);
    await store.close();
  });

  it('leaves alone a lock folder that names no holder yet but was just taken', async () => {
    const folder = path.join(work, 'store');
    fs.mkdirSync(path.join(folder, 'lock.lock'), { recursive: true });
    const store = await openStore({
      folder,
      fs: nodeFileSystem,
      lock: nodeLock(),
      owner: currentOwner('test'),
      migrations: kv,
      idleCompactMs: 0,
    });
    assert.ok(store.readOnly);
    await store.close();
  });

  it('leaves the new holder its owner file when a writer that lost the lock closes', async () => {
    const folder = path.join(work, 'store');
    const first = await openStore({
      folder,
      fs: nodeFileSystem,
      lock: nodeLock({ staleMs: 60_000, updateMs: 1_000 }),
      owner: currentOwner('first'),
      migrations: kv,
      idleCompactMs: 0,
    });
    const lost = new Promise<string>(resolve => first.onDidLoseLock(resolve));
    fs.rmSync(path.join(folder, 'lock.lock'), { recursive: true }); // as a takeover does, then:
    const second = await openStore({
      folder,
      fs: nodeFileSystem,
      lock: nodeLock({ staleMs: 60_000 }),
      owner: { ...currentOwner('second'), since: 1 },
      migrations: kv,
      idleCompactMs: 0,
    });
    assert.ok(!second.readOnly);
    // the first writer finds out when it next refreshes its lock (or asks the disk before a write)
    assert.match(await lost, /lost the lock/);
    await assert.rejects(
      first.write(w => w.run("INSERT INTO kv (k, v) VALUES ('late', '1')")),
      /lost the lock/,
    );
    await first.close();
    assert.match(fs.readFileSync(path.join(folder, 'lock.owner.json'), 'utf8'), /"second"/);
    await second.close();
  });
});
