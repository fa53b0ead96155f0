// Binary framing of the write-ahead journal and of snapshot files. Pure functions: no I/O.
//
// Journal record:  | magic "CJR1" | seq u64 (as f64) | payload length u32 | crc32(payload) u32 | payload |
// Snapshot file:   | magic "CSN1" | seq u64 (as f64) | schema version u32 | length u32 | crc32 u32 | sqlite bytes |
// The payload of a record is the JSON of a Mutation: every statement the write ran, with its
// parameters, so that replaying the records over the snapshot rebuilds exactly the same database.
import { crc32 } from 'zlib';
import type { Actor, SqlValue } from './types';

export interface Mutation {
  actor: Actor;
  statements: Array<[sql: string, params: SqlValue[]]>;
}

export interface JournalRecord {
  seq: number;
  mutation: Mutation;
}

const RECORD_MAGIC = 0x314a5243; // "CRJ1" little-endian
const SNAPSHOT_MAGIC = 0x314e5343; // "CSN1"
const RECORD_HEADER = 4 + 8 + 4 + 4;
const SNAPSHOT_HEADER = 4 + 8 + 4 + 4 + 4;
/** A single change larger than this is refused: it is a bug or hostile input, not a task update. */
export const maxRecordBytes = 64 * 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeRecord(seq: number, mutation: Mutation): Uint8Array {
  // a replacer slows JSON.stringify down several times over: only a change with bytes needs one
  const payload = encoder.encode(JSON.stringify(mutation, hasBytes(mutation) ? bytesReplacer : undefined));
  if (payload.length > maxRecordBytes) {
    throw new RangeError(
      `A single change of ${(payload.length / 1048576).toFixed(1)} MB is over the store's limit of ${maxRecordBytes / 1048576} MB.`,
    );
  }
  const out = new Uint8Array(RECORD_HEADER + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, RECORD_MAGIC, true);
  view.setFloat64(4, seq, true);
  view.setUint32(12, payload.length, true);
  view.setUint32(16, crc32(payload), true);
  out.set(payload, RECORD_HEADER);
  return out;
}

export interface DecodedJournal {
  records: JournalRecord[];
  /** Bytes after the last good record: a torn write (after a crash) or damage. */
  badTailBytes: number;
  /** Why decoding stopped early, when it did. */
  stopReason?: string;
}

/**
 * Journal records as one buffer. A single record is given back as it is unless `alwaysCopy` (for a
 * buffer that will be moved to another thread while the original stays in use).
 */
export function joinRecords(parts: Uint8Array[], alwaysCopy = false): Uint8Array {
  if (parts.length === 1 && !alwaysCopy) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Decodes records from the start of `data`, stopping at the first torn or damaged one. */
export function decodeJournal(data: Uint8Array): DecodedJournal {
  const records: JournalRecord[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset < data.length) {
    const stop = (reason: string): DecodedJournal => ({
      records,
      badTailBytes: data.length - offset,
      stopReason: reason,
    });
    if (data.length - offset < RECORD_HEADER) return stop('incomplete record header');
    if (view.getUint32(offset, true) !== RECORD_MAGIC) return stop('bad record marker');
    const seq = view.getFloat64(offset + 4, true);
    const length = view.getUint32(offset + 12, true);
    const checksum = view.getUint32(offset + 16, true);
    if (!Number.isSafeInteger(seq) || seq < 1 || length > maxRecordBytes) return stop('bad record header');
    if (data.length - offset - RECORD_HEADER < length) return stop('incomplete record');
    const payload = data.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length);
    if (crc32(payload) !== checksum) return stop('checksum mismatch');
    let mutation: Mutation;
    try {
      const text = decoder.decode(payload);
      mutation = JSON.parse(text, text.includes('"$bytes"') ? bytesReviver : undefined) as Mutation;
    } catch {
      return stop('unreadable record');
    }
    if (!isMutation(mutation)) return stop('malformed record');
    records.push({ seq, mutation });
    offset += RECORD_HEADER + length;
  }
  return { records, badTailBytes: 0 };
}

export interface Snapshot {
  seq: number;
  schemaVersion: number;
  database: Uint8Array;
}

export function encodeSnapshot(snapshot: Snapshot): Uint8Array {
  const out = new Uint8Array(SNAPSHOT_HEADER + snapshot.database.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, SNAPSHOT_MAGIC, true);
  view.setFloat64(4, snapshot.seq, true);
  view.setUint32(12, snapshot.schemaVersion, true);
  view.setUint32(16, snapshot.database.length, true);
  view.setUint32(20, crc32(snapshot.database), true);
  out.set(snapshot.database, SNAPSHOT_HEADER);
  return out;
}

/** The snapshot, or a sentence saying what is wrong with the file. */
export function decodeSnapshot(data: Uint8Array): Snapshot | string {
  if (data.length < SNAPSHOT_HEADER) return `it is truncated (${data.length} bytes)`;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== SNAPSHOT_MAGIC) return 'it is not a Continuum snapshot (bad header)';
  const seq = view.getFloat64(4, true);
  const schemaVersion = view.getUint32(12, true);
  const length = view.getUint32(16, true);
  if (!Number.isSafeInteger(seq) || seq < 0) return 'its header is damaged';
  if (data.length - SNAPSHOT_HEADER !== length)
    return `it is truncated (${data.length - SNAPSHOT_HEADER} of ${length} bytes)`;
  const database = data.subarray(SNAPSHOT_HEADER);
  if (crc32(database) !== view.getUint32(20, true)) return 'its checksum does not match (the file is damaged)';
  return { seq, schemaVersion, database };
}

function isMutation(value: unknown): value is Mutation {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Mutation;
  return (
    typeof m.actor === 'string' &&
    Array.isArray(m.statements) &&
    m.statements.every(s => Array.isArray(s) && typeof s[0] === 'string' && Array.isArray(s[1]))
  );
}

function hasBytes(mutation: Mutation): boolean {
  return mutation.statements.some(([, params]) => params.some(p => p instanceof Uint8Array));
}

function bytesReplacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { $bytes: Buffer.from(value).toString('base64') } : value;
}

function bytesReviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && typeof (value as { $bytes?: unknown }).$bytes === 'string') {
    return new Uint8Array(Buffer.from((value as { $bytes: string }).$bytes, 'base64'));
  }
  return value;
}
