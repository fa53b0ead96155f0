import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CheckpointFiles } from '../../../src/core/git/checkpointFiles';
import { WorkspaceSnapshots } from '../../../src/core/git/workspaceSnapshots';
import { SessionManager } from '../../../src/core/sessions/sessionManager';
import { exportState, importState, parseState } from '../../../src/core/state/stateFile';
import type { Store } from '../../../src/core/store/types';
import { counterIds, openTestStore } from '../context/openTestStore';
import type { FakeClock } from '../fakes/fakeClock';
import { insertTasks, setStatus, statusOf } from '../sessions/fixtures';
import { cleanup, fingerprint, git, makeRepo, read, snapshotGit, tempDir, write } from './realRepo';

describe('checkpoints with both halves: task state and workspace files', () => {
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
    files = new CheckpointFiles(store, sessions, () => WorkspaceSnapshots.open(root, storeDir), clock, {
      keepPerSession: 2,
    });
    await insertTasks(store, clock, [{ id: 't1' }, { id: 't2' }]);
    sessionId = (await sessions.create({ name: 'refactor', taskIds: ['t1', 't2'] })).id;
  });
  afterEach(async () => {
    files.dispose();
    await store.close();
    cleanup(root, storeDir);
  });

  it('links a snapshot to each checkpoint under refs/continuum/checkpoints/<session>/<n>', async () => {
    const { checkpoint, files: record } = await files.createCheckpoint({ sessionId, trigger: 'manual', note: 'start' });
    assert.equal(record.ref, `refs/continuum/checkpoints/${sessionId}/1`);
    assert.equal(files.record(checkpoint.id)?.commit, record.commit);
    assert.equal(snapshotGit(storeDir, 'rev-parse', record.ref).trim(), record.commit);
  });

  it('keeps the last N snapshots per session plus labelled ones, pruning the refs of the rest', async () => {
    const labelled = await files.createCheckpoint({ sessionId, trigger: 'manual', note: 'before the big change' });
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      write(root, 'src/a.ts', `edit ${i}\n`);
      await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
    }
    const kept = files.list(sessionId).map(r => r.seq);
    assert.deepEqual(kept, [5, 4, 1]);
    assert.ok(files.record(labelled.checkpoint.id));
    const refs = snapshotGit(storeDir, 'for-each-ref', '--format=%(refname)', 'refs/continuum/')
      .trim()
      .split('\n')
      .map(r => r.slice(r.lastIndexOf('/') + 1))
      .sort();
    assert.deepEqual(refs, ['1', '4', '5']);
  });

  it('previews a restore: tasks that change and each file with what would happen to it, changing nothing', async () => {
    const { checkpoint } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
    await setStatus(store, 't1', 'done');
    clock.advance(1000);
    write(root, 'src/a.ts', 'agent edit\n');
    write(root, 'made.ts', 'new\n');
    await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
    write(root, 'unseen.ts', 'new\n');
    const before = fingerprint(root);
    const preview = await files.previewRestore(checkpoint.id);
    assert.deepEqual(
      preview.state.tasks.map(t => [t.id, t.from, t.to]),
      [['t1', 'done', 'pending']],
    );
    assert.deepEqual(
      preview.files?.map(f => [f.path, f.action]),
      [
        ['made.ts', 'remove'],
        ['src/a.ts', 'restore'],
        ['unseen.ts', 'keep'],
      ],
    );
    assert.equal(read(root, 'src/a.ts'), 'agent edit\n');
    assert.equal(statusOf(store, 't1'), 'done');
    assert.deepEqual(fingerprint(root), before);
  });

  for (const mode of ['state', 'files', 'both'] as const) {
    it(`restores ${mode === 'both' ? 'state and files' : `${mode} only`}, after saving the current state and files as a before-restore checkpoint`, async () => {
      const { checkpoint } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
      await setStatus(store, 't1', 'done');
      clock.advance(1000);
      write(root, 'src/a.ts', 'agent edit\n');
      const before = fingerprint(root);
      const result = await files.restore(checkpoint.id, mode);
      assert.deepEqual(fingerprint(root), before);
      const backup = sessions.listCheckpoints(sessionId).find(c => c.id === result.backupCheckpointId);
      assert.equal(backup?.trigger, 'before-restore');
      const backupFiles = files.record(result.backupCheckpointId);
      assert.ok(backupFiles, 'the backup has its files half');
      assert.equal(snapshotGit(storeDir, 'show', `${backupFiles.commit}:src/a.ts`), 'agent edit\n');
      assert.equal(statusOf(store, 't1'), mode === 'files' ? 'done' : 'pending');
      assert.equal(read(root, 'src/a.ts'), mode === 'state' ? 'agent edit\n' : 'export const a = 1;\n');
    });
  }

  it('restoring the before-restore checkpoint undoes the restore', async () => {
    const { checkpoint } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
    clock.advance(1000);
    write(root, 'src/a.ts', 'agent edit\n');
    write(root, 'made.ts', 'new\n');
    await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
    const undo = await files.restore(checkpoint.id, 'both');
    assert.ok(!existsSync(path.join(root, 'made.ts')));
    clock.advance(1000);
    await files.restore(undo.backupCheckpointId, 'files');
    assert.equal(read(root, 'src/a.ts'), 'agent edit\n');
    assert.equal(read(root, 'made.ts'), 'new\n');
  });

  it('gives every checkpoint its files half, whoever saved it: a pause, the executor', async () => {
    await sessions.start(sessionId);
    write(root, 'src/a.ts', 'paused here\n');
    await sessions.pause(sessionId, 'lunch');
    const pause = sessions.listCheckpoints(sessionId)[0];
    assert.equal(pause.trigger, 'pause');
    const record = await files.filesFor(pause.id);
    assert.equal(snapshotGit(storeDir, 'show', `${record?.commit}:src/a.ts`), 'paused here\n');
  });

  it('with a watcher reporting changes, examines only the reported paths', async () => {
    files.trackChanges(0);
    await files.createCheckpoint({ sessionId, trigger: 'manual' });
    write(root, 'src/a.ts', 'reported\n');
    write(root, 'src/b.ts', 'not reported\n');
    files.noteChanged([path.join(root, 'src/a.ts')]);
    const { files: record } = await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
    assert.equal(record.scoped, true);
    assert.equal(record.filesChanged, 1);
    assert.equal(snapshotGit(storeDir, 'show', `${record.commit}:src/a.ts`), 'reported\n');
  });

  it('a checkpoint a person asks for holds every file as it is now, even one the watcher has not reported yet', async () => {
    files.trackChanges(60_000); // a watcher slower than any wait: a manual checkpoint must not wait for it
    const { checkpoint } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
    write(root, 'src/a.ts', 'written a moment ago\n');
    write(root, 'made-later.ts', 'new\n');
    clock.advance(1000);
    const { files: record } = await files.createCheckpoint({ sessionId, trigger: 'manual', note: 'now' });
    assert.equal(record.scoped, false);
    assert.equal(snapshotGit(storeDir, 'show', `${record.commit}:src/a.ts`), 'written a moment ago\n');
    assert.equal(snapshotGit(storeDir, 'show', `${record.commit}:made-later.ts`), 'new\n');
    const { files: preview } = await files.previewRestore(checkpoint.id);
    assert.equal(preview?.find(f => f.path === 'made-later.ts')?.action, 'remove', JSON.stringify(preview));
    assert.equal(preview?.find(f => f.path === 'src/a.ts')?.action, 'restore', JSON.stringify(preview));
  });

  it('a scoped snapshot after a restore records the files the restore wrote and removed, without waiting for the watcher', async () => {
    files.trackChanges(0);
    const { checkpoint } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
    write(root, 'src/a.ts', 'agent edit\n');
    write(root, 'made.ts', 'new\n');
    files.noteChanged([path.join(root, 'src/a.ts'), path.join(root, 'made.ts')]);
    clock.advance(1000);
    await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
    clock.advance(1000);
    await files.restore(checkpoint.id, 'files');
    clock.advance(1000);
    const { files: after } = await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor'); // no watcher event came
    assert.equal(after.scoped, true);
    assert.equal(snapshotGit(storeDir, 'show', `${after.commit}:src/a.ts`), 'export const a = 1;\n');
    assert.ok(!snapshotGit(storeDir, 'ls-tree', '-r', '--name-only', after.commit).includes('made.ts'));
  });

  it("removes the task records of ended sessions beyond the newest ones kept, and of sessions the store does not have, keeping every unfinished session's", async () => {
    const taskRefs = () =>
      snapshotGit(storeDir, 'for-each-ref', '--format=%(refname)', 'refs/continuum/tasks/')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map(r => r.split('/')[3])
        .sort();
    const older = (await sessions.create({ name: 'older', taskIds: ['t1'] })).id;
    clock.advance(1000);
    const newer = (await sessions.create({ name: 'newer', taskIds: ['t2'] })).id;
    for (const s of [older, newer, sessionId]) {
      await files.taskBoundary(s, 't1', 'start');
      await files.taskBoundary(s, 't1', 'end');
    }
    await files.taskTrees(sessionId); // every ref written
    for (const s of [older, newer]) {
      await sessions.start(s);
      await sessions.complete(s);
    }
    assert.deepEqual(taskRefs(), [newer, newer, older, older, sessionId, sessionId].sort());
    assert.equal(await files.pruneTaskRefs(1), 2);
    assert.deepEqual(
      taskRefs(),
      [newer, newer, sessionId, sessionId].sort(),
      'the newest ended one and the unfinished one stay',
    );

    // a session the store does not have (its state was replaced): its records go when a session next records a task
    await files.taskBoundary('gone-session', 't1', 'start');
    await files.taskTrees('gone-session');
    await files.pruneTaskRefs();
    assert.ok(!taskRefs().includes('gone-session'));
  });

  it('says what to do when a checkpoint has no files half', async () => {
    files.dispose(); // as in a host without a workspace folder: nothing takes snapshots
    const bare = await sessions.createCheckpoint({ sessionId, trigger: 'manual' });
    await assert.rejects(files.restore(bare.id, 'files'), /restore its state only/);
    const result = await files.restore(bare.id, 'state');
    assert.equal(result.files, undefined);
  });

  it("carries each checkpoint's link to its files through export and import, re-making a missing ref", async () => {
    const one = await files.createCheckpoint({ sessionId, trigger: 'manual', note: 'one' });
    write(root, 'src/a.ts', 'two\n');
    clock.advance(1000);
    const two = await files.createCheckpoint({ sessionId, trigger: 'manual', note: 'two' });
    const exported = JSON.stringify(exportState(store, clock.now()));
    assert.equal(parseState(exported).tables.checkpoint_files.length, 2);
    snapshotGit(storeDir, 'update-ref', '-d', two.files.ref);
    const summary = await importState(store, parseState(exported));
    assert.equal(summary.fileSnapshots, 2);
    assert.deepEqual(await files.adoptImported(), []);
    assert.equal(snapshotGit(storeDir, 'rev-parse', two.files.ref).trim(), two.files.commit);
    assert.deepEqual(files.record(one.checkpoint.id), one.files);
  });

  it('frees the disk space of pruned snapshots, and says how much the kept ones use', async () => {
    const usedAfter: number[] = [];
    for (let i = 0; i < 13; i++) {
      clock.advance(1000);
      write(root, 'build/output.bin', randomBytes(256 * 1024)); // incompressible, as build output often is
      await files.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
      usedAfter.push((await files.usage()).bytes);
    }
    // keepPerSession 2: the 10th pruned snapshot (at the 12th checkpoint) frees the space of all 10
    const usage = await files.usage();
    assert.equal(usage.snapshots, 2);
    assert.ok(usedAfter[10] > 10 * 256 * 1024, `before: ${usedAfter[10]} bytes`);
    assert.ok(usedAfter[11] < 4 * 256 * 1024, `after: ${usedAfter[11]} bytes`);
    assert.ok(usage.bytes < 5 * 256 * 1024, `now: ${usage.bytes} bytes`);
    const freed = await files.reclaim();
    assert.ok(freed >= 256 * 1024 * 0.9, `an explicit reclaim frees the one pruned since: ${freed}`);
    assert.deepEqual(
      files.list(sessionId).map(r => r.seq),
      [13, 12],
    );
  });

  it('imports a state into a workspace without its snapshots, saying so per checkpoint and keeping their task state', async () => {
    const one = await files.createCheckpoint({ sessionId, trigger: 'manual', note: 'one' });
    clock.advance(1000);
    const two = await files.createCheckpoint({ sessionId, trigger: 'manual', note: 'two' });
    const exported = parseState(JSON.stringify(exportState(store, clock.now())));
    const otherRoot = makeRepo();
    const otherStoreDir = tempDir('store');
    const other = await openTestStore();
    const otherIds = counterIds();
    const otherSessions = new SessionManager(other.store, other.clock, { ids: prefix => `other-${otherIds(prefix)}` });
    const otherFiles = new CheckpointFiles(
      other.store,
      otherSessions,
      () => WorkspaceSnapshots.open(otherRoot, otherStoreDir),
      other.clock,
    );
    try {
      await importState(other.store, exported);
      const dropped = await otherFiles.adoptImported();
      assert.deepEqual(
        dropped.map(d => [d.checkpointId, d.reason]),
        [
          [one.checkpoint.id, "its snapshot is not in this workspace's repository"],
          [two.checkpoint.id, "its snapshot is not in this workspace's repository"],
        ],
      );
      assert.equal(otherSessions.listCheckpoints(sessionId).length, 2);
      await assert.rejects(otherFiles.restore(one.checkpoint.id, 'files'), /restore its state only/);
      assert.equal((await otherFiles.restore(one.checkpoint.id, 'state')).files, undefined);
    } finally {
      otherFiles.dispose();
      await other.store.close();
      cleanup(otherRoot, otherStoreDir);
    }
  });
});

describe("a session's first file snapshot, in both object formats", () => {
  for (const format of ['sha1', 'sha256'] as const) {
    it(`shows the files of the first snapshot of a session in a ${format} repository`, async () => {
      const root = tempDir('first');
      const storeDir = tempDir('store');
      const { store, clock } = await openTestStore();
      const sessions = new SessionManager(store, clock, { ids: counterIds() });
      const files = new CheckpointFiles(store, sessions, () => WorkspaceSnapshots.open(root, storeDir), clock);
      try {
        git(root, 'init', '-q', `--object-format=${format}`);
        write(root, 'a.txt', 'a\n');
        git(root, 'add', '-A');
        git(root, 'commit', '-q', '-m', 'first');
        write(root, 'b.txt', 'b\n');
        await insertTasks(store, clock, [{ id: 't1' }]);
        const sessionId = (await sessions.create({ name: 'first', taskIds: ['t1'] })).id;
        const { checkpoint } = await files.createCheckpoint({ sessionId, trigger: 'manual' });
        assert.deepEqual(await files.changedAt(checkpoint.id), [
          { path: 'a.txt', kind: 'added' },
          { path: 'b.txt', kind: 'added' },
        ]);
      } finally {
        files.dispose();
        await store.close();
        cleanup(root, storeDir);
      }
    });
  }
});
