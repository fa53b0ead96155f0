// sql.js behind a small wrapper: a cache of prepared statements, typed rows, and the two sql.js
// quirks handled in one place — `export()` frees every prepared statement and reopens the
// connection (which resets per-connection pragmas), and the WebAssembly module loads once.
import initSqlJs, { type Database, type SqlJsStatic, type Statement } from 'sql.js';
import type { SqlValue } from './types';

let sqlJs: Promise<SqlJsStatic> | undefined;
/** The file of a database with nothing in it (see SqliteDatabase.create). */
let emptyDatabase: Uint8Array | undefined;

/**
 * Bytes that sql.js takes over rather than copies. Its in-memory file system (Emscripten's MEMFS)
 * stores a new file as `data.slice()`; here that slice is the bytes themselves, seen up to the end
 * of their buffer, which MEMFS treats as the file's capacity (its size is kept apart) — what its
 * `canOwn` does, which sql.js does not expose. Should a later sql.js not call slice(), it copies,
 * as before: slower, never wrong.
 */
class HandedOver extends Uint8Array<ArrayBuffer> {
  static get [Symbol.species](): Uint8ArrayConstructor {
    return Uint8Array;
  }

  override slice(start = 0, end = this.length): Uint8Array<ArrayBuffer> {
    if (start !== 0 || end !== this.length) return super.slice(start, end);
    return new Uint8Array(this.buffer, this.byteOffset, this.buffer.byteLength - this.byteOffset);
  }
}

/**
 * Loads sql.js once. It finds sql-wasm.wasm beside its own code: in node_modules/sql.js/dist when
 * unbundled, beside the bundle in dist/ (esbuild.js copies it there) when bundled.
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

export class SqliteDatabase {
  private statements = new Map<string, Statement>();

  private constructor(private db: Database) {
    this.configure();
  }

  static async open(bytes?: Uint8Array): Promise<SqliteDatabase> {
    const SQL = await loadSqlJs();
    return new SqliteDatabase(new SQL.Database(bytes));
  }

  /**
   * A new, empty database whose in-memory file has the room of `room` to grow into. sql.js's file
   * grows by an eighth at a time past 1 MB, copying itself each time (measured on 13 MB of inserts
   * in 64 transactions: 273 → 118 ms). The room is allocated, not touched: what the file does not use
   * is not resident.
   */
  static async create(room = new ArrayBuffer(16 * 1024 * 1024)): Promise<SqliteDatabase> {
    // sql.js replaces an empty file at its first write: the room starts with an empty database's first page
    emptyDatabase ??= await (async () => {
      const db = await SqliteDatabase.open();
      db.exec('CREATE TABLE t (x); DROP TABLE t');
      const bytes = db.export();
      db.close();
      return bytes;
    })();
    const start = new Uint8Array(room, 0, emptyDatabase.length);
    start.set(emptyDatabase);
    return SqliteDatabase.takeOver(start);
  }

  /**
   * Opens the database in `bytes` without copying them: sql.js's in-memory file takes them over,
   * and grows into the room their buffer has behind them (`bytes.buffer` past `bytes.length`)
   * before it needs a larger one. Loading tens of megabytes otherwise copies them at once, and the
   * first write that makes the file longer copies them again — each holding the thread for a long
   * time on a large store. The caller must not use `bytes` (or their buffer) afterwards.
   */
  static async takeOver(bytes: Uint8Array): Promise<SqliteDatabase> {
    const SQL = await loadSqlJs();
    if (!(bytes.buffer instanceof ArrayBuffer)) return SqliteDatabase.open(bytes);
    return new SqliteDatabase(new SQL.Database(new HandedOver(bytes.buffer, bytes.byteOffset, bytes.length)));
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    const stmt = this.prepare(sql);
    try {
      stmt.bind(params as SqlValue[]);
      const rows: T[] = [];
      let columns: string[] | undefined;
      while (stmt.step()) {
        // getAsObject() asks SQLite for the column names again on every row; ask once.
        columns ??= stmt.getColumnNames();
        const values = stmt.get();
        const row: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) row[columns[i]] = values[i];
        rows.push(row as T);
      }
      return rows;
    } finally {
      stmt.reset();
    }
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    const stmt = this.prepare(sql);
    try {
      stmt.bind(params as SqlValue[]);
      return stmt.step() ? (stmt.getAsObject() as T) : undefined;
    } finally {
      stmt.reset();
    }
  }

  run(sql: string, params: readonly SqlValue[] = []): number {
    const stmt = this.prepare(sql);
    try {
      stmt.run(params as SqlValue[]);
    } finally {
      stmt.reset();
    }
    return this.db.getRowsModified();
  }

  /** Runs a script of several statements (migrations). */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  get userVersion(): number {
    return Number(this.db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
  }

  /**
   * 'ok', or the problems SQLite found. `quick` skips the index-content checks: enough for a
   * snapshot whose bytes already passed a checksum; backups get the full check.
   */
  integrityCheck(quick = false): string {
    const rows = this.db.exec(quick ? 'PRAGMA quick_check' : 'PRAGMA integrity_check')[0]?.values ?? [];
    return rows.map(r => String(r[0])).join('; ') || 'no answer';
  }

  /** The whole database as bytes. Invalidates cached statements and reapplies pragmas (sql.js reopens). */
  export(): Uint8Array {
    this.statements.clear(); // export() has already freed them
    const bytes = this.db.export();
    this.configure();
    return bytes;
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }

  private prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear(); // sql.js frees them with the db
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private configure(): void {
    // The database lives in memory (the journal on disk is ours, see store.ts): SQLite's rollback
    // journal, needed only to roll a transaction back, is kept in memory too instead of as a file
    // that sql.js's in-memory file system creates, grows and deletes in every transaction. No other
    // connection ever opens this file, so the exclusive locking mode spares every statement SQLite's
    // lock and hot-journal check on that file system (which throws an error each time it finds no
    // journal): reads become about seven times faster and write transactions three times.
    this.db.exec('PRAGMA foreign_keys = ON; PRAGMA journal_mode = MEMORY; PRAGMA locking_mode = EXCLUSIVE');
  }
}
