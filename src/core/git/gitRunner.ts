// Runs git for the snapshot code: always with an argument array (never a shell line), with an
// explicit git directory and work tree, and optionally a private index file, so that nothing we
// run can pick up, or write to, the user's own index.
// Spawned directly (not through simple-git): a snapshot is a handful of short git processes, some
// fed through standard input (`--stdin`, `--index-info`), and at 100,000 files every process counts.
import { spawn } from 'node:child_process';

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
  /** Written to git's standard input. */
  input?: string;
  /** Exit codes besides 0 that are answers, not failures (e.g. 1 from check-ignore: nothing ignored). */
  okCodes?: readonly number[];
}

export class GitSnapshotError extends Error {
  /**
   * @param git the failed call, when git itself failed (its subcommand and what it said);
   *   `gitErrorMessage` turns it into a sentence for the person.
   */
  constructor(
    message: string,
    readonly git?: { command: string; said: string },
  ) {
    super(message);
    this.name = 'GitSnapshotError';
  }
}

// Snapshot commits carry a fixed identity, so they never depend on (or fail for lack of) the
// user's git configuration; auto-gc is off so a snapshot never repacks the user's repository.
const fixedConfig = [
  '-c',
  'gc.auto=0',
  '-c',
  'advice.addEmbeddedRepo=false',
  '-c',
  'core.quotepath=false',
  '-c',
  'maintenance.auto=false',
];
const identity = {
  GIT_AUTHOR_NAME: 'Continuum',
  GIT_AUTHOR_EMAIL: 'continuum@localhost',
  GIT_COMMITTER_NAME: 'Continuum',
  GIT_COMMITTER_EMAIL: 'continuum@localhost',
};

// Only what git needs from the host's environment: no GIT_* variable of the user's shell (ours must
// win), no editor or pager (simple-git refuses those, and nothing here is interactive).
const passedThrough =
  /^(PATH|Path|HOME|USERPROFILE|SYSTEMROOT|SystemRoot|COMSPEC|ComSpec|TMPDIR|TEMP|TMP|LANG|LC_ALL|LC_CTYPE|XDG_CONFIG_HOME|APPDATA|LOCALAPPDATA|SSH_AUTH_SOCK|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy)$/;

export function hostEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && passedThrough.test(key)) env[key] = value;
  return env;
}

/** Path arguments are passed in chunks of this many, well below any command-line length limit. */
export const pathChunk = 1000;

export class GitRunner {
  constructor(readonly location: GitLocation) {}

  private environment(call: GitCall): Record<string, string> {
    const env = hostEnvironment();
    Object.assign(env, identity, { GIT_DIR: this.location.gitDir, GIT_TERMINAL_PROMPT: '0' });
    if (!call.bare) env.GIT_WORK_TREE = this.location.workTree;
    if (call.indexFile) env.GIT_INDEX_FILE = call.indexFile;
    return env;
  }

  /** Runs git with `args`; resolves to its standard output. */
  async run(args: readonly string[], call: GitCall = {}): Promise<string> {
    return (await this.runRaw(args, call)).toString('utf8');
  }

  /** The bytes of `git show <spec>` (a blob), for binary-safe reads. */
  async showBytes(spec: string): Promise<Buffer> {
    try {
      return await this.runRaw(['show', spec], { bare: true });
    } catch (err) {
      throw new GitSnapshotError(
        `git could not read ${spec}: ${err instanceof Error ? err.message : String(err)}`,
        err instanceof GitSnapshotError ? err.git : undefined,
      );
    }
  }

  /** Runs `args` followed by `paths`, `pathChunk` at a time, after `--`. */
  async runForPaths(args: readonly string[], paths: readonly string[], call: GitCall = {}): Promise<string> {
    let out = '';
    for (let i = 0; i < paths.length; i += pathChunk)
      out += await this.run([...args, '--', ...paths.slice(i, i + pathChunk)], call);
    return out;
  }

  /** Runs git with `args`; resolves to its standard output as bytes. */
  runRaw(args: readonly string[], call: GitCall = {}): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const fail = (detail: string) =>
        reject(
          new GitSnapshotError(`git ${args[0]} failed in ${this.location.workTree}: ${detail}`, {
            command: args[0],
            said: detail,
          }),
        );
      const child = spawn('git', [...fixedConfig, ...args], {
        cwd: this.location.workTree,
        env: this.environment(call),
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', e => fail(`${e.message}. Check that git is installed and on the PATH.`));
      child.on('close', code => {
        if (code === 0 || (code !== null && call.okCodes?.includes(code))) resolve(Buffer.concat(out));
        else {
          // What git said, each line as git wrote it (a refused push: 'remote:' lines on stderr, the reason on stdout).
          const said = [
            Buffer.concat(err).toString('utf8').trim(),
            Buffer.concat(out).toString('utf8').trim().slice(0, 4000),
          ]
            .filter(Boolean)
            .join('\n');
          fail(said ? `\n${said}` : `exit code ${code}`);
        }
      });
      // git may exit before reading all of its input (an early error): that is reported by 'close'.
      child.stdin.on('error', () => undefined);
      child.stdin.end(call.input ?? '');
    });
  }
}

/** Splits NUL-terminated git output. */
export function splitNul(out: string): string[] {
  return out.split('\0').filter(s => s.length > 0);
}
