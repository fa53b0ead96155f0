// The hashes, stamps and statuses of the graph's stored files, kept in memory by the process that
// writes them: every build starts from them (to tell which files changed) and ends with how many
// parsed, failed or were skipped. Reading them from the store each time took 3–8 ms on PatternFly's
// 3,176 files (the stamp lies after each file's facts in its row), and counting the statuses 3 ms.
// Only the knowledge graph writes its files' rows, so what it wrote is what the store holds; after a
// write that failed nothing is assumed, and the next build reads them from the store again.
import type { StoreReader } from '../store/types';
import { loadHashes } from './graphStore';
import type { FileStatus } from './model';
import type { KnownFile, ParsedFile } from './parser';

export class StoredHashes {
  private files: Map<string, { known: KnownFile; status: FileStatus }> | undefined;

  /** Every stored file's id, hash and stamp (read from the store when not known). */
  list(store: StoreReader): KnownFile[] {
    return [...this.read(store).values()].map(f => f.known);
  }

  /** How many stored files parsed, failed to parse, or were skipped (read from the store when not known). */
  counts(store: StoreReader): Record<FileStatus, number> {
    const counts: Record<FileStatus, number> = { parsed: 0, failed: 0, skipped: 0 };
    for (const { status } of this.read(store).values()) counts[status]++;
    return counts;
  }

  saved(files: readonly ParsedFile[]): void {
    for (const f of files)
      this.files?.set(f.id, {
        known: f.stamp === undefined ? [f.id, f.hash] : [f.id, f.hash, f.stamp],
        status: f.status,
      });
  }

  restamped(stamps: ReadonlyArray<[string, string]>): void {
    for (const [id, stamp] of stamps) {
      const file = this.files?.get(id);
      if (file) this.files!.set(id, { known: [id, file.known[1], stamp], status: file.status });
    }
  }

  deleted(ids: readonly string[]): void {
    for (const id of ids) this.files?.delete(id);
  }

  /** Every file's row was deleted. */
  cleared(): void {
    this.files = new Map();
  }

  /** Not known any more (a write failed, or another process wrote them): read from the store next time. */
  forget(): void {
    this.files = undefined;
  }

  private read(store: StoreReader): Map<string, { known: KnownFile; status: FileStatus }> {
    this.files ??= new Map(loadHashes(store).map(f => [f.known[0], f]));
    return this.files;
  }
}
