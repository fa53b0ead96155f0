import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { WorkspaceSnapshots, type Snapshot } from '../../../src/core/git/workspaceSnapshots';
import { binary, cleanup, fingerprint, git, makeRepo, read, snapshotGit, tempDir, write } from './realRepo';

describe('workspace snapshots on a real git repository', () => {
  let root: string;
  let storeDir: string;
  let snapshots: WorkspaceSnapshots;

  beforeEach(async () => {
    root = makeRepo();
    storeDir = tempDir('store');
    snapshots = await WorkspaceSnapshots.open(root, storeDir);
  });
  afterEach(() => cleanup(root, storeDir));

  const snap = (...args: string[]) => snapshotGit(storeDir, ...args);
  const files = (commit: string) => snap('ls-tree', '-r', '--name-only', commit).trim().split('\n');

  it('records tracked and untracked files as they are in the working tree, not ignored ones, and the nested repository as a gitlink', async () => {
    const first = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
    const listed = files(first.commit);
    assert.deepEqual(
      listed.sort(),
      ['.gitignore', 'assets/logo.bin', 'notes.txt', 'src/a.ts', 'src/b.ts', 'vendor/lib'].sort(),
    );
    assert.equal(snap('show', `${first.commit}:src/b.ts`), 'export const b = 3; // working tree\n');
    assert.match(snap('ls-tree', first.commit, 'vendor/lib'), /^160000 commit /);
    assert.deepEqual(
      Buffer.from((await snapshots.readFile(first.commit, 'assets/logo.bin')) ?? []),
      Buffer.from(binary),
    );
    assert.equal(snap('rev-parse', 'refs/continuum/checkpoints/s/1').trim(), first.commit);
    assert.equal(git(root, 'for-each-ref', 'refs/continuum/'), '', "no ref in the user's repository");
  });

  it('leaves HEAD, the index file, branches, tags, the stash and the nested repository byte-identical', async () => {
    const before = fingerprint(root);
    const first = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
    write(root, 'src/a.ts', 'changed\n');
    await snapshots.snapshot({
      ref: 'refs/continuum/checkpoints/s/2',
      message: 'second',
      parent: { commit: first.commit, tree: first.tree },
      paths: ['src/a.ts'],
    });
    assert.deepEqual(fingerprint(root), before);
  });

  it('makes no new commit when nothing changed, and counts the files changed since the previous snapshot', async () => {
    const first = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
    const same = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/2', message: 'again', parent: first });
    assert.equal(same.commit, first.commit);
    assert.equal(same.filesChanged, 0);
    write(root, 'src/a.ts', 'changed\n');
    write(root, 'new.txt', 'new\n');
    const next = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/3', message: 'edit', parent: first });
    assert.equal(next.filesChanged, 2);
    // no parent: a pruned snapshot must not stay reachable through a later one
    assert.equal(snap('rev-list', '--parents', '-n', '1', next.commit).trim(), next.commit);
  });

  it('a scoped snapshot examines only the given paths, including deleted ones, and skips ignored ones', async () => {
    const first = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
    write(root, 'src/a.ts', 'scoped edit\n');
    write(root, 'src/b.ts', 'not in scope\n');
    rmSync(path.join(root, 'notes.txt'));
    write(root, 'more.log', 'ignored\n');
    const scoped = await snapshots.snapshot({
      ref: 'refs/continuum/checkpoints/s/2',
      message: 'scoped',
      parent: first,
      paths: ['src/a.ts', path.join(root, 'notes.txt'), 'more.log'],
    });
    assert.equal(scoped.scoped, true);
    assert.equal(snap('show', `${scoped.commit}:src/a.ts`), 'scoped edit\n');
    assert.equal(snap('show', `${scoped.commit}:src/b.ts`), 'export const b = 3; // working tree\n');
    assert.ok(!files(scoped.commit).includes('notes.txt'));
    assert.ok(!files(scoped.commit).includes('more.log'));
  });

  it('a scoped snapshot records exactly what a whole-tree one would: edits, new folders, deletions that empty a folder, modes, odd names', async () => {
    const first = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
    write(root, 'gone/only.txt', 'will be deleted\n');
    const second = await snapshots.snapshot({
      ref: 'refs/continuum/checkpoints/s/2',
      message: 'second',
      parent: first,
      paths: ['gone/only.txt'],
    });
    assert.equal(second.filesChanged, 1);
    write(root, 'src/a.ts', 'edited\n');
    write(root, 'deep/new/folder/file.ts', 'new\n');
    write(root, 'name with spaces é.txt', 'odd name\n');
    write(root, 'run.sh', '#!/bin/sh\n');
    chmodSync(path.join(root, 'run.sh'), 0o755);
    write(root, 'new.log', 'ignored\n');
    rmSync(path.join(root, 'gone'), { recursive: true });
    rmSync(path.join(root, 'notes.txt'));
    const changed = [
      'src/a.ts',
      'deep/new/folder/file.ts',
      'name with spaces é.txt',
      'run.sh',
      'new.log',
      'gone/only.txt',
      'notes.txt',
      'src/b.ts' /* reported, unchanged */,
    ];
    const scoped = await snapshots.snapshot({
      ref: 'refs/continuum/checkpoints/s/3',
      message: 'scoped',
      parent: second,
      paths: changed,
    });
    assert.equal(scoped.scoped, true);
    assert.equal(scoped.filesChanged, 6);
    assert.equal(scoped.tree, await snapshots.currentTree(), 'the same tree as a whole-tree snapshot');
    assert.match(snap('ls-tree', scoped.commit, 'run.sh'), /^100755 /);
    assert.ok(!files(scoped.commit).some(f => f.startsWith('gone/')));
  });

  it('a scoped snapshot of a symlink, a folder or a new nested repository goes through the index and keeps earlier scoped changes', async () => {
    const first = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
    write(root, 'src/a.ts', 'recorded by a tree edit\n');
    const edited = await snapshots.snapshot({
      ref: 'refs/continuum/checkpoints/s/2',
      message: 'edit',
      parent: first,
      paths: ['src/a.ts'],
    });
    symlinkSync('src/a.ts', path.join(root, 'link.ts'));
    const nested = path.join(root, 'packages/inner');
    write(nested, 'x.js', 'inner\n');
    git(nested, 'init', '-q');
    git(nested, 'add', '-A');
    git(nested, 'commit', '-q', '-m', 'inner');
    const viaIndex = await snapshots.snapshot({
      ref: 'refs/continuum/checkpoints/s/3',
      message: 'link',
      parent: edited,
      paths: ['link.ts', 'packages/inner'],
    });
    assert.equal(snap('show', `${viaIndex.commit}:src/a.ts`), 'recorded by a tree edit\n');
    assert.match(snap('ls-tree', viaIndex.commit, 'link.ts'), /^120000 /);
    assert.match(snap('ls-tree', viaIndex.commit, 'packages/inner'), /^160000 commit /);
    assert.equal(viaIndex.tree, await snapshots.currentTree());
  });

  it('refuses to overwrite an existing snapshot ref', async () => {
    await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
    write(root, 'src/a.ts', 'x\n');
    await assert.rejects(snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'again' }), /update-ref/);
  });

  it('restore writes back changed and deleted files, removes only files a snapshot saw created, and keeps ignored, unseen and nested-repository files', async () => {
    const cp = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'checkpoint' });
    write(root, 'src/a.ts', 'broken by the agent\n');
    rmSync(path.join(root, 'src/b.ts'));
    write(root, 'assets/logo.bin', Uint8Array.from([1, 2, 3]));
    write(root, 'generated/seen.ts', 'made after the checkpoint\n');
    const later = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/2', message: 'later', parent: cp });
    write(root, 'unseen.txt', 'made after the last snapshot\n');
    write(root, 'ignored/new-cache.txt', 'ignored\n');
    write(root, 'vendor/lib/added.js', 'nested\n');
    const before = fingerprint(root);
    const current = await snapshots.snapshot({
      ref: 'refs/continuum/checkpoints/s/3',
      message: 'before restore',
      parent: later,
    });

    const plan = await snapshots.planFileRestore(cp.commit, current.commit, later.commit);
    const byPath = Object.fromEntries(plan.map(i => [i.path, i.action]));
    assert.deepEqual(byPath, {
      'assets/logo.bin': 'restore',
      'generated/seen.ts': 'remove',
      'src/a.ts': 'restore',
      'src/b.ts': 'restore',
      'unseen.txt': 'keep',
    });

    const result = await snapshots.restoreFiles(cp.commit, plan);
    assert.deepEqual(result.removed, ['generated/seen.ts']);
    assert.equal(read(root, 'src/a.ts'), 'export const a = 1;\n');
    assert.equal(read(root, 'src/b.ts'), 'export const b = 3; // working tree\n');
    assert.deepEqual(readFileSync(path.join(root, 'assets/logo.bin')), Buffer.from(binary));
    assert.equal(read(root, 'unseen.txt'), 'made after the last snapshot\n');
    assert.equal(read(root, 'ignored/new-cache.txt'), 'ignored\n');
    assert.equal(read(root, 'ignored/cache.txt'), 'ignored\n');
    assert.equal(read(root, 'vendor/lib/added.js'), 'nested\n');
    assert.ok(!existsSync(path.join(root, 'generated/seen.ts')));
    assert.deepEqual(fingerprint(root), before);
  });

  it('never removes a file that is ignored now, even if a snapshot saw it created', async () => {
    const cp = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'checkpoint' });
    write(root, 'out.txt', 'output\n');
    const later = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/2', message: 'later', parent: cp });
    write(root, '.gitignore', 'ignored/\n*.log\nout.txt\n');
    const current = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/3', message: 'now', parent: later });
    const plan = await snapshots.planFileRestore(cp.commit, current.commit, later.commit);
    assert.deepEqual(
      plan.find(i => i.path === 'out.txt'),
      { path: 'out.txt', action: 'keep', reason: 'ignored by .gitignore' },
    );
  });

  it('creates a branch at a snapshot without checking it out, and never moves an existing one', async () => {
    write(root, 'only-in-the-snapshot.txt', "untracked, so its blob is only in Continuum's objects\n");
    const first = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
    const head = read(root, '.git/HEAD');
    const feature = git(root, 'rev-parse', 'feature');
    await snapshots.createBranch('continuum/rescue', first);
    assert.equal(git(root, 'rev-parse', 'continuum/rescue').trim(), first.commit);
    assert.equal(
      git(root, 'show', 'continuum/rescue:only-in-the-snapshot.txt'),
      "untracked, so its blob is only in Continuum's objects\n",
    );
    git(root, 'fsck', '--no-dangling');
    assert.equal(read(root, '.git/HEAD'), head);
    await assert.rejects(snapshots.createBranch('feature', first), /already exists/);
    assert.equal(git(root, 'rev-parse', 'feature'), feature);
    await assert.rejects(snapshots.createBranch('bad..name', first), /not a valid branch name/);
  });

  it('deletes only its own refs', async () => {
    const first = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
    await snapshots.deleteRefs([first.ref]);
    assert.deepEqual(await snapshots.listRefs(), []);
    await assert.rejects(snapshots.deleteRefs(['refs/heads/main']), /only its own refs/);
  });

  it("frees the space of deleted snapshots from its own object directory, never touching the user's objects", async () => {
    const contents = [0, 1, 2, 3].map(() => randomBytes(512 * 1024)); // incompressible, as build output often is
    const big = (i: number) => contents[i];
    const snaps: Snapshot[] = [];
    for (let i = 0; i < 4; i++) {
      write(root, 'output.bin', big(i));
      snaps.push(
        await snapshots.snapshot({
          ref: `refs/continuum/checkpoints/s/${i + 1}`,
          message: `run ${i}`,
          ...(i ? { parent: snaps[i - 1] } : {}),
        }),
      );
    }
    const before = fingerprint(root);
    const used = await snapshots.diskUsage();
    await snapshots.deleteRefs(snaps.slice(0, 3).map(s => s.ref));
    const freed = await snapshots.reclaim();
    const after = await snapshots.diskUsage();
    assert.ok(freed >= 2 * 512 * 1024 * 0.9, `freed ${freed} of ${used} bytes`);
    assert.equal(used - after, freed);
    assert.deepEqual(fingerprint(root), before);
    // the kept snapshot and what our index still names are whole
    snap('fsck', '--no-dangling', '--connectivity-only');
    assert.deepEqual(Buffer.from((await snapshots.readFile(snaps[3].commit, 'output.bin')) ?? []), Buffer.from(big(3)));
    write(root, 'src/a.ts', 'after the reclaim\n');
    const next = await snapshots.snapshot({
      ref: 'refs/continuum/checkpoints/s/5',
      message: 'after',
      parent: snaps[3],
    });
    assert.equal(next.filesChanged, 1);
    assert.equal(snap('show', `${next.commit}:output.bin`).length > 0, true);
  });
});

describe('workspace snapshots in a folder without git', () => {
  it('keeps a git directory in the store folder, leaves dependency and build folders out, and creates no .git in the workspace', async () => {
    const ws = tempDir('plain');
    const storeDir = tempDir('store');
    try {
      write(ws, 'index.js', 'console.log(1);\n');
      write(ws, 'node_modules/dep/index.js', 'dep\n');
      write(ws, 'dist/bundle.js', 'bundle\n');
      const snapshots = await WorkspaceSnapshots.open(ws, storeDir);
      assert.equal(snapshots.repository.privateGitDir, true);
      const snap = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
      assert.ok(!existsSync(path.join(ws, '.git')));
      const listed = git(
        storeDir,
        '--git-dir',
        path.join(storeDir, 'workspace.git'),
        'ls-tree',
        '-r',
        '--name-only',
        snap.commit,
      )
        .trim()
        .split('\n');
      assert.deepEqual(listed, ['index.js']);
      await assert.rejects(snapshots.createBranch('x', snap), /git init/);
    } finally {
      cleanup(ws, storeDir);
    }
  });
});

describe('a snapshot taken while a file is being written', () => {
  it('reads again a file that changes while it is read, and names it in the snapshot when it never settles', async function () {
    this.timeout(60_000);
    const root = makeRepo();
    const storeDir = tempDir('store');
    const target = path.join(root, 'growing.log.txt');
    write(root, 'growing.log.txt', '');
    // A real writer in another process, appending without pause until it is killed.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); let i = 0; for (;;) fs.appendFileSync(${JSON.stringify(target)}, 'line ' + (i++) + '\\n'.repeat(1));`,
      ],
      { stdio: 'ignore' },
    );
    try {
      while (!existsSync(target) || readFileSync(target).length < 10_000) await new Promise(r => setTimeout(r, 20));
      const snapshots = await WorkspaceSnapshots.open(root, storeDir);
      const first = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'first' });
      assert.deepEqual(first.unsettled, ['growing.log.txt']);
      assert.match(
        snapshotGit(storeDir, 'log', '-1', '--format=%B', first.commit),
        /Still being written[^]*growing\.log\.txt/,
      );
      const scoped = await snapshots.snapshot({
        ref: 'refs/continuum/checkpoints/s/2',
        message: 'scoped',
        parent: first,
        paths: ['growing.log.txt'],
      });
      assert.deepEqual(scoped.unsettled, ['growing.log.txt']);
      writer.kill('SIGKILL');
      await new Promise(r => writer.once('exit', r));
      const settled = await snapshots.snapshot({
        ref: 'refs/continuum/checkpoints/s/3',
        message: 'settled',
        parent: scoped,
        paths: ['growing.log.txt'],
      });
      assert.deepEqual(settled.unsettled, []);
      assert.equal(
        snapshotGit(storeDir, 'rev-parse', `${settled.commit}:growing.log.txt`),
        git(root, 'hash-object', target),
        'the whole file, as it is now',
      );
    } finally {
      writer.kill('SIGKILL');
      cleanup(root, storeDir);
    }
  });
});
