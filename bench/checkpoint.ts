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
//   restore_ms     preview + restore of the files to the first snapshot (3 edited files written back, the new ones removed)
//   shadow_first_ms, shadow_incr_ms   the hidden repository: first add -A + commit, then after 3 edits + 1 new file
//   disk_mb        growth of the repository's .git (none expected) plus Continuum's snapshot folder in its store
//   shadow_disk_mb size of the hidden repository's git directory
// scoped, unscoped and the hidden repository's incremental commit run in 5 interleaved rounds (so
// both approaches meet the same load on a shared machine); each figure is the median, the rounds
// are listed in *_all_ms, and `load` is the load average at the end.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { openContinuum } from '../src/core/continuum';
import { WorkspaceSnapshots } from '../src/core/git/workspaceSnapshots';
import { nodeFileSystem } from '../src/node/fileSystem';
import { median, realDiskFolder, round } from './lib/stats';

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'b@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'b@example.invalid',
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'gc.auto=0', ...args], {
    cwd,
    env,
    maxBuffer: 1 << 30,
  }).toString();

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

/** Rounds of edit-and-checkpoint; each figure is the median of its rounds (the machine may be shared). */
const rounds = 5;

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
    for (let i = 0; i < 200; i++)
      w.run(
        'INSERT INTO tasks (id, seq, title, status, priority, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [`t${i}`, i, `Task ${i}`, i < 50 ? 'done' : 'pending', 2, 0, 0],
      );
  });
  const snapshots = await WorkspaceSnapshots.open(ws, storeDir);
  let n = 0;
  const ref = () => `refs/continuum/checkpoints/bench/${++n}`;
  const [first_ms, first] = await timed(() => snapshots.snapshot({ ref: ref(), message: 'first' }));
  const noop: number[] = [];
  for (let i = 0; i < 3; i++)
    noop.push((await timed(() => snapshots.snapshot({ ref: ref(), message: 'noop', parent: first })))[0]);

  // The hidden repository, over the same tree.
  const shadow = path.join(folder, 'shadow.git');
  const sh = (...args: string[]) => git(ws, `--git-dir=${shadow}`, `--work-tree=${ws}`, ...args);
  git(folder, 'init', '-q', '--bare', shadow);
  fs.writeFileSync(path.join(shadow, 'info', 'exclude'), '.git\n');
  const [shadow_first_ms] = await timed(async () => {
    sh('add', '-A');
    sh('commit', '-q', '-m', 'first');
  });

  // Interleaved rounds, so that both approaches meet the same load: scoped, unscoped, hidden repository.
  const scoped: number[] = [];
  const unscoped: number[] = [];
  const shadowIncr: number[] = [];
  let parent = first;
  for (let r = 0; r < rounds; r++) {
    const scopedPaths = edit(ws, files, `a${r}`);
    const [ms, snap] = await timed(() =>
      snapshots.snapshot({ ref: ref(), message: 'scoped', parent, paths: scopedPaths }),
    );
    if (snap.filesChanged !== 4)
      throw new Error(`unexpected: the scoped snapshot saw ${snap.filesChanged} files changed, not 4`);
    scoped.push(ms);
    edit(ws, files, `b${r}`);
    const [ums, usnap] = await timed(() => snapshots.snapshot({ ref: ref(), message: 'unscoped', parent: snap }));
    unscoped.push(ums);
    parent = usnap;
    edit(ws, files, `c${r}`);
    shadowIncr.push(
      (
        await timed(async () => {
          sh('add', '-A');
          sh('commit', '-q', '-m', 'incr');
        })
      )[0],
    );
  }
  const state: number[] = [];
  for (let i = 0; i < rounds; i++)
    state.push((await timed(() => core.sessions.createCheckpoint({ trigger: 'manual', note: 'state only' })))[0]);
  const [restore_ms, restored] = await timed(async () => {
    const current = await snapshots.snapshot({ ref: ref(), message: 'before restore', parent });
    const plan = await snapshots.planFileRestore(first.commit, current.commit, parent.commit);
    return snapshots.restoreFiles(first.commit, plan);
  });
  // 3 edited files written back; the files created in the rounds removed, but the last one, made after our last snapshot before it
  if (restored.written.length !== 3 || restored.removed.length !== 3 * rounds - 1) {
    throw new Error(`unexpected: restore wrote ${restored.written.length} and removed ${restored.removed.length}`);
  }
  // Continuum's snapshots: whatever the user's .git grew by (nothing, expected) plus its own folder.
  const disk_mb = duMb(path.join(ws, '.git')) - gitBefore + duMb(path.join(storeDir, 'snapshots'));
  await core.close();
  const shadow_disk_mb = duMb(shadow);
  fs.rmSync(folder, { recursive: true, force: true });
  const r = (x: number) => round(x, 1);
  return {
    files,
    first_ms: r(first_ms),
    noop_ms: r(median(noop)),
    scoped_ms: r(median(scoped)),
    unscoped_ms: r(median(unscoped)),
    state_ms: r(median(state)),
    restore_ms: r(restore_ms),
    shadow_first_ms: r(shadow_first_ms),
    shadow_incr_ms: r(median(shadowIncr)),
    disk_mb: r(disk_mb),
    shadow_disk_mb: r(shadow_disk_mb),
    scoped_all_ms: scoped.map(r),
    unscoped_all_ms: unscoped.map(r),
    shadow_incr_all_ms: shadowIncr.map(r),
    load: os.loadavg().map(x => round(x, 2)),
  };
}

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter(n => n > 0);
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
