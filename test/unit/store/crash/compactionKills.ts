// SIGKILL at every step boundary of a compaction, on the real file system: the child stops itself
// just before the compaction's n-th change to the disk (n = 0, 1, 2 … until a compaction
// finishes). After each kill every acknowledged change must be there — also when state.db is then
// damaged (recovery from the newest backup plus the journal). And a disk that fills up: the
// writer is refused cleanly, what it acknowledged is kept, readers still read, and once space is
// freed the store is writable again. Used by test/unit/store/crash.test.ts and bench/soak-store.ts.
import { spawnSync, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';
import type { Migration } from '../../../../src/core/store/schema';
import { openStore } from '../../../../src/core/store/store';
import { nodeFileSystem } from '../../../../src/node/fileSystem';
import { buildStoreWorker } from './storeWorkerBuild';

export const kvMigrations: Migration[] = [
  { version: 1, description: 'kv', sql: 'CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);' },
];

export function buildCompactionChild(outDir: string): string {
  const outfile = path.join(outDir, 'compaction-child.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'compactionChild.ts')],
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

interface Line {
  t: string;
  k?: string;
  error?: string;
}

function runChild(
  child: string,
  args: string[],
): { lines: Line[]; signal: NodeJS.Signals | null; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [child, ...args], { encoding: 'utf8', timeout: 60_000 });
  const lines = r.stdout
    .split('\n')
    .filter(l => l.startsWith('{'))
    .flatMap(l => {
      try {
        return [JSON.parse(l) as Line];
      } catch {
        return []; // a line cut by the kill was never complete
      }
    });
  return { lines, signal: r.signal, status: r.status, stderr: r.stderr };
}

async function storedKeys(
  folder: string,
  readOnly: boolean,
): Promise<{ keys: Set<string>; recovery: string[]; readOnlyReason?: string }> {
  const store = await openStore({ folder, fs: nodeFileSystem, readOnly, migrations: kvMigrations, idleCompactMs: 0 });
  const keys = new Set(store.all<{ k: string }>('SELECT k FROM kv').map(r => r.k));
  const { recovery, readOnlyReason } = store.health();
  await store.close();
  return { keys, recovery, readOnlyReason };
}

export interface CompactionKillStats {
  rounds: number;
  kills: number;
  boundaries: number;
  acknowledged: number;
  damagedSnapshotRecoveries: number;
}

/** `rounds` compactions, each killed at every one of its step boundaries in turn. Throws at the first lost change. */
export async function killCompactions(
  child: string,
  work: string,
  rounds: number,
  log: (line: string) => void = () => undefined,
): Promise<CompactionKillStats> {
  const folder = path.join(work, 'compaction-store');
  const acked = new Set<string>();
  const stats: CompactionKillStats = {
    rounds: 0,
    kills: 0,
    boundaries: 0,
    acknowledged: 0,
    damagedSnapshotRecoveries: 0,
  };
  for (let round = 0; round < rounds; round++) {
    for (let n = 0; ; n++) {
      const run = runChild(child, [folder, String(n), '5', `r${round}n${n}`]);
      const failed = run.lines.find(l => l.t === 'error');
      if (failed) throw new Error(`compaction child failed (round ${round}, boundary ${n}): ${failed.error}`);
      for (const l of run.lines) if (l.t === 'ack') acked.add(l.k!);
      const finished = run.lines.some(l => l.t === 'compacted');
      if (!finished && run.signal !== 'SIGKILL')
        throw new Error(`compaction child ended without a kill (status ${run.status}): ${run.stderr.slice(0, 2000)}`);
      if (!finished) stats.kills++;
      stats.boundaries = Math.max(stats.boundaries, n);
      // As found after the kill, read-only: nothing lost, nothing to recover.
      const seen = await storedKeys(folder, true);
      const lost = [...acked].filter(k => !seen.keys.has(k));
      if (lost.length)
        throw new Error(
          `after a kill before disk change ${n} of a compaction, ${lost.length} acknowledged changes are missing: ${lost.slice(0, 5).join(', ')}`,
        );
      if (seen.recovery.length)
        throw new Error(
          `after a kill before disk change ${n} of a compaction, opening needed recovery: ${seen.recovery.join(' | ')}`,
        );
      // And if state.db is damaged now: the newest backup plus the journal must still hold everything.
      const copy = path.join(work, 'damaged-copy');
      fs.rmSync(copy, { recursive: true, force: true });
      fs.cpSync(folder, copy, { recursive: true });
      if (fs.existsSync(path.join(copy, 'state.db'))) {
        fs.writeFileSync(path.join(copy, 'state.db'), Buffer.alloc(4096, 0x5a));
        const recovered = await storedKeys(copy, false);
        const lostAfterDamage = [...acked].filter(k => !recovered.keys.has(k));
        if (lostAfterDamage.length)
          throw new Error(
            `after a kill before disk change ${n} of a compaction and a damaged state.db, ${lostAfterDamage.length} acknowledged changes are missing: ${recovered.recovery.join(' | ')}`,
          );
        stats.damagedSnapshotRecoveries++;
      }
      if (finished) break;
    }
    stats.rounds++;
    if ((round + 1) % 10 === 0)
      log(
        `${round + 1} compactions, ${stats.kills} kills at their step boundaries, ${acked.size} acknowledged changes verified`,
      );
  }
  stats.acknowledged = acked.size;
  return stats;
}

export interface FullDiskStats {
  rounds: number;
  acknowledged: number;
  refusedCleanly: number;
}

/** A small tmpfs filled by the writer itself. Returns undefined when this process may not mount. */
export async function fillDisk(child: string, work: string, rounds: number): Promise<FullDiskStats | undefined> {
  const mountPoint = path.join(work, 'small-disk');
  fs.mkdirSync(mountPoint, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const stats: FullDiskStats = { rounds: 0, acknowledged: 0, refusedCleanly: 0 };
  try {
    const reserve = path.join(mountPoint, 'reserve');
    for (let round = 0; round < rounds; round++) {
      // A store of its own each round: SQLite keeps the pages of the last one, so it never shrinks back.
      const folder = path.join(mountPoint, `store-${round}`);
      const acked = new Set<string>();
      fs.writeFileSync(reserve, Buffer.alloc(1200 * 1024)); // what "the user" frees afterwards: room for a compaction
      const run = runChild(child, [folder, 'fill', '0', `fill${round}`]);
      const failed = run.lines.find(l => l.t === 'error');
      if (failed) throw new Error(`the writer failed on a full disk instead of being refused cleanly: ${failed.error}`);
      if (run.status !== 0)
        throw new Error(
          `the writer crashed on a full disk (status ${run.status}, signal ${run.signal}): ${run.stderr.slice(0, 2000)}`,
        );
      const refused = run.lines.find(l => l.t === 'refused');
      if (!refused || !/full|ENOSPC|could not write/i.test(refused.error ?? ''))
        throw new Error(`the writer was not told the disk is full: ${refused?.error}`);
      stats.refusedCleanly++;
      for (const l of run.lines) if (l.t === 'ack') acked.add(l.k!);
      const reader = await storedKeys(folder, false); // a writer's open on a full disk: reads, read-only
      const lost = [...acked].filter(k => !reader.keys.has(k));
      if (lost.length) throw new Error(`on a full disk, ${lost.length} acknowledged changes are missing`);
      fs.rmSync(reserve);
      // Space freed: the next open compacts (the journal it could not before) and writes again.
      const after = await storedKeys(folder, false);
      if (after.readOnlyReason) throw new Error(`still read-only after space was freed: ${after.readOnlyReason}`);
      if (!after.keys.has([...acked].pop() ?? ''))
        throw new Error('the last acknowledged change is missing after space was freed');
      fs.rmSync(folder, { recursive: true, force: true });
      stats.acknowledged += acked.size;
      stats.rounds++;
    }
  } finally {
    execFileSync('umount', [mountPoint], { stdio: 'ignore' });
  }
  return stats;
}

export function tmpWork(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-compaction-kills-'));
}
