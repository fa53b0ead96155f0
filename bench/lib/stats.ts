// Small helpers for the benchmarks: percentiles, timing, a real-disk folder, a seeded PRNG.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
export { seededRandom as rng } from '../../test/unit/fakes/random';

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export async function time<T>(fn: () => T | Promise<T>): Promise<[ms: number, result: T]> {
  const t = performance.now();
  const result = await fn();
  return [performance.now() - t, result];
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The file system type of the mount holding `dir` (from /proc/mounts; 'unknown' elsewhere). */
export function fsTypeOf(dir: string): string {
  try {
    const real = fs.realpathSync(dir);
    let best = { mount: '', type: 'unknown' };
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, mount, type] = line.split(' ');
      if (
        mount &&
        (real === mount || real.startsWith(mount.endsWith('/') ? mount : `${mount}/`)) &&
        mount.length > best.mount.length
      )
        best = { mount, type };
    }
    return best.type;
  } catch {
    return 'unknown';
  }
}

/**
 * A fresh folder on a real disk: under os.tmpdir() unless that is a RAM file system, else under
 * bench/results (git-ignored).
 */
export function realDiskFolder(prefix: string): { folder: string; fsType: string } {
  const memory = new Set(['tmpfs', 'ramfs']);
  let base = os.tmpdir();
  if (memory.has(fsTypeOf(base))) {
    base = path.join(__dirname, '..', 'results');
    fs.mkdirSync(base, { recursive: true });
  }
  const folder = fs.mkdtempSync(path.join(base, prefix));
  return { folder, fsType: fsTypeOf(folder) };
}
