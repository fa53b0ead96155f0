// The profiler: p50, p95 and max duration per action kind and per internal operation (store write,
// graph update, checkpoint …), from the most recent samples of each, and which ones cost the most
// time in all (the hot paths).

export interface Timing {
  name: string;
  count: number;
  p50: number;
  p95: number;
  max: number;
  /** Sum of every sample seen, in ms: what ranks the hot paths. */
  totalMs: number;
}

const keep = 1000;

export class Profiler {
  private readonly samples = new Map<
    string,
    { ring: number[]; next: number; count: number; totalMs: number; max: number }
  >();

  record(name: string, ms: number): void {
    let s = this.samples.get(name);
    if (!s) {
      s = { ring: [], next: 0, count: 0, totalMs: 0, max: 0 };
      this.samples.set(name, s);
    }
    if (s.ring.length < keep) s.ring.push(ms);
    else s.ring[s.next] = ms;
    s.next = (s.next + 1) % keep;
    s.count++;
    s.totalMs += ms;
    if (ms > s.max) s.max = ms;
  }

  /** Times `fn` (sync or async) under `name`. */
  async time<T>(name: string, fn: () => Promise<T> | T, now: () => number = () => performance.now()): Promise<T> {
    const start = now();
    try {
      return await fn();
    } finally {
      this.record(name, now() - start);
    }
  }

  /** Every name's figures, hottest (most total time) first. */
  report(): Timing[] {
    return [...this.samples.entries()]
      .map(([name, s]) => {
        const sorted = [...s.ring].sort((a, b) => a - b);
        return {
          name,
          count: s.count,
          p50: percentile(sorted, 0.5),
          p95: percentile(sorted, 0.95),
          max: s.max,
          totalMs: s.totalMs,
        };
      })
      .sort((a, b) => b.totalMs - a.totalMs);
  }
}

/** Nearest-rank percentile of an ascending list; 0 for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
