// `continuum graph build | stats | affected` on an open store's knowledge graph (run by graphMain.ts).
import * as path from 'path';
import type { BuildSummary, KnowledgeGraph } from '../core/graph/knowledgeGraph';
import type { PhaseMark, ScanFolders } from '../core/graph/parser';
import { phaseClock } from '../node/graphWorkerTimes';

/** Prints the end of a phase of `graph build` (see graphTimes). */
export type PhaseTimes = (phase: string, mark?: PhaseMark) => void;

/**
 * With CONTINUUM_GRAPH_TIMES=1 (a debugging aid), `graph build` prints to standard error when each
 * phase of its work ended, in milliseconds since the process started, and the CPU time its thread
 * had used by then: the CLI's main thread, or the graph worker (its phases are named `worker: …`).
 * Undefined without the variable.
 */
export function graphTimes(env: NodeJS.ProcessEnv = process.env): PhaseTimes | undefined {
  const clock = phaseClock(env);
  if (!clock) return undefined;
  return (phase, mark = { phase, ...clock() }) =>
    console.error(
      `graph build: ${Math.round(mark.at - performance.timeOrigin)} ms (cpu ${Math.round(mark.cpuMs)} ms): ${phase}`,
    );
}

/** The folders `graph build FOLDER...` builds: absolute, with `/` separators; the current folder when none is named. */
export function buildRoots(operands: readonly string[]): string[] {
  return (operands.length ? operands : ['.']).map(f => path.resolve(f).replace(/\\/g, '/'));
}

/**
 * What the worker of `graph build FOLDER...` scans ahead of the build: the folders, with the
 * exclusions of a new graph (a stored graph's own are not known before the store opens; a build with
 * others scans again).
 */
export function scanAheadOf(folders: readonly string[]): ScanFolders {
  return { roots: buildRoots(folders), exclude: [] };
}

/** What `graph build` prints when it is done. */
export function buildLine(summary: BuildSummary): string {
  return `${summary.files} files (${summary.parsed} parsed, ${summary.failed} failed to parse, ${summary.skipped} skipped as too large, ${summary.removed} removed) in ${summary.durationMs} ms`;
}

export async function graphCommand(
  graph: KnowledgeGraph,
  [sub, ...operands]: string[],
  times?: PhaseTimes,
): Promise<number> {
  if (sub === 'build') {
    const roots = buildRoots(operands);
    const tty = process.stderr.isTTY;
    let shown = 0;
    const summary = await graph.build({
      onPhase: times,
      roots,
      exclude: graph.settings?.exclude ?? [],
      onProgress: ({ done, total }) => {
        // progress on stderr: a live line on a terminal, a line per 10% otherwise
        if (tty) process.stderr.write(`\rparsing ${done}/${total}`);
        else if (total && done * 10 >= (shown + 1) * total) {
          process.stderr.write(`parsing ${done}/${total}\n`);
          shown = Math.floor((done * 10) / total);
        }
      },
    });
    if (tty) process.stderr.write('\n');
    console.log(buildLine(summary));
    return 0;
  }
  if (!graph.isBuilt) {
    console.error(
      'continuum: this store has no knowledge graph yet; run `continuum graph build FOLDER --store DIR` first.',
    );
    return 1;
  }
  if (sub === 'stats') {
    const s = graph.getStatistics();
    console.log(`files: ${s.files} (${s.parseFailures} failed to parse, ${s.skipped} skipped)`);
    console.log(
      `components: ${Object.entries(s.components)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}`,
    );
    console.log(
      `relations: ${Object.entries(s.relations)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}`,
    );
    console.log(`import cycles: ${s.cycles}; unresolved imports: ${s.unresolvedImports}`);
    console.log(`most depended on: ${s.mostDependedOn.map(m => `${m.id} (${m.dependents})`).join(', ') || 'none'}`);
    console.log(`largest modules: ${s.largestModules.map(m => `${m.id} (${m.lines} lines)`).join(', ') || 'none'}`);
    return 0;
  }
  const target = operands[0];
  if (!target) {
    console.error('continuum: say which file: continuum graph affected FILE --store DIR');
    return 2;
  }
  const id = graph.getComponent(target) ? target : (graph.fileIdOf(path.resolve(target).replace(/\\/g, '/')) ?? target);
  const affected = graph.findAffectedComponents(id);
  console.log(`${affected.length} component(s) may be affected by a change to ${id}`);
  for (const a of affected) console.log(`${'  '.repeat(a.depth)}${a.component.id} (${a.component.kind}, via ${a.via})`);
  return 0;
}
