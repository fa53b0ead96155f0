// A store opened without SQLite's check of its snapshot (OpenStoreOptions.checkLater: the graph CLI
// runs it while its worker looks over the files): the check still comes before anything could write
// the damaged database out again, and what was acknowledged before it is kept.
import * as assert from 'assert';
import { openStore, type OpenStoreOptions } from '../../../src/core/store/store';
import type { Migration } from '../../../src/core/store/schema';
import { SqliteDatabase } from '../../../src/core/store/sqlite';
import type { Store } from '../../../src/core/store/types';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';
import { FakeClock } from '../fakes/fakeClock';
import { damagedWithValidChecksum } from './damagedSnapshot';

const folder = '/store';
const kv: Migration[] = [
  {
    version: 1,
    description: 'kv',
    sql: 'CREATE TABLE notes (n TEXT); CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);',
  },
];

function options(fs: MemoryFileSystem, extra: Partial<OpenStoreOptions> = {}): OpenStoreOptions {
  return { folder, fs, migrations: kv, idleCompactMs: 0, clock: new FakeClock(), ...extra };
}

function put(store: Store, k: string, v: string): Promise<void> {
  return store.write(w => {
    w.run('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', [k, v]);
  });
}

/**
 * A store folder whose state.db (301 rows) is damaged under a matching checksum, with a good backup
 * of it; `journal`: and one more change in the journal, which an open without a copy folds in.
 */
async function damagedStore(journal = false): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  const store = await openStore(options(fs));
  for (let i = 0; i < 300; i++) await put(store, `key ${i}`, `value ${i} ${'x'.repeat(40)}`);
  await put(store, 'after', 'the snapshot');
  await store.compact(); // state.db and a good backup of it
  if (journal) await put(store, 'journal', 'only');
  await store.close();
  fs.files.set(`${folder}/state.db`, await damagedWithValidChecksum(fs.files.get(`${folder}/state.db`)!));
  return fs;
}

/** A change the damage (in kv's last pages) does not touch: SQLite writes it before the check. */
function note(store: Store, n: string): Promise<void> {
  return store.write(w => {
    w.run('INSERT INTO notes (n) VALUES (?)', [n]);
  });
}

function countChecks(): { count: number; restore(): void } {
  const original = SqliteDatabase.prototype.integrityCheck;
  const counter = { count: 0, restore: () => (SqliteDatabase.prototype.integrityCheck = original) };
  SqliteDatabase.prototype.integrityCheck = function (this: SqliteDatabase, quick?: boolean) {
    counter.count++;
    return original.call(this, quick);
  };
  return counter;
}

describe('a store opened to check its snapshot later', () => {
  it('opens a damaged snapshot whose checksum matches; the check then stops the writing, sets state.db aside, and the next open recovers every acknowledged change', async () => {
    const fs = await damagedStore();
    const store = await openStore(options(fs, { checkLater: true }));
    assert.strictEqual(store.readOnly, false);
    await note(store, 'before the check'); // acknowledged: in the journal
    const lost = new Promise<string>(resolve => store.onDidLoseLock(resolve));
    assert.strictEqual(store.checkSnapshot(), false);
    assert.strictEqual(store.readOnly, true);
    assert.match(await lost, /found it damaged/);
    await assert.rejects(put(store, 'after', 'the check'), /found it damaged/);
    await store.close();
    assert.strictEqual(fs.files.has(`${folder}/state.db`), false);
    assert.strictEqual(fs.find(folder, /^state\.db\.\d+\.bad$/).length, 1);

    const recovered = await openStore(options(fs));
    assert.match(recovered.health().recovery.join('\n'), /Recovered from the backup/);
    assert.strictEqual(recovered.all('SELECT k FROM kv').length, 301);
    assert.deepStrictEqual(recovered.all('SELECT n FROM notes'), [{ n: 'before the check' }]);
    await recovered.close();
  });

  it('runs the check itself when it closes, if nobody did', async () => {
    const fs = await damagedStore();
    const store = await openStore(options(fs, { checkLater: true }));
    await note(store, 'before closing');
    await store.close();
    assert.strictEqual(fs.find(folder, /^state\.db\.\d+\.bad$/).length, 1);
    const recovered = await openStore(options(fs));
    assert.deepStrictEqual(recovered.all('SELECT n FROM notes'), [{ n: 'before closing' }]);
    await recovered.close();
  });

  it('runs the check before a compaction, which then writes no snapshot of the damaged database', async () => {
    const fs = await damagedStore();
    const store = await openStore(options(fs, { checkLater: true }));
    await note(store, 'before compacting');
    await store.compact();
    assert.strictEqual(store.readOnly, true);
    await store.close();
    assert.strictEqual(fs.files.has(`${folder}/state.db`), false, 'no new state.db of the damaged database');
    const recovered = await openStore(options(fs));
    assert.deepStrictEqual(recovered.all('SELECT n FROM notes'), [{ n: 'before compacting' }]);
    await recovered.close();
  });

  it('checks an intact snapshot once, and goes on writing', async () => {
    const fs = new MemoryFileSystem();
    const first = await openStore(options(fs));
    await put(first, 'a', '1');
    await first.compact();
    await first.close();
    const checks = countChecks();
    try {
      const store = await openStore(options(fs, { checkLater: true }));
      assert.strictEqual(checks.count, 0, 'not at open');
      assert.strictEqual(store.checkSnapshot(), true);
      assert.strictEqual(store.checkSnapshot(), true);
      await put(store, 'b', '2');
      await store.compact();
      await store.close();
      assert.strictEqual(checks.count, 1);
    } finally {
      checks.restore();
    }
    const again = await openStore(options(fs));
    assert.deepStrictEqual(again.all('SELECT k FROM kv ORDER BY k'), [{ k: 'a' }, { k: 'b' }]);
    await again.close();
  });

  it('checks before the compaction an open makes to fold in the journal: the store opens read-only, and the next one recovers', async () => {
    const fs = await damagedStore(true);
    const store = await openStore(options(fs, { checkLater: true }));
    assert.strictEqual(store.readOnly, true);
    assert.match(store.health().readOnlyReason ?? '', /found it damaged/);
    await store.close();
    const recovered = await openStore(options(fs));
    assert.strictEqual(recovered.all('SELECT k FROM kv').length, 302);
    await recovered.close();
  });

  it('a reader checks at open all the same: it refuses the damaged snapshot before showing anything', async () => {
    const fs = await damagedStore();
    const reader = await openStore(options(fs, { checkLater: true, readOnly: true }));
    assert.match(reader.health().recovery.join('\n'), /integrity check failed[\s\S]*Recovered from the backup/);
    assert.strictEqual(reader.all('SELECT k FROM kv').length, 301);
    await reader.close();
  });
});
