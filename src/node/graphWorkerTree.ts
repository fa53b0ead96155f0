// The files a knowledge graph build reads, on the disk (the graph worker's SourceTree).
import * as fs from 'fs';
import type { FileStat, SourceTree } from '../core/graph/sourceTree';
import { FolderWatch, type FolderWatchOptions } from './folderWatch';
import { isMissing } from './fsErrors';

/**
 * A file whose times are this recent (ms) gets no stamp: a write in the same tick of the file
 * system's clock could leave size and times as they were (git's "racy" files). The same holds for
 * a folder's remembered listing.
 */
export const settledMs = 2000;

export interface SourceTreeOptions {
  /** The clock stamps are judged settled by. */
  now?: () => number;
  /**
   * Remembers each folder's listing with the folder's stamp (its times and inode, which change when
   * an entry is added, removed or renamed), and lists it again only when that changed: a build
   * after a few edits then stats the folders instead of listing them (PatternFly's 2,272 folders:
   * about 6 ms against 20). A first listing costs the stat as well, so a process that builds once
   * (the CLI on its own) does without.
   */
  rememberFolders?: boolean;
  /**
   * Watches the folders it lists (Linux, local file systems; see FolderWatch), and takes a watched
   * folder's listing and its files' stats from memory while the watch reports no change. For a
   * process that builds again and again; it must run each build through `request`.
   */
  watchFolders?: boolean | FolderWatchOptions;
}

export interface NodeSourceTree extends SourceTree {
  /**
   * Runs one request of the graph worker's. With watches, it first forgets what they may have
   * missed; after a build, the folders not listed since the last one (a scan ahead, `prepare`,
   * lists a build's folders) are watched no more. Call it after the event loop's poll phase
   * (setImmediate): the watches have then reported every change made before the request.
   */
  request<T>(kind: 'build' | 'update' | 'prepare' | 'read', work: () => T): T;
  /** Ends the watches. */
  close(): void;
}

export function nodeSourceTree(options: SourceTreeOptions = {}): NodeSourceTree {
  const now = options.now ?? Date.now;
  const listings = options.rememberFolders ? new FolderListings(now) : undefined;
  const watch =
    options.watchFolders && process.platform === 'linux'
      ? new FolderWatch(options.watchFolders === true ? {} : options.watchFolders)
      : undefined;
  /** The folder's entries, undefined when it is missing. */
  const listDisk = (dir: string): Entries | undefined => {
    try {
      return listings ? listings.list(dir) : listFolder(dir);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  };
  const statFile = (path: string): FileStat | undefined => {
    try {
      // a missing file is undefined, not an error (whose making cost more than the stat)
      const stat = fs.statSync(path, { throwIfNoEntry: false });
      if (!stat?.isFile()) return undefined;
      const stamp = stampOf(stat, now);
      return { size: stat.size, ...(stamp ? { stamp } : {}) };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  };
  return {
    request(kind, work) {
      watch?.begin();
      try {
        return work();
      } finally {
        if (kind === 'build') watch?.followBuild();
      }
    },
    close() {
      watch?.close();
    },
    list(dir) {
      const remembered = watch?.listing(dir);
      if (remembered) return remembered;
      const entries = listDisk(dir);
      if (entries) watch?.sawListing(dir, entries);
      return entries ?? [];
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
      const remembered = watch?.stat(path);
      if (remembered !== undefined) return remembered ?? undefined;
      const stat = statFile(path);
      watch?.sawStat(path, stat);
      return stat;
    },
  };
}

type Entries = ReturnType<SourceTree['list']>;

function listFolder(dir: string): Entries {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .map(e => ({ name: e.name, kind: e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other' }));
}

/** Size, times and inode; undefined while they changed too recently to tell the next change apart. */
function stampOf(stat: fs.Stats, now: () => number): string | undefined {
  const settled = now() - Math.max(stat.mtimeMs, stat.ctimeMs) >= settledMs;
  return settled ? `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}` : undefined;
}

/** Folder listings, each kept with the stamp the folder had before it was listed. */
class FolderListings {
  private readonly known = new Map<string, { stamp: string; entries: Entries }>();

  constructor(private readonly now: () => number) {}

  /** The folder's entries, undefined when it is missing. */
  list(dir: string): Entries | undefined {
    // the stamp is taken first: an entry added while the folder is listed changes it, so the
    // listing kept with it is listed again next time
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) {
      this.known.delete(dir); // gone: nothing to remember
      return undefined;
    }
    const stamp = stampOf(stat, this.now);
    const known = this.known.get(dir);
    if (stamp !== undefined && known?.stamp === stamp) return known.entries;
    const entries = listFolder(dir);
    if (stamp === undefined) this.known.delete(dir);
    else this.known.set(dir, { stamp, entries });
    return entries;
  }
}
