// The hashes and stamps of the graph's stored files, kept in memory by the process that writes them:
// every build starts from them (to tell which files changed), and reading them from the store each
// time took 3–8 ms on PatternFly's 3,176 files (the stamp lies after each file's facts in its row).
// Only the knowledge graph writes its files' rows, so what it wrote is what the store holds; after a
// write that failed nothing is assumed, and the next build reads them from the store again.
import type { StoreReader } from '../store/types';
import { loadHashes } from './graphStore';
import type { KnownFile, ParsedFile } from './parser';

export class StoredHashes {
  private files: Map<string, KnownFile> | undefined;

  /** Every stored file's id, hash and stamp (read from the store when not known). */
  list(store: StoreReader): KnownFile[] {
    this.files ??= new Map(loadHashes(store).map(k => [k[0], k]));
    return [...this.files.values()];
  }

  saved(files: readonly ParsedFile[]): void {
    for (const f of files) this.files?.set(f.id, f.stamp === undefined ? [f.id, f.hash] : [f.id, f.hash, f.stamp]);
  }

  restamped(stamps: ReadonlyArray<[string, string]>): void {
    for (const [id, stamp] of stamps) {
      const known = this.files?.get(id);
      if (known) this.files!.set(id, [id, known[1], stamp]);
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
}
