// Where a workspace's snapshots go: always a git directory of Continuum's own inside the store
// folder, so Continuum's objects and refs never enter the user's repository and retention can free
// their disk space (`git prune` runs there, never in the user's repository). When the workspace is
// a git repository, ours borrows its objects (objects/info/alternates) and reads its config and
// excludes, so unchanged files are neither hashed nor stored twice. Without git, ours is the only
// repository, with excludes for dependency and build folders.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { GitRunner, GitSnapshotError, hostEnvironment, type GitLocation } from './gitRunner';

export interface UserRepository {
  /** The workspace's git directory (per worktree: its own index lives here). */
  gitDir: string;
  /** The directory shared by all its worktrees: objects, config, info/exclude, branches. */
  commonDir: string;
}

export interface SnapshotRepository extends GitLocation {
  /** True when the workspace has no git repository: ours is the only one. */
  privateGitDir: boolean;
  /** The workspace's own repository, when it has one. */
  user?: UserRepository;
}

/** Dependency and build folders a private snapshot repository leaves out. */
export const privateExcludes = ['node_modules/', 'dist/', 'build/', 'out/', '.git'];

export async function locateRepository(workspace: string, storeFolder: string): Promise<SnapshotRepository> {
  const found = await findRepository(workspace);
  if (!found) {
    const gitDir = path.join(storeFolder, 'workspace.git');
    if (!(await exists(path.join(gitDir, 'HEAD')))) await initPrivate(gitDir, workspace);
    return { gitDir, workTree: workspace, privateGitDir: true };
  }
  const gitDir = path.join(storeFolder, 'snapshots', 'repo.git');
  await initBorrowing(gitDir, found);
  return {
    gitDir,
    workTree: found.workTree,
    privateGitDir: false,
    user: { gitDir: found.gitDir, commonDir: found.commonDir },
  };
}

export async function findRepository(
  workspace: string,
): Promise<(GitLocation & { commonDir: string; objectFormat: string }) | undefined> {
  const env = hostEnvironment();
  let out: string;
  try {
    out = await simpleGit({ baseDir: workspace })
      .env(env)
      .raw([
        'rev-parse',
        '--is-bare-repository',
        '--absolute-git-dir',
        '--git-common-dir',
        '--show-object-format',
        '--show-toplevel',
      ]);
  } catch (err) {
    if (err instanceof Error && /not a git repository/i.test(err.message)) return undefined;
    throw new GitSnapshotError(
      `Continuum could not ask git about ${workspace}: ${err instanceof Error ? err.message.trim() : String(err)}. Check that git is installed and on the PATH.`,
    );
  }
  // one answer per line, each kept whole (a folder's name may end in spaces); only the last newline goes
  const [bare, gitDir, commonDir, objectFormat, workTree] = out.replace(/\r?\n$/, '').split(/\r?\n/);
  if (bare === 'true' || !workTree) return undefined;
  return { gitDir, workTree, commonDir: path.resolve(workspace, commonDir), objectFormat };
}

async function initPrivate(gitDir: string, workspace: string): Promise<void> {
  await mkdir(gitDir, { recursive: true });
  const git = new GitRunner({ gitDir, workTree: workspace });
  await git.run(['init', '--quiet', '--bare', gitDir], { bare: true });
  await git.run(['config', 'core.bare', 'false'], { bare: true });
  await mkdir(path.join(gitDir, 'info'), { recursive: true });
  await writeFile(
    path.join(gitDir, 'info', 'exclude'),
    `# Continuum: folders left out of workspace snapshots\n${privateExcludes.join('\n')}\n`,
  );
}

/** Makes (or brings up to date) our repository that borrows the user's objects, config and excludes. */
async function initBorrowing(
  gitDir: string,
  user: GitLocation & { commonDir: string; objectFormat: string },
): Promise<void> {
  if (!(await exists(path.join(gitDir, 'HEAD')))) {
    await mkdir(gitDir, { recursive: true });
    const git = new GitRunner({ gitDir, workTree: user.workTree });
    await git.run(['init', '--quiet', '--bare', `--object-format=${user.objectFormat || 'sha1'}`, gitDir], {
      bare: true,
    });
    // The user's config first (line endings, file modes, filters, ignore rules), then ours, which wins.
    const config = await readFile(path.join(gitDir, 'config'), 'utf8');
    await writeFile(
      path.join(gitDir, 'config'),
      `${config}[include]\n\tpath = ${configString(path.join(user.commonDir, 'config'))}\n` +
        '[core]\n\tbare = false\n\tlogAllRefUpdates = false\n[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n',
    );
  }
  await mkdir(path.join(gitDir, 'objects', 'info'), { recursive: true });
  await writeIfChanged(path.join(gitDir, 'objects', 'info', 'alternates'), `${path.join(user.commonDir, 'objects')}\n`);
  await syncExcludes(gitDir, user.commonDir);
}

/** Our info/exclude follows the user's (the snapshots see what `git status` sees). */
export async function syncExcludes(gitDir: string, userCommonDir: string): Promise<void> {
  const theirs = await readFile(path.join(userCommonDir, 'info', 'exclude'), 'utf8').catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    },
  );
  await mkdir(path.join(gitDir, 'info'), { recursive: true });
  await writeIfChanged(path.join(gitDir, 'info', 'exclude'), theirs);
}

async function writeIfChanged(file: string, content: string): Promise<void> {
  const now = await readFile(file, 'utf8').catch(() => undefined);
  if (now !== content) await writeFile(file, content);
}

/** A path as a git config value (quoted, backslashes and quotes escaped). */
function configString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return false;
    throw err;
  }
}
