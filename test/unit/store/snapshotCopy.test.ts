// The store with its snapshot copy in a real worker thread (src/node/storeWorker.ts), as VS Code
// and the CLI open it: compactions export in the worker, and opening leaves SQLite's check of the
// snapshot to it.
import * as assert from 'assert';
import { openStore, type OpenStoreOptions } from '../../../src/core/store/store';
import { damagedWithValidChecksum } from './damagedSnapshot';
import type { Migration } from '../../../src/core/store/schema';
import { SqliteDatabase } from '../../../src/core/store/sqlite';
import type { Store } from '../../../src/core/store/types';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';
import { FakeClock } from '../fakes/fakeClock';
import { seededRandom } from '../fakes/random';
import { testSnapshotCopies } from './workerCopies';
import { workerSnapshotCopies } from '../../../src/node/storeWorker';
import * as path from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import { parseBackupNames } from '../../../src/core/store/layout';
import type { SnapshotCopyFactory } from '../../../src/core/store/snapshotCopy';

const folder = '/store';
const kv: Migration[] = [
  { version: 1, description: 'kv', sql: 'CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);' },
  {
    version: 2,
    description: 'blobs',
    sql: 'CREATE TABLE blobs (id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL REFERENCES kv(k) ON DELETE CASCADE, data BLOB);',
  },
];

function options(fs: MemoryFileSystem, extra: Partial<OpenStoreOptions> = {}): OpenStoreOptions {
  return {
    folder,
    fs,
    migrations: kv,
    idleCompactMs: 0,
    clock: new FakeClock(),
    snapshots: testSnapshotCopies,
    ...extra,
  };
}

function put(store: Store, k: string, v: string): Promise<void> {
  return store.write(w => {
    w.run('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', [k, v]);
  });
}

/** Everything the store holds, table by table, in a stable order. */
function contents(store: Pick<Store, 'all'>): string {
  return JSON.stringify({
    kv: store.all('SELECT * FROM kv ORDER BY k'),
    blobs: store
      .all<{ id: number; k: string; data: Uint8Array | null }>('SELECT * FROM blobs ORDER BY id')
      .map(b => ({ ...b, data: b.data && Buffer.from(b.data).toString('hex') })),
    seq: store.all('SELECT * FROM sqlite_sequence ORDER BY name'),
  });
}

describe('store with its snapshot copy in a worker thread', function () {
  this.timeout(30_000);

  it('writes snapshots that hold exactly what the store holds, through random writes, deletes and compactions', async () => {
    const fs = new MemoryFileSystem();
    const random = seededRandom(7);
    let store = await openStore(options(fs));
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 40; i++) {
        const k = `k${Math.floor(random() * 30)}`;
        const r = random();
        await store.write(w => {
          if (r < 0.5) w.run('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', [k, `v${random()}`]);
          else if (r < 0.7) w.run('DELETE FROM kv WHERE k = ?', [k]);
          else if (w.get('SELECT 1 FROM kv WHERE k = ?', [k]))
            w.run('INSERT INTO blobs (k, data) VALUES (?, ?)', [
              k,
              new Uint8Array([Math.floor(random() * 256), 0, 255]),
            ]);
        });
      }
      await store.compact();
      if (round % 2) {
        // a restart replays the journal into both copies
        const before = contents(store);
        await store.close();
        store = await openStore(options(fs));
        assert.strictEqual(contents(store), before);
      }
    }
    const expected = contents(store);
    await store.close();
    // the snapshot alone, read back without the journal
    for (const f of fs.find(folder, /^journal-/)) fs.files.delete(f);
    const reopened = await openStore(options(fs, { snapshots: undefined }));
    assert.strictEqual(contents(reopened), expected);
    assert.deepStrictEqual(reopened.health().recovery, []);
    await reopened.close();
  });

  it("never runs sql.js's export on the store's own thread, neither compacting nor opening", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    for (let i = 0; i < 20; i++) await put(store, `k${i}`, 'v');
    const exports = countExports();
    try {
      await store.compact();
      await put(store, 'late', 'v');
      await store.close();
      const reopened = await openStore(options(fs)); // replays 'late', then compacts behind the open
      await reopened.close();
      assert.strictEqual(exports.count, 0);
    } finally {
      exports.restore();
    }
    assert.strictEqual(
      fs.find(folder, /^journal-/).length,
      0,
      'the compaction after the open has folded the journal in',
    );
  });

  it("checks the backups in the worker, never with SQLite's check on the store's own thread, and sets a damaged one aside", async () => {
    const fs = new MemoryFileSystem();
    const clock = new FakeClock();
    const store = await openStore(options(fs, { clock }));
    for (let i = 0; i < 3; i++) {
      await put(store, `k${i}`, 'x');
      clock.advance(1000);
      await store.compact();
    }
    const [victim] = fs.find(`${folder}/backups`, /\.db\.gz$/);
    fs.files.set(victim, new Uint8Array([31, 139, 8, 0, 1, 2, 3]));
    const original = SqliteDatabase.prototype.integrityCheck;
    let checksHere = 0;
    SqliteDatabase.prototype.integrityCheck = function (this: SqliteDatabase, quick?: boolean) {
      checksHere++;
      return original.call(this, quick);
    };
    try {
      const checks = await store.verifyBackups();
      assert.strictEqual(checks.filter(c => c.problem).length, 1, JSON.stringify(checks));
      assert.match(checks.find(c => c.problem)!.problem!, /could not be decompressed/);
      assert.ok(checks.filter(c => !c.problem).length >= 3, JSON.stringify(checks));
      assert.strictEqual(checksHere, 0, "SQLite's check of a backup ran on the store's own thread");
    } finally {
      SqliteDatabase.prototype.integrityCheck = original;
      await store.close();
    }
    assert.ok(!fs.files.has(victim));
    assert.ok(fs.files.has(`${victim}.bad`));
  });

  it("writes the backup its worker compressed, never compressing the snapshot on the store's own thread", async () => {
    const fs = new MemoryFileSystem();
    const handedOver: Uint8Array[] = [];
    // The worker's copy, with each backup it hands over recompressed (other bytes, same snapshot)
    // so that the file in backups/ tells which one the store wrote.
    const recompressing: SnapshotCopyFactory = base => {
      const copy = testSnapshotCopies(base);
      return {
        checked: copy.checked,
        opened: copy.opened,
        apply: (journal, upTo) => copy.apply(journal, upTo),
        snapshot: async (seq, withBackup) => {
          const written = await copy.snapshot(seq, withBackup);
          assert.ok(written.backup, 'the worker compressed the backup');
          const backup = new Uint8Array(gzipSync(gunzipSync(written.backup), { level: 1 }));
          handedOver.push(backup);
          return { snapshot: written.snapshot, backup };
        },
        checkBackup: (raw, latest) => copy.checkBackup(raw, latest),
        close: () => copy.close(),
      };
    };
    const store = await openStore(options(fs, { snapshots: recompressing }));
    for (let i = 0; i < 50; i++) await put(store, `k${i}`, 'v'.repeat(100));
    await store.compact();
    await store.close();
    const [newest] = parseBackupNames(fs.find(`${folder}/backups`, /\.db\.gz$/).map(f => path.basename(f)));
    const backup = `${folder}/backups/${newest.name}`;
    assert.deepStrictEqual(fs.files.get(backup), handedOver[handedOver.length - 1]);
    assert.deepStrictEqual(gunzipSync(fs.files.get(backup)!), Buffer.from(fs.files.get(`${folder}/state.db`)!));
  });

  it("opens a snapshot the worker checked and copied: the store's own thread neither loads nor copies it", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    for (let i = 0; i < 200; i++) await put(store, `k${i}`, 'v'.repeat(50));
    await store.compact();
    await put(store, 'late', 'only in the journal');
    const expected = contents(store);
    await store.close();
    const original = SqliteDatabase.open;
    let loadsHere = 0;
    SqliteDatabase.open = (bytes?: Uint8Array) => {
      if (bytes) loadsHere++;
      return original.call(SqliteDatabase, bytes);
    };
    let reopened: Store;
    try {
      reopened = await openStore(options(fs));
    } finally {
      SqliteDatabase.open = original;
    }
    assert.strictEqual(loadsHere, 0, 'the snapshot was loaded (copied by sql.js) on the store thread');
    assert.strictEqual(contents(reopened), expected);
    assert.deepStrictEqual(reopened.health().recovery, []);
    await put(reopened, 'after', 'the open');
    await reopened.close();
    const again = await openStore(options(fs, { snapshots: undefined }));
    assert.strictEqual(again.all('SELECT k FROM kv').length, 202);
    await again.close();
  });

  it('recovers a snapshot whose checksum the worker finds wrong from the newest backup and the journal', async () => {
    const fs = new MemoryFileSystem();
    const clock = new FakeClock();
    const store = await openStore(options(fs, { clock }));
    for (let i = 0; i < 100; i++) await put(store, `k${i}`, 'v');
    await store.compact();
    await put(store, 'late', 'only in the journal');
    await store.close();
    const file = fs.files.get(`${folder}/state.db`)!;
    file[file.length >> 1] ^= 0xff;
    const reopened = await openStore(options(fs, { clock }));
    const recovery = reopened.health().recovery.join('\n');
    assert.match(recovery, /snapshot could not be used: its checksum does not match/);
    assert.match(recovery, /Recovered from the backup/);
    assert.strictEqual(reopened.all('SELECT k FROM kv').length, 101);
    assert.strictEqual(reopened.readOnly, false);
    await put(reopened, 'more', 'x');
    await reopened.close();
  });

  it('opened read-only, checks the snapshot in a worker and still refuses a damaged one, recovering from the newest backup', async () => {
    const fs = new MemoryFileSystem();
    const clock = new FakeClock();
    const store = await openStore(options(fs, { clock }));
    for (let i = 0; i < 300; i++) await put(store, `key ${i}`, `value ${i} ${'x'.repeat(40)}`);
    await store.compact();
    await put(store, 'after', 'the snapshot');
    await store.close();
    const good = await openStore(options(fs, { clock, readOnly: true }));
    assert.deepStrictEqual(good.health().recovery, []);
    assert.strictEqual(good.all('SELECT k FROM kv').length, 301);
    await good.close();
    fs.files.set(`${folder}/state.db`, await damagedWithValidChecksum(fs.files.get(`${folder}/state.db`)!));
    const original = SqliteDatabase.prototype.integrityCheck;
    let checksHere = 0;
    SqliteDatabase.prototype.integrityCheck = function (this: SqliteDatabase, quick?: boolean) {
      if (quick) checksHere++; // the quick check is the snapshot's (a backup gets the full one)
      return original.call(this, quick);
    };
    let reader: Store;
    try {
      reader = await openStore(options(fs, { clock, readOnly: true }));
    } finally {
      SqliteDatabase.prototype.integrityCheck = original;
    }
    assert.strictEqual(checksHere, 0, "SQLite's check of the snapshot ran on the store's own thread");
    const recovery = reader.health().recovery.join('\n');
    assert.match(recovery, /snapshot could not be used: SQLite's integrity check failed/);
    assert.match(recovery, /Recovered from the backup/);
    assert.strictEqual(reader.all('SELECT k FROM kv').length, 301);
    await reader.close();
    assert.ok(fs.files.has(`${folder}/state.db`), 'a reader changes nothing on disk');
  });

  it('keeps writing while a compaction is under way, and loses none of those writes', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    await put(store, 'a', '1');
    const compaction = store.compact();
    const during = [put(store, 'b', '2'), put(store, 'c', '3')];
    await Promise.all([compaction, ...during]);
    await store.close();
    const reopened = await openStore(options(fs, { snapshots: undefined }));
    assert.deepStrictEqual(reopened.all('SELECT k, v FROM kv ORDER BY k'), [
      { k: 'a', v: '1' },
      { k: 'b', v: '2' },
      { k: 'c', v: '3' },
    ]);
    await reopened.close();
  });

  it("stops writing, sets state.db aside and says so when SQLite's background check finds the snapshot damaged; the next open recovers every change", async () => {
    const fs = new MemoryFileSystem();
    const clock = new FakeClock();
    const store = await openStore(options(fs, { clock }));
    for (let i = 0; i < 300; i++) await put(store, `key ${i}`, `value ${i} ${'x'.repeat(40)}`);
    await store.compact(); // state.db and a good backup of it
    await put(store, 'after', 'the snapshot'); // only in the journal
    await store.close();
    fs.files.set(`${folder}/state.db`, await damagedWithValidChecksum(fs.files.get(`${folder}/state.db`)!));

    const reopened = await openStore(options(fs, { clock }));
    // the check answers in the background: by now, or soon after
    const lost = await new Promise<string>(resolve => {
      if (reopened.readOnly) resolve(reopened.health().recovery.join('\n'));
      else reopened.onDidLoseLock(resolve);
    });
    assert.match(lost, /found it damaged/);
    assert.strictEqual(reopened.readOnly, true);
    await assert.rejects(put(reopened, 'more', 'x'), /found it damaged/);
    await reopened.close();
    assert.strictEqual(fs.files.has(`${folder}/state.db`), false);
    assert.strictEqual(fs.find(folder, /^state\.db\.\d+\.bad$/).length, 1);

    const recovered = await openStore(options(fs, { clock }));
    assert.strictEqual(recovered.all('SELECT k FROM kv').length, 301);
    assert.match(recovered.health().recovery.join('\n'), /Recovered from the backup/);
    await recovered.close();
  });

  it("compacts and checks the snapshot on the store's own thread when its worker cannot start", async () => {
    const missing = workerSnapshotCopies(path.join(__dirname, 'no-such-worker.js'));
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs, { snapshots: missing }));
    for (let i = 0; i < 300; i++) await put(store, `key ${i}`, `value ${i} ${'x'.repeat(40)}`);
    await store.compact();
    await store.close();
    assert.ok(
      fs.files.has(`${folder}/state.db`) && !fs.find(folder, /^journal-/).length,
      'compacted without the worker',
    );
    fs.files.set(`${folder}/state.db`, await damagedWithValidChecksum(fs.files.get(`${folder}/state.db`)!));
    const reopened = await openStore(options(fs, { snapshots: missing }));
    const lost = await new Promise<string>(resolve => {
      if (reopened.readOnly) resolve(reopened.health().recovery.join('\n'));
      else reopened.onDidLoseLock(resolve);
    });
    assert.match(lost, /found it damaged/);
    await reopened.close();
  });
});

function countExports(): { count: number; restore(): void } {
  const original = SqliteDatabase.prototype.export;
  const counter = {
    count: 0,
    restore: () => {
      SqliteDatabase.prototype.export = original;
    },
  };
  SqliteDatabase.prototype.export = function (this: SqliteDatabase) {
    counter.count++;
    return original.call(this);
  };
  return counter;
}
