// The one plan of a file restore: a pure function of what git and the disk say now. The preview
// renders it, the restore carries out exactly it. Its rule: a path that holds something no snapshot
// saw (an ignored file, an untracked file or link created after the last snapshot, a folder of such
// files, anything inside a nested repository) is never overwritten or removed; the restore skips
// that path and says why.
import { gitlinkMode, type TreeChange } from './treeDiff';

/** What is at a path on disk now (lstat: a link is a link, never followed). */
export type OnDisk = 'none' | 'file' | 'symlink' | 'folder';

/** One path a restore would touch, in the person's words. */
export interface FileRestoreItem {
  path: string;
  /**
   * restore: the checkpoint's version is written back (changed or deleted since);
   * remove: created after the checkpoint and seen being created by a snapshot — deleted;
   * keep: left alone (see `reason`).
   */
  action: 'restore' | 'remove' | 'keep';
  /** Why a path is left alone, for the preview and the result. */
  reason?: string;
}

export interface RestoreFacts {
  /** From the checkpoint's tree to the tree of the files now (the before-restore snapshot). */
  changes: readonly TreeChange[];
  /** Paths created after the checkpoint that a snapshot (not one taken by a restore) saw. */
  seenCreated: ReadonlySet<string>;
  /** Paths the ignore rules exclude now (asked for the paths that could be removed). */
  ignored: ReadonlySet<string>;
  /** Paths inside a nested repository (a folder with its own .git below the workspace). */
  insideNestedRepository: ReadonlySet<string>;
  /** What is on disk at each changed path and at each folder above it; missing: 'none'. */
  onDisk: ReadonlyMap<string, OnDisk>;
}

/** The folders above a git path, nearest last: 'a/b/c' → ['a', 'a/b']. */
export function foldersAbove(p: string): string[] {
  const parts = p.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

const what: Record<OnDisk, string> = { none: 'nothing', file: 'a file', symlink: 'a link', folder: 'a folder' };

export function restorePlan(facts: RestoreFacts): FileRestoreItem[] {
  const at = (p: string): OnDisk => facts.onDisk.get(p) ?? 'none';
  const items = new Map<string, FileRestoreItem>();
  const keep = (p: string, reason: string) => items.set(p, { path: p, action: 'keep', reason });
  // First what is there now and not in the checkpoint: removed only when a snapshot saw it created.
  for (const change of facts.changes) {
    const p = change.path;
    if (change.oldMode === gitlinkMode || change.newMode === gitlinkMode)
      keep(p, 'a nested repository (never touched)');
    else if (facts.insideNestedRepository.has(p)) keep(p, 'inside a nested repository');
    else if (change.kind !== 'added') continue;
    else if (!facts.seenCreated.has(p)) keep(p, 'created after the checkpoint, but no snapshot saw it being created');
    else if (facts.ignored.has(p)) keep(p, 'ignored by .gitignore');
    else if (at(p) === 'folder') keep(p, 'a folder is there now');
    else items.set(p, { path: p, action: 'remove' });
  }
  // Then the checkpoint's files: written back only where that replaces nothing no snapshot saw.
  for (const change of facts.changes) {
    const p = change.path;
    if (items.has(p) || change.kind === 'added') continue;
    const now = at(p);
    if (now === 'folder') {
      keep(p, 'a folder is there now');
      continue;
    }
    if (change.kind === 'deleted' && now !== 'none') {
      keep(
        p,
        `${what[now]} is there now that no snapshot saw (ignored, or made after the last snapshot); the checkpoint's file is not written over it`,
      );
      continue;
    }
    // A file or link where the checkpoint had a folder: writing the folder back would replace it.
    const blocker = foldersAbove(p).find(f => at(f) === 'file' || at(f) === 'symlink');
    if (blocker && items.get(blocker)?.action !== 'remove') {
      keep(
        p,
        `'${blocker}' is now ${what[at(blocker)]} where the checkpoint had a folder, and ${items.get(blocker)?.reason ?? 'no snapshot saw it'}; writing the folder back would replace it`,
      );
      continue;
    }
    items.set(p, { path: p, action: 'restore' });
  }
  return [...items.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
