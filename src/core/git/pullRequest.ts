// A session's work as a pull request: a branch continuum/<session-slug> from the session's start
// commit with one commit per completed task, pushed to the configured remote, and a pull request
// through GitHub's REST API (POST /repos/{owner}/{repo}/pulls). Plain fetch rather than
// @octokit/rest: one endpoint, Node's built-in fetch, nothing added to the bundle. The token is
// passed in for each call (VS Code's GitHub sign-in) and never stored. Each fallback says what
// happened: not GitHub / no sign-in → pushed, with a compare link; push refused → local branch only.
import { GitRunner, GitSnapshotError } from './gitRunner';

export interface TaskCommit {
  /** The task's title: the commit's subject. */
  title: string;
  /** What it did and its verify result. */
  body: string;
  /** The workspace tree after the task (a snapshot's tree); undefined: no file changes of its own (keeps the parent's tree). */
  tree?: string;
}

export interface GitHubRepo {
  host: string;
  owner: string;
  repo: string;
}

export type PullRequestOutcome =
  | { kind: 'pull-request'; branch: string; url: string; number: number }
  | { kind: 'pushed'; branch: string; reason: string; compareUrl?: string }
  | { kind: 'local-branch'; branch: string; reason: string };

export interface DeliverOptions {
  repoDir: string;
  gitDir: string;
  /**
   * Continuum's snapshot repository (WorkspaceSnapshots.repository.gitDir), which holds the task
   * trees: the commits are made there and fetched into the user's repository as the branch.
   */
  snapshotGitDir?: string;
  sessionName: string;
  /** The commit the session started from. */
  startCommit: string;
  commits: readonly TaskCommit[];
  remote: string;
  /** The branch the pull request targets (e.g. main). */
  baseBranch: string;
  title: string;
  body: string;
  /** GitHub's API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise. */
  apiBase: string;
  /** From VS Code's GitHub sign-in; undefined when the user is not signed in. */
  token?: string;
  fetch?: typeof fetch;
}

export function sessionSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'session'
  );
}

/** owner/repo of a GitHub (or GitHub Enterprise) remote URL: https, ssh or scp-like. */
export function parseGitHubRemote(url: string, enterpriseHost?: string): GitHubRepo | undefined {
  const m =
    /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/(?:[^@/]+@)?|[^@/]+@)([^/:]+)(?::\d+)?[:/]([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(
      url.trim(),
    );
  if (!m) return undefined;
  const [, host, owner, repo] = m;
  return host === 'github.com' || host === enterpriseHost ? { host, owner, repo } : undefined;
}

export function compareUrl(gh: GitHubRepo, base: string, branch: string): string {
  return `https://${gh.host}/${gh.owner}/${gh.repo}/compare/${encodeURIComponent(base)}...${encodeURIComponent(branch)}?expand=1`;
}

/** The pull request's body, from the session's task graph. */
export function pullRequestBody(
  sessionName: string,
  tasks: ReadonlyArray<{ title: string; status: string }>,
  checkpoints: number,
): string {
  const section = (heading: string, status: string) => {
    const list = tasks.filter(t => t.status === status);
    return list.length
      ? [`### ${heading} (${list.length})`, ...list.map(t => `- ${t.title.replace(/[\r\n]+/g, ' ')}`), '']
      : [];
  };
  return [
    `Work of the Continuum session **${sessionName.replace(/[*_`]/g, '')}**: one commit per completed task.`,
    '',
    ...section('Done', 'done'),
    ...section('Failed', 'failed'),
    ...section('Skipped', 'skipped'),
    `${checkpoints} checkpoint${checkpoints === 1 ? '' : 's'} saved during the session.`,
  ].join('\n');
}

/** Creates continuum/<slug> with one commit per task; never moves an existing branch or checks anything out. */
export async function createSessionBranch(
  git: GitRunner,
  sessionName: string,
  startCommit: string,
  commits: readonly TaskCommit[],
  snapshots?: GitRunner,
): Promise<{ branch: string; head: string }> {
  const branch = `continuum/${sessionSlug(sessionName)}`;
  const taken = (await git.run(['for-each-ref', '--format=%(refname)', `refs/heads/${branch}`], { bare: true })).trim();
  if (taken)
    throw new GitSnapshotError(
      `The branch '${branch}' already exists; rename or delete it, or give the session another name (Continuum never moves an existing branch).`,
    );
  // The trees live where the snapshots are: the commits are made there (the start commit is visible
  // through its alternates) and fetched into the user's repository, which creates the branch.
  const maker = snapshots ?? git;
  let head = startCommit;
  for (const c of commits) {
    const tree = c.tree ?? (await maker.run(['rev-parse', `${head}^{tree}`], { bare: true })).trim();
    head = (
      await maker.run(['commit-tree', tree, '-p', head, '-m', c.title, ...(c.body ? ['-m', c.body] : [])], {
        bare: true,
      })
    ).trim();
  }
  if (!snapshots) {
    await git.run(['branch', '--no-track', branch, head], { bare: true });
    return { branch, head };
  }
  const carrier = `refs/continuum/pull-requests/${sessionSlug(sessionName)}`;
  await snapshots.run(['update-ref', carrier, head], { bare: true });
  try {
    await git.run(
      [
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        snapshots.location.gitDir,
        `${carrier}:refs/heads/${branch}`,
      ],
      { bare: true },
    );
  } finally {
    await snapshots.run(['update-ref', '-d', carrier], { bare: true });
  }
  return { branch, head };
}

/** POST /repos/{owner}/{repo}/pulls. Throws with GitHub's own explanation on failure. */
export async function openPullRequest(o: {
  apiBase: string;
  token: string;
  gh: GitHubRepo;
  head: string;
  base: string;
  title: string;
  body: string;
  fetch?: typeof fetch;
}): Promise<{ url: string; number: number }> {
  const doFetch = o.fetch ?? fetch;
  const response = await doFetch(
    `${o.apiBase.replace(/\/+$/, '')}/repos/${encodeURIComponent(o.gh.owner)}/${encodeURIComponent(o.gh.repo)}/pulls`,
    {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${o.token}`,
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        'Content-Type': 'application/json',
        'User-Agent': 'continuum-vscode',
      },
      body: JSON.stringify({ title: o.title, head: o.head, base: o.base, body: o.body }),
    },
  );
  // A body that is not JSON (a proxy's error page) leaves only the HTTP status to report, which the error below does.
  const data = (await response.json().catch(() => ({}))) as {
    html_url?: string;
    number?: number;
    message?: string;
    errors?: Array<{ message?: string }>;
  };
  if (response.status !== 201 || !data.html_url || data.number === undefined) {
    const why = [data.message, ...(data.errors ?? []).map(e => e.message)].filter(Boolean).join('; ');
    throw new GitSnapshotError(
      `GitHub did not open the pull request (HTTP ${response.status}${why ? `: ${why}` : ''}).`,
    );
  }
  return { url: data.html_url, number: data.number };
}

/** What the remote said when it refused a push (its 'remote:' lines and the rejection's reason); git's whole message when it said nothing. */
export function pushRefusal(message: string): string {
  const said = [...message.matchAll(/^remote: ?(.*)$/gm)].map(m => m[1].trim()).filter(Boolean);
  const why = [...message.matchAll(/\[(?:remote )?rejected\]\s*\(([^)]+)\)/g)].map(m => m[1].trim());
  return said.length || why.length ? [...why, ...said].join('; ') : message.trim();
}

/** The remote's URL as configured: which repository it is (git remote get-url would apply url.*.insteadOf rewrites of the transport). */
export async function configuredRemoteUrl(git: GitRunner, remote: string): Promise<string> {
  return (await git.run(['config', '--get', `remote.${remote}.url`], { bare: true })).trim();
}

/** Branch, push, pull request — falling back step by step, and saying why. */
export async function deliverPullRequest(o: DeliverOptions, enterpriseHost?: string): Promise<PullRequestOutcome> {
  const git = new GitRunner({ gitDir: o.gitDir, workTree: o.repoDir });
  const snapshots = o.snapshotGitDir ? new GitRunner({ gitDir: o.snapshotGitDir, workTree: o.repoDir }) : undefined;
  const { branch } = await createSessionBranch(git, o.sessionName, o.startCommit, o.commits, snapshots);
  try {
    await git.run(['push', '--porcelain', o.remote, `refs/heads/${branch}:refs/heads/${branch}`]);
  } catch (err) {
    return {
      kind: 'local-branch',
      branch,
      reason: `The push to '${o.remote}' was refused (${pushRefusal(err instanceof Error ? err.message : String(err))}); the branch is kept locally — push it yourself when the remote accepts it.`,
    };
  }
  const url = await configuredRemoteUrl(git, o.remote);
  const gh = parseGitHubRemote(url, enterpriseHost);
  if (!gh)
    return { kind: 'pushed', branch, reason: `'${o.remote}' is not a GitHub remote, so no pull request was opened.` };
  const link = compareUrl(gh, o.baseBranch, branch);
  if (!o.token)
    return {
      kind: 'pushed',
      branch,
      compareUrl: link,
      reason:
        'You are not signed in to GitHub in VS Code, so no pull request was opened: open the compare link to create one.',
    };
  const pr = await openPullRequest({
    apiBase: o.apiBase,
    token: o.token,
    gh,
    head: branch,
    base: o.baseBranch,
    title: o.title,
    body: o.body,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  return { kind: 'pull-request', branch, ...pr };
}
