// The files half of checkpoints: links a workspace snapshot to each state checkpoint (table
// checkpoint_files), keeps the last N per session plus labelled ones, and restores — state only,
// files only, or both — after saving the current state and files as a 'before-restore' checkpoint.
import { formatBytes } from '../context/model';
import { Emitter, type Disposable } from '../events';
import { gitErrorMessage } from './gitError';
import { silentLogger, type Clock, type Logger } from '../ports';
import type { NewCheckpoint, RestorePreview, SessionManager } from '../sessions/sessionManager';
import type { Checkpoint } from '../sessions/model';
import { SessionError } from '../sessions/model';
import type { Actor, Store } from '../store/types';
import type { FileRestoreItem, FileRestoreResult, WorkspaceSnapshots } from './workspaceSnapshots';

export type RestoreMode = 'state' | 'files' | 'both';

/** The boundaries of a restore, in order, for progress (and for the tests that kill a restore at each). */
export type RestoreStep = 'files saved' | 'state saved' | 'backup linked' | 'files removed' | 'files written';

export interface FileSnapshotRecord {
  checkpointId: string;
  sessionKey: string;
  seq: number;
  commit: string;
  tree: string;
  ref: string;
  filesChanged: number;
  scoped: boolean;
  createdAt: number;
}

export interface CheckpointRestorePreview {
  state: RestorePreview;
  /** Undefined when the checkpoint has no files half (taken without a workspace, or pruned). */
  files?: FileRestoreItem[];
}

export interface CheckpointRestoreResult {
  /** The 'before-restore' checkpoint holding what was there just before. */
  backupCheckpointId: string;
  tasksChanged: number;
  files?: FileRestoreResult;
  /** What the person should know besides the counts (e.g. the files could not be saved first). */
  notes?: string[];
}

export interface RestoreOptions {
  /** Told at each step boundary. */
  onStep?(step: RestoreStep): void;
  /** The files part of the preview the person saw: the restore refuses (changing nothing) if its plan is not exactly this. */
  previewed?: readonly FileRestoreItem[];
}

export interface CheckpointFilesOptions {
  /** Snapshots kept per session besides labelled ones (continuum.checkpoints.keep, default 50). */
  keepPerSession?: number;
  logger?: Logger;
  /** Told when a checkpoint's snapshot fails (it holds the task state only) and when one is taken again. */
  snapshots?: { failed(reason: string): void; taken(): void };
}

/** Above this many changed paths a snapshot examines the whole tree (faster than naming them all). */
const scopedLimit = 5_000;
/** Every this many scoped snapshots, one examines the whole tree, in case the watcher missed something. */
const fullEvery = 20;
/** Pruned snapshots whose space is freed together (freeing walks every kept snapshot). */
const reclaimEvery = 10;
/** Ended sessions whose task refs are kept (their pull requests commit task by task). */
const keepTaskRefsOfEndedSessions = 20;
const taskRefsPrefix = 'refs/continuum/tasks/';

interface FileRow {
  checkpoint_id: string;
  session_key: string;
  seq: number;
  commit_id: string;
  tree_id: string;
  ref: string;
  files_changed: number;
  scoped: number;
  created_at: number;
}

const noSession = 'no-session';

export class CheckpointFiles implements Disposable {
  private readonly changed = new Emitter<{ checkpointId: string }>();
  /** Fires after a files half was recorded. */
  readonly onDidChange = this.changed.event;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly keepPerSession: number;
  private readonly logger: Logger;
  private readonly captures = new Map<string, Promise<FileSnapshotRecord>>();
  private readonly subscription: Disposable;
  private snapshotsOpening: Promise<WorkspaceSnapshots> | undefined;
  /** Paths changed since the last snapshot, when a watcher reports them; 'unknown' means examine everything. */
  private changedPaths: Set<string> | 'unknown' = 'unknown';
  private tracking = false;
  private scopedInARow = 0;
  private settleMs = 0;
  private prunedSinceReclaim = 0;
  /** The task boundaries' refs being written, in the background, after their trees were taken. */
  private refWrites: Promise<void> = Promise.resolve();
  private readonly taskRefsWritten = new Set<string>();
  /** Sessions whose task boundaries this process has recorded (the task refs of ended ones are pruned once per such session). */
  private readonly sessionsRecorded = new Set<string>();
  private readonly boundariesAsked: Array<{
    ref: string;
    taskId: string;
    at: 'start' | 'end';
    keepExisting: boolean;
    resolve(): void;
  }> = [];

  constructor(
    private readonly store: Store,
    private readonly sessions: SessionManager,
    private readonly openSnapshots: () => Promise<WorkspaceSnapshots>,
    private readonly clock: Clock,
    options: CheckpointFilesOptions = {},
  ) {
    this.keepPerSession = Math.max(1, options.keepPerSession ?? 50);
    this.logger = options.logger ?? silentLogger;
    // Every checkpoint gets its files half, whoever saved it; a restore's backup gets the snapshot the restore took.
    this.subscription = sessions.onDidCreateCheckpoint(checkpoint => {
      if (checkpoint.trigger === 'before-restore' || store.readOnly) return;
      const capture = this.capture(checkpoint);
      this.captures.set(checkpoint.id, capture);
      capture.then(
        () => {
          this.captures.delete(checkpoint.id);
          options.snapshots?.taken();
        },
        (err: unknown) => {
          this.logger.error(
            `checkpoint ${checkpoint.id} was saved without its files: the workspace snapshot failed`,
            err,
          );
          options.snapshots?.failed(gitErrorMessage(err, 'save the files of a checkpoint'));
        },
      );
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** A state checkpoint and its files half. */
  async createCheckpoint(
    spec: NewCheckpoint,
    actor: Actor = 'user',
  ): Promise<{ checkpoint: Checkpoint; files: FileSnapshotRecord }> {
    const checkpoint = await this.sessions.createCheckpoint(spec, actor);
    const files = await this.filesFor(checkpoint.id);
    if (!files)
      throw new SessionError(`The checkpoint's task state was saved, but its files were not (see the Continuum log).`);
    return { checkpoint, files };
  }

  /** The files half of a checkpoint, waiting for it while it is being taken. */
  async filesFor(checkpointId: string): Promise<FileSnapshotRecord | undefined> {
    return (await this.captures.get(checkpointId)) ?? this.record(checkpointId);
  }

  /**
   * From now on, snapshots examine only the paths reported through `noteChanged` (a file watcher),
   * with a whole-tree snapshot every 20th time, whenever the list grows past 5,000, and for every
   * checkpoint a person asks for (a watcher's events can lag a fresh write by more than `settleMs`). Each
   * snapshot first waits `settleMs` for the watcher's events about the latest writes to arrive.
   */
  trackChanges(settleMs = 250): void {
    this.tracking = true;
    this.settleMs = settleMs;
  }

  noteChanged(paths: Iterable<string>): void {
    if (this.changedPaths === 'unknown') return;
    for (const p of paths) this.changedPaths.add(p);
    if (this.changedPaths.size > scopedLimit) this.changedPaths = 'unknown';
  }

  /** Snapshots the workspace files for an existing state checkpoint. */
  capture(
    checkpoint: Pick<Checkpoint, 'id' | 'sessionId' | 'trigger' | 'note'>,
    paths?: readonly string[],
  ): Promise<FileSnapshotRecord> {
    return this.serial(async () => {
      // A checkpoint a person asks for holds the files as they are now, whatever the watcher has reported so far.
      const wholeTree = !paths && checkpoint.trigger === 'manual';
      if (this.tracking && this.settleMs > 0 && !paths && !wholeTree)
        await new Promise<void>(resolve => this.clock.setTimeout(resolve, this.settleMs));
      const scope = paths ?? this.takeChangedPaths(wholeTree);
      const record = await this.snapshotNow(
        checkpoint.sessionId,
        `${checkpoint.trigger} checkpoint ${checkpoint.id}${checkpoint.note ? `\n\n${checkpoint.note}` : ''}`,
        scope,
      );
      await this.link(checkpoint.id, record);
      await this.prune(record.sessionKey);
      this.changed.fire({ checkpointId: checkpoint.id });
      return { ...record, checkpointId: checkpoint.id };
    });
  }

  /**
   * Records the workspace files as a task starts or ends (refs/continuum/tasks/<session>/<task>/start
   * and /end, pointing at the tree; re-taken on each new attempt; a resumed task keeps its first start),
   * so a pull request commits what changed while each task ran. Looks at the whole tree (git's index
   * makes unchanged files cheap), and resolves as soon as the files are read: a task may change files
   * from then on. Boundaries asked for while a read is under way share the next read (tasks starting
   * together cost one); the refs are written afterwards, in the background, together (taskTrees and
   * reclaim wait for them). Never rejects: a failure is logged, and that task's changes are then not
   * told apart from the others.
   */
  taskBoundary(sessionId: string, taskId: string, at: 'start' | 'end', keepExisting = false): Promise<void> {
    if (this.store.readOnly) return Promise.resolve();
    if (!this.sessionsRecorded.has(sessionId)) {
      // a session begins (or goes on) here: the task refs of sessions long ended go, after its first boundary
      this.sessionsRecorded.add(sessionId);
      queueMicrotask(
        () =>
          void this.serial(() => this.pruneTaskRefs(keepTaskRefsOfEndedSessions, sessionId)).catch((err: unknown) =>
            this.logger.warn(
              `the task records of ended sessions could not be removed: ${gitErrorMessage(err, 'remove them')}`,
            ),
          ),
      );
    }
    return new Promise<void>(resolve => {
      this.boundariesAsked.push({ ref: taskRef(sessionId, taskId, at), taskId, at, keepExisting, resolve });
      // queued now, synchronously: a boundary asked for after another is never read before it
      if (this.boundariesAsked.length === 1) void this.serial(() => this.readBoundaries());
    });
  }

  /** Reads the files once for every boundary asked for until now, then writes their refs in the background. */
  private async readBoundaries(): Promise<void> {
    const batch = this.boundariesAsked.splice(0);
    if (!batch.length) return;
    const failed = (err: unknown, which: typeof batch) => {
      for (const b of which)
        this.logger.error(
          `task ${b.taskId}: the files at its ${b.at} were not recorded, so its pull-request commit cannot be told apart from other changes`,
          err,
        );
    };
    try {
      const snapshots = await this.snapshots();
      const kept = batch.some(b => b.keepExisting)
        ? new Set(await snapshots.listRefs(taskRefsPrefix))
        : new Set<string>();
      const todo = batch.filter(b => !(b.keepExisting && (kept.has(b.ref) || this.taskRefsWritten.has(b.ref))));
      if (!todo.length) return;
      // The whole tree, not the paths a file watcher reported: under load its events come late (seconds),
      // and a task's file missing from its end (or a person's edit from its start) would put it in the wrong commit.
      const { tree } = await snapshots.captureTree();
      this.sawWholeTree();
      for (const b of todo) this.taskRefsWritten.add(b.ref);
      this.refWrites = this.refWrites
        .then(() => snapshots.pointRefs(todo.map(b => ({ ref: b.ref, object: tree }))))
        .then(
          () => undefined,
          (err: unknown) => failed(err, todo),
        );
    } catch (err) {
      failed(err, batch);
    } finally {
      for (const b of batch) b.resolve();
    }
  }

  /** Waits until every task boundary asked for so far is recorded under its ref. */
  private async taskRefsSettled(): Promise<void> {
    await this.serial(() => Promise.resolve());
    await this.refWrites;
  }

  /** The trees recorded at each task's start and end in a session (tasks with both only). */
  async taskTrees(sessionId: string): Promise<Map<string, { start: string; end: string }>> {
    await this.taskRefsSettled();
    const prefix = `refs/continuum/tasks/${refSafe(sessionId)}/`;
    const out = await (await this.snapshots()).listRefTrees(prefix);
    const found = new Map<string, { start?: string; end?: string }>();
    for (const { ref, tree } of out) {
      const [task, at] = ref.slice(prefix.length).split('/');
      if (at !== 'start' && at !== 'end') continue;
      found.set(task, { ...found.get(task), [at]: tree });
    }
    const result = new Map<string, { start: string; end: string }>();
    for (const [task, t] of found) if (t.start && t.end) result.set(task, { start: t.start, end: t.end });
    return result;
  }

  /** `base` with the changes from tree `from` to tree `to` applied (see WorkspaceSnapshots.applyChanges). */
  async applyChanges(base: string, from: string, to: string): Promise<{ tree: string; changed: string[] }> {
    return (await this.snapshots()).applyChanges(base, from, to);
  }

  /** The paths that differ between two trees. */
  async pathsBetween(from: string, to: string): Promise<string[]> {
    return (await (await this.snapshots()).diffTrees(from, to)).map(c => c.path);
  }

  /** Files changed at a checkpoint: from the session's previous snapshot to this one (all files for the first). */
  async changedAt(checkpointId: string): Promise<Array<{ path: string; kind: string }>> {
    const record = this.record(checkpointId);
    if (!record) return [];
    const previous = this.store.get<FileRow>(
      'SELECT * FROM checkpoint_files WHERE session_key = ? AND seq < ? ORDER BY seq DESC LIMIT 1',
      [record.sessionKey, record.seq],
    );
    const snapshots = await this.snapshots();
    return (await snapshots.diffTrees(previous?.tree_id ?? (await snapshots.emptyTree()), record.tree)).map(c => ({
      path: c.path,
      kind: c.kind,
    }));
  }

  /** A file's bytes in a snapshot commit; undefined when the snapshot has no such file. */
  async readFile(commit: string, filePath: string): Promise<Uint8Array | undefined> {
    return (await this.snapshots()).readFile(commit, filePath);
  }

  /** Continuum's git directory holding the snapshots (their trees and commits). */
  async snapshotGitDir(): Promise<string> {
    return (await this.snapshots()).repository.gitDir;
  }

  /** The folder the snapshots record. */
  async workTree(): Promise<string> {
    return (await this.snapshots()).workTree;
  }

  /** Creates branch `name` at a checkpoint's snapshot, without checking it out. */
  async createBranch(checkpointId: string, name: string): Promise<string> {
    const record = this.record(checkpointId);
    if (!record)
      throw new SessionError(
        'This checkpoint has no snapshot of the files (taken without a workspace folder, or pruned), so there is nothing to branch from.',
      );
    await (await this.snapshots()).createBranch(name, record);
    return record.commit;
  }

  /** The files half of a checkpoint, if it has one. */
  record(checkpointId: string): FileSnapshotRecord | undefined {
    const row = this.store.get<FileRow>('SELECT * FROM checkpoint_files WHERE checkpoint_id = ?', [checkpointId]);
    return row && toRecord(row);
  }

  /** A session's file snapshots, newest first. */
  list(sessionId: string | undefined): FileSnapshotRecord[] {
    return this.store
      .all<FileRow>('SELECT * FROM checkpoint_files WHERE session_key = ? ORDER BY seq DESC', [sessionId ?? noSession])
      .map(toRecord);
  }

  /** What a restore would change: the tasks and session, and each file with what would happen to it. */
  async previewRestore(checkpointId: string): Promise<CheckpointRestorePreview> {
    const state = this.sessions.previewRestore(checkpointId);
    const record = this.record(checkpointId);
    if (!record) return { state };
    const current = await (await this.snapshots()).currentTree();
    const files = await (
      await this.snapshots()
    ).planFileRestore(record.commit, current, this.latestAfter(record)?.commit);
    return { state, files };
  }

  /**
   * Saves the current state (and files) as a 'before-restore' checkpoint, then writes back the
   * checkpoint's state, files, or both. Never resets, moves or deletes a branch.
   */
  restore(
    checkpointId: string,
    mode: RestoreMode,
    actor: Actor = 'user',
    options: RestoreOptions = {},
  ): Promise<CheckpointRestoreResult> {
    const step = (s: RestoreStep) => options.onStep?.(s);
    return this.serial(async () => {
      const record = this.record(checkpointId);
      if (mode !== 'state' && !record) {
        throw new SessionError(
          'This checkpoint has no snapshot of the files (it was taken without a workspace folder, or its snapshot was pruned): restore its state only.',
        );
      }
      const target = this.sessions.listCheckpoints().find(c => c.id === checkpointId);
      if (!target)
        throw new SessionError(
          `No checkpoint has the id '${checkpointId}'. It may have been removed; pick one from the checkpoint timeline.`,
        );
      const latestBefore = record && this.latestAfter(record);
      // The files as they are now, taken before anything is written back. A restore of the tasks
      // only goes on without it (the files half never blocks the tasks half); one that writes files does not.
      const notes: string[] = [];
      let current: Omit<FileSnapshotRecord, 'checkpointId'> | undefined;
      try {
        current = await this.snapshotNow(target.sessionId, `before restoring checkpoint ${checkpointId}`);
      } catch (err) {
        if (mode !== 'state') throw err;
        this.logger.error(
          `restoring the tasks of checkpoint ${checkpointId} without a snapshot of the files: it failed`,
          err,
        );
        notes.push(
          `The files were not saved before the restore, so they were not touched (${gitErrorMessage(err, 'take a snapshot of the files')})`,
        );
      }
      step('files saved');
      // The plan is made before anything is written; when the person saw a preview, it must be that one.
      const plan =
        mode !== 'state' && record && current
          ? await (await this.snapshots()).planFileRestore(record.commit, current.commit, latestBefore?.commit)
          : undefined;
      if (plan && options.previewed) {
        const differs = planDifference(options.previewed, plan);
        if (differs)
          throw new SessionError(
            `The files changed since the preview (${differs}), so nothing was restored: preview the restore again to see what it would do now.`,
          );
      }
      let backupCheckpointId: string;
      let tasksChanged = 0;
      if (mode === 'files') {
        const backup = await this.sessions.createCheckpoint(
          {
            sessionId: target.sessionId,
            trigger: 'before-restore',
            note: `Before restoring the files of the checkpoint of ${new Date(target.createdAt).toISOString()} (${checkpointId})`,
          },
          actor,
        );
        backupCheckpointId = backup.id;
      } else {
        const restored = await this.sessions.restoreCheckpoint(checkpointId, actor);
        backupCheckpointId = restored.checkpointId;
        tasksChanged = restored.changed;
      }
      step('state saved');
      if (current) await this.link(backupCheckpointId, current);
      this.changed.fire({ checkpointId: backupCheckpointId });
      step('backup linked');
      if (!plan || !record) return { backupCheckpointId, tasksChanged, ...(notes.length ? { notes } : {}) };
      const files = await (await this.snapshots()).restoreFiles(record.commit, plan, step);
      // The paths written and removed are known here: the next scoped snapshot must not wait for the watcher to report them.
      this.noteChanged([...files.written, ...files.removed]);
      return { backupCheckpointId, tasksChanged, files };
    });
  }

  /**
   * After a state import: keeps each checkpoint's link to its files whose snapshot exists in this
   * workspace's repository (re-making its ref), and drops the others, returning which and why.
   */
  adoptImported(): Promise<Array<{ checkpointId: string; createdAt: number; reason: string }>> {
    return this.serial(async () => {
      const rows = this.store.all<FileRow>('SELECT * FROM checkpoint_files ORDER BY created_at, seq');
      const unusable = await (await this.snapshots()).adopt(rows.map(r => ({ ref: r.ref, commit: r.commit_id })));
      const dropped = rows.filter(r => unusable.has(r.ref));
      if (dropped.length) {
        await this.store.write(w => {
          for (const row of dropped) w.run('DELETE FROM checkpoint_files WHERE checkpoint_id = ?', [row.checkpoint_id]);
        }, 'system');
      }
      return dropped.map(r => ({
        checkpointId: r.checkpoint_id,
        createdAt: r.created_at,
        reason: unusable.get(r.ref) ?? '',
      }));
    });
  }

  /**
   * Removes the task refs (each task's files at its start and end, which its pull request commits) of
   * sessions that ended, but for the newest `keep` of them, and of sessions the store no longer has:
   * one pair per task run, they would otherwise pile up for ever. A pull request of an older session
   * then takes its commits' files from the checkpoints' snapshots. `recording` (the session whose
   * tasks are being recorded) is kept whatever the store says of it. Returns how many refs were removed.
   */
  async pruneTaskRefs(keep = keepTaskRefsOfEndedSessions, recording?: string): Promise<number> {
    await this.refWrites;
    const sessions = this.sessions.list(); // newest first
    const isEnded = (s: { status: string }) => s.status === 'completed' || s.status === 'failed';
    const keptEnded = new Set(sessions.filter(isEnded).slice(0, keep));
    const kept = new Set(sessions.filter(s => !isEnded(s) || keptEnded.has(s)).map(s => refSafe(s.id)));
    if (recording !== undefined) kept.add(refSafe(recording));
    const snapshots = await this.snapshots();
    const doomed = (await snapshots.listRefs(taskRefsPrefix)).filter(
      ref => !kept.has(ref.slice(taskRefsPrefix.length).split('/')[0]),
    );
    if (!doomed.length) return 0;
    await snapshots.deleteRefs(doomed);
    for (const ref of doomed) this.taskRefsWritten.delete(ref);
    this.logger.info(`removed the task records of ${doomed.length / 2} task run(s) of ended sessions`);
    return doomed.length;
  }

  /** Removes all but the last `keepPerSession` snapshots of a session, keeping labelled ones (manual checkpoints with a note). */
  async prune(sessionKey: string): Promise<number> {
    const rows = this.store.all<FileRow & { trigger: string; note: string }>(
      `
      SELECT f.*, c.trigger, c.note FROM checkpoint_files f JOIN checkpoints c ON c.id = f.checkpoint_id
      WHERE f.session_key = ? ORDER BY f.seq DESC`,
      [sessionKey],
    );
    const doomed = rows.slice(this.keepPerSession).filter(r => !(r.trigger === 'manual' && r.note.trim()));
    if (!doomed.length) return 0;
    const snapshots = await this.snapshots();
    await snapshots.deleteRefs(doomed.map(r => r.ref));
    await this.store.write(w => {
      for (const row of doomed) w.run('DELETE FROM checkpoint_files WHERE checkpoint_id = ?', [row.checkpoint_id]);
    }, 'system');
    // Freeing the space walks every kept snapshot: done once per `reclaimEvery` pruned, not each time.
    this.prunedSinceReclaim += doomed.length;
    if (this.prunedSinceReclaim >= reclaimEvery) await this.reclaim();
    return doomed.length;
  }

  /** Frees the disk space of pruned snapshots now; returns the bytes freed. */
  async reclaim(): Promise<number> {
    this.prunedSinceReclaim = 0;
    await this.refWrites; // a task's tree is unreachable until its ref is written: pruning must not take it
    const freed = await (await this.snapshots()).reclaim();
    this.logger.info(`checkpoint snapshots: freed ${formatBytes(freed)} of pruned snapshots`);
    return freed;
  }

  /** How many file snapshots are kept (all sessions) and the disk space they use. */
  async usage(): Promise<{ snapshots: number; bytes: number }> {
    const snapshots = this.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM checkpoint_files')?.n ?? 0;
    return { snapshots, bytes: await (await this.snapshots()).diskUsage() };
  }

  // ---- helpers ----

  private async snapshotNow(
    sessionId: string | undefined,
    message: string,
    paths?: readonly string[],
  ): Promise<Omit<FileSnapshotRecord, 'checkpointId'>> {
    const sessionKey = sessionId ?? noSession;
    const previous = this.store.get<FileRow>(
      'SELECT * FROM checkpoint_files WHERE session_key = ? ORDER BY seq DESC LIMIT 1',
      [sessionKey],
    );
    const seq = await this.nextSeq(sessionKey, previous?.seq ?? 0);
    const ref = `refs/continuum/checkpoints/${refSafe(sessionKey)}/${seq}`;
    const snap = await (
      await this.snapshots()
    ).snapshot({
      ref,
      message,
      ...(paths ? { paths } : {}),
      ...(previous ? { parent: { commit: previous.commit_id, tree: previous.tree_id } } : {}),
    });
    if (snap.unsettled.length)
      this.logger.warn(
        `snapshot ${ref}: ${snap.unsettled.length} file(s) kept changing while they were read and may be partial in it: ${snap.unsettled
          .slice(0, 10)
          .map(p => JSON.stringify(p))
          .join(', ')}`,
      );
    return {
      sessionKey,
      seq,
      commit: snap.commit,
      tree: snap.tree,
      ref,
      filesChanged: snap.filesChanged,
      scoped: snap.scoped,
      createdAt: this.clock.now(),
    };
  }

  /** After a look at the whole tree: the paths reported until then are in it; collect anew. */
  private sawWholeTree(): void {
    this.scopedInARow = 0;
    this.changedPaths = this.tracking ? new Set() : 'unknown';
  }

  /** The paths to examine for the next snapshot, or undefined for the whole tree; starts collecting anew. */
  private takeChangedPaths(wholeTree = false): string[] | undefined {
    const known =
      !wholeTree && this.tracking && this.changedPaths !== 'unknown' && this.scopedInARow < fullEvery
        ? [...this.changedPaths]
        : undefined;
    this.scopedInARow = known ? this.scopedInARow + 1 : 0;
    this.changedPaths = this.tracking ? new Set() : 'unknown';
    return known;
  }

  private snapshots(): Promise<WorkspaceSnapshots> {
    this.snapshotsOpening ??= this.openSnapshots();
    return this.snapshotsOpening;
  }

  /** The next free <n>: past the last recorded one and past any ref left by a snapshot whose row was never written. */
  private async nextSeq(sessionKey: string, last: number): Promise<number> {
    const refs = await (await this.snapshots()).listRefs(`refs/continuum/checkpoints/${refSafe(sessionKey)}/`);
    const highest = Math.max(last, ...refs.map(r => Number(r.slice(r.lastIndexOf('/') + 1))).filter(Number.isFinite));
    return highest + 1;
  }

  private async link(checkpointId: string, r: Omit<FileSnapshotRecord, 'checkpointId'>): Promise<void> {
    await this.store.write(w => {
      w.run(
        `INSERT INTO checkpoint_files (checkpoint_id, session_key, seq, commit_id, tree_id, ref, files_changed, scoped, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [checkpointId, r.sessionKey, r.seq, r.commit, r.tree, r.ref, r.filesChanged, r.scoped ? 1 : 0, r.createdAt],
      );
    }, 'system');
  }

  /**
   * The newest snapshot of the workspace taken after `record` (any session): what Continuum last saw.
   * Snapshots taken by a restore (its 'before-restore' backup) do not count: a restore keeps what no
   * snapshot saw, and its own backup seeing those files must not let the next restore delete them.
   */
  private latestAfter(record: FileSnapshotRecord): FileSnapshotRecord | undefined {
    const row = this.store.get<FileRow>(
      `SELECT f.* FROM checkpoint_files f JOIN checkpoints c ON c.id = f.checkpoint_id
      WHERE f.created_at >= ? AND f.checkpoint_id <> ? AND c.trigger <> 'before-restore'
      ORDER BY f.created_at DESC, f.rowid DESC LIMIT 1`,
      [record.createdAt, record.checkpointId],
    );
    return row && toRecord(row);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}

/** Undefined when two plans are the same; else a few words on the first difference. */
export function planDifference(
  previewed: readonly FileRestoreItem[],
  now: readonly FileRestoreItem[],
): string | undefined {
  const said = new Map(previewed.map(i => [i.path, i]));
  for (const item of now) {
    const before = said.get(item.path);
    if (!before) return `${JSON.stringify(item.path)} was not in the preview`;
    if (before.action !== item.action || before.reason !== item.reason)
      return `${JSON.stringify(item.path)}: the preview said ${before.action}, now ${item.action}`;
    said.delete(item.path);
  }
  const gone = said.keys().next();
  return gone.done ? undefined : `${JSON.stringify(gone.value)} is no longer changed`;
}

function toRecord(row: FileRow): FileSnapshotRecord {
  return {
    checkpointId: row.checkpoint_id,
    sessionKey: row.session_key,
    seq: row.seq,
    commit: row.commit_id,
    tree: row.tree_id,
    ref: row.ref,
    filesChanged: row.files_changed,
    scoped: row.scoped === 1,
    createdAt: row.created_at,
  };
}

/** The ref of a task's start or end snapshot (ids as one ref component each). */
export function taskRef(sessionId: string, taskId: string, at: 'start' | 'end'): string {
  return `${taskRefsPrefix}${refSafe(sessionId)}/${refSafe(taskId)}/${at}`;
}

/** A session id as one ref path component. */
export function refSafe(key: string): string {
  return key.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^-+/, '') || noSession;
}

/** The space line of the timeline and Show Health: "Checkpoints: 12 snapshots of the files, 8.4 MB". */
export function usageLine(usage: { snapshots: number; bytes: number }): string {
  return `Checkpoints: ${usage.snapshots} snapshot${usage.snapshots === 1 ? '' : 's'} of the files, ${formatBytes(usage.bytes)}`;
}
