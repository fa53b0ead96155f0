// The kill loop shared by the crash test (test/unit/store/crash.test.ts) and the soak
// (bench/soak-store.ts): spawn a child on the same folder, let it make changes, SIGKILL it at a
// random moment, reopen the store here and check it against the model, then go again.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { buildSync } from 'esbuild';
import { openStore } from '../../../../src/core/store/store';
import { nodeFileSystem } from '../../../../src/node/fileSystem';
import { checkInvariants, emptyState, matchStore, readState, type ModelState } from './model';
import { buildStoreWorker } from './storeWorkerBuild';
import { childSeed, defaultChildConfig, rng, type ChildConfig, type ChildLine, type CrashOp } from './protocol';

/** Bundles child.ts (with sql.js) into one .js file beside a copy of sql-wasm.wasm and the store's worker; returns its path. */
export function buildChild(outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-crash-child-'))): string {
  const outfile = path.join(outDir, 'crash-child.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  buildStoreWorker(outDir);
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(outDir, 'sql-wasm.wasm'));
  return outfile;
}

export interface CrashRunOptions {
  /** The store's folder; every iteration reuses it. */
  folder: string;
  kills: number;
  seed: number;
  /** The child to run: a bundled .js (fast) or child.ts (run through tsx). */
  child: string;
  config?: Partial<ChildConfig>;
  /** Extra node flags for the child (e.g. --liftoff-only, which makes a cold sql.js start 3× faster). */
  nodeFlags?: string[];
  progressEvery?: number;
  log?: (line: string) => void;
}

export interface CrashRunStats {
  kills: number;
  killsDuringOpen: number;
  killsAfterDelay: number;
  killsAfterAcks: number;
  /** Acknowledged changes, each checked to be present after the kill that followed it. */
  acknowledged: number;
  /** Changes begun but not acknowledged when the child died, and how many of them were on disk anyway. */
  inFlight: number;
  inFlightOnDisk: number;
  /** Kills after which the last journal segment ended in a torn (unfinished) record. */
  tornTails: number;
  /** Time for this process to reopen the store (read-only) after a kill. */
  reopenMs: number[];
  /** Time the next child took to open it (with replay and the compaction that follows). */
  childOpenMs: number[];
  /** Time from the go signal to the child's first line (the open, seen from outside). */
  spawnToReadyMs: number[];
  finalTasks: number;
  finalCheckpoints: number;
  elapsedMs: number;
}

export class CrashViolation extends Error {
  constructor(
    message: string,
    readonly seed: number,
    readonly iteration: number,
  ) {
    super(`${message}\n(seed ${seed}, kill #${iteration + 1}; rerun with CRASH_SEED=${seed})`);
    this.name = 'CrashViolation';
  }
}

interface ChildRun {
  lines: ChildLine[];
  mode: 'open' | 'delay' | 'acks';
  exitedByItself: boolean;
  stderr: string;
  readyAt?: number;
}

export async function runCrashLoop(o: CrashRunOptions): Promise<CrashRunStats> {
  const config = { ...defaultChildConfig, ...o.config };
  const random = rng(o.seed);
  const log = o.log ?? (() => undefined);
  const started = performance.now();
  const stats: CrashRunStats = {
    kills: 0,
    killsDuringOpen: 0,
    killsAfterDelay: 0,
    killsAfterAcks: 0,
    acknowledged: 0,
    inFlight: 0,
    inFlightOnDisk: 0,
    tornTails: 0,
    reopenMs: [],
    childOpenMs: [],
    spawnToReadyMs: [],
    finalTasks: 0,
    finalCheckpoints: 0,
    elapsedMs: 0,
  };
  let model: ModelState = emptyState();
  let typicalReadyMs = 150;
  const start = (i: number) =>
    startChild(o.child, o.nodeFlags ?? [], [
      o.folder,
      String(childSeed(o.seed, i)),
      i.toString(36),
      JSON.stringify(config),
    ]);
  let next: StartedChild | undefined;

  try {
    return await loop();
  } finally {
    next?.kill();
  }

  async function loop(): Promise<CrashRunStats> {
    for (let i = 0; i < o.kills; i++) {
      const fail = (message: string): never => {
        throw new CrashViolation(message, o.seed, i);
      };
      const r = random();
      const mode: ChildRun['mode'] = r < 0.15 ? 'open' : r < 0.6 ? 'delay' : 'acks';
      const killAfter =
        mode === 'open'
          ? typicalReadyMs * (0.2 + random())
          : mode === 'delay'
            ? 5 + random() * 75
            : 1 + Math.floor(random() * 40);
      const current = next ?? start(i);
      next = i + 1 < o.kills ? start(i + 1) : undefined; // loads while this one runs and is checked
      const run = await current.go(mode, killAfter);
      const ready = run.lines.find(l => l.t === 'ready');
      if (ready && run.readyAt !== undefined) {
        stats.spawnToReadyMs.push(run.readyAt);
        typicalReadyMs = typicalReadyMs * 0.8 + run.readyAt * 0.2;
      }
      const error = run.lines.find(l => l.t === 'error');
      if (error) fail(`the child failed: ${error.error}`);
      if (run.exitedByItself) fail(`the child exited before it was killed.\n${run.stderr.slice(0, 2000)}`);
      if (ready) {
        stats.childOpenMs.push(ready.openMs);
        if (ready.recovery.length)
          fail(`the child's open needed recovery after the previous kill: ${ready.recovery.join(' | ')}`);
        if (ready.readOnly) fail(`the child opened read-only: ${ready.readOnlyReason}`);
      }
      const failed = run.lines.find(l => l.t === 'fail');
      if (failed) fail(`change #${failed.n} was refused: ${failed.error}`);
      stats.kills++;
      if (ready) stats[mode === 'delay' ? 'killsAfterDelay' : mode === 'acks' ? 'killsAfterAcks' : 'killsDuringOpen']++;
      else stats.killsDuringOpen++;

      // The changes the child began, in order, and which of them were acknowledged.
      const ops: CrashOp[] = [];
      const begun = new Map<number, number>();
      let lastAcked = -1;
      for (const line of run.lines) {
        if (line.t === 'begin') {
          begun.set(line.n, ops.length);
          ops.push(line.op);
        } else if (line.t === 'ack') {
          const at = begun.get(line.n);
          if (at === undefined) fail(`ack of change #${line.n}, which never began`);
          else lastAcked = Math.max(lastAcked, at);
        }
      }
      const acked = run.lines.filter(l => l.t === 'ack').length;
      stats.acknowledged += acked;
      const mandatory = ops.slice(0, lastAcked + 1);
      const optional = ops.slice(lastAcked + 1);
      stats.inFlight += ops.length - acked;

      // Let the next child take the dead one's lock over at once (as it would after the stale time).
      const lockDir = path.join(o.folder, 'lock.lock');
      if (fs.existsSync(lockDir)) {
        const past = new Date(Date.now() - 60_000);
        fs.utimesSync(lockDir, past, past);
      }

      const t0 = performance.now();
      let torn = false;
      const store = await openStore({
        folder: o.folder,
        fs: nodeFileSystem,
        readOnly: true,
        idleCompactMs: 0,
        logger: {
          info: m => {
            if (/unfinished last change/.test(m)) torn = true;
          },
          warn: () => undefined,
          error: () => undefined,
        },
      });
      stats.reopenMs.push(performance.now() - t0);
      try {
        if (torn) stats.tornTails++;
        const recovery = store.health().recovery;
        if (recovery.length) fail(`reopening after the kill needed recovery: ${recovery.join(' | ')}`);
        const actual = readState(store);
        const match = matchStore(actual, model, mandatory, optional);
        if (!match.state) {
          fail(
            `the reopened store does not hold the acknowledged changes (${acked} acknowledged, ${optional.length} in flight):\n  ${match.problems.join('\n  ')}`,
          );
        } else {
          model = match.state;
          stats.inFlightOnDisk += match.inFlightApplied;
        }
        const broken = checkInvariants(store);
        if (broken.length) fail(`invariants broken: ${broken.slice(0, 8).join('; ')}`);
      } finally {
        await store.close();
      }
      if (o.progressEvery && stats.kills % o.progressEvery === 0) {
        log(
          `${stats.kills} kills, ${stats.acknowledged} acknowledged changes verified, ${model.tasks.size} tasks, ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
      }
    }
    stats.finalTasks = model.tasks.size;
    stats.finalCheckpoints = model.checkpoints.size;
    stats.elapsedMs = performance.now() - started;
    return stats;
  }
}

interface StartedChild {
  /** Lets the child open the store; resolves once it has been killed (or died). */
  go(mode: ChildRun['mode'], killAfter: number): Promise<ChildRun>;
  kill(): void;
}

/** Spawns a child that loads and then waits for `go()` before it touches the store. */
function startChild(child: string, flags: string[], args: string[]): StartedChild {
  const execArgs = [...flags, ...(child.endsWith('.ts') ? ['--import', 'tsx'] : []), child, ...args];
  const proc = spawn(process.execPath, execArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 10_000) stderr += d.toString();
  });
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    proc.kill('SIGKILL');
  };
  const closed = new Promise<void>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', () => resolve());
  });
  proc.stdin.on('error', () => undefined); // the child may be gone already
  return {
    kill,
    go(mode, killAfter) {
      const run: ChildRun = { lines: [], mode, exitedByItself: false, stderr: '' };
      const goAt = performance.now();
      let buffer = '';
      let acks = 0;
      const timers: NodeJS.Timeout[] = [];
      if (mode === 'open') timers.push(setTimeout(kill, killAfter));
      timers.push(setTimeout(kill, 15_000)); // a child that hangs is killed anyway (and its lines still checked)
      proc.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const text = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const line = JSON.parse(text) as ChildLine;
          run.lines.push(line);
          if (killed) continue;
          if (line.t === 'ready') {
            run.readyAt = performance.now() - goAt;
            if (mode === 'delay') timers.push(setTimeout(kill, killAfter));
          } else if (line.t === 'ack' && mode === 'acks' && ++acks >= killAfter) {
            kill();
          }
        }
      });
      proc.stdin.end('go\n');
      return closed.then(() => {
        for (const t of timers) clearTimeout(t);
        // A partial last line (cut by the kill) was never complete, so it is not counted.
        run.exitedByItself = !killed;
        run.stderr = stderr;
        return run;
      });
    },
  };
}

/** Bytes of the store's files by kind, and leftover temporary files. */
export function folderFigures(folder: string): {
  snapshotBytes: number;
  journalBytes: number;
  journalSegments: number;
  backupBytes: number;
  backups: number;
  tmpFiles: number;
  tmpBytes: number;
} {
  const size = (p: string) => fs.statSync(p).size;
  const out = {
    snapshotBytes: 0,
    journalBytes: 0,
    journalSegments: 0,
    backupBytes: 0,
    backups: 0,
    tmpFiles: 0,
    tmpBytes: 0,
  };
  for (const name of fs.readdirSync(folder)) {
    const p = path.join(folder, name);
    if (name === 'state.db') out.snapshotBytes = size(p);
    else if (/^journal-\d+\.log$/.test(name)) {
      out.journalBytes += size(p);
      out.journalSegments++;
    } else if (name.endsWith('.tmp')) {
      out.tmpFiles++;
      out.tmpBytes += size(p);
    }
  }
  const backups = path.join(folder, 'backups');
  if (fs.existsSync(backups)) {
    for (const name of fs.readdirSync(backups)) {
      if (name.endsWith('.tmp')) {
        out.tmpFiles++;
        out.tmpBytes += size(path.join(backups, name));
      } else {
        out.backups++;
        out.backupBytes += size(path.join(backups, name));
      }
    }
  }
  return out;
}

export function summarize(values: number[]): { max: number; avg: number; p50: number } {
  if (!values.length) return { max: 0, avg: 0, p50: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    max: sorted[sorted.length - 1],
    avg: values.reduce((a, b) => a + b, 0) / values.length,
    p50: sorted[Math.floor(sorted.length / 2)],
  };
}
