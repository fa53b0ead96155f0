// The knowledge graph's tables (schema version 3): reading the stored files, and writing changes as
// one durable transaction each. The graph's settings (roots, exclusions) and the project
// configuration live in the `meta` table.
import type { StoreReader, StoreWriter } from '../store/types';
import type { FileFacts, FileRecord, FileStatus, ProjectConfig, Relation } from './model';
import type { ScanSettings } from './parser';

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
    id: row.id, hash: row.hash, size: row.size, status: row.status as FileStatus,
    ...(row.error ? { error: row.error } : {}),
    facts: JSON.parse(row.facts) as FileFacts,
  }));
}

export function loadHashes(store: StoreReader): Array<[string, string]> {
  return store.all<{ id: string; hash: string }>('SELECT id, hash FROM graph_files').map(r => [r.id, r.hash]);
}

export function saveFiles(w: StoreWriter, records: readonly FileRecord[]): void {
  for (const r of records) {
    w.run('INSERT OR REPLACE INTO graph_files (id, hash, size, status, error, facts) VALUES (?, ?, ?, ?, ?, ?)',
      [r.id, r.hash, r.size, r.status, r.error ?? null, JSON.stringify(r.facts)]);
  }
}

export function deleteFiles(w: StoreWriter, ids: readonly string[]): void {
  for (const id of ids) {
    w.run('DELETE FROM graph_files WHERE id = ?', [id]);
    w.run('DELETE FROM graph_edges WHERE from_id = ?', [id]);
  }
}

/** Replaces the stored module edges of the given files with their current ones, writing only the files whose edges changed. */
export function saveEdges(w: StoreWriter, edgesOf: (fileId: string) => Relation[], fileIds: readonly string[]): void {
  for (const id of fileIds) {
    const next = edgesOf(id).map(r => [r.to, r.kind, JSON.stringify(r.names ?? [])] as const);
    const stored = w.all<{ to_id: string; kind: string; names: string }>('SELECT to_id, kind, names FROM graph_edges WHERE from_id = ?', [id]);
    const same = stored.length === next.length && next.every(([to, kind, names]) => stored.some(s => s.to_id === to && s.kind === kind && s.names === names));
    if (same) continue;
    w.run('DELETE FROM graph_edges WHERE from_id = ?', [id]);
    for (const [to, kind, names] of next) w.run('INSERT OR REPLACE INTO graph_edges (from_id, to_id, kind, names) VALUES (?, ?, ?, ?)', [id, to, kind, names]);
  }
}

export function loadSettings(store: StoreReader): { settings?: ScanSettings; config?: ProjectConfig; builtAt?: number } {
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

export function saveSettings(w: StoreWriter, values: { settings?: ScanSettings; config?: ProjectConfig; builtAt?: number }): void {
  const put = (key: string, value: string) => w.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [key, value]);
  if (values.settings) put(settingsKey, JSON.stringify(values.settings));
  if (values.config) put(configKey, JSON.stringify(values.config));
  if (values.builtAt !== undefined) put(builtKey, String(values.builtAt));
}
