// The store's public shape, as the managers (context, tasks, sessions …) see it.
import type { Event } from '../events';

export type SqlValue = number | string | Uint8Array | null;
export type Row = Record<string, SqlValue>;

export interface StoreReader {
  all<T = Row>(sql: string, params?: readonly SqlValue[]): T[];
  get<T = Row>(sql: string, params?: readonly SqlValue[]): T | undefined;
}

export interface StoreWriter extends StoreReader {
  /** Runs one data-changing statement. It must be deterministic: no `random()`, no `'now'`. */
  run(sql: string, params?: readonly SqlValue[]): { changes: number };
}

/** Who made a change: shown in event logs and used to break ties. */
export type Actor = 'user' | 'executor' | 'agent' | 'system';

export interface StoreChange {
  /** Tables touched by the change. */
  tables: ReadonlySet<string>;
  actor: Actor;
}

export interface StoreHealth {
  readOnly: boolean;
  /** Why the store is read-only, in words for the user. */
  readOnlyReason?: string;
  /** A read replica: read-only here because another process holds the store, whose journal it follows. */
  replica?: boolean;
  /** What opening had to repair, in words for the user; empty when the open was clean. */
  recovery: string[];
  journalRecords: number;
  journalBytes: number;
  lastSnapshotAt?: number;
}

export interface BackupCheck {
  name: string;
  /** Change number the backup holds. */
  seq: number;
  /** Why it is unusable; undefined when it passed. */
  problem?: string;
}

export interface Store extends StoreReader {
  readonly folder: string;
  readonly readOnly: boolean;
  /** The number of the last change in this store (for a replica: the last it applied). */
  readonly seq: number;
  /**
   * A read replica (opened with `followMs`) reads what the holder appended until it has applied
   * change `seq`; true once it has, false after `timeoutMs` (default 5 s). A store that writes
   * itself has every change it acknowledged: true at once.
   */
  catchUp(seq: number, timeoutMs?: number): Promise<boolean>;
  /**
   * Runs `fn` in one SQL transaction. The statements it ran become one journal record, and the
   * promise resolves only once that record is on disk (fdatasync). If `fn` throws, the transaction
   * is rolled back, nothing is recorded and the promise rejects with that error.
   */
  write<R>(fn: (w: StoreWriter) => R, actor?: Actor): Promise<R>;
  readonly onDidChange: Event<StoreChange>;
  /**
   * Fires once when this process finds it no longer holds the store's lock (it stalled past the
   * lock's stale limit and another process may have taken over). From then on the store is
   * read-only and no write is acknowledged; the message says so in the user's words. Hosts stop
   * their work here: the CLI kills its tasks and exits, VS Code says so and stays read-only.
   */
  readonly onDidLoseLock: Event<string>;
  health(): StoreHealth;
  /**
   * Checks every backup (checksum, SQLite integrity check, schema version), one at a time so
   * the event loop is never held long. An unusable backup is set aside as `*.bad`.
   */
  verifyBackups(): Promise<BackupCheck[]>;
  /** Writes a snapshot and truncates the journal. */
  compact(): Promise<void>;
  /**
   * Runs SQLite's check of the snapshot now, if the store was opened without it (checkLater) and
   * nothing ran it since. False when the snapshot is damaged: the store has stopped writing (as
   * onDidLoseLock then says).
   */
  checkSnapshot(): boolean;
  close(): Promise<void>;
}

export class ReadOnlyStoreError extends Error {
  constructor(reason: string) {
    super(`Continuum's store is read-only: ${reason}`);
    this.name = 'ReadOnlyStoreError';
  }
}

/** A write refused because this process lost the store's lock; nothing of it was saved. */
export class LockLostError extends ReadOnlyStoreError {
  constructor(reason: string) {
    super(reason);
    this.name = 'LockLostError';
  }
}

/** A problem the user must act on; `message` says what to do. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}
