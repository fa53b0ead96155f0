// Folder watches for a graph worker that builds again and again (a window's, an agent's
// `continuum mcp`, a `continuum run`): while a folder's watch has reported nothing since the tree
// last looked at it, its listing and its files' stats come from memory instead of the disk. On
// PatternFly (2,272 folders, 3,176 files) that is the 5,400 stats a build after a one-line edit
// spent most of its time on.
//
// What it trusts, and why that is safe:
// - Only what the tree saw while the folder was already watched: a folder is watched before the tree
//   first lists it, so what a build sees there is vouched for from that build on.
// - Any event in a folder forgets the entry it names; a rename also forgets the listing.
// - An event on the folder itself (removed, moved) ends its watch and the watches of every folder
//   under it: they follow inodes, not paths, and a folder made in its place is another. New ones
//   start when the folders are listed again.
// - The kernel drops events when its queue overflows, and libuv does not say so. The queue only
//   overflows after delivering `max_queued_events` events, so a burst of `burst` events (far fewer)
//   between two requests makes the next request forget everything and watch anew.
// - The worker handles each request after the event loop's poll phase (setImmediate): an event for a
//   change made before the request was sent is in by then.
// - Linux only, and only folders on a local file system (ext4, xfs, btrfs, tmpfs, overlayfs, zfs,
//   f2fs, bcachefs): a network file system reports no change made by another machine.
import * as fs from 'fs';
import * as path from 'path';
import type { FileStat } from '../core/graph/sourceTree';
import { isMissing } from './fsErrors';

type Entries = Array<{ name: string; kind: 'file' | 'dir' | 'other' }>;

/** statfs magic numbers (linux/magic.h) of file systems that report every change through inotify. */
const localFileSystems = new Set([
  0xef53, // ext2, ext3, ext4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
  0x794c7630, // overlayfs
  0x2fc12fc1, // zfs
  0xf2f52010, // f2fs
  0xca451a4e, // bcachefs
]);

function onLocalFileSystem(dir: string): boolean {
  return localFileSystems.has(fs.statfsSync(dir).type);
}

/**
 * A quarter of the inotify watches this user may hold: the rest stays for VS Code's own file
 * watcher and other tools (too few, and VS Code says it cannot watch a large workspace).
 */
function watchBudget(): number {
  try {
    return Math.floor(Number(fs.readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8')) / 4) || 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 2048; // 8,192 is the oldest kernels' limit
    throw err;
  }
}

interface Watched {
  watcher: fs.FSWatcher;
  entries?: Entries;
  /** Each file's stat; null for a file known to be missing (a configuration file looked for). */
  files: Map<string, FileStat | null>;
}

export interface FolderWatchOptions {
  /** Events between two requests past which nothing remembered is trusted (a possible overflow). */
  burst?: number;
  /** Whether a folder can be watched (default: on a local file system). */
  watchable?: (dir: string) => boolean;
  /** How many folders at most (default: watchBudget()); the others are looked at on the disk. */
  budget?: number;
}

export class FolderWatch {
  private readonly folders = new Map<string, Watched>();
  /** Folders listed since the last build. */
  private readonly listed = new Set<string>();
  /** Folders not on a local file system. */
  private readonly unwatchable = new Set<string>();
  private events = 0;
  /** Set when the system refused a watch (ENOSPC: inotify's limit; EMFILE): no more are started. */
  private refused = false;
  private readonly burst: number;
  private readonly watchable: (dir: string) => boolean;
  private readonly budget: number;

  constructor(options: FolderWatchOptions = {}) {
    this.burst = options.burst ?? 1000;
    this.watchable = options.watchable ?? onLocalFileSystem;
    this.budget = options.budget ?? watchBudget();
  }

  /**
   * Before a request: after a burst of events nothing remembered is trusted, and no watch either
   * (the events that would have ended one were not looked at): they start anew as folders are listed.
   */
  begin(): void {
    if (this.events >= this.burst) this.close();
    this.events = 0;
  }

  /**
   * The folder's listing, if it was seen while watched and nothing changed since. A folder not
   * watched yet is watched from now on (within the budget): what the tree sees in it afterwards,
   * its listing and its files' stats, is seen under the watch.
   */
  listing(dir: string): Entries | undefined {
    this.listed.add(dir);
    const watched = this.folders.get(dir);
    if (watched) return watched.entries;
    if (!this.refused && this.folders.size < this.budget && !this.unwatchable.has(dir)) this.watch(dir);
    return undefined;
  }

  sawListing(dir: string, entries: Entries): void {
    const watched = this.folders.get(dir);
    if (watched) watched.entries = entries;
  }

  /**
   * The file's stat (null: missing), if it was seen while its folder was watched and nothing
   * changed since; undefined when not known.
   */
  stat(file: string): FileStat | null | undefined {
    const [dir, name] = split(file);
    return this.folders.get(dir)?.files.get(name);
  }

  /**
   * Remembers a stat with a stamp, or that the file is missing (one without a stamp is of a file
   * too recent to tell changes apart: it is stat'ed again).
   */
  sawStat(file: string, stat: FileStat | undefined): void {
    if (stat && stat.stamp === undefined) return;
    const [dir, name] = split(file);
    this.folders.get(dir)?.files.set(name, stat ?? null);
  }

  /** After a build, which lists every folder it reads: the folders it did not list are watched no more. */
  followBuild(): void {
    for (const dir of [...this.folders.keys()]) if (!this.listed.has(dir)) this.unwatch(dir);
    this.listed.clear();
  }

  close(): void {
    for (const watched of this.folders.values()) watched.watcher.close();
    this.folders.clear();
  }

  private watch(dir: string): void {
    let watcher: fs.FSWatcher;
    try {
      if (!this.watchable(dir)) {
        this.unwatchable.add(dir);
        return;
      }
      watcher = fs.watch(dir, { persistent: false }, (type, name) => this.changed(dir, watcher, type, name));
    } catch (err) {
      // gone or unreadable by now: the next build finds out; anything else (the watch limit, out
      // of descriptors, an unknown error) stops new watches, and the folders unwatched are stat'ed
      if (!isMissing(err)) this.refused = true;
      return;
    }
    watcher.on('error', () => {
      this.events = this.burst; // whatever it missed, it cannot say: trust nothing next time
      this.unwatch(dir);
    });
    this.folders.set(dir, { watcher, files: new Map() });
  }

  private changed(dir: string, watcher: fs.FSWatcher, type: string, name: string | Buffer | null): void {
    if (++this.events >= this.burst) return; // the next request forgets everything anyway
    const watched = this.folders.get(dir);
    if (watched?.watcher !== watcher) return; // a watch ended since
    if (typeof name !== 'string' || name === path.basename(dir)) {
      // the folder itself (removed, moved, its attributes), or an entry of the same name: start anew
      this.unwatch(dir);
      return;
    }
    watched.files.delete(name);
    // an entry added, removed or renamed (a folder moved away reports it on its own watch, above)
    if (type === 'rename') watched.entries = undefined;
  }

  /** Ends the folder's watch and the watches of every folder under it. */
  private unwatch(dir: string): void {
    const under = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const [folder, watched] of this.folders) {
      if (folder !== dir && !folder.startsWith(under)) continue;
      watched.watcher.close();
      this.folders.delete(folder);
    }
  }
}

/**
 * A file's folder, as the tree lists it, and its name (path.dirname and path.basename took 2.6 ms of a
 * 9 ms build of PatternFly's 3,176 files). Watches are Linux's: the separator is '/'.
 */
function split(file: string): [string, string] {
  const slash = file.lastIndexOf('/');
  return [slash > 0 ? file.slice(0, slash) : '/', file.slice(slash + 1)];
}
