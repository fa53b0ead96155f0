// A snapshot damaged where only SQLite's own check sees it: the checksum matches.
import * as assert from 'assert';
import { decodeSnapshot, encodeSnapshot } from '../../../src/core/store/records';
import { SqliteDatabase } from '../../../src/core/store/sqlite';

/** The snapshot with one of its table pages overwritten, under a checksum that matches again. */
export async function damagedWithValidChecksum(file: Uint8Array): Promise<Uint8Array> {
  const snapshot = decodeSnapshot(file);
  if (typeof snapshot === 'string') throw new Error(snapshot);
  const database = new Uint8Array(snapshot.database);
  const pageSize = new DataView(database.buffer).getUint16(16);
  const pages = database.length / pageSize;
  assert.ok(pages > 4, `only ${pages} pages`);
  database.fill(0x5a, (pages - 2) * pageSize + 8, (pages - 1) * pageSize);
  const check = await SqliteDatabase.open(database);
  assert.notStrictEqual(check.integrityCheck(true), 'ok', 'the damage is one SQLite notices');
  check.close();
  return encodeSnapshot({ ...snapshot, database });
}
