import * as assert from 'assert';
import { SqliteDatabase } from '../../../src/core/store/sqlite';

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
