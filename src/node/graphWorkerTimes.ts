// CONTINUUM_GRAPH_TIMES=1 (a debugging aid): `continuum graph build` prints when each phase of the
// build ended, in milliseconds since the process started, with the CPU time of the thread that ran it
// (the CLI's main thread or the graph worker's). See src/cli/graph.ts.
import type { PhaseClock } from '../core/graph/parser';

/** The clock phases are marked with when CONTINUUM_GRAPH_TIMES is set; undefined otherwise. */
export function phaseClock(env: NodeJS.ProcessEnv = process.env): PhaseClock | undefined {
  if (!env.CONTINUUM_GRAPH_TIMES) return undefined;
  // the calling thread's own CPU time (Node 23.9+), else the process's
  const cpu = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage ?? (() => process.cpuUsage());
  return () => {
    const used = cpu();
    return { at: performance.timeOrigin + performance.now(), cpuMs: (used.user + used.system) / 1000 };
  };
}
