// The assembled graph in memory: components and relations built from the stored file facts, kept
// up to date file by file, and the queries on it. Pure data structure: no store, no parsing.
import { findCycles } from './cycles';
import {
  assetPrefix,
  moduleIdOf,
  packagePrefix,
  type Component,
  type ComponentKind,
  type DeclarationFact,
  type FileRecord,
  type GraphStatistics,
  type ProjectConfig,
  type Relation,
  type RelationKind,
  type UnresolvedImport,
} from './model';
import { ModuleResolver } from './resolve';

export interface Affected {
  component: Component;
  /** 1 for a direct dependent, 2 for a dependent of one, … */
  depth: number;
  /** The component it depends on that brought it in. */
  via: string;
}

const moduleKinds: ReadonlySet<RelationKind> = new Set(['imports', 'reexports']);
const emptyConfig: ProjectConfig = { tsconfigs: [], packages: [] };

export class GraphIndex {
  private readonly files = new Map<string, FileRecord>();
  private readonly components = new Map<string, Component>();
  /** Relations by the file they start in (the module or one of its symbols). */
  private readonly relationsOf = new Map<string, Relation[]>();
  private readonly outgoing = new Map<string, Relation[]>();
  private readonly incoming = new Map<string, Relation[]>();
  private readonly unresolvedOf = new Map<string, UnresolvedImport[]>();
  private config: ProjectConfig;
  private resolver: ModuleResolver;
  private cycles: string[][] | undefined;
  /** exportedSymbol's answers for the current files (null: none), by module and name; emptied when files change. */
  private readonly exported = new Map<string, string | null>();

  /** `resolver`: one already made for exactly these files and this configuration (its answers are kept). */
  constructor(records: Iterable<FileRecord> = [], config: ProjectConfig = emptyConfig, resolver?: ModuleResolver) {
    this.config = config;
    for (const r of records) this.files.set(r.id, r);
    for (const r of this.files.values()) this.addComponents(r);
    this.resolver = resolver ?? new ModuleResolver(new Set(this.files.keys()), config);
    for (const id of this.files.keys()) this.link(id);
  }

  // ---- changing ----

  /**
   * Applies new or changed files and deletions. Files whose content changed get new components and
   * relations, and so do the files that import them (their calls may point at what changed). When
   * the file list or the configuration changes, every import is resolved again.
   * Returns the ids of the files whose relations were recomputed.
   */
  apply(changed: readonly FileRecord[], deleted: readonly string[], config?: ProjectConfig): string[] {
    this.cycles = undefined;
    this.exported.clear();
    const setChanged = !!config || deleted.some(id => this.files.has(id)) || changed.some(r => !this.files.has(r.id));
    const importers = new Set<string>();
    for (const id of deleted) for (const f of this.importersOf(id, undefined)) importers.add(f);
    for (const r of changed) {
      // importers only need new relations when names they could import appeared or went away
      const before = this.files.get(r.id);
      const names = before ? changedSurface(before, r) : undefined;
      if (names?.size !== 0) for (const f of this.importersOf(r.id, names)) importers.add(f);
    }
    for (const id of deleted) this.removeFile(id);
    for (const r of changed) {
      this.removeFile(r.id);
      this.files.set(r.id, r);
      this.addComponents(r);
    }
    if (config) this.config = config;
    if (setChanged) {
      this.resolver = new ModuleResolver(new Set(this.files.keys()), this.config);
      for (const id of this.files.keys()) this.unlink(id);
      for (const id of this.files.keys()) this.link(id);
      return [...this.files.keys()];
    }
    const relink = new Set([...changed.map(r => r.id), ...importers]);
    for (const id of relink) if (this.files.has(id)) this.unlink(id);
    for (const id of relink) if (this.files.has(id)) this.link(id);
    return [...relink].filter(id => this.files.has(id));
  }

  // ---- reading ----

  get projectConfig(): ProjectConfig {
    return this.config;
  }

  get fileCount(): number {
    return this.files.size;
  }

  file(id: string): FileRecord | undefined {
    return this.files.get(id);
  }

  fileIds(): string[] {
    return [...this.files.keys()].sort();
  }

  /** The module-level relations (imports, re-exports) that start in a file. */
  moduleRelationsOf(fileId: string): Relation[] {
    return (this.relationsOf.get(fileId) ?? []).filter(r => r.from === fileId && moduleKinds.has(r.kind));
  }

  getComponent(id: string): Component | undefined {
    const known = this.components.get(id);
    if (known || !this.incoming.has(id)) return known;
    if (id.startsWith(packagePrefix)) return { id, kind: 'package', name: id.slice(packagePrefix.length) };
    if (id.startsWith(assetPrefix))
      return { id, kind: 'asset', name: id.slice(assetPrefix.length), file: id.slice(assetPrefix.length) };
    return undefined;
  }

  /** The symbols a module declares, and the methods of a class. */
  childrenOf(id: string): Component[] {
    return (this.outgoing.get(id) ?? [])
      .filter(r => r.kind === 'contains')
      .map(r => this.components.get(r.to)!)
      .filter(Boolean);
  }

  /** What `id` uses: for a module, the modules and packages it imports; for a symbol, what it calls, extends or implements. */
  getDependencies(id: string, options: { recursive?: boolean } = {}): Component[] {
    return this.walk(id, options.recursive ?? false, next =>
      (this.outgoing.get(next) ?? []).filter(r => r.kind !== 'contains').map(r => r.to),
    );
  }

  /** What uses `id`: importers of a module; callers, subclasses and importers (by name) of a symbol. */
  getDependents(id: string, options: { recursive?: boolean } = {}): Component[] {
    return this.walk(id, options.recursive ?? false, next => this.dependentIds(next));
  }

  /**
   * What may break when `target` (a component id or a file id) changes: the reverse transitive
   * closure over imports, re-exports, calls, extends and implements. Nearest first.
   */
  findAffectedComponents(target: string): Affected[] {
    const start = this.getComponent(target);
    if (!start) return [];
    const seeds = [target, ...this.childrenOf(target).flatMap(c => [c.id, ...this.childrenOf(c.id).map(m => m.id)])];
    const seen = new Set(seeds);
    const result: Affected[] = [];
    let frontier = seeds;
    for (let depth = 1; frontier.length; depth++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const dep of this.dependentIds(id)) {
          if (seen.has(dep)) continue;
          seen.add(dep);
          const component = this.getComponent(dep);
          if (!component) continue;
          result.push({ component, depth, via: id });
          next.push(dep);
        }
      }
      frontier = next;
    }
    return result.sort((a, b) => a.depth - b.depth || a.component.id.localeCompare(b.component.id));
  }

  /** Import cycles between modules, each as its modules in a cycle order. */
  findCycles(): string[][] {
    this.cycles ??= findCycles([...this.files.keys()], id =>
      this.moduleRelationsOf(id)
        .filter(r => this.files.has(r.to))
        .map(r => r.to),
    );
    return this.cycles;
  }

  /** Components whose name matches, best first: exact, then prefix, then substring (case-insensitive). */
  search(query: string, limit = 50): Component[] {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const scored: Array<[number, Component]> = [];
    for (const c of this.components.values()) {
      const name = c.name.toLowerCase();
      const rank =
        name === q
          ? 0
          : name.startsWith(q)
            ? 1
            : name.includes(q)
              ? 2
              : c.kind === 'module' && c.id.toLowerCase().includes(q)
                ? 3
                : -1;
      if (rank >= 0) scored.push([rank, c]);
    }
    return scored
      .sort((a, b) => a[0] - b[0] || a[1].name.length - b[1].name.length || a[1].id.localeCompare(b[1].id))
      .slice(0, limit)
      .map(s => s[1]);
  }

  /** How many files parsed, failed to parse, and were skipped. */
  statusCounts(): Record<FileRecord['status'], number> {
    return countStatuses(this.files.values());
  }

  unresolvedImports(): UnresolvedImport[] {
    return [...this.unresolvedOf.values()].flat().sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  }

  /** The component whose declaration encloses `line` of a file (the nearest one starting at or before it), or the module. */
  componentAt(fileId: string, line: number): Component | undefined {
    let best: Component | undefined;
    for (const c of this.childrenOf(fileId).flatMap(c => [c, ...this.childrenOf(c.id)])) {
      if ((c.line ?? 0) <= line && (!best || (c.line ?? 0) >= (best.line ?? 0))) best = c;
    }
    return best ?? this.components.get(fileId);
  }

  allComponents(): IterableIterator<Component> {
    return this.components.values();
  }

  allRelations(): Relation[] {
    return [...this.relationsOf.values()].flat();
  }

  getStatistics(): GraphStatistics {
    const components = Object.fromEntries(
      ['module', 'package', 'asset', 'class', 'interface', 'type', 'enum', 'function', 'method', 'variable'].map(k => [
        k,
        0,
      ]),
    ) as Record<ComponentKind, number>;
    for (const c of this.components.values()) components[c.kind]++;
    // packages and assets exist as long as something imports them
    for (const id of this.incoming.keys()) {
      if (id.startsWith(packagePrefix)) components.package++;
      else if (id.startsWith(assetPrefix)) components.asset++;
    }
    const relations = Object.fromEntries(
      ['imports', 'reexports', 'contains', 'extends', 'implements', 'calls'].map(k => [k, 0]),
    ) as Record<RelationKind, number>;
    for (const list of this.relationsOf.values()) for (const r of list) relations[r.kind]++;
    const records = [...this.files.values()];
    const mostDependedOn = [...this.files.keys()]
      .map(id => ({
        id,
        dependents: new Set((this.incoming.get(id) ?? []).filter(r => moduleKinds.has(r.kind)).map(r => r.from)).size,
      }))
      .filter(x => x.dependents > 0)
      .sort((a, b) => b.dependents - a.dependents || a.id.localeCompare(b.id))
      .slice(0, 10);
    const largestModules = records
      .map(r => ({ id: r.id, lines: r.facts.lines }))
      .sort((a, b) => b.lines - a.lines || a.id.localeCompare(b.id))
      .slice(0, 10);
    return {
      files: this.files.size,
      components,
      relations,
      parseFailures: records.filter(r => r.status === 'failed').length,
      skipped: records.filter(r => r.status === 'skipped').length,
      unresolvedImports: this.unresolvedImports().length,
      cycles: this.findCycles().length,
      mostDependedOn,
      largestModules,
    };
  }

  // ---- building ----

  private addComponents(r: FileRecord): void {
    this.components.set(r.id, {
      id: r.id,
      kind: 'module',
      name: r.id.slice(r.id.lastIndexOf('/') + 1),
      file: r.id,
      line: 1,
      exported: true,
    });
    for (const d of r.facts.declarations) {
      const id = symbolId(r.id, d);
      this.components.set(id, { id, kind: d.kind, name: d.name, file: r.id, line: d.line, exported: d.exported });
    }
  }

  private removeFile(id: string): void {
    const r = this.files.get(id);
    if (!r) return;
    this.unlink(id);
    this.components.delete(id);
    for (const d of r.facts.declarations) this.components.delete(symbolId(id, d));
    this.files.delete(id);
  }

  /**
   * Files with a relation into `fileId` (importers, callers): their relations may change with it.
   * Re-exporting files pass it on. With `names`, only importers of one of those names (or of the whole module).
   */
  private importersOf(fileId: string, names: ReadonlySet<string> | undefined): Set<string> {
    const result = new Set<string>();
    const queue = [fileId];
    const seen = new Set(queue);
    while (queue.length) {
      const id = queue.pop()!;
      for (const r of this.incoming.get(id) ?? []) {
        if (
          names &&
          moduleKinds.has(r.kind) &&
          !(r.names ?? []).some(n => n === '*' || n === 'default' || names.has(n))
        )
          continue;
        const from = moduleIdOf(r.from)!;
        result.add(from);
        if (r.kind === 'reexports' && !seen.has(from)) {
          seen.add(from);
          queue.push(from);
        }
      }
    }
    result.delete(fileId);
    return result;
  }

  private unlink(fileId: string): void {
    for (const r of this.relationsOf.get(fileId) ?? []) {
      removeFrom(this.outgoing, r.from, r);
      removeFrom(this.incoming, r.to, r);
    }
    this.relationsOf.delete(fileId);
    this.unresolvedOf.delete(fileId);
  }

  private link(fileId: string): void {
    const record = this.files.get(fileId)!;
    const relations = this.computeRelations(record);
    this.relationsOf.set(fileId, relations);
    for (const r of relations) {
      pushTo(this.outgoing, r.from, r);
      pushTo(this.incoming, r.to, r);
    }
  }

  private computeRelations(record: FileRecord): Relation[] {
    const file = record.id;
    const { relations, unresolved, importedNames } = linkImports(record, this.resolver);
    if (unresolved.length) this.unresolvedOf.set(file, unresolved);

    const local = new Map<string, string>();
    for (const d of record.facts.declarations) if (!d.parent) local.set(d.name, symbolId(file, d));
    const target = (name: string, owner: DeclarationFact): string | undefined => {
      if (name.startsWith('this.')) {
        const cls = owner.kind === 'method' ? owner.parent : owner.kind === 'class' ? owner.name : undefined;
        return cls ? this.existing(`${file}#${cls}.${name.slice(5)}`) : undefined;
      }
      const dot = name.indexOf('.');
      if (dot > 0) {
        const head = name.slice(0, dot);
        const member = name.slice(dot + 1);
        const imported = importedNames.get(head);
        if (imported?.imported === '*') return this.exportedSymbol(imported.module, member, 0);
        const cls = local.get(head);
        return cls ? this.existing(`${cls}.${member}`) : undefined;
      }
      const here = local.get(name);
      if (here) return here;
      const imported = importedNames.get(name);
      return imported && imported.imported !== '*'
        ? this.exportedSymbol(imported.module, imported.imported, 0)
        : undefined;
    };
    for (const d of record.facts.declarations) {
      const id = symbolId(file, d);
      relations.push({ from: d.parent ? `${file}#${d.parent}` : file, to: id, kind: 'contains' });
      for (const [kind, names] of [
        ['extends', d.extends],
        ['implements', d.implements],
        ['calls', d.calls],
      ] as const) {
        const seen = new Set<string>();
        for (const name of names ?? []) {
          const to = target(name, d);
          if (to && to !== id && !seen.has(to)) {
            seen.add(to);
            relations.push({ from: id, to, kind });
          }
        }
      }
    }
    return relations;
  }

  private existing(id: string): string | undefined {
    return this.components.has(id) ? id : undefined;
  }

  /** The symbol a module exports under `name`, following aliases and re-exports (a few levels). */
  private exportedSymbol(moduleId: string, name: string, depth: number): string | undefined {
    // asked for every call of an imported name: each answer once (from the top: deeper ones stop sooner)
    if (depth > 0) return this.findExportedSymbol(moduleId, name, depth);
    const key = `${moduleId}\0${name}`;
    let found = this.exported.get(key);
    if (found === undefined) {
      found = this.findExportedSymbol(moduleId, name, 0) ?? null;
      this.exported.set(key, found);
    }
    return found ?? undefined;
  }

  private findExportedSymbol(moduleId: string, name: string, depth: number): string | undefined {
    const record = this.files.get(moduleId);
    if (!record || depth > 5) return undefined;
    const { exported, topLevel } = declarationsByName(record);
    const declared = exported.get(name);
    if (declared) return symbolId(moduleId, declared);
    const alias = record.facts.exportAliases?.find(a => a.exported === name);
    if (alias) {
      const aliased = topLevel.get(alias.local);
      if (aliased) return symbolId(moduleId, aliased);
    }
    for (const imp of record.facts.imports) {
      if (imp.kind !== 'reexport') continue;
      const named = imp.names.find(n => n.local === name && n.imported !== '*');
      const star = imp.names.some(n => n.imported === '*' && n.local === '*');
      if (!named && !star) continue;
      const resolved = this.resolver.resolve(moduleId, imp.specifier);
      if (resolved.kind !== 'file') continue;
      const found = this.exportedSymbol(resolved.id, named ? named.imported : name, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  private dependentIds(id: string): string[] {
    const ids = (this.incoming.get(id) ?? []).filter(r => r.kind !== 'contains').map(r => r.from);
    const component = this.components.get(id);
    if (component && component.kind !== 'module' && component.file) {
      // modules that import this symbol by name, or the whole module
      const name = component.name;
      for (const r of this.incoming.get(component.file) ?? []) {
        if (moduleKinds.has(r.kind) && (r.names ?? []).some(n => n === name || n === '*')) ids.push(r.from);
      }
    }
    return [...new Set(ids)];
  }

  private walk(id: string, recursive: boolean, next: (id: string) => string[]): Component[] {
    const seen = new Set([id]);
    const out: Component[] = [];
    let frontier = [id];
    while (frontier.length) {
      const following: string[] = [];
      for (const f of frontier) {
        for (const n of next(f)) {
          if (seen.has(n)) continue;
          seen.add(n);
          const c = this.getComponent(n);
          if (c) out.push(c);
          following.push(n);
        }
      }
      frontier = recursive ? following : [];
    }
    return out;
  }
}

/** How many of `files` were parsed, failed to parse, or were skipped. */
export function countStatuses(files: Iterable<Pick<FileRecord, 'status'>>): Record<FileRecord['status'], number> {
  const counts = { parsed: 0, failed: 0, skipped: 0 };
  for (const r of files) counts[r.status]++;
  return counts;
}

/**
 * A file's module relations (imports and re-exports, one per target and kind), the imports that did
 * not resolve, and where each imported local name comes from. Depends only on the file's own facts,
 * the set of files and the project configuration (the resolver's inputs).
 */
export function linkImports(
  record: Pick<FileRecord, 'id' | 'facts'>,
  resolver: ModuleResolver,
): {
  relations: Relation[];
  unresolved: UnresolvedImport[];
  importedNames: Map<string, { module: string; imported: string }>;
} {
  const file = record.id;
  const relations: Relation[] = [];
  const unresolved: UnresolvedImport[] = [];
  const byTarget = new Map<string, Relation>();
  /** local name → where it comes from */
  const importedNames = new Map<string, { module: string; imported: string }>();
  for (const imp of record.facts.imports) {
    const resolved = resolver.resolve(file, imp.specifier, imp.kind);
    if (resolved.kind === 'unresolved') {
      unresolved.push({
        file,
        specifier: imp.specifier,
        line: imp.line,
        ...(resolved.reason ? { reason: resolved.reason } : {}),
      });
      continue;
    }
    const to =
      resolved.kind === 'file'
        ? resolved.id
        : resolved.kind === 'asset'
          ? `${assetPrefix}${resolved.id}`
          : `${packagePrefix}${resolved.name}`;
    if (to === file) continue;
    const kind: RelationKind = imp.kind === 'reexport' ? 'reexports' : 'imports';
    const key = `${kind}\0${to}`;
    const names = imp.names.map(n => n.imported);
    const existing = byTarget.get(key);
    if (existing) {
      existing.names = [...new Set([...(existing.names ?? []), ...names])];
      if (!imp.typeOnly) delete existing.typeOnly;
    } else {
      const relation: Relation = {
        from: file,
        to,
        kind,
        names,
        line: imp.line,
        ...(imp.typeOnly ? { typeOnly: true } : {}),
      };
      byTarget.set(key, relation);
      relations.push(relation);
    }
    if (resolved.kind === 'file' && imp.kind !== 'reexport')
      for (const n of imp.names) importedNames.set(n.local, { module: resolved.id, imported: n.imported });
  }
  return { relations, unresolved, importedNames };
}

/** Names a file offers to importers that differ between two versions of it; undefined when re-exports changed (anything may have). */
export function changedSurface(before: FileRecord, after: FileRecord): Set<string> | undefined {
  const reexports = (r: FileRecord) =>
    JSON.stringify(r.facts.imports.filter(i => i.kind === 'reexport').map(i => [i.specifier, i.names]));
  if (reexports(before) !== reexports(after)) return undefined;
  const surface = (r: FileRecord) =>
    new Set([
      ...r.facts.declarations.filter(d => !d.parent).map(d => `${d.name}${d.exported ? '' : ' local'}`),
      ...r.facts.declarations.filter(d => d.parent).map(d => `${d.parent}.${d.name}`),
      ...(r.facts.exportAliases ?? []).map(a => `${a.exported}=${a.local}`),
    ]);
  const a = surface(before);
  const b = surface(after);
  const changed = new Set<string>();
  for (const x of a) if (!b.has(x)) changed.add(x.split(/[ .=]/)[0]);
  for (const x of b) if (!a.has(x)) changed.add(x.split(/[ .=]/)[0]);
  return changed;
}

const byName = new WeakMap<
  FileRecord,
  { exported: Map<string, DeclarationFact>; topLevel: Map<string, DeclarationFact> }
>();

/** A file's top-level declarations by name (the first of a name, as a search in order finds it), and the exported ones; made once per record. */
function declarationsByName(record: FileRecord): {
  exported: Map<string, DeclarationFact>;
  topLevel: Map<string, DeclarationFact>;
} {
  let found = byName.get(record);
  if (!found) {
    found = { exported: new Map(), topLevel: new Map() };
    for (const d of record.facts.declarations) {
      if (d.parent) continue;
      if (!found.topLevel.has(d.name)) found.topLevel.set(d.name, d);
      if (d.exported && !found.exported.has(d.name)) found.exported.set(d.name, d);
    }
    byName.set(record, found);
  }
  return found;
}

export function symbolId(fileId: string, d: Pick<DeclarationFact, 'name' | 'parent'>): string {
  return d.parent ? `${fileId}#${d.parent}.${d.name}` : `${fileId}#${d.name}`;
}

function pushTo(map: Map<string, Relation[]>, key: string, r: Relation): void {
  const list = map.get(key);
  if (list) list.push(r);
  else map.set(key, [r]);
}

function removeFrom(map: Map<string, Relation[]>, key: string, r: Relation): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(r);
  if (i >= 0) list.splice(i, 1);
  if (!list.length) map.delete(key);
}
