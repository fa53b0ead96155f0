// Restores never destroy: on real repositories with ignored files, nested repositories, symlinks
// and odd names, a path that holds something no snapshot saw is never overwritten or removed, and
// the preview says exactly what the restore then does.
import * as assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { CheckpointFiles, type CheckpointRestoreResult } from '../../../src/core/git/checkpointFiles';
import { WorkspaceSnapshots, type FileRestoreItem } from '../../../src/core/git/workspaceSnapshots';
import { SessionManager } from '../../../src/core/sessions/sessionManager';
import type { Store } from '../../../src/core/store/types';
import { counterIds, openTestStore } from '../context/openTestStore';
import type { FakeClock } from '../fakes/fakeClock';
import { insertTasks } from '../sessions/fixtures';
import { cleanup, fingerprint, git, makeRepo, read, tempDir, write } from './realRepo';

/** What the preview said, grouped as a restore result reports it. */
function expected(plan: readonly FileRestoreItem[] | undefined) {
  const items = plan ?? [];
  return {
    written: items
      .filter(i => i.action === 'restore')
      .map(i => i.path)
      .sort(),
    removed: items
      .filter(i => i.action === 'remove')
      .map(i => i.path)
      .sort(),
    kept: items
      .filter(i => i.action === 'keep')
      .map(i => i.path)
      .sort(),
  };
}

function happened(result: CheckpointRestoreResult) {
  const f = result.files!;
  return { written: [...f.written].sort(), removed: [...f.removed].sort(), kept: f.kept.map(i => i.path).sort() };
}

describe('restores never destroy what no snapshot saw, and do exactly what the preview said', () => {
  let root: string;
  let storeDir: string;
  let store: Store;
  let clock: FakeClock;
  let sessions: SessionManager;
  let files: CheckpointFiles;
  let sessionId: string;

  beforeEach(async () => {
    root = makeRepo();
    storeDir = tempDir('store');
    ({ store, clock } = await openTestStore());
    sessions = new SessionManager(store, clock, { ids: counterIds() });
    files = new CheckpointFiles(store, sessions, () => WorkspaceSnapshots.open(root, storeDir), clock);
    await insertTasks(store, clock, [{ id: 't1' }]);
    sessionId = (await sessions.create({ name: 'restores', taskIds: ['t1'] })).id;
  });
  afterEach(async () => {
    files.dispose();
    await store.close();
    cleanup(root, storeDir);
  });

  /** A checkpoint with a folder `out/` holding `out/a.txt`, after which `out/` is deleted. */
  async function checkpointWithFolderOut() {
    write(root, 'out/a.txt', 'in the checkpoint\n');
    const { checkpoint } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
    clock.advance(1000);
    rmSync(path.join(root, 'out'), { recursive: true });
    return checkpoint;
  }

  async function restoreAsPreviewed(checkpointId: string) {
    const preview = await files.previewRestore(checkpointId);
    clock.advance(1000);
    const result = await files.restore(checkpointId, 'files', 'user', { previewed: preview.files! });
    assert.deepEqual(happened(result), expected(preview.files), 'the restore did exactly what the preview said');
    return { preview, result };
  }

  it('keeps an ignored file that no snapshot held where the checkpoint had a folder, and says why', async () => {
    const checkpoint = await checkpointWithFolderOut();
    write(root, '.gitignore', 'ignored/\n*.log\nout\n');
    write(root, 'out', 'an ignored file no snapshot ever held\n');
    const { preview } = await restoreAsPreviewed(checkpoint.id);
    assert.equal(read(root, 'out'), 'an ignored file no snapshot ever held\n');
    const skipped = preview.files?.find(i => i.path === 'out/a.txt');
    assert.equal(skipped?.action, 'keep');
    assert.match(skipped?.reason ?? '', /'out'/);
  });

  it('keeps an untracked file no snapshot saw where the checkpoint had a folder, as the preview said', async () => {
    const checkpoint = await checkpointWithFolderOut();
    write(root, 'out', 'untracked, never in a snapshot\n');
    const { preview } = await restoreAsPreviewed(checkpoint.id);
    assert.equal(read(root, 'out'), 'untracked, never in a snapshot\n');
    assert.equal(preview.files?.find(i => i.path === 'out')?.action, 'keep');
    assert.equal(preview.files?.find(i => i.path === 'out/a.txt')?.action, 'keep');
  });

  it('keeps a symlink no snapshot saw where the checkpoint had a folder, as the preview said', async () => {
    const checkpoint = await checkpointWithFolderOut();
    const elsewhere = tempDir('elsewhere');
    try {
      symlinkSync(elsewhere, path.join(root, 'out'));
      await restoreAsPreviewed(checkpoint.id);
      assert.ok(lstatSync(path.join(root, 'out')).isSymbolicLink());
      assert.equal(readlinkSync(path.join(root, 'out')), elsewhere);
      assert.equal(read(elsewhere, 'a.txt'), undefined, 'nothing written through the link');
    } finally {
      cleanup(elsewhere);
    }
  });

  it('replaces a file a snapshot saw created where the checkpoint had a folder: removed first, then the folder written back', async () => {
    const checkpoint = await checkpointWithFolderOut();
    write(root, 'out', 'seen by a snapshot\n');
    await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
    await restoreAsPreviewed(checkpoint.id);
    assert.equal(read(root, 'out/a.txt'), 'in the checkpoint\n');
  });

  it('keeps an ignored file in the place of a deleted checkpoint file', async () => {
    write(root, 'report.txt', 'in the checkpoint\n');
    const { checkpoint } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
    clock.advance(1000);
    rmSync(path.join(root, 'report.txt'));
    write(root, '.gitignore', 'ignored/\n*.log\nreport.txt\n');
    await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
    write(root, 'report.txt', 'ignored now, never in a snapshot\n');
    const { preview } = await restoreAsPreviewed(checkpoint.id);
    assert.equal(read(root, 'report.txt'), 'ignored now, never in a snapshot\n');
    assert.equal(preview.files?.find(i => i.path === 'report.txt')?.action, 'keep');
  });

  it('keeps an ignored file whose name holds a newline, even though a snapshot saw it created', async () => {
    const { checkpoint } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
    clock.advance(1000);
    write(root, 'new\nline.txt', 'odd name\n');
    write(root, 'tab\tand "quote".txt', 'odd name\n');
    await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
    write(root, '.gitignore', 'ignored/\n*.log\nnew*\ntab*\n');
    const { preview } = await restoreAsPreviewed(checkpoint.id);
    assert.equal(read(root, 'new\nline.txt'), 'odd name\n');
    assert.equal(read(root, 'tab\tand "quote".txt'), 'odd name\n');
    assert.deepEqual(
      preview.files?.find(i => i.path === 'new\nline.txt'),
      { path: 'new\nline.txt', action: 'keep', reason: 'ignored by .gitignore' },
    );
  });

  it('a second restore of the same checkpoint keeps the untracked files the first one kept', async () => {
    const { checkpoint } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
    clock.advance(1000);
    write(root, 'mine.txt', "a person's file, never in a snapshot\n");
    mkdirSync(path.join(root, 'drafts'));
    write(root, 'drafts/idea.md', 'also mine\n');
    await restoreAsPreviewed(checkpoint.id);
    assert.equal(read(root, 'mine.txt'), "a person's file, never in a snapshot\n");
    clock.advance(1000);
    await restoreAsPreviewed(checkpoint.id);
    assert.equal(read(root, 'mine.txt'), "a person's file, never in a snapshot\n");
    assert.equal(read(root, 'drafts/idea.md'), 'also mine\n');
  });

  it('refuses, changing nothing, when the files changed since the preview the person saw', async () => {
    const checkpoint = await checkpointWithFolderOut();
    write(root, 'out', 'seen by a snapshot\n');
    await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
    const preview = await files.previewRestore(checkpoint.id);
    assert.equal(preview.files?.find(i => i.path === 'out')?.action, 'remove');
    write(root, '.git/info/exclude', 'out\n'); // now 'out' is ignored: the restore would keep it
    const checkpointsBefore = sessions.listCheckpoints(sessionId).length;
    clock.advance(1000);
    await assert.rejects(
      files.restore(checkpoint.id, 'both', 'user', { previewed: preview.files! }),
      /changed since the preview.*"out".*nothing was restored: preview the restore again/,
    );
    assert.equal(read(root, 'out'), 'seen by a snapshot\n');
    assert.equal(
      sessions.listCheckpoints(sessionId).length,
      checkpointsBefore,
      'no before-restore checkpoint: nothing happened',
    );
  });

  it('never moves a branch, and leaves the index, stash and nested repository as they were', async () => {
    const checkpoint = await checkpointWithFolderOut();
    write(root, 'out', 'untracked\n');
    const before = fingerprint(root);
    await restoreAsPreviewed(checkpoint.id);
    assert.deepEqual(fingerprint(root), before);
    assert.equal(git(root, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'main');
  });
});

describe('a nested repository with no commit yet, and a files half that fails', () => {
  let root: string;
  let storeDir: string;
  let store: Store;
  let clock: FakeClock;
  let sessions: SessionManager;
  let sessionId: string;

  beforeEach(async () => {
    root = makeRepo();
    storeDir = tempDir('store');
    ({ store, clock } = await openTestStore());
    sessions = new SessionManager(store, clock, { ids: counterIds() });
    await insertTasks(store, clock, [{ id: 't1' }]);
    sessionId = (await sessions.create({ name: 'nested', taskIds: ['t1'] })).id;
  });
  afterEach(async () => {
    await store.close();
    cleanup(root, storeDir);
  });

  it('records a nested repository with no commit as left alone, and checkpoints and restores still hold the files', async () => {
    const fresh = path.join(root, 'packages/fresh');
    mkdirSync(fresh, { recursive: true });
    git(fresh, 'init', '-q');
    write(fresh, 'draft.ts', 'uncommitted work in a fresh repository\n');
    const files = new CheckpointFiles(store, sessions, () => WorkspaceSnapshots.open(root, storeDir), clock);
    try {
      const { checkpoint, files: record } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
      const listed = git(
        storeDir,
        '--git-dir',
        path.join(storeDir, 'snapshots', 'repo.git'),
        'ls-tree',
        '-r',
        '--name-only',
        record.commit,
      );
      assert.ok(listed.includes('src/a.ts'));
      assert.ok(!listed.includes('packages/fresh'));
      assert.match(
        git(
          storeDir,
          '--git-dir',
          path.join(storeDir, 'snapshots', 'repo.git'),
          'log',
          '-1',
          '--format=%B',
          record.commit,
        ),
        /packages\/fresh.*no commit/,
      );
      write(root, 'src/a.ts', 'edited\n');
      write(fresh, 'draft.ts', 'edited in the fresh repository\n');
      write(fresh, 'more.ts', 'new in the fresh repository\n');
      clock.advance(1000);
      await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
      clock.advance(1000);
      await files.restore(checkpoint.id, 'state');
      clock.advance(1000);
      const result = await files.restore(checkpoint.id, 'both');
      assert.ok(result.files?.written.includes('src/a.ts'));
      assert.equal(read(root, 'src/a.ts'), 'export const a = 1;\n');
      assert.equal(read(fresh, 'draft.ts'), 'edited in the fresh repository\n');
      assert.equal(read(fresh, 'more.ts'), 'new in the fresh repository\n');
    } finally {
      files.dispose();
    }
  });

  it('restores the tasks only even when the files half cannot be taken, saying the files were not backed up', async () => {
    const files = new CheckpointFiles(store, sessions, () => Promise.reject(new Error('git is not installed')), clock);
    try {
      const checkpoint = await sessions.createCheckpoint({ sessionId, trigger: 'manual' });
      clock.advance(1000);
      const result = await files.restore(checkpoint.id, 'state');
      assert.equal(result.files, undefined);
      assert.match(result.notes?.join(' ') ?? '', /files .*not saved.*git is not installed/i);
      assert.equal(sessions.listCheckpoints(sessionId).filter(c => c.trigger === 'before-restore').length, 1);
    } finally {
      files.dispose();
    }
  });
});
