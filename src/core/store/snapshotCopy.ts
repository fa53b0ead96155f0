// A second copy of the store's database that writes its snapshots, so that the thread the store
// serves (VS Code's extension host) never runs sql.js's export(), which is synchronous and takes
// hundreds of milliseconds on a large store. The copy is fed the same journal records the store
// writes, in the same order, and replays them exactly as an open after a crash would (records are
// deterministic: see StoreWriter.run); a snapshot of it at change #n is therefore the snapshot of
// the store at change #n. The copy also runs SQLite's check of the snapshot the store opened from,
// so that opening needs only the checksum. In VS Code and the CLI it lives in a worker thread
// (src/node/storeWorker.ts); without one the store exports and checks on its own thread.
import { decodeJournal, decodeSnapshot, encodeSnapshot, type JournalRecord, type Snapshot } from './records';
import { SqliteDatabase } from './sqlite';

/** The store's side of the copy. Calls are applied in the order they are made. */
export interface SnapshotCopy {
  /**
   * SQLite's check of the database the copy was loaded from: 'ok', or the problems found. Settles
   * before any snapshot: a copy whose check failed refuses to write one. Rejects when the copy
   * failed before it could check (the check did not run).
   */
  readonly checked: Promise<string>;
  /**
   * For a copy started from a snapshot file: the database for the store, or why the file cannot be
   * used (then the copy can do nothing more: close it). undefined for a copy started from a database.
   * Rejects when the copy failed before it could say.
   */
  readonly opened: Promise<OpenedSnapshot | string | undefined>;
  /** Applies the records of `journal` (whole records, as encodeRecord made them) that follow the copy's last change, up to change #upTo. */
  apply(journal: Uint8Array, upTo: number): void;
  /**
   * The snapshot file (encodeSnapshot) of the copy at change #seq, which must be the last change
   * applied, and, when asked for, its backup (the file gzipped): compressing tens of megabytes is
   * the copy's work too, not the store's thread's.
   */
  snapshot(seq: number, withBackup?: boolean): Promise<WrittenSnapshot>;
  /** Whether a backup file's bytes could be restored from (see backupCheck.ts): 'ok' or the problem. Where the copy runs. */
  checkBackup(raw: Uint8Array, latestSchemaVersion: number): Promise<string>;
  /** Ends the copy (its memory goes back); what it was still asked fails. */
  close(): Promise<void>;
}

export interface WrittenSnapshot {
  snapshot: Uint8Array;
  /** The backup file's bytes (the snapshot gzipped), when asked for. */
  backup?: Uint8Array;
}

export type SnapshotCopyBase =
  | {
      /** The SQLite bytes the store opened from, undefined for a new, empty database. The copy takes them over: the caller must not use them afterwards. */
      database: Uint8Array | undefined;
      /** The change the base holds. */
      seq: number;
      /** Whether the copy runs SQLite's check of the base (the store checked only its checksum). */
      check: boolean;
    }
  | {
      /**
       * The snapshot file's bytes, not checked at all: the copy checks the checksum and SQLite's
       * check, and hands the store its database (SnapshotCopy.opened). The copy takes them over.
       */
      snapshotFile: Uint8Array;
    };

/** The database of a snapshot file whose checksum the copy checked, for the store to load. */
export interface OpenedSnapshot {
  seq: number;
  /** The SQLite bytes, in a buffer of their own with room behind them to grow (SqliteDatabase.takeOver). */
  database: Uint8Array;
}

/** Room for the store's database to grow before sql.js copies it into a larger buffer: as much as sql.js itself would add, and 1 MB. */
export function roomToGrow(bytes: number): number {
  return Math.ceil(bytes / 8) + 1024 * 1024;
}

/** Starts a copy (in VS Code and the CLI: a worker thread). */
export type SnapshotCopyFactory = (base: SnapshotCopyBase) => SnapshotCopy;

/** The copy itself, wherever it runs: synchronous, one call at a time. */
export class DatabaseCopy {
  /** Why the copy can no longer write a true snapshot (a failed check, a change it could not apply). */
  private broken: string | undefined;

  private constructor(
    private readonly db: SqliteDatabase,
    private seq: number,
  ) {}

  static async load(base: { database: Uint8Array | undefined; seq: number }): Promise<DatabaseCopy> {
    return new DatabaseCopy(await SqliteDatabase.open(base.database), base.seq);
  }

  /** SQLite's quick check: 'ok' or the problems. A failure breaks the copy. */
  check(): string {
    let result: string;
    try {
      result = this.db.integrityCheck(true);
    } catch (err) {
      result = `SQLite could not read it (${(err as Error).message})`;
    }
    if (result !== 'ok')
      this.broken ??= `SQLite's check of the snapshot it was loaded from failed (${result.slice(0, 200)})`;
    return result;
  }

  apply(journal: Uint8Array, upTo: number): void {
    if (this.broken) return;
    for (const record of decodeJournal(journal).records) {
      if (record.seq <= this.seq || record.seq > upTo) continue;
      if (record.seq !== this.seq + 1) break;
      try {
        applyRecord(this.db, record);
      } catch (err) {
        this.broken = `change #${record.seq} could not be applied to it (${(err as Error).message})`;
        return;
      }
      this.seq = record.seq;
    }
    if (this.seq < upTo) this.broken = `it was not given changes #${this.seq + 1} to #${upTo}`;
  }

  snapshot(seq: number): Uint8Array {
    if (this.broken) throw new Error(`The store's snapshot copy cannot write a snapshot: ${this.broken}.`);
    if (seq !== this.seq) throw new Error(`The store's snapshot copy holds change #${this.seq}, not #${seq}.`);
    return encodeSnapshot({ seq, schemaVersion: this.db.userVersion, database: this.db.export() });
  }

  close(): void {
    this.db.close();
  }
}

/**
 * A snapshot file's checksum checked, and a copy of its database for the store, in a buffer with
 * room to grow: or what is wrong with the file. Touching every byte (checksum, copy) costs the
 * thread it runs in; the copy runs it in its own.
 */
export function openSnapshotFile(file: Uint8Array): { snapshot: Snapshot; forStore: OpenedSnapshot } | string {
  const snapshot = decodeSnapshot(file);
  if (typeof snapshot === 'string') return snapshot;
  const length = snapshot.database.length;
  const room = new Uint8Array(length + roomToGrow(length));
  room.set(snapshot.database);
  return { snapshot, forStore: { seq: snapshot.seq, database: room.subarray(0, length) } };
}

/** Applies one journal record in one transaction (an open's replay, and the snapshot copy). */
export function applyRecord(db: SqliteDatabase, record: JournalRecord): void {
  db.run('BEGIN');
  try {
    for (const [sql, params] of record.mutation.statements) {
      if (params.length) db.run(sql, params);
      else db.exec(sql);
    }
    db.run('COMMIT');
  } catch (err) {
    db.run('ROLLBACK');
    throw err;
  }
}
