// Store folders that cannot be opened as they are: something not ours in the store's place, a
// disk that refuses writes. Readers still read; the reason says what is wrong and what to do.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { FileSystemPort, LockPort } from '../../../src/core/ports';
import { openStore, type OpenStoreOptions } from '../../../src/core/store/store';
import type { Migration } from '../../../src/core/store/schema';
import { ReadOnlyStoreError, type Store } from '../../../src/core/store/types';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { nodeLock } from '../../../src/node/lock';
import { currentOwner } from '../../../src/node/lockOwner';

const kv: Migration[] = [
  { version: 1, description: 'kv', sql: 'CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);' },
];

function open(folder: string, extra: Partial<OpenStoreOptions> = {}): Promise<Store> {
  return openStore({
    folder,
    fs: nodeFileSystem,
    lock: nodeLock(),
    owner: currentOwner('test'),
    migrations: kv,
    idleCompactMs: 0,
    ...extra,
  });
}

const put = (store: Store, k: string) =>
  store.write(w => w.run('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', [k, k]));
const keys = (store: Store) => store.all<{ k: string }>('SELECT k FROM kv ORDER BY k').map(r => r.k);

/** A store with 'a' in its snapshot and backup, and 'b' only in its journal. */
async function makeStore(folder: string): Promise<void> {
  const store = await open(folder);
  await put(store, 'a');
  await store.compact();
  await put(store, 'b');
  await store.close();
}

/** A FileSystemPort over Node's whose every change fails with `code`, as a read-only folder or a full disk does. */
function refusingWrites(code: string): FileSystemPort {
  const refuse = async (file: string): Promise<never> => {
    throw Object.assign(new Error(`${code}: refused, open '${file}'`), { code, path: file });
  };
  return {
    ...nodeFileSystem,
    writeFileAtomic: refuse,
    openAppendOnly: refuse,
    remove: refuse,
    mkdirp: async dir => {
      if (!fs.existsSync(dir)) await refuse(dir);
    },
  };
}

/** A lock that fails as proper-lockfile does when it may not make its folder. */
const refusingLock = (code: string): LockPort => ({
  acquire: async p => {
    throw Object.assign(new Error(`${code}: refused, mkdir '${p}.lock'`), { code, path: `${p}.lock` });
  },
});

describe('stores that cannot be opened as they are', function () {
  this.timeout(30_000);
  let work: string;
  let folder: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-unopenable-'));
    folder = path.join(work, 'store');
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  async function assertReadableReadOnly(store: Store, reason: RegExp, expected = ['a', 'b']): Promise<void> {
    assert.ok(store.readOnly, 'opened read-only');
    assert.deepStrictEqual(keys(store), expected);
    assert.match(store.health().readOnlyReason ?? '', reason);
    await assert.rejects(
      put(store, 'c'),
      (err: Error) => err instanceof ReadOnlyStoreError && reason.test(err.message),
    );
    await store.close();
    assert.ok(!fs.existsSync(path.join(folder, 'lock.lock')), 'the lock was given back');
  }

  it('reads a store whose backups folder is a file, and says to move that file', async () => {
    await makeStore(folder);
    fs.rmSync(path.join(folder, 'backups'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'backups'), 'not ours');
    await assertReadableReadOnly(
      await open(folder),
      /backups is a file where the store keeps a folder: move that file/,
    );
    assert.strictEqual(fs.readFileSync(path.join(folder, 'backups'), 'utf8'), 'not ours');
  });

  it('recovers a store whose state.db is a folder from its backup and journal, read-only, and says to move the folder', async () => {
    await makeStore(folder);
    fs.rmSync(path.join(folder, 'state.db'));
    fs.mkdirSync(path.join(folder, 'state.db'));
    const store = await open(folder);
    assert.match(store.health().recovery.join('\n'), /Recovered from the backup/);
    await assertReadableReadOnly(store, /state\.db is a folder where the store keeps a file: move that folder/);
  });

  it('reads a store with a journal segment that is a folder, and says to move it', async () => {
    await makeStore(folder);
    fs.mkdirSync(path.join(folder, 'journal-000009.log'));
    await assertReadableReadOnly(await open(folder), /journal-000009\.log is a folder where the store keeps a file/);
  });

  it('reads a store with a journal segment over 2 GB, and says to move it', async () => {
    await makeStore(folder);
    const huge = path.join(folder, 'journal-000009.log');
    fs.closeSync(fs.openSync(huge, 'w'));
    fs.truncateSync(huge, 2_400_000_000); // sparse: takes no space
    await assertReadableReadOnly(await open(folder), /journal-000009\.log is over 2 GB/);
  });

  for (const [code, reason] of [
    ['EACCES', /may not write to .*permission denied.*give your user write access/],
    ['ENOSPC', /is full \(ENOSPC\): free some space/],
    ['EROFS', /read-only file system/],
  ] as const) {
    it(`reads a store in a folder that refuses writes with ${code} (replay pending), and says what to do`, async () => {
      await makeStore(folder); // 'b' is in the journal: opening compacts a journal too long to carry
      const folding = { compactAfterBytes: 1 };
      await assertReadableReadOnly(await open(folder, { fs: refusingWrites(code), ...folding }), reason);
      await assertReadableReadOnly(
        await open(folder, { fs: refusingWrites(code), lock: refusingLock(code), ...folding }),
        reason,
      );
    });

    it(`reads a store whose short journal is carried in a folder that refuses writes with ${code}; its first write says what to do`, async () => {
      await makeStore(folder); // 'b' is in the journal, short enough to be replayed again next time
      const store = await open(folder, { fs: refusingWrites(code) });
      assert.deepStrictEqual(keys(store), ['a', 'b']);
      await assert.rejects(
        put(store, 'c'),
        (err: Error) => /could not write to its store/.test(err.message) && reason.test(err.message),
      );
      await store.close();
      const again = await open(folder);
      assert.deepStrictEqual(keys(again), ['a', 'b'], 'nothing was lost, and the refused write was never acknowledged');
      await again.close();
    });
  }
});

/** A real tmpfs: a disk that fills and a mount that is read-only. Needs the right to mount (root in the test container). */
describe('stores on a real full or read-only disk', function () {
  this.timeout(30_000);
  let mountPoint: string;
  before(function () {
    mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      fs.rmdirSync(mountPoint);
      this.skip(); // not allowed to mount here; the port-level tests above still cover the codes
    }
  });
  after(() => {
    if (!mountPoint || !fs.existsSync(mountPoint)) return;
    try {
      execFileSync('umount', [mountPoint], { stdio: 'ignore' });
    } finally {
      fs.rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it('reads a store on a full disk (status and export work), and says the disk is full', async () => {
    const folder = path.join(mountPoint, 'full');
    await makeStore(folder);
    const filler = path.join(mountPoint, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd stops with ENOSPC: the disk is full now
    }
    const store = await open(folder);
    assert.ok(store.readOnly);
    assert.deepStrictEqual(keys(store), ['a', 'b']);
    assert.match(store.health().readOnlyReason ?? '', /full \(ENOSPC\)/);
    await store.close();
    fs.rmSync(filler);
    const after = await open(folder);
    assert.ok(!after.readOnly, after.health().readOnlyReason);
    await put(after, 'c');
    await after.close();
  });

  it('reads a store on a read-only mount, and says so', async () => {
    const folder = path.join(mountPoint, 'ro');
    await makeStore(folder);
    execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
    try {
      const store = await open(folder);
      assert.ok(store.readOnly);
      assert.deepStrictEqual(keys(store), ['a', 'b']);
      assert.match(store.health().readOnlyReason ?? '', /read-only file system \(EROFS\)/);
      await store.close();
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
    }
  });
});
