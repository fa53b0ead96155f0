// Real temporary git repositories for the snapshot tests, and a fingerprint of everything a
// snapshot or restore must leave byte-identical: HEAD, the index file, branches, tags, the stash.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return {
    ...env,
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 't@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 't@example.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
  };
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'protocol.file.allow=always', ...args], {
    cwd,
    env: cleanEnv(),
    encoding: 'utf8',
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `continuum-${prefix}-`));
}

export function write(root: string, rel: string, content: string | Uint8Array): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), content);
}

export function read(root: string, rel: string): string | undefined {
  const p = path.join(root, rel);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

export const binary = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);

/**
 * A repository with history, a second branch, a stash, a tag, a dirty index (a staged change that
 * differs from the working tree), tracked, untracked, ignored and binary files, and a nested
 * repository that is not a submodule.
 */
export function makeRepo(): string {
  const root = tempDir('repo');
  git(root, 'init', '-q');
  write(root, '.gitignore', 'ignored/\n*.log\n');
  write(root, 'src/a.ts', 'export const a = 1;\n');
  write(root, 'src/b.ts', 'export const b = 1;\n');
  write(root, 'assets/logo.bin', binary);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'first');
  git(root, 'branch', 'feature');
  git(root, 'tag', 'v1');
  write(root, 'src/a.ts', 'export const a = 2; // stashed\n');
  git(root, 'stash', '-q');
  write(root, 'src/b.ts', 'export const b = 2; // staged\n');
  git(root, 'add', 'src/b.ts');
  write(root, 'src/b.ts', 'export const b = 3; // working tree\n');
  write(root, 'notes.txt', 'untracked notes\n');
  write(root, 'ignored/cache.txt', 'ignored\n');
  write(root, 'debug.log', 'ignored log\n');
  const nested = path.join(root, 'vendor/lib');
  mkdirSync(nested, { recursive: true });
  git(nested, 'init', '-q');
  write(nested, 'lib.js', 'module.exports = 1;\n');
  git(nested, 'add', '-A');
  git(nested, 'commit', '-q', '-m', 'nested');
  return root;
}

/** Everything about the user's repository that Continuum must never change, as one comparable value. */
export function fingerprint(root: string): Record<string, string> {
  const dotGit = path.join(root, '.git');
  const hash = (p: string) => (existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'missing');
  return {
    HEAD: readFileSync(path.join(dotGit, 'HEAD'), 'utf8'),
    index: hash(path.join(dotGit, 'index')),
    // all refs: Continuum's live in its own repository, never here
    refs: git(root, 'for-each-ref', '--format=%(refname) %(objectname)'),
    // no object is added: snapshots write only to Continuum's own object directory
    objects: readdirSync(path.join(dotGit, 'objects'), { recursive: true }).map(String).sort().join('\n'),
    stash: git(root, 'stash', 'list', '--format=%H %s'),
    stagedDiff: git(root, 'diff', '--cached', '--name-status'),
    nestedHead: git(path.join(root, 'vendor/lib'), 'rev-parse', 'HEAD'),
  };
}

/** git in Continuum's own snapshot repository of a store folder (where snapshot commits and refs live). */
export function snapshotGit(storeDir: string, ...args: string[]): string {
  return git(storeDir, '--git-dir', path.join(storeDir, 'snapshots', 'repo.git'), ...args);
}

export function cleanup(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
