// The graph as data for other tools: JSON (every component and relation), Mermaid and Graphviz DOT
// (module level, optionally limited to the neighbourhood of one module).
import type { GraphIndex } from './graphIndex';
import { assetPrefix, packagePrefix, type Component, type Relation } from './model';

export interface GraphJson {
  format: 'continuum.graph';
  formatVersion: 1;
  components: Component[];
  relations: Relation[];
}

export interface TextExportOptions {
  /** Only modules within this many import steps of `focus` (default: the whole graph). */
  focus?: string;
  depth?: number;
  /** Include external packages as nodes (default false). */
  packages?: boolean;
  /** At most this many edges (default 2,000): diagrams beyond that are unreadable anyway. */
  maxEdges?: number;
}

export function toJson(index: GraphIndex): GraphJson {
  const packages = new Map<string, Component>();
  const relations = index.allRelations();
  for (const r of relations)
    if ((r.to.startsWith(packagePrefix) || r.to.startsWith(assetPrefix)) && !packages.has(r.to))
      packages.set(r.to, index.getComponent(r.to)!);
  return {
    format: 'continuum.graph',
    formatVersion: 1,
    components: [...index.allComponents(), ...packages.values()],
    relations,
  };
}

function moduleEdges(index: GraphIndex, options: TextExportOptions): Array<[string, string]> {
  let files = index.fileIds();
  if (options.focus) {
    const depth = options.depth ?? 1;
    const near = new Set([options.focus]);
    let frontier = [options.focus];
    for (let d = 0; d < depth; d++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const n of [
          ...index.moduleRelationsOf(id).map(r => r.to),
          ...index
            .getDependents(id)
            .filter(c => c.kind === 'module')
            .map(c => c.id),
        ]) {
          if (!near.has(n)) {
            near.add(n);
            next.push(n);
          }
        }
      }
      frontier = next;
    }
    files = files.filter(f => near.has(f));
  }
  const wanted = new Set(files);
  const edges: Array<[string, string]> = [];
  for (const f of files) {
    for (const r of index.moduleRelationsOf(f)) {
      if (wanted.has(r.to) || (options.packages && r.to.startsWith(packagePrefix))) edges.push([f, r.to]);
    }
  }
  return edges.slice(0, options.maxEdges ?? 2000);
}

export function toMermaid(index: GraphIndex, options: TextExportOptions = {}): string {
  const ids = new Map<string, string>();
  const node = (id: string) => {
    let n = ids.get(id);
    if (!n) ids.set(id, (n = `n${ids.size}`));
    return n;
  };
  const lines = moduleEdges(index, options).map(([a, b]) => `  ${node(a)} --> ${node(b)}`);
  const labels = [...ids].map(([id, n]) => `  ${n}["${id.replace(/"/g, '#quot;')}"]`);
  return ['graph LR', ...labels, ...lines].join('\n') + '\n';
}

export function toDot(index: GraphIndex, options: TextExportOptions = {}): string {
  const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = moduleEdges(index, options).map(([a, b]) => `  ${quote(a)} -> ${quote(b)};`);
  return ['digraph continuum {', '  rankdir=LR;', '  node [shape=box];', ...lines, '}'].join('\n') + '\n';
}
