// Turns a session into what deliverPullRequest needs: its start commit (recorded under a private ref
// when the session first runs), one commit per completed task in the order they finished, each with
// the tree of the first checkpoint snapshot taken after it, and a title and body from the task graph.
// Tasks that finished between the same two snapshots cannot be told apart on disk: the last of them
// carries the files and the others are commits of their own without file changes, each saying so.
//
// When the executor recorded the files as each task started and ended (CheckpointFiles.taskBoundary),
// each task's commit holds exactly what changed while it ran, applied in the order tasks finished,
// on the session's start commit. Tasks that ran at the same time: a change made while both ran is in
// both windows, so it lands in the commit of the one that finished first (the later one's commit has
// it only if it changed it again). Changes no task made — a person's edits between tasks, files that
// were there before the session (an untracked plan) — stay out of the branch, and the pull request's
// body lists them.
import type { Continuum } from '../continuum';
import type { CheckpointFiles, FileSnapshotRecord } from './checkpointFiles';
import { refSafe } from './checkpointFiles';
import { GitRunner, GitSnapshotError, type GitLocation } from './gitRunner';
import { githubEndpoint, type GitHubSettings } from './githubEndpoint';
import {
  configuredRemoteUrl,
  deliverPullRequest,
  pullRequestBody,
  type PullRequestOutcome,
  type TaskCommit,
} from './pullRequest';
import { findRepository } from './repository';
import { SessionError, type Checkpoint, type Session } from '../sessions/model';
import type { Task } from '../tasks/model';
import { actionFor } from '../execution/actions/index';

/** The private ref holding the commit a session started from. */
export function sessionStartRef(sessionId: string): string {
  return `refs/continuum/sessions/${refSafe(sessionId)}/start`;
}

/** Records HEAD as the session's start commit, once (a resume keeps the first). False when there is no commit yet. */
export async function recordSessionStart(repo: GitLocation, sessionId: string): Promise<boolean> {
  const git = new GitRunner(repo);
  const head = await headCommit(git);
  if (!head) return false;
  const ref = sessionStartRef(sessionId);
  if ((await git.run(['for-each-ref', '--format=%(objectname)', ref], { bare: true })).trim()) return true;
  await git.run(['update-ref', ref, head, ''], { bare: true }); // '' as the old value: only if it does not exist
  return true;
}

/** The recorded start commit of a session, or undefined. */
export async function sessionStart(repo: GitLocation, sessionId: string): Promise<string | undefined> {
  const out = (
    await new GitRunner(repo).run(['for-each-ref', '--format=%(objectname)', sessionStartRef(sessionId)], {
      bare: true,
    })
  ).trim();
  return out || undefined;
}

export async function headCommit(git: GitRunner): Promise<string | undefined> {
  try {
    return (await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { bare: true })).trim() || undefined;
  } catch (err) {
    if (err instanceof GitSnapshotError) return undefined; // an unborn branch: no commit yet
    throw err;
  }
}

/** A snapshot of the session's files, with when its checkpoint was saved (the snapshot holds everything done before). */
export interface SessionSnapshot {
  checkpointCreatedAt: number;
  tree: string;
}

export function sessionSnapshots(
  checkpoints: readonly Checkpoint[],
  record: (checkpointId: string) => FileSnapshotRecord | undefined,
): SessionSnapshot[] {
  return checkpoints
    .flatMap(c => {
      if (c.trigger === 'before-restore') return []; // holds what a restore replaced, not the session's progress
      const r = record(c.id);
      return r ? [{ checkpointCreatedAt: c.createdAt, tree: r.tree }] : [];
    })
    .sort((a, b) => a.checkpointCreatedAt - b.checkpointCreatedAt);
}

/** The session's done tasks, in the order they finished. */
export function doneInOrder(tasks: readonly Task[]): Task[] {
  return tasks
    .filter(t => t.status === 'done')
    .sort((a, b) => (a.completedAt ?? a.updatedAt) - (b.completedAt ?? b.updatedAt));
}

/** Whether some done task finished after the last snapshot (so a fresh one is needed for its files). */
export function needsFreshSnapshot(tasks: readonly Task[], snapshots: readonly SessionSnapshot[]): boolean {
  const last = snapshots.at(-1)?.checkpointCreatedAt ?? -Infinity;
  return doneInOrder(tasks).some(t => (t.completedAt ?? t.updatedAt) > last);
}

/** What a task did and its verify result: the commit's body. */
export function taskCommitBody(task: Task): string {
  const a = task.action;
  const did = a ? actionFor(a).describeDone(a) : 'Done by a person (a to-do without an action).';
  const verify = a?.verify ? `Verify: \`${a.verify}\` passed.` : 'Verify: none.';
  return [
    task.description.trim(),
    did,
    task.result?.trim() ? `Result: ${task.result.trim().slice(0, 2000)}` : '',
    verify,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * One commit per done task. Each task gets the tree of the first snapshot saved at or after it
 * finished (the last task: the newest); of several tasks sharing one snapshot, the last carries the tree and the earlier ones keep
 * their parent's tree (tree undefined) and say where their changes went.
 */
export function taskCommits(tasks: readonly Task[], snapshots: readonly SessionSnapshot[]): TaskCommit[] {
  const done = doneInOrder(tasks);
  const last = done.at(-1);
  // The last task gets the newest snapshot after it: the branch ends with the session's latest files,
  // including any change a scoped snapshot learnt of late (a file watcher's event after the snapshot).
  const snapshotOf = (t: Task) =>
    t === last
      ? [...snapshots].reverse().find(s => s.checkpointCreatedAt >= (t.completedAt ?? t.updatedAt))
      : snapshots.find(s => s.checkpointCreatedAt >= (t.completedAt ?? t.updatedAt));
  return done.map((task, i) => {
    const snap = snapshotOf(task);
    const next = done[i + 1];
    const sharedWithNext = snap !== undefined && next !== undefined && snapshotOf(next) === snap;
    const body = taskCommitBody(task);
    if (!snap || sharedWithNext) {
      const where = sharedWithNext
        ? `its file changes are in a later commit ('${oneLine(lastSharing(done, i, snapshotOf).title)}'): no checkpoint was saved between them`
        : 'no snapshot of the files was saved after it';
      return { title: oneLine(task.title), body: `${body}\n\nFiles: ${where}.` };
    }
    return { title: oneLine(task.title), body, tree: snap.tree };
  });
}

function lastSharing(done: readonly Task[], i: number, snapshotOf: (t: Task) => SessionSnapshot | undefined): Task {
  const snap = snapshotOf(done[i]);
  let j = i;
  while (j + 1 < done.length && snapshotOf(done[j + 1]) === snap) j++;
  return done[j];
}

function oneLine(s: string): string {
  return (
    s
      .replace(/[\r\n]+/g, ' ')
      .trim()
      .slice(0, 200) || 'Untitled task'
  );
}

/** The pull request's title and body for a session. */
export function sessionPullRequestText(
  session: Pick<Session, 'name'>,
  tasks: readonly Task[],
  checkpoints: number,
): { title: string; body: string } {
  const done = tasks.filter(t => t.status === 'done').length;
  return {
    title: `${oneLine(session.name)} (Continuum: ${done}/${tasks.length} task${tasks.length === 1 ? '' : 's'} done)`,
    body: pullRequestBody(session.name, tasks, checkpoints),
  };
}

export interface SessionPullRequestOptions {
  /** The remote to push to (continuum.git.remote). */
  remote: string;
  /** The branch the pull request targets; empty: the current branch's upstream, else the remote's default branch. */
  baseBranch?: string;
  github: GitHubSettings;
  /** The token of the named VS Code sign-in, asked only when the remote is on GitHub; undefined: not signed in. */
  token(authenticationProvider: string): Promise<string | undefined>;
  /** Told what is happening, for a progress notification. */
  progress?(message: string): void;
  fetch?: typeof fetch;
}

export interface SessionPullRequestResult {
  outcome: PullRequestOutcome;
  base: string;
  commits: number;
  /** Things the user should know besides the outcome (e.g. the start commit was not recorded). */
  notes: string[];
  /** Changed files no task made, kept out of the branch (when the tasks' own files were recorded). */
  leftOut?: string[];
  /** The pull request's title and body (for a branch only pushed: what to paste when opening it by hand). */
  title?: string;
  body?: string;
}

/** Branch, commits, push and pull request for a session; throws (with what to do) when it cannot even start. */
export async function createSessionPullRequest(
  core: Pick<Continuum, 'tasks' | 'sessions' | 'files'>,
  sessionId: string,
  options: SessionPullRequestOptions,
): Promise<SessionPullRequestResult> {
  const session = core.sessions.get(sessionId);
  if (!session) throw new SessionError(`No session has the id '${sessionId}'.`);
  const files = core.files;
  if (!files)
    throw new SessionError(
      'A pull request needs the files of the session: open the workspace folder in a trusted window (Continuum records files only there).',
    );
  const repo = await findRepository(await files.workTree());
  if (!repo)
    throw new SessionError(
      'The workspace folder is not a git repository, so there is nothing to push: run `git init`, commit, and add a remote, then try again.',
    );
  const git = new GitRunner(repo);
  const remoteUrl = await remoteUrlOf(git, options.remote);
  const tasks = session.taskIds.map(id => core.tasks.get(id)).filter((t): t is Task => t !== undefined);
  if (!tasks.some(t => t.status === 'done'))
    throw new SessionError(`Session '${session.name}' has no completed task yet, so there is nothing to propose.`);
  const checkpoints = () => core.sessions.listCheckpoints(sessionId);
  let snapshots = sessionSnapshots(checkpoints(), id => files.record(id));
  if (needsFreshSnapshot(tasks, snapshots)) {
    options.progress?.('Saving a checkpoint of the files…');
    await files.createCheckpoint({ sessionId, trigger: 'manual', note: 'The files of the pull request' }, 'user');
    snapshots = sessionSnapshots(checkpoints(), id => files.record(id));
  }
  const notes: string[] = [];
  let start = await sessionStart(repo, sessionId);
  if (!start) {
    start = await headCommit(git);
    if (!start)
      throw new SessionError(
        "The repository has no commit yet: commit once, so the session's branch has something to start from.",
      );
    notes.push(
      'The commit this session started from was not recorded (it ran before Continuum recorded it), so the branch starts from your current HEAD.',
    );
  }
  const base = options.baseBranch?.trim() || (await defaultBase(git, options.remote));
  const endpoint = githubEndpoint(remoteUrl, options.github);
  let token: string | undefined;
  if (endpoint.repo) {
    options.progress?.('Asking VS Code for your GitHub sign-in…');
    token = await options.token(endpoint.authenticationProvider);
  }
  const attributed = await taskCommitsFromTaskFiles(
    files,
    sessionId,
    tasks,
    start,
    await files.snapshotGitDir(),
    snapshots.at(-1)?.tree,
  );
  const commits = attributed?.commits ?? taskCommits(tasks, snapshots);
  const text = sessionPullRequestText(session, tasks, checkpoints().filter(c => c.trigger !== 'before-restore').length);
  if (attributed) {
    text.body += `\n\n${leftOutSection(attributed.leftOut)}`;
    const n = attributed.leftOut.length;
    const named =
      attributed.leftOut
        .slice(0, 3)
        .map(p => `'${p.replace(/[\r\n]/g, ' ')}'`)
        .join(', ') + (n > 3 ? ` and ${n - 3} more` : '');
    if (n)
      notes.push(
        `${n} changed file${n === 1 ? ' was' : 's were'} not made by any task (your own edits, or files there before the session): ${named}. Such files stay out of the pull request; its description lists them.`,
      );
  }
  options.progress?.(`Pushing ${commits.length} commit${commits.length === 1 ? '' : 's'} to '${options.remote}'…`);
  const outcome = await deliverPullRequest(
    {
      repoDir: repo.workTree,
      gitDir: repo.gitDir,
      snapshotGitDir: await files.snapshotGitDir(),
      sessionName: session.name,
      startCommit: start,
      commits,
      remote: options.remote,
      baseBranch: base,
      title: text.title,
      body: text.body,
      apiBase: endpoint.apiBase,
      ...(token ? { token } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
    endpoint.repo && endpoint.repo.host !== 'github.com' ? endpoint.repo.host : undefined,
  );
  return {
    outcome,
    base,
    commits: commits.length,
    notes,
    leftOut: attributed?.leftOut ?? [],
    title: text.title,
    body: text.body,
  };
}

/**
 * One commit per done task holding what changed while it ran (from the files recorded at its start
 * and end), in the order tasks finished, on the tree of `start`; undefined when no done task has
 * both records (a session run before they were kept: the checkpoint-based commits apply). `leftOut`:
 * the paths that differ between the session's latest snapshot and the branch's last tree.
 */
export async function taskCommitsFromTaskFiles(
  files: Pick<CheckpointFiles, 'taskTrees' | 'applyChanges' | 'pathsBetween'>,
  sessionId: string,
  tasks: readonly Task[],
  start: string,
  snapshotGitDir: string,
  latestTree: string | undefined,
): Promise<{ commits: TaskCommit[]; leftOut: string[] } | undefined> {
  const recorded = await files.taskTrees(sessionId);
  const done = doneInOrder(tasks);
  if (!done.some(t => recorded.has(t.id))) return undefined;
  let tree = (
    await new GitRunner({ gitDir: snapshotGitDir, workTree: snapshotGitDir }).run(['rev-parse', `${start}^{tree}`], {
      bare: true,
    })
  ).trim();
  const commits: TaskCommit[] = [];
  for (const task of done) {
    const body = taskCommitBody(task);
    const trees = recorded.get(task.id);
    if (!trees) {
      commits.push({
        title: oneLine(task.title),
        body: `${body}\n\nFiles: none recorded (Continuum's executor did not run it, e.g. a to-do marked done); changes made for it are listed in the pull request as made outside the tasks.`,
      });
      continue;
    }
    const applied = await files.applyChanges(tree, trees.start, trees.end);
    tree = applied.tree;
    commits.push({
      title: oneLine(task.title),
      body: applied.changed.length ? body : `${body}\n\nFiles: none changed while it ran.`,
      tree,
    });
  }
  const leftOut = latestTree ? await files.pathsBetween(tree, latestTree) : [];
  return { commits, leftOut };
}

/** The pull request body's word on changes no task made. */
export function leftOutSection(leftOut: readonly string[]): string {
  if (!leftOut.length) return 'Each commit holds the files changed while its task ran; no other change was found.';
  const shown = leftOut.slice(0, 20).map(p => `- \`${p.replace(/[\r\n`]/g, ' ')}\``);
  return [
    `### Not in this pull request (${leftOut.length})`,
    'Each commit holds the files changed while its task ran. These changed files were not made by any task ' +
      '(your own edits between tasks, or files that were there before the session), so they stay out:',
    ...shown,
    ...(leftOut.length > shown.length ? [`- … and ${leftOut.length - shown.length} more`] : []),
  ].join('\n');
}

async function remoteUrlOf(git: GitRunner, remote: string): Promise<string> {
  let url = '';
  try {
    url = await configuredRemoteUrl(git, remote);
  } catch (err) {
    if (!(err instanceof GitSnapshotError)) throw err; // git config exits 1 for a missing key: the same as an empty answer
  }
  if (!url)
    throw new SessionError(
      `The repository has no remote named '${remote}': add it (git remote add ${remote} <url>) or set continuum.git.remote to the remote to push to.`,
    );
  return url;
}

/** The current branch's upstream on `remote`, else the remote's default branch, else the current branch, else main. */
async function defaultBase(git: GitRunner, remote: string): Promise<string> {
  // Each question may fail (no upstream, no remote HEAD, a detached HEAD): that only means "ask the next one".
  const ask = async (args: string[]) => {
    try {
      return (await git.run(args, { bare: true })).trim();
    } catch (err) {
      if (err instanceof GitSnapshotError) return '';
      throw err;
    }
  };
  const upstream = await ask(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']);
  if (upstream.startsWith(`${remote}/`)) return upstream.slice(remote.length + 1);
  const remoteHead = await ask(['symbolic-ref', '--quiet', '--short', `refs/remotes/${remote}/HEAD`]);
  if (remoteHead.startsWith(`${remote}/`)) return remoteHead.slice(remote.length + 1);
  return (await ask(['symbolic-ref', '--quiet', '--short', 'HEAD'])) || 'main';
}

/** Records HEAD of the workspace's repository as the session's start; false without a repository or a commit. */
export async function recordSessionStartIn(
  files: Pick<CheckpointFiles, 'workTree'>,
  sessionId: string,
): Promise<boolean> {
  const repo = await findRepository(await files.workTree());
  return repo ? recordSessionStart(repo, sessionId) : false;
}
