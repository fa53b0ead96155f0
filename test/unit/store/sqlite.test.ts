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

describe('sqlite database', () => {
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
