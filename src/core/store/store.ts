// The durable store: sql.js in memory, a write-ahead journal on disk, atomic snapshots, rotated
// backups and a single-writer lock. See DESIGN.md, "Durability".
//
// Every write() runs in one SQL transaction; the statements it ran are appended to the journal as
// one checksummed record, and the promise resolves after fdatasync. Writes that arrive together
// share one flush (group commit). Compaction exports the database to a snapshot written atomically
// (temporary file, fsync, rename), after which the old journal segments are deleted. Opening loads
// the snapshot and replays the journal, stopping at a torn or damaged record.
//
// With a snapshot copy (options.snapshots: a worker thread in VS Code and the CLI) the export, the
// backup's compression and the checks of the snapshot run off this thread: opening hands the file
// to the copy, which checks its checksum and gives this thread the database in a buffer sql.js
// takes over (no copy here, room to grow); the copy runs SQLite's check in the background, and no
// compaction is written before that check passed. A reader waits for that check, then closes it.
// Without a copy the check runs at open, or (checkLater) when the caller has the time, and in any
// case before a snapshot is written or the store closes.
import { gunzip, gzip } from 'zlib';
import { promisify } from 'util';
import { Emitter } from '../events';
import {
  silentLogger,
  systemClock,
  type Clock,
  type FileSystemPort,
  type HeldLock,
  type LockOwner,
  type LockPort,
  type Logger,
} from '../ports';
import {
  backupName,
  backupCompression,
  backupsFolder,
  join,
  lockFile,
  parseBackupNames,
  segmentName,
  segmentNumbers,
  snapshotFile,
  type BackupName,
} from './layout';
import { migrate } from './migrate';
import {
  decodeJournal,
  decodeSnapshot,
  encodeRecord,
  joinRecords,
  encodeSnapshot,
  type JournalRecord,
  type Mutation,
} from './records';
import { latestSchemaVersion, migrations as defaultMigrations, type Migration } from './schema';
import { JournalFollower } from './replica';
import { applyRecord, type SnapshotCopy, type SnapshotCopyFactory, type WrittenSnapshot } from './snapshotCopy';
import { SqliteDatabase } from './sqlite';
import {
  LockLostError,
  ReadOnlyStoreError,
  StoreError,
  type Actor,
  type BackupCheck,
  type SqlValue,
  type Store,
  type StoreChange,
  type StoreHealth,
  type StoreWriter,
} from './types';

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
  /** Why writes are refused, in the user's words, when `readOnly` is set (default: it was opened read-only). */
  readOnlyReason?: string;
  /**
   * A read replica: a store opened read-only that follows the journal of the process holding the
   * store, polling it every this many milliseconds (and at once on `catchUp`).
   */
  followMs?: number;
  /** Compressed copies of the last snapshots to keep (default 5). */
  backups?: number;
  /** Compact once the journal holds this many bytes (default 8 MB) … */
  compactAfterBytes?: number;
  /** … or this many records (default 20,000) … */
  compactAfterRecords?: number;
  /** … or when no write came for this long (default 30 s). 0 turns idle compaction off. */
  idleCompactMs?: number;
  migrations?: readonly Migration[];
  /**
   * Keeps a second copy of the database off this thread (a worker thread in VS Code and the CLI)
   * that checks the snapshot and writes every compaction, so that neither blocks this thread.
   * Without it, both run here.
   */
  snapshots?: SnapshotCopyFactory;
  /**
   * Without a snapshot copy, in a process that will write: open a snapshot whose checksum matches
   * without SQLite's own check, which checkSnapshot() runs when the caller has the time (the graph
   * CLI: while its worker looks over the files, instead of before it can ask the worker for
   * anything). The store runs it itself, if nobody has, before it writes a snapshot and before it
   * closes. A damaged snapshot then stops the store's writing as the copy's check does.
   */
  checkLater?: boolean;
}

interface PendingRecord {
  bytes: Uint8Array;
  resolve(): void;
  reject(err: Error): void;
}

interface Base {
  db: SqliteDatabase;
  seq: number;
  /** The SQLite bytes `db` was loaded from (undefined: an empty database), for the snapshot copy. */
  database?: Uint8Array;
  /** Only the checksum was checked: SQLite's own check is the snapshot copy's to run. */
  unchecked?: boolean;
  /** The snapshot copy that checked the snapshot's checksum and handed over `db`'s bytes: the store's from now on. */
  copy?: SnapshotCopy;
}

/** Opens (creating when needed) the store in `options.folder`. Never throws on damaged files: it recovers and says so in `health().recovery`. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const fs = options.fs;
  const logger = options.logger ?? silentLogger;
  const all = options.migrations ?? defaultMigrations;
  await fs.mkdirp(options.folder).catch(err => {
    // A folder that exists but cannot be written (read-only, full) can still be read.
    if (!diskProblem(err, options.folder)) throw err;
  });

  let lock: HeldLock | undefined;
  let readOnlyReason: string | undefined = options.readOnly
    ? (options.readOnlyReason ?? 'it was opened read-only')
    : undefined;
  /** Opening can go on, read-only, after `problem`; the lock (if taken) goes back at once. */
  const cannotWrite = async (problem: string) => {
    readOnlyReason ??= readOnlyBecause(problem);
    await lock?.release().catch(err => logger.error('store: releasing the lock failed', err));
    lock = undefined;
  };
  if (!options.readOnly && options.lock) {
    const owner = options.owner ?? { description: 'Continuum', pid: process.pid, host: 'localhost', since: Date.now() };
    try {
      const acquired = await options.lock.acquire(join(options.folder, lockFile), owner);
      if ('heldBy' in acquired) {
        const who = acquired.heldBy
          ? `${acquired.heldBy.description} (pid ${acquired.heldBy.pid} on ${acquired.heldBy.host})`
          : 'another process';
        readOnlyReason = `${who} is already writing to this store, so this one opened it read-only; to make changes here, close the other one (or let it finish), then open the store again.`;
      } else {
        lock = acquired;
      }
    } catch (err) {
      const problem = diskProblem(err, options.folder);
      if (!problem) throw err;
      await cannotWrite(problem);
    }
  }

  const recovery: string[] = [];
  /** What in the folder stops this process from writing safely (a folder where a file belongs …). */
  const blockers: string[] = [];
  if (!readOnlyReason) {
    await removeLeftovers(fs, options.folder).catch(async err => {
      const problem = diskProblem(err, options.folder);
      if (!problem) throw err;
      await cannotWrite(problem);
    });
  }
  const names = await fs.list(options.folder);
  const segments = segmentNumbers(names);
  // Only a process that will write needs the copy; a reader checks the snapshot itself.
  const withCopy = options.snapshots !== undefined && !readOnlyReason;
  // A reader uses the copy's thread only to check the snapshot, then closes it.
  const copyRole = options.snapshots === undefined ? undefined : withCopy ? 'keep' : 'checkOnly';
  const base = await loadBase(options, recovery, all, segments.length > 0, blockers, copyRole, !readOnlyReason);
  await nextTurn();
  const copy = withCopy
    ? (base.copy ?? options.snapshots!({ database: base.database, seq: base.seq, check: base.unchecked === true }))
    : undefined;
  const snapshotBytes = base.database?.length ?? 0;
  base.database = undefined; // the copy's now
  const replay = await replayJournal(options, base, segments, recovery, logger, blockers, copy);
  if (blockers.length) await cannotWrite(blockers.join('; '));

  const store = new DurableStore(
    options,
    base.db,
    replay.lastSeq,
    segments,
    lock,
    readOnlyReason,
    recovery,
    logger,
    copy,
    base.unchecked === true,
  );
  const needsUpgrade = base.db.userVersion < latestVersion(all);
  try {
    if (needsUpgrade && !readOnlyReason) await store.upgrade(all);
    if (!readOnlyReason && replay.unapplied.length) {
      // Before the compaction below removes the segments.
      await setAsideUnapplied(options, replay.unapplied, recovery, (options.clock ?? systemClock).now());
    }
    if (!readOnlyReason && (recovery.length > 0 || needsUpgrade)) {
      await store.compact();
    } else if (!readOnlyReason && (replay.applied > 0 || replay.damaged)) {
      // Only folds the journal (intact, or with a torn tail that was never acknowledged) into the
      // snapshot: with a copy it costs this thread nothing, so the store is handed over at once and
      // the compaction finishes behind it. Without one (the CLI, an agent's server), a short intact
      // journal is carried instead: folding it in means exporting, checksumming, compressing and
      // writing the whole database twice, which for a few changes costs far more than replaying them.
      if (copy) store.compactInBackground();
      else if (!replay.damaged && carriesJournal(replay, segments.length, snapshotBytes, options)) store.carry(replay);
      else await store.compact();
    }
  } catch (err) {
    // The disk refused the open's own writes (full, read-only): what was read is still shown.
    const problem =
      diskProblem(err, options.folder) ??
      (err instanceof StoreError && /could not write/.test(err.message) ? err.message : undefined);
    if (!problem) throw err;
    await store.stopWriting(readOnlyBecause(problem));
  }
  if (store.readOnly && base.db.userVersion < latestVersion(all)) {
    migrate(base.db, all); // in memory only: a read-only view must still be able to read
  }
  if (options.readOnly && options.followMs !== undefined) store.follow(options.followMs);
  for (const line of recovery) logger.warn(`store: ${line}`);
  return store;
}

function readOnlyBecause(problem: string): string {
  return `${problem}. Until then Continuum shows this store read-only: it can be read and exported, and nothing can be changed; open it again once that is fixed.`;
}

/**
 * An error of the disk, or of something in the store folder that Continuum did not put there, in
 * words: what is wrong and what to do. undefined for any other error (a bug: thrown as it is).
 */
export function diskProblem(err: unknown, path: string): string | undefined {
  const e = err as { code?: unknown; path?: unknown } | undefined;
  const where = typeof e?.path === 'string' ? e.path : path;
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return `Continuum may not write to ${where} (${e.code}, permission denied): give your user write access to the store folder`;
    case 'EROFS':
      return `${where} is on a read-only file system (EROFS): move the store to a writable folder (the continuum.storagePath setting, or --store)`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk holding ${where} is full (${e.code}): free some space there`;
    case 'EISDIR':
      return `${where} is a folder where the store keeps a file: move that folder out of the store folder (Continuum did not make it)`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${where} is a file where the store keeps a folder: move that file out of the store folder (Continuum did not make it)`;
    case 'ERR_FS_FILE_TOO_LARGE':
      return `${where} is over 2 GB, more than Continuum reads at once and more than the store ever writes (it compacts its journal at 8 MB): move it out of the store folder`;
    default:
      return undefined;
  }
}

/** The file, undefined when missing, or (in `blockers`) why it cannot be read. */
async function readOrBlock(
  fs: FileSystemPort,
  file: string,
  blockers: string[],
): Promise<Uint8Array | undefined | { problem: string }> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    const problem = diskProblem(err, file);
    if (!problem) throw err;
    blockers.push(problem);
    return { problem };
  }
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
async function loadBase(
  options: OpenStoreOptions,
  recovery: string[],
  all: readonly Migration[],
  hasJournal: boolean,
  blockers: string[],
  /** 'keep': the snapshot copy checks the snapshot and stays the store's; 'checkOnly': it checks it, then goes. */
  copyRole: 'keep' | 'checkOnly' | undefined,
  writes: boolean,
): Promise<Base> {
  const fs = options.fs;
  const read = await readOrBlock(fs, join(options.folder, snapshotFile), blockers);
  let backups: BackupName[] = [];
  try {
    backups = parseBackupNames(await fs.list(join(options.folder, backupsFolder)));
  } catch (err) {
    const problem = diskProblem(err, join(options.folder, backupsFolder));
    if (!problem) throw err;
    blockers.push(problem);
  }
  if (read && 'problem' in read) recovery.push(`The store's snapshot could not be read: ${read.problem}.`);
  const bytes = read && !('problem' in read) ? read : undefined;
  if (!read && !hasJournal && !backups.length) {
    return { db: await SqliteDatabase.create(), seq: 0 };
  }
  if (bytes) {
    const loaded = copyRole
      ? await openInCopy(options, bytes, all, copyRole === 'checkOnly')
      : await verifySnapshot(bytes, all, options.checkLater && writes ? 'checksum' : 'quick');
    if (typeof loaded !== 'string') return loaded;
    recovery.push(`The store's snapshot could not be used: ${loaded}.`);
  } else if (backups.length) {
    recovery.push("The store's snapshot file was missing.");
  }
  for (const backup of backups) {
    const loaded = await loadBackup(options, backup.name, all);
    if (typeof loaded !== 'string') {
      recovery.push(
        `Recovered from the backup taken ${new Date(backup.at).toISOString()} (change #${loaded.seq}), then replayed the journal.`,
      );
      return loaded;
    }
    recovery.push(`The backup ${backup.name} could not be used: ${loaded}.`);
  }
  if (bytes || backups.length)
    recovery.push('No usable snapshot or backup was found; the store was rebuilt from the journal alone.');
  return { db: await SqliteDatabase.open(), seq: 0 };
}

/**
 * The snapshot opened by a new snapshot copy, which checks its checksum (and then SQLite's check)
 * and hands this thread a copy of the database to take over: touching the tens of megabytes of a
 * large store's snapshot (the checksum, sql.js's own copy of them, its copy again when the file
 * first grows) is the worker's work, not the extension host's. The copy is the store's from then
 * on. Or why the snapshot cannot be used (the copy is closed then). Refuses (throws) a database
 * from a newer Continuum.
 */
async function openInCopy(
  options: OpenStoreOptions,
  file: Uint8Array,
  all: readonly Migration[],
  checkOnly: boolean,
): Promise<Base | string> {
  const copy = options.snapshots!({ snapshotFile: file }); // `file` is the copy's now
  let opened: Awaited<SnapshotCopy['opened']>;
  try {
    opened = await copy.opened;
  } catch {
    // The copy could not start: the checksum is checked here, as without one (SQLite's check
    // follows where the store finds the copy gone).
    await copy.close().catch(() => undefined);
    const again = await options.fs.readFile(join(options.folder, snapshotFile));
    return again
      ? verifySnapshot(again, all, checkOnly ? 'quick' : 'checksum')
      : 'it disappeared while it was being opened';
  }
  if (typeof opened !== 'object') {
    await copy.close();
    return opened ?? "the store's snapshot copy did not open it";
  }
  let db: SqliteDatabase;
  let version: number;
  try {
    db = await SqliteDatabase.takeOver(opened.database);
    version = db.userVersion;
  } catch (err) {
    await copy.close();
    return `SQLite could not read it (${(err as Error).message})`;
  }
  if (version > latestVersion(all)) {
    db.close();
    await copy.close();
    throw newerVersion(version, all);
  }
  if (!checkOnly) return { db, seq: opened.seq, unchecked: true, copy };
  // A reader keeps no copy: it waits for SQLite's check in the copy's thread (or runs it here when
  // the copy failed first), so that a damaged snapshot is still refused before anything is shown.
  const checked = await copy.checked.catch(() => undefined);
  await copy.close();
  const integrity = checked ?? db.integrityCheck(true);
  if (integrity !== 'ok') {
    db.close();
    return `SQLite's integrity check failed (${integrity.slice(0, 200)})`;
  }
  return { db, seq: opened.seq };
}

function newerVersion(version: number, all: readonly Migration[]): StoreError {
  return new StoreError(
    `This store was written by a newer version of Continuum (schema ${version}; this version knows up to ${latestVersion(all)}). Update the Continuum extension to open it; nothing was changed.`,
  );
}

/** One backup, fully checked, or why it cannot be used. Refuses (throws) one from a newer Continuum. */
async function loadBackup(options: OpenStoreOptions, name: string, all: readonly Migration[]): Promise<Base | string> {
  try {
    const raw = await options.fs.readFile(join(options.folder, backupsFolder, name));
    return raw ? await verifySnapshot(asBytes(await gunzipAsync(raw)), all, 'full') : 'it is missing';
  } catch (err) {
    if (err instanceof StoreError) throw err;
    return `it could not be decompressed (${(err as Error).message})`;
  }
}

/**
 * Loads and checks one snapshot: its checksum, then SQLite's check — 'quick' skips the index
 * contents (the checksum already vouches for the bytes), 'checksum' leaves SQLite's check to the
 * snapshot copy. Refuses (throws) a database from a newer Continuum.
 */
async function verifySnapshot(
  bytes: Uint8Array,
  all: readonly Migration[],
  check: 'full' | 'quick' | 'checksum',
): Promise<Base | string> {
  const snapshot = decodeSnapshot(bytes);
  if (typeof snapshot === 'string') return snapshot;
  await nextTurn(); // the checksum and the load are each tens of milliseconds on a large store: not in one slice
  let db: SqliteDatabase;
  try {
    db = await SqliteDatabase.open(snapshot.database);
    const integrity = check === 'checksum' ? 'ok' : db.integrityCheck(check === 'quick');
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
    throw newerVersion(version, all);
  }
  return { db, seq: snapshot.seq, database: snapshot.database, ...(check === 'checksum' ? { unchecked: true } : {}) };
}

interface ReplayResult {
  lastSeq: number;
  applied: number;
  /** The bytes of the segments whose changes were applied. */
  bytes: number;
  damaged: boolean;
  /** Segments holding intact changes that could not be applied (after a gap, a change that failed, or damage): kept, never deleted. */
  unapplied: number[];
}

/** A turn of the event loop for the host's other work (opening holds the thread in long slices otherwise). */
function nextTurn(): Promise<void> {
  return new Promise<void>(resolve => setTimeout(resolve, 0));
}

/** How long replaying the journal may hold the thread at a time. */
const replaySliceMs = 20;

async function replayJournal(
  options: OpenStoreOptions,
  base: Base,
  segments: number[],
  recovery: string[],
  logger: Logger,
  blockers: string[],
  copy: SnapshotCopy | undefined,
): Promise<ReplayResult> {
  let sliceStarted = Date.now();
  let lastSeq = base.seq;
  let applied = 0;
  let bytes = 0;
  let damaged = false;
  const unapplied: number[] = [];
  /** From segment `index` on, nothing more can be applied: keep every segment that still holds changes after `lastSeq`. */
  const stopAt = async (index: number): Promise<ReplayResult> => {
    for (const n of segments.slice(index)) {
      const read = await readOrBlock(options.fs, join(options.folder, segmentName(n)), blockers);
      if (read && 'problem' in read) continue;
      const data = read ?? new Uint8Array();
      const decoded = decodeJournal(data);
      if (decoded.records.some(r => r.seq > lastSeq) || hasValidRecordAfter(data, data.length - decoded.badTailBytes))
        unapplied.push(n);
    }
    return { lastSeq, applied, bytes, damaged: true, unapplied };
  };
  for (const [index, n] of segments.entries()) {
    const read = await readOrBlock(options.fs, join(options.folder, segmentName(n)), blockers);
    if (read && 'problem' in read) {
      // Left where it is (the store opens read-only); a gap it leaves is reported below.
      recovery.push(`The journal segment ${segmentName(n)} could not be read: ${read.problem}.`);
      continue;
    }
    const data = read ?? new Uint8Array();
    const decoded = decodeJournal(data);
    const before = lastSeq;
    /** The snapshot copy replays what this segment gave the store, no more. */
    const feed = () => {
      if (lastSeq > before) copy?.apply(data, lastSeq);
    };
    for (const record of decoded.records) {
      if (record.seq <= lastSeq) continue;
      if (record.seq !== lastSeq + 1) {
        recovery.push(
          `Changes #${lastSeq + 1} to #${record.seq - 1} could not be recovered, so the ${countAfter(decoded.records, lastSeq)}+ changes after them were not applied either.`,
        );
        feed();
        return stopAt(index);
      }
      if (Date.now() - sliceStarted > replaySliceMs) {
        // Nothing else uses the database yet, but the host's other work should not wait for all
        // of a long journal: a turn of the event loop now and then.
        await nextTurn();
        sliceStarted = Date.now();
      }
      try {
        applyRecord(base.db, record);
      } catch (err) {
        recovery.push(
          `Change #${record.seq} could not be replayed (${(err as Error).message}); it and any later changes were not applied.`,
        );
        feed();
        return stopAt(index);
      }
      lastSeq = record.seq;
      applied++;
    }
    feed();
    bytes += data.length;
    if (decoded.badTailBytes > 0) {
      damaged = true;
      const damageAt = data.length - decoded.badTailBytes;
      if (!hasValidRecordAfter(data, damageAt)) {
        // An append cut short by a crash: that change was never acknowledged (had it been, the
        // next writer would have numbered its changes after it, and the gap would be reported).
        logger.info(
          `store: ignored an unfinished last change in ${segmentName(n)} (${decoded.badTailBytes} bytes, ${decoded.stopReason}).`,
        );
      } else {
        recovery.push(
          `Part of the journal (${segmentName(n)}, ${decoded.badTailBytes} bytes after change #${lastSeq}) was damaged (${decoded.stopReason}) and could not be replayed.`,
        );
        unapplied.push(n);
      }
    }
  }
  return { lastSeq, applied, bytes, damaged, unapplied };
}

/**
 * Whether an open without a snapshot copy leaves the journal it replayed on disk rather than folding
 * it into the snapshot at once: when replaying it again costs little beside writing the snapshot (a
 * thirty-second of the snapshot's size: replaying a change costs several times more per byte than
 * writing the snapshot, and every open until the next compaction replays it), it is short (an
 * eighth of what makes a compaction) and in few segments (each open writes to a segment of its own).
 */
function carriesJournal(
  replay: ReplayResult,
  segments: number,
  snapshotBytes: number,
  options: OpenStoreOptions,
): boolean {
  const bytes = Math.min(snapshotBytes / 32, (options.compactAfterBytes ?? defaultCompactAfterBytes) / 8);
  const records = (options.compactAfterRecords ?? defaultCompactAfterRecords) / 8;
  return replay.bytes < bytes && replay.applied < records && segments < maxCarriedSegments;
}

const defaultCompactAfterBytes = 8 * 1024 * 1024;
const defaultCompactAfterRecords = 20_000;
/** Segments an open may leave on disk; past these it compacts. */
const maxCarriedSegments = 16;

/**
 * Copies each segment whose intact changes could not be applied to `<segment>.<time>.unapplied`,
 * which no replay reads and no compaction removes, and says where it is.
 */
async function setAsideUnapplied(
  options: OpenStoreOptions,
  segments: readonly number[],
  recovery: string[],
  now: number,
): Promise<void> {
  for (const n of segments) {
    const from = join(options.folder, segmentName(n));
    const data = await options.fs.readFile(from);
    if (!data) continue;
    const name = `${segmentName(n)}.${now}.unapplied`;
    await options.fs.writeFileAtomic(join(options.folder, name), data);
    recovery.push(
      `The changes in ${segmentName(n)} that could not be applied were kept in ${name} (nothing in it was deleted); keep that file if you may need them.`,
    );
  }
}

function countAfter(records: JournalRecord[], seq: number): number {
  return records.filter(r => r.seq > seq).length;
}

/** Whether a whole, valid record starts somewhere after `offset` (damage in the middle, not a torn tail). */
function hasValidRecordAfter(data: Uint8Array, offset: number): boolean {
  for (let i = offset + 1; i + 4 <= data.length; i++) {
    if (
      data[i] === 0x43 &&
      data[i + 1] === 0x52 &&
      data[i + 2] === 0x4a &&
      data[i + 3] === 0x31 &&
      decodeJournal(data.subarray(i)).records.length > 0
    ) {
      return true;
    }
  }
  return false;
}

const tablePattern =
  /^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+["`[]?(\w+)/i;

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
  private follower: JournalFollower | undefined;
  private followTimer: { cancel(): void } | undefined;
  private refreshing: Promise<void> | undefined;
  /** Only the snapshot's checksum was checked, and no copy runs SQLite's check: checkSnapshot() does. */
  private unverified: boolean;
  /** What a damaged snapshot set off (snapshotDamaged), when checkSnapshot() found one. */
  private damage: Promise<void> | undefined;

  constructor(
    private readonly options: OpenStoreOptions,
    private db: SqliteDatabase,
    private lastSeq: number,
    private oldSegments: number[],
    private readonly lock: HeldLock | undefined,
    private readOnlyReason: string | undefined,
    private readonly recovery: string[],
    private readonly logger: Logger,
    /** The snapshot copy; undefined without one, or once it failed (compactions then export here). */
    private copy: SnapshotCopy | undefined,
    /** Only the snapshot's checksum was checked: SQLite's check is the copy's. */
    unchecked = false,
  ) {
    this.clock = options.clock ?? systemClock;
    this.unverified = unchecked && !copy;
    // A fresh segment per open: whatever torn tail the last one has stays behind it.
    this.segment = (oldSegments[oldSegments.length - 1] ?? 0) + 1;
    lock?.onLost(reason => this.loseLock(reason));
    copy?.checked.then(
      result => {
        if (result !== 'ok') void this.snapshotDamaged(result);
      },
      (err: Error) => {
        this.dropCopy(`it could not check the snapshot (${err.message})`);
        if (!unchecked || this.closed) return;
        // Nobody else will check it: here, then, blocking as an open without a copy does.
        const result = this.db.integrityCheck(true);
        if (result !== 'ok') void this.snapshotDamaged(result);
      },
    );
  }

  get folder(): string {
    return this.options.folder;
  }

  get readOnly(): boolean {
    return this.readOnlyReason !== undefined;
  }

  get seq(): number {
    return this.lastSeq;
  }

  /** Starts following the holder's journal (a read replica): a poll every `intervalMs`. */
  follow(intervalMs: number): void {
    const follower = new JournalFollower(this.options.fs, this.folder, {
      seq: () => this.lastSeq,
      apply: record => {
        applyRecord(this.db, record);
        this.lastSeq = record.seq;
      },
      replaceWith: (db, seq) => {
        const old = this.db;
        this.db = db;
        this.lastSeq = seq;
        old.close();
      },
    });
    this.follower = follower;
    const tick = () => {
      if (this.closed) return;
      this.followTimer = this.clock.setTimeout(() => void this.refresh().finally(tick), intervalMs);
    };
    tick();
  }

  /**
   * A replica reads what the holder appended since its last look and announces it (onDidChange);
   * a store that writes itself has nothing to read.
   */
  refresh(): Promise<void> {
    const follower = this.follower;
    if (!follower || this.closed) return Promise.resolve();
    this.refreshing ??= follower
      .poll()
      .then(
        changes => {
          if (!changes || this.closed) return;
          const tables = changes.tables.has('*')
            ? new Set(
                this.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").map(r => r.name),
              )
            : changes.tables;
          this.changes.fire({ tables, actor: changes.actor });
        },
        err => this.logger.error('store: following the journal of the process holding the store failed', err),
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  async catchUp(seq: number, timeoutMs = 5_000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (this.lastSeq >= seq) return true;
      if (!this.follower || this.closed || Date.now() >= end) return false;
      // a read the follower had begun may have begun before the change was written: read again at once
      const joined = this.refreshing !== undefined;
      await this.refresh();
      if (this.lastSeq >= seq) return true;
      if (joined) continue;
      await new Promise<void>(r => setTimeout(r, 2));
    }
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
    if (this.closed)
      throw new StoreError(
        'The store is closed: this reader outlived it (it should have been disposed with the store).',
      );
  }

  write<R>(fn: (w: StoreWriter) => R, actor: Actor = 'user'): Promise<R> {
    if (this.closed) return Promise.reject(new StoreError('The store is closed.'));
    if (this.lostLock) return Promise.reject(this.lostLock);
    if (this.failed) return Promise.reject(this.failed);
    if (this.readOnlyReason) return Promise.reject(new ReadOnlyStoreError(this.readOnlyReason));
    if (this.inWrite)
      return Promise.reject(
        new Error('store.write() was called inside another write(); pass the writer down instead.'),
      );
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
      if (isThenable(result))
        throw new Error('store.write() needs a synchronous function: do the awaiting before or after the write.');
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
    this.copy?.apply(bytes, this.lastSeq);
    for (const t of tables) this.changedTables.add(t);
    this.changedActor = actor;
    return this.enqueue(bytes).then(() => result);
  }

  /** Opening could not write (a full or read-only disk): the store stays readable, refuses writes with `reason`, and gives the lock back. */
  async stopWriting(reason: string): Promise<void> {
    this.readOnlyReason = reason;
    this.failed = undefined;
    this.idleTimer?.cancel();
    await this.lock?.release().catch(err => this.logger.error('store: releasing the lock failed', err));
  }

  /** Applies pending migrations as one journal record, so replay after a crash sees them in order. */
  async upgrade(all: readonly Migration[]): Promise<void> {
    const statements: Mutation['statements'] = [];
    migrate(this.db, all, sql => statements.push([sql, []]));
    if (!statements.length) return;
    const bytes = encodeRecord(this.lastSeq + 1, { actor: 'system', statements });
    this.lastSeq++;
    this.copy?.apply(bytes, this.lastSeq);
    await this.enqueue(bytes);
  }

  health(): StoreHealth {
    return {
      readOnly: this.readOnly,
      readOnlyReason: this.readOnlyReason,
      ...(this.follower ? { replica: true } : {}),
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
      const problem = await this.checkBackup(backup.name);
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

  /** What is wrong with a backup, or undefined: in the snapshot copy's thread when there is one (a full SQLite check of each). */
  private async checkBackup(name: string): Promise<string | undefined> {
    const all = this.options.migrations ?? defaultMigrations;
    try {
      if (this.copy) {
        const raw = await this.options.fs.readFile(join(this.folder, backupsFolder, name));
        if (!raw) return 'it is missing';
        // a copy that failed says nothing about the backup: then it is checked here
        const result = await this.copy.checkBackup(new Uint8Array(raw), latestVersion(all)).catch((err: unknown) => {
          this.logger.warn(
            `store: the snapshot copy could not check backup ${name} (${(err as Error).message}); checking it here`,
          );
          return undefined;
        });
        if (result !== undefined) return result === 'ok' ? undefined : result;
      }
      const loaded = await loadBackup(this.options, name, all);
      if (typeof loaded === 'string') return loaded;
      loaded.db.close();
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  /**
   * Keeps the journal an open replayed (see carriesJournal): its changes count towards the next
   * compaction, which an idle spell or more writes bring about, as for changes written here.
   */
  carry(replay: ReplayResult): void {
    this.journalRecords += replay.applied;
    this.journalBytes += replay.bytes;
    this.scheduleCompaction();
  }

  /** A compaction nobody waits for; a disk that refuses it makes the store read-only, as at open. */
  compactInBackground(): void {
    void this.compact().catch(async err => {
      const problem = diskProblem(err, this.folder);
      if (problem) await this.stopWriting(readOnlyBecause(problem));
      else this.logger.error('store: compaction after opening failed', err);
    });
  }

  compact(): Promise<void> {
    if (this.readOnlyReason || this.failed || this.closed) return Promise.resolve();
    this.compaction ??= this.doCompact().finally(() => {
      this.compaction = undefined;
    });
    return this.compaction;
  }

  /** Holds the thread for the check (PatternFly's 7.6 MB store: 15–40 ms); the damage is handled as a copy's check finding it. */
  checkSnapshot(): boolean {
    if (this.unverified && !this.closed) {
      this.unverified = false;
      const result = this.db.integrityCheck(true);
      if (result !== 'ok') this.damage = this.snapshotDamaged(result);
    }
    return this.damage === undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.checkSnapshot()) await this.damage;
    this.idleTimer?.cancel();
    this.followTimer?.cancel();
    await this.refreshing;
    await this.drain();
    await this.compaction?.catch(() => undefined); // its failure was reported where it was started
    this.closed = true;
    await this.copy?.close();
    this.copy = undefined;
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
        const batch = this.pending.splice(0);
        try {
          // Asked before the append (never write into a journal another process may own now) and
          // after it (a process stalled between the two must not acknowledge what it wrote).
          if (await this.holdsLock()) {
            this.appender ??= this.openSegment(this.segment);
            const file = await this.appender;
            await file.append(joinRecords(batch.map(b => b.bytes)));
          }
          if (!(await this.holdsLock())) {
            for (const b of batch) b.reject(this.lostLock!);
            return;
          }
        } catch (err) {
          const problem = diskProblem(err, this.folder) ?? (err as Error).message;
          // the store writes no more: its segment is closed now (one that could not be opened, whose
          // failure is this one, has nothing to close)
          const appender = this.appender;
          this.appender = undefined;
          void appender
            ?.then(
              f => f.close(),
              () => undefined,
            )
            .catch(e => this.logger.error('store: closing the journal after a failed write failed', e));
          this.failed = new StoreError(
            `Continuum could not write to its store in ${this.folder}: ${problem}. Recent changes are not saved; fix that, then open the store again (in VS Code: reload the window).`,
          );
          this.logger.error('store: journal write failed', err);
          for (const b of [...batch, ...this.pending.splice(0)]) b.reject(this.failed);
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
    if (
      this.journalBytes >= (o.compactAfterBytes ?? defaultCompactAfterBytes) ||
      this.journalRecords >= (o.compactAfterRecords ?? defaultCompactAfterRecords)
    ) {
      void this.compact().catch(err => this.logger.error('store: compaction failed', err));
      return;
    }
    const idle = o.idleCompactMs ?? 30_000;
    if (idle <= 0) return;
    this.idleTimer?.cancel();
    this.idleTimer = this.clock.setTimeout(() => {
      if (this.journalRecords > 0)
        void this.compact().catch(err => this.logger.error('store: idle compaction failed', err));
    }, idle);
  }

  private async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async doCompact(): Promise<void> {
    await this.drain();
    if (this.failed || this.closed) return;
    // a damaged database must not be written out as a snapshot with a checksum of its own
    if (!this.copy && !this.checkSnapshot()) return;
    // From here to the rotation nothing awaits, so no write can slip between export and rotation:
    // the copy is asked for change #seq before it is given the next change, and the next change
    // goes to the next segment.
    const seq = this.lastSeq;
    const copy = this.copy;
    const keepBackups = (this.options.backups ?? 5) > 0;
    const snapshot: Promise<WrittenSnapshot> | WrittenSnapshot = copy
      ? copy.snapshot(seq, keepBackups)
      : { snapshot: encodeSnapshot({ seq, schemaVersion: this.db.userVersion, database: this.db.export() }) };
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
    let written: WrittenSnapshot;
    try {
      written = await snapshot;
    } catch (err) {
      // The copy failed (its process, or a check that found the snapshot damaged: then the store
      // has stopped writing). Nothing was written: the segments stay, and the compaction runs again
      // here, unless the store may no longer write.
      this.oldSegments = retired;
      await (await oldAppender)?.close();
      if (this.copy === copy) this.dropCopy((err as Error).message);
      if (this.readOnlyReason) return;
      return this.doCompact();
    }
    try {
      await this.writeCompaction(oldAppender, written, seq, retired);
    } catch (err) {
      this.oldSegments = retired; // still on disk: the next compaction removes them
      throw err;
    }
  }

  /** The copy cannot write snapshots: compactions export on this thread from now on. */
  private dropCopy(why: string): void {
    const copy = this.copy;
    if (!copy) return;
    this.copy = undefined;
    this.logger.warn(`store: the snapshot copy stopped (${why}); compactions run on this thread from now on`);
    void copy.close().catch(err => this.logger.error('store: closing the snapshot copy failed', err));
  }

  /**
   * SQLite's check of the snapshot this store opened from failed after it opened (only its checksum
   * was checked then). The database in memory came from it, so nothing more is built on it: writes
   * stop (those in flight still reach the journal), state.db is set aside so that the next open
   * recovers from the newest backup and the journal, and the host hears it as a lost lock.
   */
  private async snapshotDamaged(result: string): Promise<void> {
    if (this.closed) return;
    const aside = `${snapshotFile}.${this.clock.now()}.bad`;
    const message = `SQLite's check of the store's snapshot (${snapshotFile}) found it damaged (${result.replace(/\s+/g, ' ').trim().slice(0, 200)}), so this process stopped writing to the store; changes from now on are not saved. Open the store again (in VS Code: reload the window) to recover it from the newest backup and the journal; the damaged file is kept as ${aside}.`;
    this.recovery.push(message);
    this.logger.error(`store: ${message}`);
    this.dropCopy('the snapshot it was loaded from is damaged');
    if (this.readOnlyReason || this.lostLock) return; // nothing written here to protect
    this.readOnlyReason = message;
    this.idleTimer?.cancel();
    try {
      await this.drain();
      await this.compaction?.catch(() => undefined);
      const file = join(this.folder, snapshotFile);
      const data = await this.options.fs.readFile(file);
      if (data && (await this.holdsLock())) {
        await this.options.fs.writeFileAtomic(join(this.folder, aside), data);
        await this.options.fs.remove(file);
      }
    } catch (err) {
      this.logger.error('store: setting the damaged snapshot aside failed', err);
    }
    await this.lock?.release().catch(err => this.logger.error('store: releasing the lock failed', err));
    this.lockLost.fire(message);
  }

  private async writeCompaction(
    oldAppender: DurableStore['appender'],
    { snapshot, backup }: WrittenSnapshot,
    seq: number,
    retired: number[],
  ): Promise<void> {
    await (await oldAppender)?.close();
    const keep = this.options.backups ?? 5;
    const dir = join(this.folder, backupsFolder);
    const existing = keep > 0 ? parseBackupNames(await this.options.fs.list(dir)) : [];
    if (keep > 0) {
      await this.options.fs.mkdirp(dir);
      // The copy compressed it in its thread; without one, zlib's own threads do (the output's
      // chunks are joined here: a view on them, not a second copy).
      const compressed = backup ?? asBytes(await gzipAsync(snapshot, backupCompression));
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

/** A Node Buffer as a plain Uint8Array over the same memory (no copy). */
function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

export { latestSchemaVersion };
