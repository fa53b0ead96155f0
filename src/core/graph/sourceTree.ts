// The files a knowledge graph build reads, as the scan, the tsconfig reader and the parsers see them.

/**
 * A file's size, and its stamp: text that stays the same as long as the file does (size, times,
 * inode), left out while the file changed too recently for its times to tell a next change apart.
 */
export interface FileStat {
  size: number;
  stamp?: string;
}

export interface SourceTree {
  /** A folder's entries; `[]` when it does not exist. */
  list(dir: string): Array<{ name: string; kind: 'file' | 'dir' | 'other' }>;
  /** A file's text, or undefined when missing. */
  read(path: string): string | undefined;
  /** A file's size in bytes, or undefined when missing. */
  size(path: string): number | undefined;
  /**
   * The file's size and stamp (see FileStat); undefined when missing. Optional: without it, a build
   * reads and hashes every file to find what changed.
   */
  stat?(path: string): FileStat | undefined;
}
