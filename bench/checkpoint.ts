// Benchmark of checkpoints on generated git repositories, side by side with the hidden-repository
// approach other agents use (a separate git directory, `add -A` + `commit` over the same tree).
//   npm run bench:checkpoint            (10,000 and 100,000 files)
//   npm run bench:checkpoint -- 10000   (only the sizes given)
// Each workspace: a repository with two commits of history (90 % of the files tracked) plus 10 %
// untracked files and an ignored folder. Prints a table per size, then (last line) one JSON object.
//
//   first_ms       first workspace snapshot (Continuum's private index seeded from the repository's)
//   noop_ms        a checkpoint with nothing changed
//   scoped_ms      3 edits + 1 new file, the 4 paths given (as the file watcher gives them)
//   unscoped_ms    3 other edits + 1 new file, the whole tree examined
//   state_ms       a state-only checkpoint (200 tasks in the store)
//   restore_ms     preview + restore of the files to the first snapshot (3 edited files written back, 2 new ones removed)
//   shadow_first_ms, shadow_incr_ms   the hidden repository: first add -A + commit, then after 3 edits + 1 new file
//   disk_mb        growth of the repository's .git from all of Continuum's snapshots above
//   shadow_disk_mb size of the hidden repository's git directory
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { openContinuum } from '../src/core/continuum';
import { WorkspaceSnapshots } from '../src/core/git/workspaceSnapshots';
import { nodeFileSystem } from '../src/node/fileSystem';
import { realDiskFolder, round } from './lib/stats';

const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@example.invalid' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'gc.auto=0', ...args], { cwd, env, maxBuffer: 1 << 30 }).toString();

function duMb(dir: string): number {
  return Number(execFileSync('du', ['-sk', dir]).toString().split('\t')[0]) / 1024;
}

function generate(root: string, files: number): void {
  const tracked = Math.floor(files * 0.9);
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `pkg${i % 100}`, `mod${Math.floor(i / 100) % 100}`);
    if (i < 10_000) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `file${i}.ts`), `export const value${i} = ${i};\n// ${'x'.repeat(i % 200)}\n`);
    if (i === tracked - 1) {
      fs.writeFileSync(path.join(root, '.gitignore'), 'ignored/\n');
      git(root, 'init', '-q');
      git(root, 'add', '-A');
      git(root, 'commit', '-q', '-m', 'history 1');
      fs.writeFileSync(path.join(root, 'pkg0', 'mod0', 'file0.ts'), 'export const value0 = -1;\n');
      git(root, 'commit', '-q', '-am', 'history 2');
    }
  }
  fs.mkdirSync(path.join(root, 'ignored'), { recursive: true });
  for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(root, 'ignored', `cache${i}.bin`), 'ignored');
}

function edit(root: string, files: number, salt: string): string[] {
  const paths = [1, 2, 3].map(k => path.join(`pkg${(k * 37) % 100}`, `mod0`, `file${(k * 37) % 100}.ts`));
  for (const p of paths) fs.appendFileSync(path.join(root, p), `// edit ${salt}\n`);
  const created = path.join('pkg1', `new-${salt}-${files}.ts`);
  fs.writeFileSync(path.join(root, created), 'export {};\n');
  return [...paths, created];
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [performance.now() - started, result];
}

async function measure(files: number) {
  const { folder } = realDiskFolder(`checkpoint-${files}`);
  const ws = path.join(folder, 'ws');
  fs.mkdirSync(ws);
  const genStart = performance.now();
  generate(ws, files);
  console.log(`  generated ${files} files in ${round((performance.now() - genStart) / 1000, 1)} s`);
  const gitBefore = duMb(path.join(ws, '.git'));

  const storeDir = path.join(folder, 'store');
  const core = await openContinuum({ folder: storeDir, fs: nodeFileSystem, idleCompactMs: 0 });
  await core.store.write(w => {
    for (let i = 0; i < 200; i++) w.run('INSERT INTO tasks (id, seq, title, status, priority, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [`t${i}`, i, `Task ${i}`, i < 50 ? 'done' : 'pending', 2, 0, 0]);
  });
  const snapshots = await WorkspaceSnapshots.open(ws, storeDir);
  const ref = (n: number) => `refs/continuum/checkpoints/bench/${n}`;
  const [first_ms, first] = await timed(() => snapshots.snapshot({ ref: ref(1), message: 'first' }));
  const [noop_ms] = await timed(() => snapshots.snapshot({ ref: ref(2), message: 'noop', parent: first }));
  const scopedPaths = edit(ws, files, 'a');
  const [scoped_ms, scoped] = await timed(() => snapshots.snapshot({ ref: ref(3), message: 'scoped', parent: first, paths: scopedPaths }));
  edit(ws, files, 'b');
  const [unscoped_ms, unscoped] = await timed(() => snapshots.snapshot({ ref: ref(4), message: 'unscoped', parent: scoped }));
  const [state_ms] = await timed(() => core.sessions.createCheckpoint({ trigger: 'manual', note: 'state only' }));
  const [restore_ms, restored] = await timed(async () => {
    const current = await snapshots.snapshot({ ref: ref(5), message: 'before restore', parent: unscoped });
    const plan = await snapshots.planFileRestore(first.commit, current.commit, unscoped.commit);
    return snapshots.restoreFiles(first.commit, plan);
  });
  if (scoped.filesChanged !== 4 || restored.written.length !== 3 || restored.removed.length !== 2) {
    throw new Error(`unexpected: scoped changed ${scoped.filesChanged}, restore wrote ${restored.written.length} and removed ${restored.removed.length}`);
  }
  const disk_mb = duMb(path.join(ws, '.git')) - gitBefore;
  await core.close();

  // The hidden repository, over the same tree (now restored to the first snapshot's files).
  const shadow = path.join(folder, 'shadow.git');
  const sh = (...args: string[]) => git(ws, `--git-dir=${shadow}`, `--work-tree=${ws}`, ...args);
  git(folder, 'init', '-q', '--bare', shadow);
  fs.writeFileSync(path.join(shadow, 'info', 'exclude'), '.git\n');
  const [shadow_first_ms] = await timed(async () => { sh('add', '-A'); sh('commit', '-q', '-m', 'first'); });
  edit(ws, files, 'c');
  const [shadow_incr_ms] = await timed(async () => { sh('add', '-A'); sh('commit', '-q', '-m', 'incr'); });
  const shadow_disk_mb = duMb(shadow);
  fs.rmSync(folder, { recursive: true, force: true });
  const r = (n: number) => round(n, 1);
  return {
    files, first_ms: r(first_ms), noop_ms: r(noop_ms), scoped_ms: r(scoped_ms), unscoped_ms: r(unscoped_ms), state_ms: r(state_ms), restore_ms: r(restore_ms),
    shadow_first_ms: r(shadow_first_ms), shadow_incr_ms: r(shadow_incr_ms), disk_mb: r(disk_mb), shadow_disk_mb: r(shadow_disk_mb),
  };
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter(n => n > 0);
  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const files of sizes.length ? sizes : [10_000, 100_000]) {
    console.log(`workspace of ${files} files`);
    const m = await measure(files);
    for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(16)} ${v}`);
    results[String(files)] = m;
  }
  console.log(JSON.stringify(results));
}

void main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});
