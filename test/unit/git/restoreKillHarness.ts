// Restores SIGKILLed on real git workspaces, shared by the system test (restoreKills.test.ts: each
// step boundary once, and a few rounds of the loop) and `npm run soak:checkpoint` (the loop, long).
// A scene is a real repository (history, a stash, a dirty index, ignored files, a nested repository)
// with two checkpoints, the agent's changes between them, a session's tasks whose status changed
// since the first, and then a person's files that no snapshot ever saw (some with odd names) and a
// symlink. The first checkpoint is restored by a child process that is SIGKILLed at a step boundary
// or at a random moment, maybe again and again, then restored to the end. After every kill and at
// the end: nothing no snapshot saw is removed or overwritten, HEAD, the index, branches and the
// stash are untouched, and the tasks are either all as before the restore or all as the checkpoint
// had them (the state half is one durable write); at the end the restore has done its job.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { openContinuum } from '../../../src/core/continuum';
import type { RestoreStep } from '../../../src/core/git/checkpointFiles';
import type { TaskStatus } from '../../../src/core/tasks/model';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { bundleForNode } from '../fakes/bundledCli';
import { seededRandom } from '../fakes/random';
import { cleanup, fingerprint, git, makeRepo, read, tempDir, write } from './realRepo';

export const restoreSteps: RestoreStep[] = [
  'files saved',
  'state saved',
  'backup linked',
  'files removed',
  'files written',
];

/** What no snapshot saw, or git ignores: a restore must leave each byte of it. */
export const personal: Record<string, string> = {
  'mine.txt': "a person's file, made after the last snapshot\n",
  'ignored/new.txt': 'ignored, made after the checkpoint\n',
  'ignored/cache.txt': 'ignored\n',
  'debug.log': 'ignored log\n',
  out: 'an untracked file where the checkpoint had a folder\n',
  'vendor/lib/lib.js': 'module.exports = 1;\n',
  'mine\nwith a newline.txt': 'an odd name no snapshot saw\n',
  'mine "quoted" \\ name.txt': 'an odd name no snapshot saw\n',
  ' ünïcödé mine.txt': 'an odd name no snapshot saw\n',
  'odd/-mine.txt': 'beside files the restore writes back\n',
};

/** Files with odd names that the checkpoint holds and the agent deleted afterwards: a restore writes them back. */
const oddInCheckpoint: Record<string, string> = {
  'odd/space name.txt': 'odd name, in the checkpoint\n',
  'odd/-dash.txt': 'odd name, in the checkpoint\n',
  'odd/tab\there.txt': 'odd name, in the checkpoint\n',
  'odd/new\nline.txt': 'odd name, in the checkpoint\n',
  'odd/ünï "q".txt': 'odd name, in the checkpoint\n',
};

/** Files the agent made after the checkpoint, seen by a snapshot: a restore removes them. */
const seenCreated = ['seen.ts', 'seen odd\nname.txt', 'src/seen "too".ts'];

const titles = ['r1', 'r2', 'r3', 'r4'];

export interface RestoreScene {
  root: string;
  storeDir: string;
  /** The symlink's target, outside the workspace: nothing may be written there. */
  elsewhere: string;
  checkpointId: string;
  /** The repository's fingerprint before any restore (HEAD, index, refs, objects, stash, nested HEAD). */
  before: Record<string, string>;
  /** The tasks' statuses by title, as the checkpoint holds them and as they were before the restore. */
  atCheckpoint: Record<string, TaskStatus>;
  beforeRestore: Record<string, TaskStatus>;
}

export async function makeRestoreScene(): Promise<RestoreScene> {
  const root = makeRepo();
  const storeDir = tempDir('store');
  const elsewhere = tempDir('elsewhere');
  const core = await openContinuum({ folder: storeDir, fs: nodeFileSystem, workspaceFolder: root });
  try {
    const tasks = await core.tasks.createMany(titles.map(title => ({ title })));
    const id = (title: string) => tasks[titles.indexOf(title)].id;
    const sessionId = (await core.sessions.create({ name: 'killed restore', taskIds: tasks.map(t => t.id) })).id;
    await core.tasks.setStatus(id('r1'), 'done');
    write(root, 'out/a.txt', 'in the checkpoint\n');
    for (const [file, content] of Object.entries(oddInCheckpoint)) write(root, file, content);
    const { checkpoint } = await core.files!.createCheckpoint({ sessionId, trigger: 'manual' });
    const atCheckpoint = statusesOf(core.tasks.list());

    write(root, 'src/a.ts', 'agent edit\n');
    for (const file of seenCreated) write(root, file, 'made by the agent, seen by a snapshot\n');
    rmSync(path.join(root, 'out'), { recursive: true });
    rmSync(path.join(root, 'odd'), { recursive: true });
    await core.tasks.setStatus(id('r2'), 'done');
    await core.tasks.setStatus(id('r3'), 'skipped');
    await core.files!.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
    await core.tasks.setStatus(id('r4'), 'cancelled');
    const beforeRestore = statusesOf(core.tasks.list());

    for (const [file, content] of Object.entries(personal)) write(root, file, content);
    symlinkSync(elsewhere, path.join(root, 'link'));
    return {
      root,
      storeDir,
      elsewhere,
      checkpointId: checkpoint.id,
      before: fingerprint(root),
      atCheckpoint,
      beforeRestore,
    };
  } finally {
    await core.close();
  }
}

export function removeRestoreScene(scene: RestoreScene): void {
  cleanup(scene.root, scene.storeDir, scene.elsewhere);
}

function statusesOf(tasks: ReadonlyArray<{ title: string; status: TaskStatus }>): Record<string, TaskStatus> {
  return Object.fromEntries(tasks.filter(t => titles.includes(t.title)).map(t => [t.title, t.status]));
}

/** The restoring child bundled as a Node script (with the store's worker beside it); returns the script. */
export function buildRestoreChild(outDir: string): string {
  return bundleForNode(outDir, path.join(__dirname, 'restoreChild.ts'), 'restore-child.js');
}

/** Where the child dies: it SIGKILLs itself at a step boundary, or its parent SIGKILLs it this long after it opened the store. */
export type KillAt = RestoreStep | { afterMs: number };

/**
 * Restores the scene's checkpoint (tasks and files) in a child process that is SIGKILLed at `killAt`.
 * 'killed', or 'restored' when the restore finished first; rejects when the child failed.
 */
export function runRestoreChild(child: string, scene: RestoreScene, killAt: KillAt): Promise<'killed' | 'restored'> {
  return new Promise((resolve, reject) => {
    const step = typeof killAt === 'string' ? killAt : '';
    const proc = spawn(process.execPath, [child, scene.storeDir, scene.root, scene.checkpointId, step], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (typeof killAt !== 'string' && !timer && stdout.includes('open\n'))
        timer = setTimeout(() => proc.kill('SIGKILL'), killAt.afterMs);
    });
    proc.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0 && stdout.includes('restored\n')) resolve('restored');
      else reject(new Error(`the restoring child failed (exit ${code}, signal ${signal}): ${stderr.slice(-2000)}`));
    });
  });
}

/** After a kill, or after the restore finished: nothing the checkpoint never saw is destroyed, the branch never moves. */
export function assertNothingDestroyed(scene: RestoreScene, when: string): void {
  const { root } = scene;
  for (const [file, content] of Object.entries(personal))
    assert.equal(read(root, file), content, `${JSON.stringify(file)} ${when}`);
  assert.ok(lstatSync(path.join(root, 'link')).isSymbolicLink(), `the link ${when}`);
  assert.equal(readlinkSync(path.join(root, 'link')), scene.elsewhere, `the link's target ${when}`);
  assert.equal(read(scene.elsewhere, 'a.txt'), undefined, `nothing written through the link ${when}`);
  assert.deepEqual(fingerprint(root), scene.before, `HEAD, index, branches, stash ${when}`);
  assert.equal(git(root, 'symbolic-ref', 'HEAD').trim(), 'refs/heads/main', `the branch ${when}`);
}

/** The tasks as the store has them now: all as before the restore, or all as the checkpoint had them, never a mix. */
export async function assertTasksConsistent(scene: RestoreScene, when: string): Promise<'before' | 'restored'> {
  const core = await openContinuum({ folder: scene.storeDir, fs: nodeFileSystem, readOnly: true });
  try {
    const now = statusesOf(core.tasks.list());
    if (JSON.stringify(now) === JSON.stringify(scene.beforeRestore)) return 'before';
    assert.deepEqual(
      now,
      scene.atCheckpoint,
      `the tasks ${when} are neither all as before the restore (${JSON.stringify(scene.beforeRestore)}) nor all as the checkpoint had them`,
    );
    return 'restored';
  } finally {
    await core.close();
  }
}

/** After the restore finished: its job is done, and still nothing the checkpoint never saw is destroyed. */
export async function assertRestored(scene: RestoreScene, when: string): Promise<void> {
  assertNothingDestroyed(scene, when);
  const { root } = scene;
  assert.equal(read(root, 'src/a.ts'), 'export const a = 1;\n', `the checkpoint's src/a.ts ${when}`);
  for (const file of seenCreated)
    assert.ok(
      !existsSync(path.join(root, file)),
      `${JSON.stringify(file)}, seen created by a snapshot, removed ${when}`,
    );
  for (const [file, content] of Object.entries(oddInCheckpoint))
    assert.equal(read(root, file), content, `${JSON.stringify(file)} written back ${when}`);
  assert.equal(await assertTasksConsistent(scene, when), 'restored', `the tasks as the checkpoint had them ${when}`);
}

/** Restores the scene's checkpoint in this process, to the end. */
export async function restoreToTheEnd(scene: RestoreScene): Promise<void> {
  const core = await openContinuum({ folder: scene.storeDir, fs: nodeFileSystem, workspaceFolder: scene.root });
  try {
    await core.files!.restore(scene.checkpointId, 'both');
  } finally {
    await core.close();
  }
}

export interface RestoreKillOptions {
  /** The bundled child (buildRestoreChild). */
  child: string;
  /** Kills in all; each scene takes one to three in a row before its restore runs to the end. */
  kills: number;
  seed: number;
  /** Start no new scene after this long (the soak's time box); without it, run until `kills`. */
  budgetMs?: number;
  /**
   * Random kill moments are drawn from [0, window] after the child opened the store; the window
   * starts at maxDelayMs and follows how long restores take: it shrinks when a restore finished
   * before its kill, and grows when the kills keep landing, so that they spread over the whole restore.
   */
  maxDelayMs?: number;
  log?: (line: string) => void;
  progressEvery?: number;
}

export interface RestoreKillStats {
  kills: number;
  /** Kills at each step boundary. */
  atStep: Record<RestoreStep, number>;
  /** Kills at random moments, and random moments that came after the restore had finished. */
  atRandom: number;
  finishedBeforeRandomKill: number;
  /** The window random kill moments were drawn from at the end, in ms after the child opened the store. */
  randomWindowMs: number;
  scenes: number;
  /** After a kill, how often the tasks were found as before the restore, and as the checkpoint had them. */
  tasksFoundBefore: number;
  tasksFoundRestored: number;
  elapsedMs: number;
}

/**
 * Scenes one after another, until `kills` restores were killed: each kill alternates between the
 * next step boundary (in turn) and a random moment. Throws an AssertionError at the first broken
 * contract, naming the scene, the kill and the seed.
 */
export async function runRestoreKills(o: RestoreKillOptions): Promise<RestoreKillStats> {
  const random = seededRandom(o.seed);
  let window = o.maxDelayMs ?? 1500;
  const started = Date.now();
  const stats: RestoreKillStats = {
    kills: 0,
    atStep: Object.fromEntries(restoreSteps.map(s => [s, 0])) as Record<RestoreStep, number>,
    atRandom: 0,
    finishedBeforeRandomKill: 0,
    randomWindowMs: 0,
    scenes: 0,
    tasksFoundBefore: 0,
    tasksFoundRestored: 0,
    elapsedMs: 0,
  };
  let attempt = 0;
  while (stats.kills < o.kills && (o.budgetMs === undefined || Date.now() - started < o.budgetMs)) {
    const scene = await makeRestoreScene();
    stats.scenes++;
    try {
      const inARow = 1 + Math.floor(random() * 3);
      for (let k = 0; k < inARow && stats.kills < o.kills; k++) {
        const killAt: KillAt =
          attempt % 2 === 0
            ? restoreSteps[(attempt / 2) % restoreSteps.length]
            : { afterMs: Math.floor(random() * window) };
        attempt++;
        const what = `scene ${stats.scenes}, kill ${k + 1} in a row ${typeof killAt === 'string' ? `at '${killAt}'` : `${killAt.afterMs} ms after the store opened`} (seed ${o.seed})`;
        const outcome = await runRestoreChild(o.child, scene, killAt);
        if (typeof killAt !== 'string')
          window = outcome === 'restored' ? Math.max(100, window * 0.85) : Math.min(10_000, window * 1.05);
        if (outcome === 'restored') {
          stats.finishedBeforeRandomKill++;
          await assertRestored(scene, `after a restore that finished before its kill, ${what}`);
          break;
        }
        stats.kills++;
        if (typeof killAt === 'string') stats.atStep[killAt]++;
        else stats.atRandom++;
        assertNothingDestroyed(scene, `after ${what}`);
        if ((await assertTasksConsistent(scene, `after ${what}`)) === 'before') stats.tasksFoundBefore++;
        else stats.tasksFoundRestored++;
        if (o.progressEvery && stats.kills % o.progressEvery === 0)
          o.log?.(`${stats.kills} kills over ${stats.scenes} scenes, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
      await restoreToTheEnd(scene);
      await assertRestored(scene, `after the restore ran again to the end (scene ${stats.scenes}, seed ${o.seed})`);
    } catch (err) {
      if (err instanceof Error)
        err.message += `\n(the scene is kept for inspection: workspace ${scene.root}, store ${scene.storeDir})`;
      throw err;
    }
    removeRestoreScene(scene);
  }
  stats.elapsedMs = Date.now() - started;
  stats.randomWindowMs = Math.round(window);
  return stats;
}
