// Our file→file import edges against dependency-cruiser's resolved local edges: precision, recall,
// and every disagreement put in a class that says why (from the import as written on both sides).
// Pure functions: the graph benchmark feeds them our imports and dependency-cruiser's JSON output.

/** One import as our graph resolved it: `to` is a file id (a module's or an asset's), or undefined for a package or an unresolved import. */
export interface OurImport {
  from: string;
  specifier: string;
  to?: string;
  /** 'package' or 'unresolved' when `to` is undefined. */
  outcome: 'file' | 'asset' | 'package' | 'unresolved';
}

export interface CruiseOutput {
  modules: Array<{
    source: string;
    dependencies: Array<{
      module: string;
      resolved: string;
      coreModule: boolean;
      couldNotResolve: boolean;
      dependencyTypes: string[];
    }>;
  }>;
}

export interface Agreement {
  precision: number;
  recall: number;
  ours: number;
  theirs: number;
  both: number;
  /** Disagreeing edges by class ("only ours: …" / "only dependency-cruiser: …"). */
  classes: Map<string, string[]>;
}

/** dependency-cruiser's local files (not under node_modules, not outside the folder) and its resolved edges between them. */
export function cruiserEdges(data: CruiseOutput): { files: Set<string>; edges: Set<string> } {
  const files = new Set(
    data.modules.filter(m => !/node_modules/.test(m.source) && !m.source.startsWith('..')).map(m => m.source),
  );
  const edges = new Set<string>();
  for (const m of data.modules) {
    if (!files.has(m.source)) continue;
    for (const d of m.dependencies) {
      if (d.coreModule || d.couldNotResolve || !files.has(d.resolved) || d.resolved === m.source) continue;
      edges.add(`${m.source} -> ${d.resolved}`);
    }
  }
  return { files, edges };
}

export function compareEdges(ours: readonly OurImport[], data: CruiseOutput): Agreement {
  const theirs = cruiserEdges(data);
  const mine = new Set(
    ours
      .filter(i => i.to !== undefined && i.to !== i.from && theirs.files.has(i.from) && theirs.files.has(i.to))
      .map(i => `${i.from} -> ${i.to}`),
  );
  const both = [...mine].filter(e => theirs.edges.has(e)).length;
  const ourImportsOf = groupBy(ours, i => i.from);
  const theirDepsOf = new Map(data.modules.map(m => [m.source, m.dependencies]));
  const classes = new Map<string, string[]>();
  const add = (label: string, edge: string) => classes.set(label, [...(classes.get(label) ?? []), edge]);

  for (const edge of mine) {
    if (theirs.edges.has(edge)) continue;
    const [from, to] = edge.split(' -> ');
    const specifiers = (ourImportsOf.get(from) ?? []).filter(i => i.to === to).map(i => i.specifier);
    const deps = theirDepsOf.get(from) ?? [];
    const reasons = new Set(
      specifiers.map(spec => {
        const dep = deps.find(d => d.module === spec);
        if (!dep)
          return isBare(spec)
            ? "a bare specifier naming the workspace's own package: we resolve it to the local file; dependency-cruiser goes through node_modules (outside the scanned folder, so excluded)"
            : 'dependency-cruiser does not list this import';
        if (dep.couldNotResolve) return 'dependency-cruiser could not resolve it';
        if (!theirs.files.has(dep.resolved))
          return `dependency-cruiser resolves it outside the scanned files (${dep.resolved.includes('node_modules') ? 'node_modules' : dep.resolved})`;
        return `resolved differently: ours ${kindOf(to)}, dependency-cruiser's ${kindOf(dep.resolved)}${twins(to, dep.resolved) ? " (the same module's twin)" : ''}`;
      }),
    );
    add(`only ours: ${[...reasons].sort().join(' + ') || 'no import found'}`, edge);
  }

  for (const edge of theirs.edges) {
    if (mine.has(edge)) continue;
    const [from, to] = edge.split(' -> ');
    const deps = (theirDepsOf.get(from) ?? []).filter(d => d.resolved === to);
    const imports = ourImportsOf.get(from) ?? [];
    const reasons = new Set(
      deps.map(dep => {
        const own = imports.filter(i => i.specifier === dep.module);
        if (!own.length) return `we do not extract this import (${dep.dependencyTypes.join(', ')})`;
        const i = own[0];
        if (i.outcome === 'unresolved') return 'we leave it unresolved';
        if (i.outcome === 'package') return 'we take it for an external package';
        return `resolved differently: ours ${kindOf(i.to!)}, dependency-cruiser's ${kindOf(to)}${twins(i.to!, to) ? " (the same module's twin)" : ''}`;
      }),
    );
    add(`only dependency-cruiser: ${[...reasons].sort().join(' + ') || 'no dependency found'}`, edge);
  }

  const precision = mine.size ? both / mine.size : 1;
  const recall = theirs.edges.size ? both / theirs.edges.size : 1;
  return { precision, recall, ours: mine.size, theirs: theirs.edges.size, both, classes };
}

function isBare(specifier: string): boolean {
  return !specifier.startsWith('.') && !specifier.startsWith('/');
}

/** `.d.ts`, `.js`, `index.js` … — what kind of file an edge points at. */
function kindOf(id: string): string {
  const base = id.slice(id.lastIndexOf('/') + 1);
  const ext = /(\.d\.[cm]?ts|\.[cm]?[jt]sx?)$/.exec(base)?.[1] ?? '';
  return base.startsWith('index.') ? `index${ext}` : ext;
}

function twins(a: string, b: string): boolean {
  const stem = (id: string) => id.replace(/(\.d)?\.[cm]?[jt]sx?$/, '');
  return stem(a) === stem(b);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
