// Editing a git tree without an index: the few folders on the way to the changed paths are read
// from the base tree, changed, re-hashed (bottom-up) and written in one `git mktree --batch`. A
// scoped snapshot of 4 files in a 100,000-file workspace then reads and writes a few small tree
// objects instead of loading and rewriting a 10 MB index twice. Pure functions; git runs elsewhere.
import { createHash } from 'node:crypto';

export const treeMode = '40000';
export const gitlinkMode = '160000';

export interface TreeEntry {
  mode: string;
  oid: string;
}

/** A tree's entries by name. */
export type TreeListing = Map<string, TreeEntry>;

/** Parses a raw tree object (`<mode> <name>\0<binary oid>` repeated) with `oidBytes`-byte ids. */
export function parseTree(raw: Buffer, oidBytes = 20): TreeListing {
  const entries: TreeListing = new Map();
  let at = 0;
  while (at < raw.length) {
    const space = raw.indexOf(0x20, at);
    const nul = raw.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 1 + oidBytes > raw.length)
      throw new Error('a tree object git gave back is malformed');
    entries.set(raw.toString('utf8', space + 1, nul), {
      mode: raw.toString('latin1', at, space),
      oid: raw.toString('hex', nul + 1, nul + 1 + oidBytes),
    });
    at = nul + 1 + oidBytes;
  }
  return entries;
}

/** git's order of tree entries: by name bytes, a folder's name compared as if it ended in '/'. */
function sortKey(name: string, entry: TreeEntry): Buffer {
  return Buffer.from(entry.mode === treeMode ? `${name}/` : name, 'utf8');
}

/** The raw bytes of a tree object holding `entries`. */
export function treeBytes(entries: TreeListing): Buffer {
  const sorted = [...entries]
    .map(([name, e]) => ({ name, e, key: sortKey(name, e) }))
    .sort((a, b) => Buffer.compare(a.key, b.key));
  return Buffer.concat(
    sorted.flatMap(({ name, e }) => [Buffer.from(`${e.mode} ${name}\0`, 'utf8'), Buffer.from(e.oid, 'hex')]),
  );
}

/** A tree object's id (SHA-1 repositories). */
export function treeId(entries: TreeListing): string {
  const body = treeBytes(entries);
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}

/** `git mktree -z --batch` input for one tree. */
export function mktreeInput(entries: TreeListing): string {
  return (
    [...entries]
      .map(
        ([name, e]) =>
          `${e.mode} ${e.mode === treeMode ? 'tree' : e.mode === gitlinkMode ? 'commit' : 'blob'} ${e.oid}\t${name}\0`,
      )
      .join('') + '\0'
  );
}

/** The folders that hold `paths` ('' is the root), deepest first. */
export function foldersOf(paths: readonly string[]): string[] {
  const folders = new Set<string>(['']);
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  return [...folders].sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : a > b ? 1 : 0));
}

function depth(folder: string): number {
  return folder ? folder.split('/').length : 0;
}

export interface EditedTrees {
  /** The new root tree's id. */
  root: string;
  /** Trees to write, children before parents, as `mktree --batch -z` input. */
  input: string;
  /** How many trees that is. */
  count: number;
}

/**
 * Applies `changes` (path → new entry, or null to delete) to the folders read from the base tree
 * (`listings`: folder → its entries; a folder missing there is new). Folders left empty disappear,
 * as git never records an empty tree.
 */
export function editTrees(
  listings: ReadonlyMap<string, TreeListing>,
  changes: ReadonlyMap<string, TreeEntry | null>,
): EditedTrees {
  const folders = foldersOf([...changes.keys()]);
  const edited = new Map<string, TreeListing>(folders.map(f => [f, new Map(listings.get(f) ?? [])]));
  for (const [p, entry] of changes) {
    const slash = p.lastIndexOf('/');
    const listing = edited.get(slash < 0 ? '' : p.slice(0, slash))!;
    const name = p.slice(slash + 1);
    if (entry) listing.set(name, entry);
    else listing.delete(name);
  }
  let input = '';
  let count = 0;
  let root = '';
  for (const folder of folders) {
    // deepest first: each child's id is known before its parent is hashed
    const listing = edited.get(folder)!;
    const slash = folder.lastIndexOf('/');
    const parent = folder ? edited.get(slash < 0 ? '' : folder.slice(0, slash))! : undefined;
    const name = folder.slice(slash + 1);
    if (!listing.size && parent) {
      parent.delete(name);
      continue;
    }
    const id = treeId(listing);
    if (parent) parent.set(name, { mode: treeMode, oid: id });
    else root = id;
    input += mktreeInput(listing);
    count++;
  }
  return { root, input, count };
}
