// Where the store's files live inside its folder.
import * as path from 'path';
import { constants, type ZlibOptions } from 'zlib';

export const snapshotFile = 'state.db';
export const lockFile = 'lock';
export const backupsFolder = 'backups';

/**
 * How backups are compressed: zlib's fastest level. On a 7.7 MB graph store it took 35–38 ms
 * against 78–96 ms at the default level, for 1.18 MB instead of 0.96; a compaction waits for it.
 */
export const backupCompression: ZlibOptions = { level: constants.Z_BEST_SPEED };

const segmentPattern = /^journal-(\d{6,})\.log$/;
const backupPattern = /^state-(\d+)-(\d+)\.db\.gz$/;

export function segmentName(n: number): string {
  return `journal-${String(n).padStart(6, '0')}.log`;
}

/** Journal segment numbers found among `names`, oldest first. */
export function segmentNumbers(names: readonly string[]): number[] {
  return names
    .flatMap(n => {
      const m = segmentPattern.exec(n);
      return m ? [Number(m[1])] : [];
    })
    .sort((a, b) => a - b);
}

export interface BackupName {
  name: string;
  seq: number;
  at: number;
}

export function backupName(seq: number, at: number): string {
  return `state-${seq}-${at}.db.gz`;
}

/** Backups found among `names`, newest first. */
export function parseBackupNames(names: readonly string[]): BackupName[] {
  return names
    .flatMap(name => {
      const m = backupPattern.exec(name);
      return m ? [{ name, seq: Number(m[1]), at: Number(m[2]) }] : [];
    })
    .sort((a, b) => b.seq - a.seq || b.at - a.at);
}

export const join = path.join;
