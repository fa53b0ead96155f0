// Workspace snapshots as git trees, taken through a private index file so that the user's HEAD,
// index, branches, stash and working tree are never touched: `git add` into our index (seeded once
// from the repository's own, so only changed files are hashed), `write-tree`, `commit-tree`,
// `update-ref refs/continuum/...` — all in Continuum's own git directory in the store folder, which
// borrows the user's objects (see repository.ts). Snapshot commits have no parents, so deleting a
// snapshot's ref and pruning our object directory frees its space. Restoring writes files back
// through a second private index and deletes only what the rules in `planFileRestore` allow.
import type { Stats } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, rm, stat, unlink, utimes } from 'node:fs/promises';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GitRunner, GitSnapshotError, splitNul } from './gitRunner';
import { exists, locateRepository, syncExcludes, type SnapshotRepository } from './repository';
import { foldersAbove, restorePlan, type FileRestoreItem, type OnDisk, type RestoreFacts } from './restorePlan';
import { gitlinkMode, parseRawDiff, type TreeChange } from './treeDiff';
import { editTrees, foldersOf, parseTree, treeMode, type TreeEntry, type TreeListing } from './treeEdit';

export interface SnapshotRequest {
  /** The private ref to create, e.g. refs/continuum/checkpoints/<session>/<n>. */
  ref: string;
  /** The previous snapshot of the same session, if any: unchanged files are counted against it (snapshot commits have no parents). */
  parent?: { commit: string; tree: string };
  /** Workspace-relative (or absolute) paths known to have changed; without it the whole tree is examined. */
  paths?: readonly string[];
  message: string;
  /** Moves `ref` if it exists (a task's start and end snapshots are re-taken on each attempt); default: refuse. */
  replace?: boolean;
}

export interface Snapshot {
  commit: string;
  tree: string;
  ref: string;
  /** Files that differ from the parent snapshot (all files for the first one). */
  filesChanged: number;
  /** Whether only the given paths were examined. */
  scoped: boolean;
  /** Folders left out, each with why (a nested repository with no commit yet); also in the commit's message. */
  leftAlone: string[];
  /** Files that kept changing while the snapshot read them (after retries): recorded as read, possibly partial; also in the commit's message. */
  unsettled: string[];
}

/** How often a snapshot reads again the files that changed while it read them, pausing 50 ms, 100 ms, 150 ms. */
const settleTries = 3;
const settlePauseMs = 50;

export type { FileRestoreItem } from './restorePlan';

export interface FileRestoreResult {
  written: string[];
  removed: string[];
  kept: FileRestoreItem[];
}

export class WorkspaceSnapshots {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly git: GitRunner;
  private readonly indexFile: string;
  private readonly excludeStore: string[];
  /** The store folder relative to the work tree, when it lies inside it. */
  private readonly storeRel: string | undefined;
  /** The tree of the newest snapshot made here from everything known: the base a scoped snapshot edits. */
  private lastTree: string | undefined;
  /** Paths a tree edit recorded since our index last saw them: a scoped index update restages them too. */
  private readonly notInIndex = new Set<string>();
  private fileModeTrusted: Promise<boolean> | undefined;
  private emptyTreeId: Promise<string> | undefined;
  /** Nested repositories with no commit yet, left out of the snapshots (git has nothing to record for them). */
  private uncommittedRepositories: string[] = [];

  private constructor(
    readonly repository: SnapshotRepository,
    private readonly folder: string,
  ) {
    this.git = new GitRunner(repository);
    this.indexFile = path.join(folder, 'index');
    const storeRel = path.relative(repository.workTree, path.dirname(folder));
    // The store folder must never end up in its own snapshots when it lives inside the workspace.
    this.storeRel =
      storeRel && !storeRel.startsWith('..') && !path.isAbsolute(storeRel) ? toGitPath(storeRel) : undefined;
    this.excludeStore = this.storeRel ? [`:(exclude,top)${this.storeRel}`] : [];
  }

  /** Snapshots of `workspace`, with Continuum's private files in `<storeFolder>/snapshots`. */
  static async open(workspace: string, storeFolder: string): Promise<WorkspaceSnapshots> {
    const repository = await locateRepository(workspace, storeFolder);
    const folder = path.join(storeFolder, 'snapshots');
    await mkdir(folder, { recursive: true });
    return new WorkspaceSnapshots(repository, folder);
  }

  get workTree(): string {
    return this.repository.workTree;
  }

  /** Records the working tree (tracked and untracked-but-not-ignored files) under `request.ref`. */
  snapshot(request: SnapshotRequest): Promise<Snapshot> {
    return this.serial(async () => {
      const base = this.lastTree;
      const { tree, scoped, unsettled, edited } = await this.treeNow(request.paths);
      const leftAlone = this.uncommittedRepositories.map(p => `${p}: a nested git repository with no commit yet`);
      let commit: string;
      let filesChanged: number;
      if (request.parent && request.parent.tree === tree && !unsettled.length) {
        commit = request.parent.commit; // nothing changed: the new ref points at the same commit
        filesChanged = 0;
      } else {
        // No parent: a pruned snapshot must not stay reachable through the next one.
        const notes =
          (leftAlone.length
            ? `\n\nLeft alone (not in this snapshot, never touched by a restore):\n${leftAlone.map(p => `- ${p}`).join('\n')}`
            : '') +
          (unsettled.length
            ? `\n\nStill being written while this snapshot was taken (may be partial):\n${unsettled.map(p => `- ${JSON.stringify(p)}`).join('\n')}`
            : '');
        commit = (await this.git.run(['commit-tree', tree, '-m', request.message + notes], { bare: true })).trim();
        filesChanged =
          edited && request.parent?.tree === base
            ? edited.changed
            : request.parent
              ? splitNul(
                  await this.git.run(
                    ['diff-tree', '-r', '-z', '--name-only', '--no-renames', request.parent.tree, tree],
                    { bare: true },
                  ),
                ).length
              : request.replace
                ? 0
                : splitNul(await this.git.run(['ls-tree', '-r', '-z', '--name-only', tree], { bare: true })).length;
      }
      // The empty old value makes git refuse to overwrite an existing ref.
      await this.git.run(
        ['update-ref', '-m', 'continuum checkpoint', request.ref, commit, ...(request.replace ? [] : [''])],
        { bare: true },
      );
      return { commit, tree, ref: request.ref, filesChanged, scoped, leftAlone, unsettled };
    });
  }

  /**
   * The working tree as a tree id, like `snapshot` but with no commit and no ref: the part that must
   * happen before the files change again. `paths` as in SnapshotRequest. Record it with `pointRefs`.
   */
  captureTree(paths?: readonly string[]): Promise<{ tree: string; scoped: boolean }> {
    return this.serial(async () => {
      const { tree, scoped } = await this.treeNow(paths);
      return { tree, scoped };
    });
  }

  /**
   * Points each ref (made or replaced) straight at an object, e.g. a tree `captureTree` gave, in one
   * git call. Touches no index, so it need not wait for a snapshot being taken.
   */
  async pointRefs(refs: ReadonlyArray<{ ref: string; object: string }>): Promise<void> {
    if (!refs.length) return;
    await this.git.run(['update-ref', '--stdin', '-z'], {
      bare: true,
      input: refs.map(r => `update ${r.ref}\0${r.object}\0\0`).join(''),
    });
  }

  /** The tree of the working tree now (scoped to `paths` when given), read again while files were still being written. */
  private async treeNow(
    requested: readonly string[] | undefined,
  ): Promise<{ tree: string; scoped: boolean; unsettled: string[]; edited?: { changed: number } }> {
    const paths = requested && this.relevantPaths(requested);
    const base = this.lastTree;
    // A few known paths: edit the last tree directly (no index to load); anything unusual goes through the index.
    const edited = paths && base ? await this.editTree(base, paths) : undefined;
    const scoped = edited ? true : await this.stage(paths);
    const writeTree = async () => (await this.git.run(['write-tree'], { indexFile: this.indexFile })).trim();
    let tree = edited?.tree ?? (await writeTree());
    // A file written while git read it is recorded as it was half-way: find those (their size or
    // time no longer match what the index noted when hashing them), read them again, and name any
    // still changing after the last try.
    // (the same tree as the last one: no path differs from it, so none is asked about)
    let unsettled =
      edited || (base && tree === base)
        ? []
        : await this.changedSinceStaged(paths ?? (base ? await this.pathsBetween(base, tree) : undefined));
    for (let round = 1; unsettled.length && round <= settleTries; round++) {
      await sleep(settlePauseMs * round);
      await this.stagePaths(unsettled);
      tree = await writeTree();
      unsettled = await this.changedSinceStaged(unsettled);
    }
    this.lastTree = tree;
    return { tree, scoped, unsettled, ...(edited ? { edited: { changed: edited.changed } } : {}) };
  }

  /** The working tree as it is now, as a tree id (the snapshots' view: ignored files are not seen). No ref is made. */
  currentTree(): Promise<string> {
    return this.serial(async () => {
      await this.stage(undefined);
      this.lastTree = (await this.git.run(['write-tree'], { indexFile: this.indexFile })).trim();
      return this.lastTree;
    });
  }

  /** The id of the empty tree in this repository's object format (sha1 or sha256), asked of git once. */
  emptyTree(): Promise<string> {
    this.emptyTreeId ??= this.git.run(['hash-object', '-t', 'tree', '--stdin'], { bare: true }).then(out => out.trim());
    return this.emptyTreeId;
  }

  async diffTrees(from: string, to: string): Promise<TreeChange[]> {
    return parseRawDiff(await this.git.run(['diff-tree', '-r', '-z', '--no-renames', from, to], { bare: true }));
  }

  /**
   * What restoring `checkpoint` would do, given `current` (a snapshot of the working tree as it is
   * now) and `latestBefore` (the newest snapshot taken before now by anything but a restore, the
   * evidence of what Continuum saw being created after the checkpoint). `current` may be a commit or
   * a tree. The facts are read here; the plan itself is the pure `restorePlan`.
   */
  async planFileRestore(
    checkpoint: string,
    current: string,
    latestBefore: string | undefined,
  ): Promise<FileRestoreItem[]> {
    return restorePlan(await this.restoreFacts(checkpoint, current, latestBefore));
  }

  private async restoreFacts(
    checkpoint: string,
    current: string,
    latestBefore: string | undefined,
  ): Promise<RestoreFacts> {
    const changes = await this.diffTrees(checkpoint, current);
    const seenCreated = new Set(
      latestBefore && latestBefore !== checkpoint
        ? splitNul(
            await this.git.run(
              ['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--diff-filter=A', checkpoint, latestBefore],
              { bare: true },
            ),
          )
        : [],
    );
    const added = changes.filter(c => c.kind === 'added' && seenCreated.has(c.path)).map(c => c.path);
    const ignored = new Set(added.length ? await this.ignoredPaths(added) : []);
    const onDisk = new Map<string, OnDisk>();
    const look = async (p: string) => {
      if (!onDisk.has(p)) onDisk.set(p, onDiskKind(await lstatOrUndefined(path.join(this.workTree, p))));
    };
    const insideNestedRepository = new Set<string>();
    const isRepository = new Map<string, boolean>();
    for (const change of changes) {
      await look(change.path);
      for (const folder of foldersAbove(change.path)) {
        await look(folder);
        if (!isRepository.has(folder))
          isRepository.set(
            folder,
            onDisk.get(folder) === 'folder' && (await exists(path.join(this.workTree, folder, '.git'))),
          );
        if (isRepository.get(folder)) insideNestedRepository.add(change.path);
      }
    }
    return { changes, seenCreated, ignored, insideNestedRepository, onDisk };
  }

  /**
   * Carries out a plan from `planFileRestore`, exactly: removes the paths it removes (first, so a
   * file a snapshot saw where the checkpoint had a folder makes way), then writes back the
   * checkpoint's files. A path whose state changed since the plan was made is left alone and
   * reported as kept, with why.
   */
  restoreFiles(
    checkpoint: string,
    plan: readonly FileRestoreItem[],
    onStep?: (step: 'files removed' | 'files written') => void,
  ): Promise<FileRestoreResult> {
    return this.serial(async () => {
      const kept = plan.filter(i => i.action === 'keep');
      const removed: string[] = [];
      for (const item of plan.filter(i => i.action === 'remove')) {
        const full = path.join(this.workTree, item.path);
        const now = await lstatOrUndefined(full);
        if (now && (now.isFile() || now.isSymbolicLink())) {
          await unlink(full);
          removed.push(item.path);
        } else
          kept.push({
            path: item.path,
            action: 'keep',
            reason: `changed during the restore (${now ? 'a folder is there now' : 'already gone'})`,
          });
      }
      onStep?.('files removed');
      const toWrite: string[] = [];
      for (const item of plan.filter(i => i.action === 'restore')) {
        // checkout-index -f replaces whatever is in the way: check again that nothing unplanned is.
        const blocker = await this.blockerOf(item.path);
        if (blocker) kept.push({ path: item.path, action: 'keep', reason: `changed during the restore (${blocker})` });
        else toWrite.push(item.path);
      }
      const written: string[] = [];
      const restoreIndex = path.join(this.folder, 'restore.index');
      await rm(restoreIndex, { force: true });
      try {
        if (toWrite.length) {
          await this.git.run(['read-tree', checkpoint], { indexFile: restoreIndex });
          await this.git.run(['checkout-index', '-f', '-q', '-z', '--stdin'], {
            indexFile: restoreIndex,
            input: toWrite.map(p => `${p}\0`).join(''),
          });
          written.push(...toWrite);
        }
      } finally {
        await rm(restoreIndex, { force: true });
      }
      onStep?.('files written');
      return { written, removed, kept };
    });
  }

  /** What would stop the checkpoint's file at `gitPath` being written now without replacing anything: a folder there, a file or link above it. */
  private async blockerOf(gitPath: string): Promise<string | undefined> {
    if ((await lstatOrUndefined(path.join(this.workTree, gitPath)))?.isDirectory())
      return `a folder is at '${gitPath}' now`;
    for (const folder of foldersAbove(gitPath)) {
      const kind = onDiskKind(await lstatOrUndefined(path.join(this.workTree, folder)));
      if (kind === 'file' || kind === 'symlink') return `'${folder}' is ${kind === 'file' ? 'a file' : 'a link'} now`;
      if (kind === 'none') return undefined;
    }
    return undefined;
  }

  /** A file's bytes in a snapshot, or `undefined` when the snapshot has no such file. */
  async readFile(commit: string, filePath: string): Promise<Uint8Array | undefined> {
    const gitPath = toGitPath(filePath);
    const listed = await this.git.run(['ls-tree', '-z', commit, '--', gitPath], { bare: true });
    if (!listed || listed.startsWith(gitlinkMode)) return undefined;
    return this.git.showBytes(`${commit}:${gitPath}`);
  }

  /** Creates branch `name` in the user's repository at a snapshot, without checking it out (never moves an existing branch). */
  async createBranch(name: string, snapshot: { ref: string; commit: string }): Promise<void> {
    const user = this.repository.user;
    if (!user) {
      throw new GitSnapshotError(
        'This workspace is not a git repository, so there is no branch to create: run "git init" in it first (snapshots taken from then on can become branches).',
      );
    }
    const theirs = new GitRunner({ gitDir: user.gitDir, workTree: this.workTree });
    const valid = await theirs.run(['check-ref-format', '--branch', name], { bare: true }).then(
      () => true,
      () => false,
    );
    if (!valid)
      throw new GitSnapshotError(`'${name}' is not a valid branch name; use letters, digits, '-', '_' and '/'.`);
    const taken = (
      await theirs.run(['for-each-ref', '--format=%(refname)', `refs/heads/${name}`], { bare: true })
    ).trim();
    if (taken)
      throw new GitSnapshotError(
        `A branch named '${name}' already exists; choose another name (Continuum never moves an existing branch).`,
      );
    // The snapshot's objects live in Continuum's repository: fetching the ref brings them over and
    // creates the branch in one step (without '+', a fetch never moves an existing branch).
    await theirs.run(
      [
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        this.repository.gitDir,
        `${snapshot.ref}:refs/heads/${name}`,
      ],
      { bare: true },
    );
    const made = (await theirs.run(['rev-parse', `refs/heads/${name}`], { bare: true })).trim();
    if (made !== snapshot.commit)
      throw new GitSnapshotError(
        `Branch '${name}' was created at ${made}, not at the checkpoint's snapshot ${snapshot.commit}: the checkpoint's ref was changed meanwhile.`,
      );
  }

  /** Deletes snapshots' refs (in Continuum's own repository); `reclaim` then frees their space. */
  deleteRefs(refs: readonly string[]): Promise<void> {
    return this.serial(async () => {
      for (const ref of refs)
        if (!ref.startsWith('refs/continuum/'))
          throw new GitSnapshotError(
            `Refusing to delete '${ref}': Continuum deletes only its own refs under refs/continuum/.`,
          );
      if (refs.length)
        await this.git.run(['update-ref', '--stdin'], { bare: true, input: refs.map(r => `delete ${r}\n`).join('') });
    });
  }

  /**
   * Frees the space of deleted snapshots: removes the objects no snapshot (and not our index) still
   * needs from Continuum's own object directory. Never runs in the user's repository, whose objects
   * ours only borrows. Returns the bytes freed.
   */
  reclaim(): Promise<number> {
    return this.serial(async () => {
      const before = await this.diskUsage();
      // Our index names blobs of untracked files it has hashed: it keeps them (GIT_INDEX_FILE).
      await this.git.run(['prune', '--expire=now'], { bare: true, indexFile: this.indexFile });
      return Math.max(0, before - (await this.diskUsage()));
    });
  }

  /** Bytes used by Continuum's snapshots: its own object directory and index (borrowed objects are not counted). */
  async diskUsage(): Promise<number> {
    return (
      (await folderBytes(path.join(this.repository.gitDir, 'objects'))) +
      ((await stat(this.indexFile).catch(() => undefined))?.size ?? 0)
    );
  }

  /**
   * Links to snapshots that came from elsewhere (a state import): each one whose commit is in this
   * repository gets its ref back; the rest are returned with the reason they cannot be used here.
   */
  async adopt(links: ReadonlyArray<{ ref: string; commit: string }>): Promise<Map<string, string>> {
    const unusable = new Map<string, string>();
    if (!links.length) return unusable;
    const refs = new Map(
      (await this.git.run(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/continuum/'], { bare: true }))
        .split('\n')
        .filter(Boolean)
        .map(line => line.split(' ') as [string, string]),
    );
    const kinds = (
      await this.git.run(['cat-file', '--batch-check=%(objecttype)'], {
        bare: true,
        input: links.map(l => `${l.commit}\n`).join(''),
      })
    ).split('\n');
    for (const [i, link] of links.entries()) {
      const now = refs.get(link.ref);
      if (now === link.commit) continue;
      if (!kinds[i]?.endsWith('commit')) unusable.set(link.ref, "its snapshot is not in this workspace's repository");
      else if (now) unusable.set(link.ref, `${link.ref} already holds another snapshot here`);
      else
        await this.git.run(['update-ref', '-m', 'continuum checkpoint (imported)', link.ref, link.commit, ''], {
          bare: true,
        });
    }
    return unusable;
  }

  /** Continuum's refs under `prefix` with the tree of the commit each names. */
  async listRefTrees(prefix: string): Promise<Array<{ ref: string; tree: string }>> {
    // a ref names a commit (its tree) or, for a task's boundary, the tree itself
    return (
      await this.git.run(['for-each-ref', '--format=%(objecttype) %(objectname) %(tree) %(refname)', prefix], {
        bare: true,
      })
    )
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [type, object, tree, ...ref] = line.split(' ');
        return { ref: ref.join(' '), tree: type === 'tree' ? object : tree };
      });
  }

  /**
   * A tree: `base` with each path changed from `from` to `to` as it is in `to` (added, changed or
   * deleted), made in a throwaway index. Paths whose entry in `base` already equals `to`'s are
   * unchanged. Returns the new tree and the paths it changed.
   */
  async applyChanges(base: string, from: string, to: string): Promise<{ tree: string; changed: string[] }> {
    const raw = await this.git.run(['diff-tree', '-r', '-z', '--no-renames', from, to], { bare: true });
    const parts = raw.split('\0');
    const lines: string[] = [];
    const paths: string[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      if (!parts[i].startsWith(':')) continue;
      const [, newMode, , newOid] = parts[i].slice(1).split(' ');
      lines.push(`${newMode} ${newOid}\t${parts[i + 1]}\0`);
      paths.push(parts[i + 1]);
    }
    if (!lines.length) return { tree: base, changed: [] };
    const index = path.join(this.folder, `apply-${process.pid}-${Date.now()}.index`);
    try {
      await this.git.run(['read-tree', base], { indexFile: index, bare: true });
      await this.git.run(['update-index', '-z', '--index-info'], {
        indexFile: index,
        bare: true,
        input: lines.join(''),
      });
      const tree = (await this.git.run(['write-tree', '--missing-ok'], { indexFile: index, bare: true })).trim();
      const changed =
        tree === base
          ? []
          : splitNul(
              await this.git.run(['diff-tree', '-r', '-z', '--name-only', '--no-renames', base, tree], { bare: true }),
            );
      return { tree, changed };
    } finally {
      await rm(index, { force: true });
    }
  }

  /** Continuum's refs under `prefix` (default all of them). */
  async listRefs(prefix = 'refs/continuum/'): Promise<string[]> {
    return (await this.git.run(['for-each-ref', '--format=%(refname)', prefix], { bare: true }))
      .split('\n')
      .filter(Boolean);
  }

  // ---- helpers ----

  /** Brings our index up to date with the working tree; returns whether it was scoped to `paths`. */
  private async stage(paths: readonly string[] | undefined): Promise<boolean> {
    const user = this.repository.user;
    if (user) await syncExcludes(this.repository.gitDir, user.commonDir);
    const seeded = await exists(this.indexFile);
    if (!seeded && user) {
      // Seeding from the repository's own index lets git reuse its stat data: unchanged files are not hashed.
      const theirs = path.join(user.gitDir, 'index');
      if (await exists(theirs)) {
        // A split index keeps most entries in sharedindex.<id> next to it: bring those along.
        for (const name of (await readdir(user.gitDir)).filter(n => n.startsWith('sharedindex.'))) {
          await copyFile(path.join(user.gitDir, name), path.join(this.repository.gitDir, name));
        }
        const seen = await stat(theirs);
        await copyFile(theirs, this.indexFile);
        // git trusts an entry whose file is older than the index file itself ("racy git"): the copy
        // keeps the original's time, or a file changed in the second before the copy would look unchanged.
        await utimes(this.indexFile, seen.atime, seen.mtime);
      }
    }
    if (paths && seeded) {
      await this.stagePaths([...paths, ...this.notInIndex]);
      this.notInIndex.clear();
      return true;
    }
    await this.addAll();
    this.notInIndex.clear();
    return false;
  }

  /**
   * `git add -A` of the whole tree. git refuses a nested repository with no commit yet (it has
   * nothing to record as a gitlink) and then adds nothing at all: such folders are found, left out
   * of the snapshot (and named in its message, as left alone), and the rest is recorded.
   */
  private async addAll(): Promise<void> {
    const add = (leftOut: readonly string[]) =>
      this.git.run(['add', '-A', '--', '.', ...this.excludeStore, ...leftOut.map(p => `:(exclude,top,literal)${p}`)], {
        indexFile: this.indexFile,
      });
    this.uncommittedRepositories = await this.stillUncommitted(this.uncommittedRepositories);
    try {
      await add(this.uncommittedRepositories);
    } catch (err) {
      if (!(err instanceof GitSnapshotError)) throw err;
      const found = await this.stillUncommitted(
        splitNul(await this.git.run(['ls-files', '-z', '-o', '--exclude-standard'], { indexFile: this.indexFile }))
          .filter(p => p.endsWith('/'))
          .map(p => p.slice(0, -1)),
      );
      if (!found.some(p => !this.uncommittedRepositories.includes(p))) throw err;
      this.uncommittedRepositories = found;
      await add(found);
    }
  }

  /** Those of `folders` that are nested repositories with no commit yet. */
  private async stillUncommitted(folders: readonly string[]): Promise<string[]> {
    const result: string[] = [];
    for (const folder of folders) {
      const dotGit = path.join(this.workTree, folder, '.git');
      if (!(await lstatOrUndefined(dotGit))?.isDirectory()) continue; // a gitfile (submodule, worktree) has its commits elsewhere
      const head = await new GitRunner({ gitDir: dotGit, workTree: path.join(this.workTree, folder) }).run(
        ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'],
        { bare: true, okCodes: [1, 128] },
      );
      if (!head.trim()) result.push(folder);
    }
    return result;
  }

  /** Of `paths` (undefined: all), those whose file no longer matches what our index noted when it hashed it. */
  private async changedSinceStaged(paths: readonly string[] | undefined): Promise<string[]> {
    if (paths && !paths.length) return [];
    const args = ['diff-files', '-z', '--name-only', '--ignore-submodules'];
    const out = paths
      ? await this.git.runForPaths(args, paths, { indexFile: this.indexFile })
      : await this.git.run(args, { indexFile: this.indexFile });
    return [...new Set(splitNul(out))];
  }

  private async pathsBetween(from: string, to: string): Promise<string[]> {
    return splitNul(
      await this.git.run(['diff-tree', '-r', '-z', '--name-only', '--no-renames', from, to], { bare: true }),
    );
  }

  /** Workspace-relative git paths of `paths`, less those never part of a snapshot. */
  private relevantPaths(paths: readonly string[]): string[] {
    const storeRel = this.storeRel;
    return [
      ...new Set(
        paths
          .map(p => toGitPath(path.isAbsolute(p) ? path.relative(this.workTree, p) : p))
          // outside the work tree, git's own files, and the store folder are never part of a snapshot
          .filter(
            p =>
              p &&
              !p.startsWith('../') &&
              !p.split('/').includes('.git') &&
              !(storeRel && (p === storeRel || p.startsWith(`${storeRel}/`))),
          ),
      ),
    ];
  }

  /**
   * `base` with `paths` as they are now, made without the index: the folders on the way are read
   * (one `cat-file --batch`), the files hashed (`hash-object --stdin-paths`, with the repository's
   * filters) and the changed folders written (`mktree --batch`). Undefined when a path is anything
   * but a plain file or missing — a symlink, a folder, a nested repository — or the repository is not
   * SHA-1: the index handles those.
   */
  private async editTree(
    base: string,
    paths: readonly string[],
  ): Promise<{ tree: string; changed: number } | undefined> {
    if (!paths.length) return { tree: base, changed: 0 }; // nothing changed since the last tree
    if (base.length !== 40 || paths.some(p => /[\n\r"\\]/.test(p)) /* hash-object --stdin-paths unquotes "…" lines */)
      return undefined;
    const stats = await Promise.all(paths.map(p => lstatOrUndefined(path.join(this.workTree, p))));
    if (stats.some(s => s && !s.isFile())) return undefined;
    const folders = foldersOf(paths);
    const raw = await this.git.runRaw(['cat-file', '--batch'], {
      bare: true,
      input: folders.map(f => (f ? `${base}:${f}\n` : `${base}\n`)).join(''),
    });
    const listings = new Map<string, TreeListing>();
    let at = 0;
    for (const folder of folders) {
      const eol = raw.indexOf(0x0a, at);
      const header = raw.toString('utf8', at, eol);
      at = eol + 1;
      if (header.endsWith(' missing')) {
        // a folder new since the base: a nested repository there is a gitlink, which only `git add` makes
        if (await exists(path.join(this.workTree, folder, '.git'))) return undefined;
        continue;
      }
      const [, type, size] = header.split(' ');
      if (type !== 'tree') return undefined; // a file or a nested repository where a folder is now
      listings.set(folder, parseTree(raw.subarray(at, at + Number(size))));
      at += Number(size) + 1;
    }
    const entryOf = (p: string) => {
      const slash = p.lastIndexOf('/');
      return listings.get(slash < 0 ? '' : p.slice(0, slash))?.get(p.slice(slash + 1));
    };
    for (const folder of folders)
      if (folder && listings.has(folder) && entryOf(folder)?.mode !== treeMode) return undefined;
    if (paths.some(p => entryOf(p)?.mode === treeMode || entryOf(p)?.mode === gitlinkMode)) return undefined;
    // New files the ignore rules exclude are left out, as a whole-tree snapshot would.
    const fresh = paths.filter((p, i) => stats[i] && !entryOf(p));
    const ignored = new Set(fresh.length ? await this.ignoredPaths(fresh) : []);
    const toHash = paths.filter((p, i) => stats[i] && !ignored.has(p));
    const oids = toHash.length
      ? (
          await this.git.run(['hash-object', '-w', '--stdin-paths'], {
            bare: false,
            input: toHash.map(p => `${p}\n`).join(''),
          })
        )
          .split('\n')
          .filter(Boolean)
      : [];
    if (oids.length !== toHash.length)
      throw new GitSnapshotError(`git hash-object gave ${oids.length} ids for ${toHash.length} files.`);
    // A file that changed while it was hashed: the index path reads it again until it settles.
    const statOf = new Map(paths.map((p, i) => [p, stats[i]]));
    for (const p of toHash) {
      const before = statOf.get(p)!;
      const after = await lstatOrUndefined(path.join(this.workTree, p));
      if (!after || after.size !== before.size || after.mtimeMs !== before.mtimeMs) return undefined;
    }
    const trustModes = await this.fileModeIsTrusted();
    const changes = new Map<string, TreeEntry | null>();
    for (const [i, p] of toHash.entries()) {
      const before = entryOf(p);
      const executable = trustModes ? (statOf.get(p)!.mode & 0o100) !== 0 : before?.mode === '100755';
      const entry = { mode: executable ? '100755' : '100644', oid: oids[i] };
      if (before?.mode !== entry.mode || before.oid !== entry.oid) changes.set(p, entry);
    }
    for (const [i, p] of paths.entries()) if (!stats[i] && entryOf(p)) changes.set(p, null);
    if (!changes.size) return { tree: base, changed: 0 };
    const edit = editTrees(listings, changes);
    const written = (await this.git.run(['mktree', '-z', '--batch'], { bare: true, input: edit.input }))
      .split('\n')
      .filter(Boolean);
    if (written.length !== edit.count || written.at(-1) !== edit.root) {
      throw new GitSnapshotError(
        `git wrote tree ${written.at(-1) ?? 'none'} where Continuum computed ${edit.root}; please report this.`,
      );
    }
    for (const p of changes.keys()) this.notInIndex.add(p);
    return { tree: edit.root, changed: changes.size };
  }

  /** Whether git records executable bits from the file system here (core.fileMode, default true). */
  private fileModeIsTrusted(): Promise<boolean> {
    this.fileModeTrusted ??= this.git
      .run(['config', '--type=bool', '--get', 'core.filemode'], { bare: true, okCodes: [1] })
      .then(out => out.trim() !== 'false');
    return this.fileModeTrusted;
  }

  private async stagePaths(paths: readonly string[]): Promise<void> {
    if (!paths.length) return;
    const present: string[] = [];
    const missing: string[] = [];
    for (const p of new Set(paths)) ((await lstatOrUndefined(path.join(this.workTree, p))) ? present : missing).push(p);
    if (missing.length)
      await this.git.runForPaths(['rm', '--cached', '-r', '-q', '--ignore-unmatch'], missing, {
        indexFile: this.indexFile,
      });
    if (!present.length) return;
    // Naming an ignored, untracked file to `git add` is an error: leave those out, as a full snapshot would.
    const ignored = new Set(await this.ignoredPaths(present));
    const tracked = ignored.size
      ? new Set(splitNul(await this.git.runForPaths(['ls-files', '-z'], [...ignored], { indexFile: this.indexFile })))
      : new Set<string>();
    const toAdd = present.filter(p => !ignored.has(p) || tracked.has(p));
    if (toAdd.length) await this.git.runForPaths(['add', '-A'], toAdd, { indexFile: this.indexFile });
  }

  /** Which of `paths` the ignore rules in force now exclude (NUL-separated both ways: any name survives). */
  private async ignoredPaths(paths: readonly string[]): Promise<string[]> {
    return splitNul(
      await this.git.run(['check-ignore', '--no-index', '-z', '--stdin'], {
        okCodes: [1],
        input: paths.map(p => `${p}\0`).join(''),
      }),
    );
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}

function toGitPath(p: string): string {
  return p.split(path.sep).join('/');
}

function onDiskKind(s: Stats | undefined): OnDisk {
  return !s ? 'none' : s.isSymbolicLink() ? 'symlink' : s.isDirectory() ? 'folder' : 'file';
}

async function lstatOrUndefined(p: string) {
  try {
    return await lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return undefined;
    throw err;
  }
}

/** Total size of the files under `dir`. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}
