// The durable store: sql.js in memory, a write-ahead journal on disk, atomic snapshots, rotated
// backups and a single-writer lock. See DESIGN.md, "Durability".
//
// Every write() runs in one SQL transaction; the statements it ran are appended to the journal as
// one checksummed record, and the promise resolves after fdatasync. Writes that arrive together
// share one flush (group commit). Compaction exports the database to a snapshot written atomically
// (temporary file, fsync, rename), after which the old journal segments are deleted. Opening loads
// the snapshot and replays the journal, stopping at a torn or damaged record.
import { gunzip, gzip } from 'zlib';
import { promisify } from 'util';
import { Emitter } from '../events';
import { silentLogger, systemClock, type Clock, type FileSystemPort, type HeldLock, type LockOwner, type LockPort, type Logger } from '../ports';
import { backupName, backupsFolder, join, lockFile, parseBackupNames, segmentName, segmentNumbers, snapshotFile } from './layout';
import { migrate } from './migrate';
import { decodeJournal, decodeSnapshot, encodeRecord, encodeSnapshot, type JournalRecord, type Mutation } from './records';
import { latestSchemaVersion, migrations as defaultMigrations, type Migration } from './schema';
import { SqliteDatabase } from './sqlite';
import { LockLostError, ReadOnlyStoreError, StoreError, type Actor, type BackupCheck, type SqlValue, type Store, type StoreChange, type StoreHealth, type StoreWriter } from './types';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface OpenStoreOptions {
  folder: string;
  fs: FileSystemPort;
  /** Without a lock port the store assumes it is the only writer (unit tests). */
  lock?: LockPort;
  owner?: LockOwner;
  clock?: Clock;
  logger?: Logger;
  /** Open without taking the lock and refuse every write. */
  readOnly?: boolean;
  /** Compressed copies of the last snapshots to keep (default 5). */
  backups?: number;
  /** Compact once the journal holds this many bytes (default 8 MB) … */
  compactAfterBytes?: number;
  /** … or this many records (default 20,000) … */
  compactAfterRecords?: number;
  /** … or when no write came for this long (default 30 s). 0 turns idle compaction off. */
  idleCompactMs?: number;
  migrations?: readonly Migration[];
}

interface PendingRecord {
  bytes: Uint8Array;
  resolve(): void;
  reject(err: Error): void;
}

interface Base {
  db: SqliteDatabase;
  seq: number;
}

/** Opens (creating when needed) the store in `options.folder`. Never throws on damaged files: it recovers and says so in `health().recovery`. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const fs = options.fs;
  const logger = options.logger ?? silentLogger;
  const all = options.migrations ?? defaultMigrations;
  await fs.mkdirp(options.folder);

  let lock: HeldLock | undefined;
  let readOnlyReason: string | undefined = options.readOnly ? 'it was opened read-only' : undefined;
  if (!options.readOnly && options.lock) {
    const owner = options.owner ?? { description: 'Continuum', pid: process.pid, host: 'localhost', since: Date.now() };
    const acquired = await options.lock.acquire(join(options.folder, lockFile), owner);
    if ('heldBy' in acquired) {
      const who = acquired.heldBy ? `${acquired.heldBy.description} (pid ${acquired.heldBy.pid} on ${acquired.heldBy.host})` : 'another process';
      readOnlyReason = `${who} is already writing to this store, so this one opened it read-only; to make changes here, close the other one (or let it finish), then open the store again.`;
    } else {
      lock = acquired;
    }
  }

  const recovery: string[] = [];
  if (!readOnlyReason) await removeLeftovers(fs, options.folder);
  const names = await fs.list(options.folder);
  const segments = segmentNumbers(names);
  const base = await loadBase(options, recovery, all, segments.length > 0);
  const replay = await replayJournal(options, base, segments, recovery, logger);

  const store = new DurableStore(options, base.db, replay.lastSeq, segments, lock, readOnlyReason, recovery, logger);
  const needsUpgrade = base.db.userVersion < latestVersion(all);
  if (needsUpgrade && readOnlyReason) {
    migrate(base.db, all); // in memory only: a read-only view must still be able to read
  } else if (needsUpgrade) {
    await store.upgrade(all);
  }
  if (!readOnlyReason && replay.unapplied.length) {
    // Before the compaction below removes the segments.
    await setAsideUnapplied(options, replay.unapplied, recovery, (options.clock ?? systemClock).now());
  }
  if (!readOnlyReason && (replay.applied > 0 || recovery.length > 0 || needsUpgrade || replay.damaged)) {
    await store.compact();
  }
  for (const line of recovery) logger.warn(`store: ${line}`);
  return store;
}

/** Temporary files of snapshot writes cut short by a crash; only the lock holder may remove them. */
async function removeLeftovers(fs: FileSystemPort, folder: string): Promise<void> {
  for (const dir of [folder, join(folder, backupsFolder)]) {
    for (const name of await fs.list(dir)) {
      if (name.endsWith('.tmp')) await fs.remove(join(dir, name));
    }
  }
}

function latestVersion(all: readonly Migration[]): number {
  return all.length ? all[all.length - 1].version : 0;
}

/** The snapshot, else the newest valid backup, else an empty database. */
async function loadBase(options: OpenStoreOptions, recovery: string[], all: readonly Migration[], hasJournal: boolean): Promise<Base> {
  const fs = options.fs;
  const bytes = await fs.readFile(join(options.folder, snapshotFile));
  const backups = parseBackupNames(await fs.list(join(options.folder, backupsFolder)));
  if (!bytes && !hasJournal && !backups.length) {
    return { db: await SqliteDatabase.open(), seq: 0 };
  }
  if (bytes) {
    const loaded = await verifySnapshot(bytes, all, true);
    if (typeof loaded !== 'string') return loaded;
    recovery.push(`The store's snapshot could not be used: ${loaded}.`);
  } else if (backups.length) {
    recovery.push("The store's snapshot file was missing.");
  }
  for (const backup of backups) {
    const loaded = await loadBackup(options, backup.name, all);
    if (typeof loaded !== 'string') {
      recovery.push(`Recovered from the backup taken ${new Date(backup.at).toISOString()} (change #${loaded.seq}), then replayed the journal.`);
      return loaded;
    }
    recovery.push(`The backup ${backup.name} could not be used: ${loaded}.`);
  }
  if (bytes || backups.length) recovery.push('No usable snapshot or backup was found; the store was rebuilt from the journal alone.');
  return { db: await SqliteDatabase.open(), seq: 0 };
}

/** One backup, fully checked, or why it cannot be used. Refuses (throws) one from a newer Continuum. */
async function loadBackup(options: OpenStoreOptions, name: string, all: readonly Migration[]): Promise<Base | string> {
  try {
    const raw = await options.fs.readFile(join(options.folder, backupsFolder, name));
    return raw ? await verifySnapshot(new Uint8Array(await gunzipAsync(raw)), all) : 'it is missing';
  } catch (err) {
    if (err instanceof StoreError) throw err;
    return `it could not be decompressed (${(err as Error).message})`;
  }
}

/** Loads and checks one snapshot. Refuses (throws) a database from a newer Continuum. */
async function verifySnapshot(bytes: Uint8Array, all: readonly Migration[], quick = false): Promise<Base | string> {
  const snapshot = decodeSnapshot(bytes);
  if (typeof snapshot === 'string') return snapshot;
  let db: SqliteDatabase;
  try {
    db = await SqliteDatabase.open(snapshot.database);
    const integrity = db.integrityCheck(quick);
    if (integrity !== 'ok') {
      db.close();
      return `SQLite's integrity check failed (${integrity.slice(0, 200)})`;
    }
  } catch (err) {
    return `SQLite could not read it (${(err as Error).message})`;
  }
  const version = db.userVersion;
  if (version > latestVersion(all)) {
    db.close();
    throw new StoreError(`This store was written by a newer version of Continuum (schema ${version}; this version knows up to ${latestVersion(all)}). Update the Continuum extension to open it; nothing was changed.`);
  }
  return { db, seq: snapshot.seq };
}

interface ReplayResult {
  lastSeq: number;
  applied: number;
  damaged: boolean;
  /** Segments holding intact changes that could not be applied (after a gap, a change that failed, or damage): kept, never deleted. */
  unapplied: number[];
}

async function replayJournal(options: OpenStoreOptions, base: Base, segments: number[], recovery: string[], logger: Logger): Promise<ReplayResult> {
  let lastSeq = base.seq;
  let applied = 0;
  let damaged = false;
  const unapplied: number[] = [];
  /** From segment `index` on, nothing more can be applied: keep every segment that still holds changes after `lastSeq`. */
  const stopAt = async (index: number): Promise<ReplayResult> => {
    for (const n of segments.slice(index)) {
      const data = (await options.fs.readFile(join(options.folder, segmentName(n)))) ?? new Uint8Array();
      const decoded = decodeJournal(data);
      if (decoded.records.some(r => r.seq > lastSeq) || hasValidRecordAfter(data, data.length - decoded.badTailBytes)) unapplied.push(n);
    }
    return { lastSeq, applied, damaged: true, unapplied };
  };
  for (const [index, n] of segments.entries()) {
    const data = (await options.fs.readFile(join(options.folder, segmentName(n)))) ?? new Uint8Array();
    const decoded = decodeJournal(data);
    for (const record of decoded.records) {
      if (record.seq <= lastSeq) continue;
      if (record.seq !== lastSeq + 1) {
        recovery.push(`Changes #${lastSeq + 1} to #${record.seq - 1} could not be recovered, so the ${countAfter(decoded.records, lastSeq)}+ changes after them were not applied either.`);
        return stopAt(index);
      }
      try {
        applyRecord(base.db, record);
      } catch (err) {
        recovery.push(`Change #${record.seq} could not be replayed (${(err as Error).message}); it and any later changes were not applied.`);
        return stopAt(index);
      }
      lastSeq = record.seq;
      applied++;
    }
    if (decoded.badTailBytes > 0) {
      damaged = true;
      const damageAt = data.length - decoded.badTailBytes;
      if (!hasValidRecordAfter(data, damageAt)) {
        // An append cut short by a crash: that change was never acknowledged (had it been, the
        // next writer would have numbered its changes after it, and the gap would be reported).
        logger.info(`store: ignored an unfinished last change in ${segmentName(n)} (${decoded.badTailBytes} bytes, ${decoded.stopReason}).`);
      } else {
        recovery.push(`Part of the journal (${segmentName(n)}, ${decoded.badTailBytes} bytes after change #${lastSeq}) was damaged (${decoded.stopReason}) and could not be replayed.`);
        unapplied.push(n);
      }
    }
  }
  return { lastSeq, applied, damaged, unapplied };
}

/**
 * Copies each segment whose intact changes could not be applied to `<segment>.<time>.unapplied`,
 * which no replay reads and no compaction removes, and says where it is.
 */
async function setAsideUnapplied(options: OpenStoreOptions, segments: readonly number[], recovery: string[], now: number): Promise<void> {
  for (const n of segments) {
    const from = join(options.folder, segmentName(n));
    const data = await options.fs.readFile(from);
    if (!data) continue;
    const name = `${segmentName(n)}.${now}.unapplied`;
    await options.fs.writeFileAtomic(join(options.folder, name), data);
    recovery.push(`The changes in ${segmentName(n)} that could not be applied were kept in ${name} (nothing in it was deleted); keep that file if you may need them.`);
  }
}

function countAfter(records: JournalRecord[], seq: number): number {
  return records.filter(r => r.seq > seq).length;
}

/** Whether a whole, valid record starts somewhere after `offset` (damage in the middle, not a torn tail). */
function hasValidRecordAfter(data: Uint8Array, offset: number): boolean {
  for (let i = offset + 1; i + 4 <= data.length; i++) {
    if (data[i] === 0x43 && data[i + 1] === 0x52 && data[i + 2] === 0x4a && data[i + 3] === 0x31 && decodeJournal(data.subarray(i)).records.length > 0) {
      return true;
    }
  }
  return false;
}

function applyRecord(db: SqliteDatabase, record: JournalRecord): void {
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

const tablePattern = /^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+["`[]?(\w+)/i;

class DurableStore implements Store {
  private readonly changes = new Emitter<StoreChange>();
  readonly onDidChange = this.changes.event;
  private readonly lockLost = new Emitter<string>();
  readonly onDidLoseLock = this.lockLost.event;
  /** Set once the lock is found lost: every write from then on is refused with it. */
  private lostLock: LockLostError | undefined;

  private pending: PendingRecord[] = [];
  private flushing: Promise<void> | undefined;
  private compaction: Promise<void> | undefined;
  private inWrite = false;
  private failed: Error | undefined;
  private closed = false;
  private segment: number;
  private appender: ReturnType<FileSystemPort['openAppendOnly']> | undefined;
  private journalRecords = 0;
  private journalBytes = 0;
  private lastSnapshotAt: number | undefined;
  private idleTimer: { cancel(): void } | undefined;
  private changedTables = new Set<string>();
  private changedActor: Actor = 'user';
  private readonly clock: Clock;

  constructor(
    private readonly options: OpenStoreOptions,
    private readonly db: SqliteDatabase,
    private lastSeq: number,
    private oldSegments: number[],
    private readonly lock: HeldLock | undefined,
    private readOnlyReason: string | undefined,
    private readonly recovery: string[],
    private readonly logger: Logger,
  ) {
    this.clock = options.clock ?? systemClock;
    // A fresh segment per open: whatever torn tail the last one has stays behind it.
    this.segment = (oldSegments[oldSegments.length - 1] ?? 0) + 1;
    lock?.onLost(reason => this.loseLock(reason));
  }

  get folder(): string {
    return this.options.folder;
  }

  get readOnly(): boolean {
    return this.readOnlyReason !== undefined;
  }

  all<T>(sql: string, params?: readonly SqlValue[]): T[] {
    this.assertOpen();
    return this.db.all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly SqlValue[]): T | undefined {
    this.assertOpen();
    return this.db.get<T>(sql, params);
  }

  /** SQLite would answer a read of a closed database with "out of memory" (its message for a missing handle). */
  private assertOpen(): void {
    if (this.closed) throw new StoreError('The store is closed: this reader outlived it (it should have been disposed with the store).');
  }

  write<R>(fn: (w: StoreWriter) => R, actor: Actor = 'user'): Promise<R> {
    if (this.closed) return Promise.reject(new StoreError('The store is closed.'));
    if (this.lostLock) return Promise.reject(this.lostLock);
    if (this.failed) return Promise.reject(this.failed);
    if (this.readOnlyReason) return Promise.reject(new ReadOnlyStoreError(this.readOnlyReason));
    if (this.inWrite) return Promise.reject(new Error('store.write() was called inside another write(); pass the writer down instead.'));
    const statements: Mutation['statements'] = [];
    const tables = new Set<string>();
    const writer: StoreWriter = {
      all: (sql, params) => this.db.all(sql, params),
      get: (sql, params) => this.db.get(sql, params),
      run: (sql, params = []) => {
        const changes = this.db.run(sql, params);
        statements.push([sql, [...params]]);
        const table = tablePattern.exec(sql)?.[1];
        if (table) tables.add(table);
        return { changes };
      },
    };
    let result: R;
    let bytes: Uint8Array | undefined;
    this.inWrite = true;
    this.db.run('BEGIN');
    try {
      result = fn(writer);
      if (isThenable(result)) throw new Error('store.write() needs a synchronous function: do the awaiting before or after the write.');
      if (statements.length) bytes = encodeRecord(this.lastSeq + 1, { actor, statements });
      this.db.run('COMMIT');
    } catch (err) {
      this.db.run('ROLLBACK');
      return Promise.reject(err);
    } finally {
      this.inWrite = false;
    }
    if (!bytes) return Promise.resolve(result);
    this.lastSeq++;
    for (const t of tables) this.changedTables.add(t);
    this.changedActor = actor;
    return this.enqueue(bytes).then(() => result);
  }

  /** Applies pending migrations as one journal record, so replay after a crash sees them in order. */
  async upgrade(all: readonly Migration[]): Promise<void> {
    const statements: Mutation['statements'] = [];
    migrate(this.db, all, sql => statements.push([sql, []]));
    if (!statements.length) return;
    const bytes = encodeRecord(this.lastSeq + 1, { actor: 'system', statements });
    this.lastSeq++;
    await this.enqueue(bytes);
  }

  health(): StoreHealth {
    return {
      readOnly: this.readOnly,
      readOnlyReason: this.readOnlyReason,
      recovery: [...this.recovery],
      journalRecords: this.journalRecords,
      journalBytes: this.journalBytes,
      lastSnapshotAt: this.lastSnapshotAt,
    };
  }

  async verifyBackups(): Promise<BackupCheck[]> {
    const dir = join(this.folder, backupsFolder);
    const checks: BackupCheck[] = [];
    for (const backup of parseBackupNames(await this.options.fs.list(dir))) {
      let problem: string | undefined;
      try {
        const loaded = await loadBackup(this.options, backup.name, this.options.migrations ?? defaultMigrations);
        if (typeof loaded === 'string') problem = loaded;
        else loaded.db.close();
      } catch (err) {
        problem = (err as Error).message;
      }
      checks.push({ name: backup.name, seq: backup.seq, problem });
      if (problem && !this.readOnlyReason) {
        const raw = await this.options.fs.readFile(join(dir, backup.name));
        if (raw) await this.options.fs.writeFileAtomic(join(dir, `${backup.name}.bad`), raw);
        await this.options.fs.remove(join(dir, backup.name));
        this.logger.warn(`store: backup ${backup.name} is unusable (${problem}); set aside as ${backup.name}.bad`);
      }
      await new Promise<void>(r => setImmediate(r)); // one backup per turn of the event loop
    }
    return checks;
  }

  compact(): Promise<void> {
    if (this.readOnlyReason || this.failed || this.closed) return Promise.resolve();
    this.compaction ??= this.doCompact().finally(() => {
      this.compaction = undefined;
    });
    return this.compaction;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.idleTimer?.cancel();
    await this.drain();
    await this.compaction;
    this.closed = true;
    await (await this.appender)?.close();
    this.appender = undefined;
    this.changes.dispose();
    this.lockLost.dispose();
    this.db.close();
    await this.lock?.release();
  }

  private enqueue(bytes: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ bytes, resolve, reject });
      this.flushing ??= new Promise<void>(r => setImmediate(r)).then(() => this.flushLoop());
    });
  }

  /**
   * The lock is lost: refuse every write from now on, reject those waiting, and tell the host once.
   * Writes already applied in memory stay there (the reader sees them) but none is acknowledged.
   */
  private loseLock(reason: string): void {
    if (this.lostLock || this.closed) return;
    const message = `Continuum lost the lock on its store in ${this.folder} (${reason}). Another process may be writing to it now, so this one stopped writing: changes made from this moment on were not saved.`;
    this.lostLock = new LockLostError(message);
    this.readOnlyReason = message;
    this.idleTimer?.cancel();
    this.logger.error(`store: ${message}`);
    for (const b of this.pending.splice(0)) b.reject(this.lostLock);
    this.lockLost.fire(message);
  }

  /** Whether this process still holds the lock, as the disk says; loses it (see loseLock) when not. */
  private async holdsLock(): Promise<boolean> {
    if (this.lostLock) return false;
    if (!this.lock) return true;
    const lost = await this.lock.verify();
    if (lost !== undefined) this.loseLock(lost);
    return !this.lostLock;
  }

  /** Writes every pending record, a batch per fdatasync, until none is left. */
  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length) {
        // Asked before the append (never write into a journal another process may own now) and
        // after it (a process stalled between the two must not acknowledge what it wrote).
        if (!(await this.holdsLock())) return;
        const batch = this.pending.splice(0);
        try {
          this.appender ??= this.openSegment(this.segment);
          const file = await this.appender;
          await file.append(concat(batch.map(b => b.bytes)));
        } catch (err) {
          this.failed = new StoreError(`Continuum could not write to its store in ${this.folder} (${(err as Error).message}). Recent changes are not saved; free disk space or fix permissions, then reload the window.`);
          this.logger.error('store: journal write failed', err);
          for (const b of [...batch, ...this.pending.splice(0)]) b.reject(this.failed);
          return;
        }
        if (!(await this.holdsLock())) {
          for (const b of batch) b.reject(this.lostLock!);
          return;
        }
        this.journalRecords += batch.length;
        this.journalBytes += batch.reduce((n, b) => n + b.bytes.length, 0);
        for (const b of batch) b.resolve();
      }
    } finally {
      this.flushing = undefined;
    }
    this.announceChange();
    this.scheduleCompaction();
  }

  private async openSegment(n: number) {
    return this.options.fs.openAppendOnly(join(this.folder, segmentName(n)));
  }

  private announceChange(): void {
    if (!this.changedTables.size) return;
    const change: StoreChange = { tables: this.changedTables, actor: this.changedActor };
    this.changedTables = new Set();
    this.changes.fire(change);
  }

  private scheduleCompaction(): void {
    const o = this.options;
    if (this.journalBytes >= (o.compactAfterBytes ?? 8 * 1024 * 1024) || this.journalRecords >= (o.compactAfterRecords ?? 20_000)) {
      void this.compact().catch(err => this.logger.error('store: compaction failed', err));
      return;
    }
    const idle = o.idleCompactMs ?? 30_000;
    if (idle <= 0) return;
    this.idleTimer?.cancel();
    this.idleTimer = this.clock.setTimeout(() => {
      if (this.journalRecords > 0) void this.compact().catch(err => this.logger.error('store: idle compaction failed', err));
    }, idle);
  }

  private async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async doCompact(): Promise<void> {
    await this.drain();
    if (this.failed || this.closed) return;
    // From here to the rotation nothing awaits, so no write can slip between export and rotation.
    const seq = this.lastSeq;
    const snapshot = encodeSnapshot({ seq, schemaVersion: this.db.userVersion, database: this.db.export() });
    const retired = [...this.oldSegments, this.segment];
    const oldAppender = this.appender;
    this.segment++;
    this.appender = undefined;
    this.journalRecords = 0;
    this.journalBytes = 0;

    // The order keeps every acknowledged change recoverable from the disk at every instant, even
    // if state.db is damaged afterwards: (1) the backup of the new snapshot, (2) the snapshot,
    // and only then (3) the journal it makes redundant and (4) backups past the K to keep. Were
    // the journal removed before the backup existed, a crash between the two would leave the
    // newest backup older than state.db with nothing to bridge the gap.
    // Each step first makes sure the lock is still ours: a process that stalled mid-compaction
    // must not replace the snapshot or delete the journal of the process that took over.
    await (await oldAppender)?.close();
    const keep = this.options.backups ?? 5;
    const dir = join(this.folder, backupsFolder);
    const existing = keep > 0 ? parseBackupNames(await this.options.fs.list(dir)) : [];
    if (keep > 0) {
      await this.options.fs.mkdirp(dir);
      const compressed = new Uint8Array(await gzipAsync(snapshot));
      if (!(await this.holdsLock())) return;
      await this.options.fs.writeFileAtomic(join(dir, backupName(seq, this.clock.now())), compressed);
    }
    if (!(await this.holdsLock())) return;
    await this.options.fs.writeFileAtomic(join(this.folder, snapshotFile), snapshot);
    this.lastSnapshotAt = this.clock.now();
    this.oldSegments = [];
    if (!(await this.holdsLock())) return;
    for (const n of retired) await this.options.fs.remove(join(this.folder, segmentName(n)));
    for (const old of existing.slice(Math.max(0, keep - 1))) await this.options.fs.remove(join(dir, old.name));
  }
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export { latestSchemaVersion };
