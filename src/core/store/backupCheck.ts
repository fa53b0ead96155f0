// Whether a backup (a gzipped snapshot file in backups/) could be restored from: its compression,
// its checksum, SQLite's full check and its schema version. Run where the store's snapshot copy runs
// (a worker thread in VS Code and the CLI), so that checking the backups after an open never holds
// the extension host's thread for a full SQLite check of each one.
import { gunzip } from 'zlib';
import { promisify } from 'util';
import { decodeSnapshot } from './records';
import { SqliteDatabase } from './sqlite';

const gunzipAsync = promisify(gunzip);

/** 'ok', or what is wrong with the backup, in words. Never throws. */
export async function checkBackup(raw: Uint8Array, latestSchemaVersion: number): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await gunzipAsync(raw));
  } catch (err) {
    return `it could not be decompressed (${(err as Error).message})`;
  }
  const snapshot = decodeSnapshot(bytes);
  if (typeof snapshot === 'string') return snapshot;
  let db: SqliteDatabase;
  try {
    db = await SqliteDatabase.open(snapshot.database);
  } catch (err) {
    return `SQLite could not read it (${(err as Error).message})`;
  }
  try {
    const integrity = db.integrityCheck(false);
    if (integrity !== 'ok') return `SQLite's integrity check failed (${integrity.slice(0, 200)})`;
    const version = db.userVersion;
    if (version > latestSchemaVersion)
      return `it was written by a newer version of Continuum (schema ${version}; this version knows up to ${latestSchemaVersion})`;
    return 'ok';
  } catch (err) {
    return `SQLite could not read it (${(err as Error).message})`;
  } finally {
    db.close();
  }
}
