import * as assert from 'assert';
import { openStore, type OpenStoreOptions } from '../../../src/core/store/store';
import { decodeJournal } from '../../../src/core/store/records';
import type { Migration } from '../../../src/core/store/schema';
import { ReadOnlyStoreError, StoreError, type Store } from '../../../src/core/store/types';
import type { HeldLock, LockOwner, LockPort } from '../../../src/core/ports';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';
import { FakeClock } from '../fakes/fakeClock';
import { CrashPointFileSystem, restarted } from './crashPoint';
import * as path from 'path';
import { snapshotCopiesFromEnvironment } from './workerCopies';

const folder = '/store';
const kv: Migration[] = [
  { version: 1, description: 'kv', sql: 'CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);' },
];

function options(fs: MemoryFileSystem, extra: Partial<OpenStoreOptions> = {}): OpenStoreOptions {
  return {
    folder,
    fs,
    migrations: kv,
    idleCompactMs: 0,
    clock: new FakeClock(),
    ...snapshotCopiesFromEnvironment,
    ...extra,
  };
}

function put(store: Store, k: string, v: string): Promise<void> {
  return store.write(w => {
    w.run('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', [k, v]);
  });
}

function value(store: Store, k: string): string | undefined {
  return store.get<{ v: string }>('SELECT v FROM kv WHERE k = ?', [k])?.v;
}

function journalFiles(fs: MemoryFileSystem): string[] {
  return fs.find(folder, /^journal-\d+\.log$/).sort();
}

describe('store', () => {
  it('keeps an acknowledged write after reopening without a snapshot', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    await put(store, 'a', '1');
    // no close(): the process "dies" here
    const reopened = await openStore(options(fs));
    assert.strictEqual(value(reopened, 'a'), '1');
  });

  it("replays bytes, and text that looks like the journal's own encoding of bytes, as they were written", async () => {
    const fs = new MemoryFileSystem();
    const blobs: Migration[] = [
      { version: 1, description: 'blobs', sql: 'CREATE TABLE blobs (k TEXT PRIMARY KEY, b BLOB, t TEXT);' },
    ];
    const store = await openStore(options(fs, { migrations: blobs }));
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const lookalike = '{"$bytes":"AAEC"}';
    await store.write(w => w.run('INSERT INTO blobs (k, b, t) VALUES (?, ?, ?)', ['both', bytes, lookalike]));
    await store.write(w => w.run('INSERT INTO blobs (k, t) VALUES (?, ?)', ['text only', lookalike]));
    // no close(): the reopened store replays the journal
    const reopened = await openStore(options(fs, { migrations: blobs }));
    const rows = reopened.all<{ k: string; b: Uint8Array | null; t: string }>('SELECT k, b, t FROM blobs ORDER BY k');
    assert.deepStrictEqual(
      rows.map(r => ({ k: r.k, b: r.b ? [...r.b] : null, t: r.t })),
      [
        { k: 'both', b: [...bytes], t: lookalike },
        { k: 'text only', b: null, t: lookalike },
      ],
    );
  });

  it('groups writes made together into one flush', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    const before = fs.appends;
    await Promise.all(Array.from({ length: 50 }, (_, i) => put(store, `k${i}`, String(i))));
    assert.strictEqual(fs.appends - before, 1);
    assert.strictEqual(store.all('SELECT * FROM kv').length, 50);
  });

  it('rolls back a write whose function throws and records nothing', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    await assert.rejects(
      store.write(w => {
        w.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['x', '1']);
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.strictEqual(value(store, 'x'), undefined);
    const reopened = await openStore(options(fs));
    assert.strictEqual(value(reopened, 'x'), undefined);
  });

  it('refuses an asynchronous write function', async () => {
    const store = await openStore(options(new MemoryFileSystem()));
    await assert.rejects(
      store.write(async w => {
        w.run('INSERT INTO kv (k, v) VALUES (?, ?)', ['x', '1']);
      }),
      /synchronous/,
    );
    assert.strictEqual(value(store, 'x'), undefined);
  });

  it('writes a snapshot and empties the journal on compaction', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    for (let i = 0; i < 10; i++) await put(store, `k${i}`, String(i));
    await store.compact();
    assert.ok(fs.files.has(`${folder}/state.db`));
    assert.deepStrictEqual(
      journalFiles(fs).map(f => fs.files.get(f)!.length),
      [],
    );
    await put(store, 'after', 'yes');
    const reopened = await openStore(options(fs));
    assert.strictEqual(value(reopened, 'k9'), '9');
    assert.strictEqual(value(reopened, 'after'), 'yes');
  });

  it('compacts by itself once the journal passes its record limit', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs, { compactAfterRecords: 5 }));
    for (let i = 0; i < 6; i++) await put(store, `k${i}`, String(i));
    await new Promise(r => setTimeout(r, 20));
    await store.close();
    assert.ok(fs.files.has(`${folder}/state.db`));
    assert.ok(store.health().journalRecords < 6);
  });

  it('compacts when idle', async () => {
    const fs = new MemoryFileSystem();
    const clock = new FakeClock();
    const store = await openStore(options(fs, { clock, idleCompactMs: 1000 }));
    await put(store, 'a', '1');
    assert.strictEqual(store.health().journalRecords, 1);
    clock.advance(1000);
    await store.compact(); // joins the compaction the timer started
    assert.strictEqual(store.health().journalRecords, 0);
    const reopened = await openStore(options(fs));
    assert.strictEqual(value(reopened, 'a'), '1');
  });

  it('carries a short journal through an open without a snapshot copy, and folds a long one into the snapshot', async () => {
    const fs = new MemoryFileSystem();
    const noCopy = { snapshots: undefined };
    const first = await openStore(options(fs, noCopy));
    await put(first, 'a', '1');
    await first.compact();
    await put(first, 'b', '2');
    await first.close();
    const snapshot = fs.files.get(`${folder}/state.db`);

    const second = await openStore(options(fs, noCopy));
    assert.strictEqual(value(second, 'b'), '2');
    assert.strictEqual(fs.files.get(`${folder}/state.db`), snapshot, 'the snapshot was not written again');
    assert.strictEqual(journalFiles(fs).length, 1, 'the journal it replayed stays');
    assert.strictEqual(second.health().journalRecords, 1, 'and counts towards the next compaction');
    await put(second, 'c', '3');
    await second.close();
    assert.strictEqual(journalFiles(fs).length, 2, "the second open's changes went to a segment of their own");

    const third = await openStore(options(fs, { ...noCopy, compactAfterBytes: 64 }));
    assert.deepStrictEqual([value(third, 'a'), value(third, 'b'), value(third, 'c')], ['1', '2', '3']);
    assert.notStrictEqual(
      fs.files.get(`${folder}/state.db`),
      snapshot,
      'a journal past an eighth of a compaction is folded in',
    );
    assert.deepStrictEqual(journalFiles(fs), []);
    await third.close();
  });

  it('folds a journal that would cost more to replay again than a thirty-second of the snapshot', async () => {
    const fs = new MemoryFileSystem();
    const noCopy = { snapshots: undefined };
    const first = await openStore(options(fs, noCopy));
    await first.compact();
    const snapshot = fs.files.get(`${folder}/state.db`)!;
    let journal = 0;
    for (let i = 0; journal * 32 <= snapshot.length; i++) {
      await put(first, `k${i}`, 'x'.repeat(40));
      journal = journalFiles(fs).reduce((n, f) => n + fs.files.get(f)!.length, 0);
    }
    await first.close();
    const second = await openStore(options(fs, noCopy));
    assert.deepStrictEqual(journalFiles(fs), [], 'folded into the snapshot at open');
    assert.notStrictEqual(fs.files.get(`${folder}/state.db`), snapshot);
    assert.strictEqual(value(second, 'k0'), 'x'.repeat(40));
    await second.close();
  });

  it('folds a carried journal into the snapshot once the store is idle', async () => {
    const fs = new MemoryFileSystem();
    const noCopy = { snapshots: undefined };
    const first = await openStore(options(fs, noCopy));
    await put(first, 'a', '1');
    await first.close();
    const clock = new FakeClock();
    const second = await openStore(options(fs, { ...noCopy, clock, idleCompactMs: 1000 }));
    assert.strictEqual(journalFiles(fs).length, 1);
    clock.advance(1000);
    await second.compact(); // joins the compaction the timer started
    assert.deepStrictEqual(journalFiles(fs), []);
    await second.close();
    const third = await openStore(options(fs, noCopy));
    assert.strictEqual(value(third, 'a'), '1');
  });

  it('ignores a torn last record, which was never acknowledged', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    await put(store, 'a', '1');
    await put(store, 'b', '2');
    const [journal] = journalFiles(fs);
    const data = fs.files.get(journal)!;
    fs.files.set(journal, data.subarray(0, data.length - 7));
    const reopened = await openStore(options(fs));
    assert.strictEqual(value(reopened, 'a'), '1');
    assert.strictEqual(value(reopened, 'b'), undefined);
    assert.deepStrictEqual(reopened.health().recovery, []);
  });

  it('keeps writes made after a torn tail on the next open', async () => {
    const fs = new MemoryFileSystem();
    const first = await openStore(options(fs, { compactAfterRecords: 1e9 }));
    await put(first, 'a', '1');
    const [journal] = journalFiles(fs);
    const data = fs.files.get(journal)!;
    fs.files.set(journal, new Uint8Array([...data, 0x43, 0x52])); // a torn header
    const second = await openStore(options(fs));
    await put(second, 'b', '2');
    // One writer at a time: with a snapshot copy the compaction after its open runs behind it.
    await second.close();
    const third = await openStore(options(fs));
    assert.strictEqual(value(third, 'a'), '1');
    assert.strictEqual(value(third, 'b'), '2');
  });

  it('reports damage in the middle of the journal instead of hiding it', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    await put(store, 'a', '1');
    await put(store, 'b', '2');
    await put(store, 'c', '3');
    const [journal] = journalFiles(fs);
    const data = new Uint8Array(fs.files.get(journal)!);
    assert.strictEqual(decodeJournal(data).records.length, 3);
    const second = 20 + new DataView(data.buffer).getUint32(12, true);
    data[second + 25] ^= 0xff; // flip a byte inside the second record's payload
    fs.files.set(journal, data);
    const reopened = await openStore(options(fs));
    assert.strictEqual(value(reopened, 'a'), '1');
    assert.match(reopened.health().recovery.join('\n'), /damaged/);
  });

  it('recovers from the newest valid backup plus the journal when the snapshot is garbage', async () => {
    const fs = new MemoryFileSystem();
    const clock = new FakeClock();
    const store = await openStore(options(fs, { clock }));
    await put(store, 'a', '1');
    await store.compact(); // snapshot + first backup
    await put(store, 'b', '2'); // journal only
    fs.files.set(
      `${folder}/state.db`,
      new Uint8Array(4096).map((_, i) => (i * 7919) % 251),
    );
    const reopened = await openStore(options(fs, { clock }));
    assert.strictEqual(value(reopened, 'a'), '1');
    assert.strictEqual(value(reopened, 'b'), '2');
    const recovery = reopened.health().recovery.join('\n');
    assert.match(recovery, /snapshot could not be used/);
    assert.match(recovery, /Recovered from the backup/);
  });

  it('says which changes were lost when the journal no longer reaches back to the backup', async () => {
    const fs = new MemoryFileSystem();
    const clock = new FakeClock();
    const store = await openStore(options(fs, { clock }));
    await put(store, 'a', '1'); // #2 (the schema is #1)
    clock.advance(1000);
    await store.compact(); // backup at #2
    await put(store, 'b', '2'); // #3
    clock.advance(1000);
    await store.compact(); // backup at #3, journal emptied
    await put(store, 'c', '3'); // #4, journal only
    fs.files.set(`${folder}/state.db`, new Uint8Array(10));
    const [newest] = fs.find(`${folder}/backups`, /^state-3-/);
    fs.files.set(newest, new Uint8Array(100));
    const reopened = await openStore(options(fs, { clock }));
    assert.strictEqual(value(reopened, 'a'), '1');
    assert.strictEqual(value(reopened, 'c'), undefined);
    assert.match(reopened.health().recovery.join('\n'), /Changes #3 to #3 could not be recovered/);
  });

  for (const [name, damage] of [
    ['truncated', (d: Uint8Array) => d.subarray(0, Math.floor(d.length / 2))],
    ['zero-filled', (d: Uint8Array) => new Uint8Array(d.length)],
    ['random garbage', (d: Uint8Array) => d.map((_, i) => (i * 7919 + 13) % 251)],
    ['empty', () => new Uint8Array()],
    ['missing', undefined],
  ] as const) {
    it(`recovers everything when the snapshot is ${name}`, async () => {
      const fs = new MemoryFileSystem();
      const store = await openStore(options(fs));
      await put(store, 'a', '1');
      await store.compact();
      await put(store, 'b', '2');
      const snapshot = `${folder}/state.db`;
      if (damage) fs.files.set(snapshot, damage(fs.files.get(snapshot)!));
      else fs.files.delete(snapshot);
      const reopened = await openStore(options(fs));
      assert.strictEqual(value(reopened, 'a'), '1');
      assert.strictEqual(value(reopened, 'b'), '2');
      assert.match(reopened.health().recovery.join('\n'), /Recovered from the backup/);
    });
  }

  it('opens, empty and saying so, when the snapshot and every backup are damaged', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    await put(store, 'a', '1');
    await store.compact();
    for (const f of [`${folder}/state.db`, ...fs.find(`${folder}/backups`, /gz$/)])
      fs.files.set(f, new Uint8Array([1, 2, 3]));
    const reopened = await openStore(options(fs));
    assert.strictEqual(value(reopened, 'a'), undefined);
    assert.match(reopened.health().recovery.join('\n'), /No usable snapshot or backup/);
    await put(reopened, 'fresh', 'start');
  });

  it('replays a journal full of random garbage without crashing', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    await put(store, 'a', '1');
    await store.compact();
    fs.files.set(
      `${folder}/journal-000009.log`,
      new Uint8Array(5000).map((_, i) => (i * 31 + 7) % 256),
    );
    const reopened = await openStore(options(fs));
    assert.strictEqual(value(reopened, 'a'), '1');
  });

  it('refuses a store written by a newer Continuum and changes nothing', async () => {
    const fs = new MemoryFileSystem();
    const newer: Migration[] = [...kv, { version: 2, description: 'more', sql: 'CREATE TABLE more (x);' }];
    const store = await openStore(options(fs, { migrations: newer }));
    await put(store, 'a', '1');
    await store.compact();
    const before = new Map(fs.files);
    await assert.rejects(
      openStore(options(fs)),
      (err: Error) => err instanceof StoreError && /newer version of Continuum/.test(err.message),
    );
    assert.deepStrictEqual(fs.files, before);
  });

  it('applies migrations in order, from every earlier version', async () => {
    const v2: Migration = {
      version: 2,
      description: 'notes',
      sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);',
    };
    const v3: Migration = {
      version: 3,
      description: 'kv.updated',
      sql: 'ALTER TABLE kv ADD COLUMN updated INTEGER NOT NULL DEFAULT 0;',
    };
    for (const start of [[], kv, [...kv, v2]]) {
      const fs = new MemoryFileSystem();
      const old = await openStore(options(fs, { migrations: start }));
      if (start.length) await put(old, 'a', '1');
      const upgraded = await openStore(options(fs, { migrations: [...kv, v2, v3] }));
      assert.deepStrictEqual(upgraded.get('PRAGMA user_version'), { user_version: 3 });
      await upgraded.write(w => w.run('INSERT OR REPLACE INTO kv (k, v, updated) VALUES (?, ?, ?)', ['b', '2', 5]));
      const again = await openStore(options(fs, { migrations: [...kv, v2, v3] }));
      assert.strictEqual(value(again, 'b'), '2');
      if (start.length) assert.strictEqual(value(again, 'a'), '1');
    }
  });

  it('keeps at most K backups', async () => {
    const fs = new MemoryFileSystem();
    const clock = new FakeClock();
    const store = await openStore(options(fs, { clock, backups: 3 }));
    for (let i = 0; i < 6; i++) {
      await put(store, `k${i}`, 'x');
      clock.advance(1000);
      await store.compact();
    }
    assert.strictEqual(fs.find(`${folder}/backups`, /\.db\.gz$/).length, 3);
  });

  it('rejects writes with a clear error once the disk fails, and keeps what was acknowledged', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    await put(store, 'a', '1');
    fs.failWrites = 'ENOSPC: no space left on device';
    await assert.rejects(put(store, 'b', '2'), /could not write to its store.*full \(ENOSPC\): free some space/);
    await assert.rejects(put(store, 'c', '3'), /could not write/);
    fs.failWrites = undefined;
    const reopened = await openStore(options(fs));
    assert.strictEqual(value(reopened, 'a'), '1');
  });

  it('opens read-only and says who holds the lock when another writer has it', async () => {
    const fs = new MemoryFileSystem();
    const holder: LockOwner = { description: 'VS Code window', pid: 4242, host: 'devbox', since: 0 };
    let held = false;
    const lock: LockPort = {
      async acquire(_path, owner) {
        if (held) return { heldBy: holder };
        held = true;
        void owner;
        const h: HeldLock = {
          onLost() {},
          verify: async () => undefined,
          release: async () => {
            held = false;
          },
        };
        return h;
      },
    };
    const first = await openStore(options(fs, { lock }));
    await put(first, 'a', '1');
    const second = await openStore(options(fs, { lock }));
    assert.ok(second.readOnly);
    assert.strictEqual(value(second, 'a'), '1');
    await assert.rejects(
      put(second, 'b', '2'),
      (err: Error) => err instanceof ReadOnlyStoreError && /pid 4242 on devbox/.test(err.message),
    );
    await first.close();
    const third = await openStore(options(fs, { lock }));
    assert.ok(!third.readOnly);
  });

  it('tells listeners which tables changed once the change is durable', async () => {
    const store = await openStore(options(new MemoryFileSystem()));
    const seen: string[][] = [];
    store.onDidChange(c => seen.push([...c.tables]));
    await put(store, 'a', '1');
    assert.deepStrictEqual(seen, [['kv']]);
  });
});

describe('store backups', () => {
  it('verifies every backup and sets a damaged one aside', async () => {
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
    const checks = await store.verifyBackups();
    assert.strictEqual(checks.filter(c => c.problem).length, 1);
    assert.ok(checks.filter(c => !c.problem).length >= 3);
    assert.ok(!fs.files.has(victim));
    assert.ok(fs.files.has(`${victim}.bad`));
  });
});

describe('the real schema', () => {
  it('upgrades a store written at every earlier schema version to the latest, keeping its tasks', async () => {
    const { migrations: all, latestSchemaVersion } = await import('../../../src/core/store/schema');
    for (let version = 1; version < latestSchemaVersion; version++) {
      const fs = new MemoryFileSystem();
      const old = await openStore({ folder, fs, idleCompactMs: 0, migrations: all.filter(m => m.version <= version) });
      await old.write(w =>
        w.run(
          `INSERT INTO tasks (id, seq, title, status, priority, created_at, updated_at) VALUES ('t1', 1, 'kept', 'pending', 2, 0, 0)`,
        ),
      );
      await old.close();
      const upgraded = await openStore({ folder, fs, idleCompactMs: 0 });
      assert.strictEqual(
        upgraded.get<{ user_version: number }>('PRAGMA user_version')?.user_version,
        latestSchemaVersion,
        `from version ${version}`,
      );
      assert.strictEqual(upgraded.get<{ title: string }>("SELECT title FROM tasks WHERE id = 't1'")?.title, 'kept');
      assert.strictEqual(upgraded.get<{ integrity_check: string }>('PRAGMA integrity_check')?.integrity_check, 'ok');
      await upgraded.close();
    }
  });
});

describe('store compaction cut short', () => {
  /** A store with a backup and three changes only in the journal, about to compact; `crashAt` counts disk changes from here. */
  async function compactionCutShortAt(crashAt: number, backups: number) {
    const fs = new CrashPointFileSystem();
    const clock = new FakeClock();
    const store = await openStore(options(fs, { clock, backups }));
    await put(store, 'a', '1');
    clock.advance(1000);
    await store.compact(); // state.db and the first backup
    for (const k of ['b', 'c', 'd']) await put(store, k, k); // acknowledged, only in the journal
    clock.advance(1000);
    fs.crashAt = fs.changes + crashAt;
    await store.compact().catch(() => undefined);
    return { fs, clock, crashed: fs.crashed };
  }

  for (const backups of [1, 5])
    it(`loses no acknowledged change when the process dies at any step of a compaction, even if state.db is then damaged (${backups} backups kept)`, async () => {
      let boundaries = 0;
      for (let step = 0; ; step++) {
        const { fs, clock, crashed } = await compactionCutShortAt(step, backups);
        for (const damage of ['none', 'state.db garbage'] as const) {
          const disk = restarted(fs.onDisk);
          if (damage !== 'none')
            disk.files.set(
              `${folder}/state.db`,
              new Uint8Array(512).map((_, i) => (i * 7919) % 251),
            );
          const reopened = await openStore(options(disk, { clock }));
          for (const k of ['a', 'b', 'c', 'd']) {
            assert.strictEqual(
              value(reopened, k),
              k === 'a' ? '1' : k,
              `'${k}' lost after a crash before disk change ${step} of the compaction, state.db ${damage}: ${reopened.health().recovery.join(' ')}`,
            );
          }
          await reopened.close();
        }
        if (!crashed) break; // the compaction finished: every boundary was tried
        boundaries++;
      }
      assert.ok(boundaries >= (backups === 1 ? 4 : 3), `only ${boundaries} step boundaries were tried`);
    });

  it('keeps intact changes it could not apply, set aside beside the journal, instead of deleting them', async () => {
    const fs = new MemoryFileSystem();
    const clock = new FakeClock();
    const store = await openStore(options(fs, { clock }));
    await put(store, 'a', '1'); // #2
    clock.advance(1000);
    await store.compact(); // backup at #2
    await put(store, 'b', '2'); // #3
    clock.advance(1000);
    await store.compact(); // backup at #3
    await put(store, 'c', '3'); // #4, journal only
    await put(store, 'd', '4'); // #5
    const [journal] = journalFiles(fs);
    const records = fs.files.get(journal)!;
    fs.files.set(`${folder}/state.db`, new Uint8Array(10));
    const [newest] = fs.find(`${folder}/backups`, /^state-3-/);
    fs.files.set(newest, new Uint8Array(100)); // recovery must start from #2: #3 is missing, #4 and #5 cannot follow
    const reopened = await openStore(options(fs, { clock }));
    assert.strictEqual(value(reopened, 'a'), '1');
    const kept = fs.find(folder, /\.unapplied$/);
    assert.strictEqual(kept.length, 1, `set aside: ${kept.join(', ')}`);
    assert.deepStrictEqual(fs.files.get(kept[0]), records);
    assert.match(
      reopened.health().recovery.join('\n'),
      new RegExp(`kept in ${path.basename(kept[0]).replace(/\./g, '\\.')}`),
    );
    await put(reopened, 'e', '5');
    await reopened.compact();
    assert.deepStrictEqual(fs.files.get(kept[0]), records, 'a later compaction leaves the set-aside changes alone');
  });

  it('keeps the intact changes after damage in the middle of a segment, set aside, instead of deleting them', async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore(options(fs));
    for (const k of ['a', 'b', 'c']) await put(store, k, k);
    const [journal] = journalFiles(fs);
    const data = new Uint8Array(fs.files.get(journal)!);
    const second = 20 + new DataView(data.buffer).getUint32(12, true);
    data[second + 25] ^= 0xff; // damage inside 'b'; 'c' after it is intact
    fs.files.set(journal, data);
    const reopened = await openStore(options(fs));
    assert.strictEqual(value(reopened, 'a'), 'a');
    const kept = fs.find(folder, /\.unapplied$/);
    assert.strictEqual(kept.length, 1);
    assert.deepStrictEqual(fs.files.get(kept[0]), data);
    assert.match(reopened.health().recovery.join('\n'), /damaged/);
  });
});
