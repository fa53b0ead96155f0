// Where a workspace's snapshots go: the workspace's own git repository (its object store, under
// private refs), or — for a folder without git — a git directory of our own inside the store
// folder whose work tree is the workspace.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { GitRunner, GitSnapshotError, hostEnvironment, type GitLocation } from './gitRunner';

export interface SnapshotRepository extends GitLocation {
  /** True when the workspace has no git repository and the snapshots live in the store folder. */
  privateGitDir: boolean;
}

/** Dependency and build folders a private snapshot repository leaves out. */
export const privateExcludes = ['node_modules/', 'dist/', 'build/', 'out/', '.git'];

export async function locateRepository(workspace: string, storeFolder: string): Promise<SnapshotRepository> {
  const found = await findRepository(workspace);
  if (found) return { ...found, privateGitDir: false };
  const gitDir = path.join(storeFolder, 'workspace.git');
  if (!(await exists(path.join(gitDir, 'HEAD')))) await initPrivate(gitDir, workspace);
  return { gitDir, workTree: workspace, privateGitDir: true };
}

export async function findRepository(workspace: string): Promise<GitLocation | undefined> {
  const env = hostEnvironment();
  let out: string;
  try {
    out = await simpleGit({ baseDir: workspace }).env(env).raw(['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--show-toplevel']);
  } catch (err) {
    if (err instanceof Error && /not a git repository/i.test(err.message)) return undefined;
    throw new GitSnapshotError(`Continuum could not ask git about ${workspace}: ${err instanceof Error ? err.message.trim() : String(err)}. Check that git is installed and on the PATH.`);
  }
  const [bare, gitDir, workTree] = out.trim().split('\n');
  if (bare === 'true' || !workTree) return undefined;
  return { gitDir, workTree };
}

async function initPrivate(gitDir: string, workspace: string): Promise<void> {
  await mkdir(gitDir, { recursive: true });
  const git = new GitRunner({ gitDir, workTree: workspace });
  await git.run(['init', '--quiet', '--bare', gitDir], { bare: true });
  await git.run(['config', 'core.bare', 'false'], { bare: true });
  await mkdir(path.join(gitDir, 'info'), { recursive: true });
  await writeFile(path.join(gitDir, 'info', 'exclude'), `# Continuum: folders left out of workspace snapshots\n${privateExcludes.join('\n')}\n`);
}

export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw err;
  }
}
