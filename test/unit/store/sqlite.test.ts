import * as assert from 'assert';
import { SqliteDatabase } from '../../../src/core/store/sqlite';

/** A database of `rows` rows, exported. */
async function exported(rows: number): Promise<Uint8Array> {
  const db = await SqliteDatabase.open();
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  for (let i = 0; i < rows; i++) db.run('INSERT INTO t (v) VALUES (?)', [`row ${i} ${'x'.repeat(100)}`]);
  const bytes = db.export();
  db.close();
  return bytes;
}

describe('the in-memory SQLite database', () => {
  it('keeps its rollback journal in memory, also after an export has reopened it', async () => {
    const db = await SqliteDatabase.open();
    const mode = () => db.get<{ journal_mode: string }>('PRAGMA journal_mode')?.journal_mode;
    assert.strictEqual(mode(), 'memory');
    db.exec('CREATE TABLE t (x INTEGER)');
    db.export();
    assert.strictEqual(mode(), 'memory');
    db.close();
  });

  it('still rolls a transaction back with its journal in memory', async () => {
    const db = await SqliteDatabase.open();
    db.exec('CREATE TABLE t (x INTEGER)');
    db.run('INSERT INTO t VALUES (1)');
    db.run('BEGIN');
    db.run('INSERT INTO t VALUES (2)');
    db.run('UPDATE t SET x = 10 WHERE x = 1');
    db.run('ROLLBACK');
    assert.deepStrictEqual(
      db.all<{ x: number }>('SELECT x FROM t ORDER BY x').map(r => r.x),
      [1],
    );
    db.close();
  });
});

describe('sqlite database', () => {
  it('creates a new database in the room it is given, and writes its pages there as it grows', async () => {
    const room = new ArrayBuffer(1024 * 1024);
    const db = await SqliteDatabase.create(room);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    for (let i = 0; i < 500; i++) db.run('INSERT INTO t (v) VALUES (?)', [`row ${i} ${'x'.repeat(100)}`]);
    const written = new Uint8Array(room);
    assert.strictEqual(new TextDecoder().decode(written.subarray(0, 15)), 'SQLite format 3');
    const after = db.export();
    assert.ok(after.length > 64 * 1024 && after.length < room.byteLength, `${after.length} bytes`);
    assert.ok(
      written.subarray(after.length - 4096, after.length).some(b => b !== 0),
      'the last page is in the room',
    );
    const reopened = await SqliteDatabase.open(after);
    assert.strictEqual(reopened.get<{ n: number }>('SELECT count(*) AS n FROM t')!.n, 500);
    assert.strictEqual(reopened.integrityCheck(), 'ok');
    reopened.close();
    db.close();
  });

  it('takes over the bytes it is opened from and grows into the room behind them, without copying them', async () => {
    const bytes = await exported(200);
    const room = new Uint8Array(bytes.length * 2);
    room.set(bytes);
    const db = await SqliteDatabase.takeOver(room.subarray(0, bytes.length));
    assert.strictEqual(db.get<{ n: number }>('SELECT count(*) AS n FROM t')!.n, 200);
    for (let i = 0; i < 100; i++) db.run('INSERT INTO t (v) VALUES (?)', [`more ${i} ${'y'.repeat(100)}`]);
    // SQLite wrote its pages into the very buffer it was handed: past the old end, too
    assert.notDeepStrictEqual(room.subarray(0, bytes.length), bytes, 'the pages written are in the buffer handed over');
    assert.ok(
      room.subarray(bytes.length).some(b => b !== 0),
      'the file grew into the room behind the bytes',
    );
    const after = db.export();
    assert.strictEqual(after.length % 4096, 0);
    assert.ok(after.length > bytes.length && after.length < room.length, `${after.length} bytes`);
    const reopened = await SqliteDatabase.open(after);
    assert.strictEqual(reopened.get<{ n: number }>('SELECT count(*) AS n FROM t')!.n, 300);
    assert.strictEqual(reopened.integrityCheck(), 'ok');
    reopened.close();
    db.close();
  });
});
