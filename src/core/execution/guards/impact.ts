// A task's impact for the confidence gate: the components the knowledge graph says may be affected
// by the files the task touches or links to (a task made from a gap links to its file; a shell
// task names files in its command). Unknown — and left out of the score — while the graph is not
// built, or when the task names no file the graph knows.
import type { KnowledgeGraph } from '../../graph/knowledgeGraph';
import type { Task } from '../../tasks/model';

/** What the impact needs from the knowledge graph. */
export interface ImpactGraph {
  readonly isBuilt: boolean;
  /** The graph's id of a workspace-relative or absolute path, when it is a file the graph knows. */
  fileOf(pathOrId: string): string | undefined;
  /** Ids of the components affected by a change to the file (reverse transitive closure). */
  affectedBy(fileId: string): readonly string[];
}

/** Paths a task touches or links to: its gap's file (key and "Location:" line) and path-like words of its command. */
export function linkedPaths(task: Pick<Task, 'key' | 'description' | 'action'>): string[] {
  const paths = new Set<string>();
  const gap = /^gap:([^:]+):/.exec(task.key ?? '');
  if (gap?.[1]) paths.add(gap[1]);
  const location = /^Location: (.+?)(?::\d+)?$/m.exec(task.description ?? '');
  if (location?.[1] && location[1] !== 'the workspace') paths.add(location[1]);
  const a = task.action;
  if (a?.kind === 'shell') {
    for (const word of [...a.command.split(/\s+/), ...(a.args ?? [])]) {
      const w = word.replace(/^['"]|['"]$/g, '');
      if (/[\\/]|\.[cm]?[jt]sx?$/.test(w) && !w.startsWith('-')) paths.add(w.replace(/^\.\//, ''));
    }
  }
  return [...paths];
}

/** How many distinct components the task may affect; undefined when the graph cannot say. */
export function taskImpact(task: Pick<Task, 'key' | 'description' | 'action'>, graph: ImpactGraph): number | undefined {
  if (!graph.isBuilt) return undefined;
  const files = linkedPaths(task)
    .map(p => graph.fileOf(p))
    .filter((f): f is string => f !== undefined);
  if (!files.length) return undefined;
  const affected = new Set<string>(files);
  for (const f of files) for (const id of graph.affectedBy(f)) affected.add(id);
  return affected.size;
}

/** The knowledge graph as the impact needs it; a file is a 'module' component whose id is its workspace path. */
export function graphImpact(
  graph: Pick<KnowledgeGraph, 'isBuilt' | 'getComponent' | 'fileIdOf' | 'findAffectedComponents'>,
): ImpactGraph {
  const moduleId = (id: string | undefined) =>
    id !== undefined && graph.getComponent(id)?.kind === 'module' ? id : undefined;
  return {
    get isBuilt() {
      return graph.isBuilt;
    },
    fileOf: p => moduleId(p) ?? moduleId(graph.fileIdOf(p)),
    affectedBy: f => graph.findAffectedComponents(f).map(a => a.component.id),
  };
}
