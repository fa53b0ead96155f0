// A snapshot damaged where only SQLite's own check sees it: the checksum matches.
import * as assert from 'assert';
import { decodeSnapshot, encodeSnapshot } from '../../../src/core/store/records';
import { SqliteDatabase } from '../../../src/core/store/sqlite';

/**
 * The snapshot with one of its pages overwritten, under a checksum that matches again: the second to
 * last page, or the nearest before it whose damage SQLite opens past and its quick check notices (not
 * an overflow page's text, not the schema's).
 */
export async function damagedWithValidChecksum(file: Uint8Array): Promise<Uint8Array> {
  const snapshot = decodeSnapshot(file);
  if (typeof snapshot === 'string') throw new Error(snapshot);
  const pageSize = new DataView(snapshot.database.buffer, snapshot.database.byteOffset).getUint16(16);
  const pages = snapshot.database.length / pageSize;
  assert.ok(pages > 4, `only ${pages} pages`);
  for (let page = pages - 2; page >= 2; page--) {
    const database = new Uint8Array(snapshot.database);
    database.fill(0x5a, page * pageSize + 8, (page + 1) * pageSize);
    const check = await SqliteDatabase.open(database).catch(() => undefined);
    if (!check) continue;
    const noticed = check.integrityCheck(true) !== 'ok';
    check.close();
    if (noticed) return encodeSnapshot({ ...snapshot, database });
  }
  throw new Error('no page whose damage SQLite notices');
}
