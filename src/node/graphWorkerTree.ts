// The files a knowledge graph build reads, on the disk (the graph worker's SourceTree).
import * as fs from 'fs';
import type { SourceTree } from '../core/graph/sourceTree';

/**
 * A file whose times are this recent (ms) gets no stamp: a write in the same tick of the file
 * system's clock could leave size and times as they were (git's "racy" files).
 */
export const settledMs = 2000;

/** `now`: the clock stamps are judged settled by. */
export function nodeSourceTree(now: () => number = Date.now): SourceTree {
  return {
    list(dir) {
      try {
        return fs
          .readdirSync(dir, { withFileTypes: true })
          .map(e => ({ name: e.name, kind: e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other' }));
      } catch (err) {
        if (isMissing(err)) return [];
        throw err;
      }
    },
    read(path) {
      try {
        return fs.readFileSync(path, 'utf8');
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    size(path) {
      return this.stat!(path)?.size;
    },
    stat(path) {
      try {
        const stat = fs.statSync(path);
        if (!stat.isFile()) return undefined;
        const settled = now() - Math.max(stat.mtimeMs, stat.ctimeMs) >= settledMs;
        return {
          size: stat.size,
          ...(settled ? { stamp: `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}` } : {}),
        };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
  };
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM';
}
