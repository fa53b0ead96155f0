// Runs git for the snapshot code: always with an argument array (never a shell line), with an
// explicit git directory and work tree, and optionally a private index file, so that nothing we
// run can pick up, or write to, the user's own index.
import { simpleGit } from 'simple-git';

export interface GitLocation {
  /** The git directory whose object store receives the snapshots. */
  gitDir: string;
  /** The folder whose files are snapshotted. */
  workTree: string;
}

export interface GitCall {
  /** A private index file (GIT_INDEX_FILE); without it git would use the repository's own index. */
  indexFile?: string;
  /** Lets the call run without the work tree (plumbing that only reads objects). */
  bare?: boolean;
}

export class GitSnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitSnapshotError';
  }
}

// Snapshot commits carry a fixed identity, so they never depend on (or fail for lack of) the
// user's git configuration; auto-gc is off so a snapshot never repacks the user's repository.
const fixedConfig = ['-c', 'gc.auto=0', '-c', 'advice.addEmbeddedRepo=false', '-c', 'core.quotepath=false', '-c', 'maintenance.auto=false'];
const identity = {
  GIT_AUTHOR_NAME: 'Continuum', GIT_AUTHOR_EMAIL: 'continuum@localhost',
  GIT_COMMITTER_NAME: 'Continuum', GIT_COMMITTER_EMAIL: 'continuum@localhost',
};

// Only what git needs from the host's environment: no GIT_* variable of the user's shell (ours must
// win), no editor or pager (simple-git refuses those, and nothing here is interactive).
const passedThrough = /^(PATH|Path|HOME|USERPROFILE|SYSTEMROOT|SystemRoot|COMSPEC|ComSpec|TMPDIR|TEMP|TMP|LANG|LC_ALL|LC_CTYPE|XDG_CONFIG_HOME|APPDATA|LOCALAPPDATA|SSH_AUTH_SOCK|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy)$/;

export function hostEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && passedThrough.test(key)) env[key] = value;
  return env;
}

/** Path arguments are passed in chunks of this many, well below any command-line length limit. */
export const pathChunk = 1000;

export class GitRunner {
  constructor(readonly location: GitLocation) {}

  private client(call: GitCall) {
    const env = hostEnvironment();
    Object.assign(env, identity, { GIT_DIR: this.location.gitDir, GIT_TERMINAL_PROMPT: '0' });
    if (!call.bare) env.GIT_WORK_TREE = this.location.workTree;
    if (call.indexFile) env.GIT_INDEX_FILE = call.indexFile;
    return simpleGit({ baseDir: this.location.workTree, config: [], allowEnvironment: Object.keys(env).filter(k => k.startsWith('GIT_')) }).env(env);
  }

  /** Runs git with `args`; resolves to its standard output. */
  async run(args: readonly string[], call: GitCall = {}): Promise<string> {
    try {
      return await this.client(call).raw([...fixedConfig, ...args]);
    } catch (err) {
      throw new GitSnapshotError(`git ${args[0]} failed in ${this.location.workTree}: ${err instanceof Error ? err.message.trim() : String(err)}`);
    }
  }

  /** The bytes of `git show <spec>` (a blob), for binary-safe reads. */
  async showBytes(spec: string): Promise<Buffer> {
    try {
      return await this.client({ bare: true }).showBuffer([spec]);
    } catch (err) {
      throw new GitSnapshotError(`git could not read ${spec}: ${err instanceof Error ? err.message.trim() : String(err)}`);
    }
  }

  /** Runs `args` followed by `paths`, `pathChunk` at a time, after `--`. */
  async runForPaths(args: readonly string[], paths: readonly string[], call: GitCall = {}): Promise<string> {
    let out = '';
    for (let i = 0; i < paths.length; i += pathChunk) out += await this.run([...args, '--', ...paths.slice(i, i + pathChunk)], call);
    return out;
  }
}

/** Splits NUL-terminated git output. */
export function splitNul(out: string): string[] {
  return out.split('\0').filter(s => s.length > 0);
}
