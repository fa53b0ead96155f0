// A read replica follows the journal of the process that holds the store: it applies each record
// the holder appends, in order, to its own database in memory. When the holder compacted and
// deleted the segment that held the next record, the replica loads the newer snapshot instead.
// See DESIGN.md, "One writer, many clients".
import type { FileSystemPort } from '../ports';
import { join, segmentName, segmentNumbers, snapshotFile } from './layout';
import { decodeJournal, decodeSnapshot, type JournalRecord } from './records';
import { SqliteDatabase } from './sqlite';
import type { Actor } from './types';

/** What the follower changes: the replica's database and the number of its last change. */
export interface FollowTarget {
  /** The number of the last change applied here. */
  seq(): number;
  /** Applies one record (the next in order); throws when it cannot. */
  apply(record: JournalRecord): void;
  /** Puts a newer snapshot in place of the database (a compaction removed the records in between). */
  replaceWith(db: SqliteDatabase, seq: number): void;
}

export interface FollowedChanges {
  /** Tables touched; '*' when a whole snapshot was loaded. */
  tables: Set<string>;
  actor: Actor;
}

const tablePattern =
  /^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+["`[]?(\w+)/i;

/** The tables a record's statements change. */
export function tablesOf(record: JournalRecord): string[] {
  return record.mutation.statements.flatMap(([sql]) => {
    const table = tablePattern.exec(sql)?.[1];
    return table ? [table] : [];
  });
}

export class JournalFollower {
  /** Bytes of each segment already read (its records up to there were applied or were older). */
  private readonly consumed = new Map<number, number>();

  constructor(
    private readonly fs: FileSystemPort,
    private readonly folder: string,
    private readonly target: FollowTarget,
  ) {}

  /** Reads what the holder appended since the last poll and applies it; undefined when nothing was new. */
  async poll(): Promise<FollowedChanges | undefined> {
    const changes: FollowedChanges = { tables: new Set(), actor: 'system' };
    const gap = await this.readSegments(changes);
    if (gap && (await this.loadNewerSnapshot(changes))) await this.readSegments(changes);
    return changes.tables.size ? changes : undefined;
  }

  /** Applies every new record in order; true when a record after a missing one was found (a gap). */
  private async readSegments(changes: FollowedChanges): Promise<boolean> {
    const segments = segmentNumbers(await this.fs.list(this.folder));
    for (const n of [...this.consumed.keys()]) if (!segments.includes(n)) this.consumed.delete(n);
    let gap = false;
    for (const n of segments) {
      const file = join(this.folder, segmentName(n));
      const offset = this.consumed.get(n) ?? 0;
      const size = await this.fs.size(file);
      if (size === undefined || size <= offset) continue;
      // only what was appended since the last look: a segment grows to megabytes before a compaction
      const rest = await this.fs.readFrom(file, offset);
      if (!rest) continue;
      const decoded = decodeJournal(rest);
      let applied = offset;
      // Record by record, so that `consumed` stops before a record that could not be applied yet.
      let at = offset;
      for (const record of decoded.records) {
        const length = recordLength(rest, at - offset);
        if (record.seq > this.target.seq() + 1) {
          gap = true;
          break;
        }
        if (record.seq === this.target.seq() + 1) {
          this.target.apply(record);
          for (const t of tablesOf(record)) changes.tables.add(t);
          changes.actor = record.mutation.actor;
        }
        at += length;
        applied = at;
      }
      this.consumed.set(n, applied);
      if (gap) return true;
    }
    return gap;
  }

  /** Loads the snapshot when it holds changes past this replica's; false when it does not (yet). */
  private async loadNewerSnapshot(changes: FollowedChanges): Promise<boolean> {
    const bytes = await this.fs.readFile(join(this.folder, snapshotFile));
    if (!bytes) return false;
    const snapshot = decodeSnapshot(bytes);
    if (typeof snapshot === 'string' || snapshot.seq <= this.target.seq()) return false;
    const db = await SqliteDatabase.open(snapshot.database);
    this.target.replaceWith(db, snapshot.seq);
    this.consumed.clear();
    changes.tables.add('*');
    return true;
  }
}

/** The length of the whole record that starts at `offset` (header plus payload). */
function recordLength(data: Uint8Array, offset: number): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return 20 + view.getUint32(offset + 12, true);
}
