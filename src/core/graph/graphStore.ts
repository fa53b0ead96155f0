// The knowledge graph's tables (schema version 3; files' stamps since 11): reading the stored files, and writing changes as
// one durable transaction each. The graph's settings (roots, exclusions) and the project
// configuration live in the `meta` table.
import type { StoreReader, StoreWriter } from '../store/types';
import type { FileFacts, FileRecord, FileStatus, ProjectConfig, Relation } from './model';
import type { KnownFile, ParsedFile, ScanSettings } from './parser';

interface FileRow {
  id: string;
  hash: string;
  size: number;
  status: string;
  error: string | null;
  facts: string;
}

const settingsKey = 'graph.settings';
const configKey = 'graph.config';
const builtKey = 'graph.builtAt';

export function loadFiles(store: StoreReader): FileRecord[] {
  return store.all<FileRow>('SELECT id, hash, size, status, error, facts FROM graph_files').map(row => ({
    id: row.id,
    hash: row.hash,
    size: row.size,
    status: row.status as FileStatus,
    ...(row.error ? { error: row.error } : {}),
    facts: JSON.parse(row.facts) as FileFacts,
  }));
}

/** The stored records of the given files (those the store has). */
export function loadFilesById(store: StoreReader, ids: readonly string[]): FileRecord[] {
  if (!ids.length) return [];
  return store
    .all<FileRow>(
      'SELECT id, hash, size, status, error, facts FROM graph_files WHERE id IN (SELECT value FROM json_each(?))',
      [JSON.stringify(ids)],
    )
    .map(row => ({
      id: row.id,
      hash: row.hash,
      size: row.size,
      status: row.status as FileStatus,
      ...(row.error ? { error: row.error } : {}),
      facts: JSON.parse(row.facts) as FileFacts,
    }));
}

/** The stored module edges into the given files: who imports or re-exports them, and which names. */
export function loadEdgesInto(
  store: StoreReader,
  ids: readonly string[],
): Array<{ from: string; to: string; kind: string; names: string[] }> {
  if (!ids.length) return [];
  return store
    .all<{ from_id: string; to_id: string; kind: string; names: string }>(
      'SELECT from_id, to_id, kind, names FROM graph_edges WHERE to_id IN (SELECT value FROM json_each(?))',
      [JSON.stringify(ids)],
    )
    .map(r => ({ from: r.from_id, to: r.to_id, kind: r.kind, names: JSON.parse(r.names) as string[] }));
}

/** How many stored files failed to parse, the first of them by id and its error. */
export function loadParseFailures(
  store: StoreReader,
): { n: number; id: string | null; error: string | null } | undefined {
  return store.get<{ n: number; id: string | null; error: string | null }>(
    "SELECT count(*) AS n, min(id) AS id, (SELECT error FROM graph_files WHERE status = 'failed' ORDER BY id LIMIT 1) AS error FROM graph_files WHERE status = 'failed'",
  );
}

/**
 * Every stored file's id, content hash and stamp (where it has one), with its status. As one JSON
 * text that SQLite makes: sql.js hands over each cell of a row in a call of its own, which for
 * PatternFly's 3,176 files took 15–35 ms, against 8 for the one text (what a build after an edit waits for).
 */
export function loadHashes(store: StoreReader): Array<{ known: KnownFile; status: FileStatus }> {
  const [row] = store.all<{ files: string }>(
    'SELECT json_group_array(json_array(id, hash, stamp, status)) AS files FROM graph_files',
  );
  const files = JSON.parse(row.files) as Array<[id: string, hash: string, stamp: string | null, status: FileStatus]>;
  return files.map(([id, hash, stamp, status]) => ({ known: stamp === null ? [id, hash] : [id, hash, stamp], status }));
}

// Deletions are written set-based: one statement with the ids as a JSON parameter (SQLite's json_each)
// instead of one per row. Edges go in as multi-row VALUES, up to 128 rows a statement (a third of the
// time json_each takes to take apart an array of rows: 30 against 80–120 ms for 10,000 edges), in
// statements of 128, 64 … 1 rows so that few distinct statements are prepared. File rows stay one
// statement each: their facts are long JSON text, which json_each would parse and write out again.

export function saveFiles(w: StoreWriter, files: readonly ParsedFile[]): void {
  for (const f of files) {
    w.run(
      'INSERT OR REPLACE INTO graph_files (id, hash, size, status, error, facts, stamp) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [f.id, f.hash, f.size, f.status, f.error ?? null, f.factsJson, f.stamp ?? null],
    );
  }
}

/** Records the new stamps of files whose content did not change (the same hash). */
export function saveStamps(w: StoreWriter, stamps: ReadonlyArray<[string, string]>): void {
  for (const [id, stamp] of stamps) w.run('UPDATE graph_files SET stamp = ? WHERE id = ?', [stamp, id]);
}

export function deleteFiles(w: StoreWriter, ids: readonly string[]): void {
  if (!ids.length) return;
  const list = JSON.stringify(ids);
  w.run('DELETE FROM graph_files WHERE id IN (SELECT value FROM json_each(?))', [list]);
  w.run('DELETE FROM graph_edges WHERE from_id IN (SELECT value FROM json_each(?))', [list]);
}

/** Stores module edges of files that have none stored yet (a new graph's). */
export function addEdges(w: StoreWriter, relations: readonly Relation[]): void {
  insertRows(
    w,
    relations.map(r => [r.from, r.to, r.kind, JSON.stringify(r.names ?? [])]),
  );
}

/** Replaces the stored module edges of the given files with their current ones, writing only the files whose edges changed. */
export function saveEdges(w: StoreWriter, edgesOf: (fileId: string) => Relation[], fileIds: readonly string[]): void {
  if (!fileIds.length) return;
  const stored = new Map<string, string[]>();
  const rows = w.all<{ from_id: string; to_id: string; kind: string; names: string }>(
    'SELECT from_id, to_id, kind, names FROM graph_edges WHERE from_id IN (SELECT value FROM json_each(?))',
    [JSON.stringify(fileIds)],
  );
  for (const row of rows) {
    const list = stored.get(row.from_id);
    const key = edgeKey(row.to_id, row.kind, row.names);
    if (list) list.push(key);
    else stored.set(row.from_id, [key]);
  }
  const changed: string[] = [];
  const inserts: Array<[string, string, string, string]> = [];
  for (const id of fileIds) {
    const next = edgesOf(id).map(
      r => [id, r.to, r.kind, JSON.stringify(r.names ?? [])] as [string, string, string, string],
    );
    const before = stored.get(id);
    if (before) {
      const keys = new Set(next.map(([, to, kind, names]) => edgeKey(to, kind, names)));
      if (before.length === keys.size && before.every(k => keys.has(k))) continue;
    } else if (!next.length) {
      continue;
    }
    changed.push(id);
    inserts.push(...next);
  }
  if (!changed.length) return;
  if (stored.size)
    w.run('DELETE FROM graph_edges WHERE from_id IN (SELECT value FROM json_each(?))', [JSON.stringify(changed)]);
  insertRows(w, inserts);
}

function insertRows(w: StoreWriter, inserts: ReadonlyArray<[string, string, string, string]>): void {
  for (let i = 0, rows = maxRowsPerInsert; i < inserts.length; i += rows) {
    while (rows > inserts.length - i) rows >>= 1;
    w.run(insertEdges(rows), inserts.slice(i, i + rows).flat());
  }
}

const maxRowsPerInsert = 128;
const insertStatements = new Map<number, string>();

function insertEdges(rows: number): string {
  let sql = insertStatements.get(rows);
  if (!sql)
    insertStatements.set(
      rows,
      (sql = `INSERT OR REPLACE INTO graph_edges (from_id, to_id, kind, names) VALUES ${Array(rows).fill('(?, ?, ?, ?)').join(', ')}`),
    );
  return sql;
}

function edgeKey(to: string, kind: string, names: string): string {
  return `${to}\0${kind}\0${names}`;
}

export function loadSettings(store: StoreReader): {
  settings?: ScanSettings;
  config?: ProjectConfig;
  builtAt?: number;
} {
  const read = (key: string) => store.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key])?.value;
  const settings = read(settingsKey);
  const config = read(configKey);
  const builtAt = read(builtKey);
  return {
    ...(settings ? { settings: JSON.parse(settings) as ScanSettings } : {}),
    ...(config ? { config: JSON.parse(config) as ProjectConfig } : {}),
    ...(builtAt ? { builtAt: Number(builtAt) } : {}),
  };
}

export function saveSettings(
  w: StoreWriter,
  values: { settings?: ScanSettings; config?: ProjectConfig; builtAt?: number },
): void {
  const put = (key: string, value: string) =>
    w.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [key, value]);
  if (values.settings) put(settingsKey, JSON.stringify(values.settings));
  if (values.config) put(configKey, JSON.stringify(values.config));
  if (values.builtAt !== undefined) put(builtKey, String(values.builtAt));
}
