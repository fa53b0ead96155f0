// Import resolution, as a pure function of the file list and the project's configuration: relative
// paths with extension and `index` probing, `paths` and `baseUrl` of the tsconfig that owns the
// importing file (decided as TypeScript does: the nearest folder's tsconfig.json, or the config it
// references whose files/include/exclude name the file), `exports`/`main` of the workspace's own
// packages — mapped back to their sources when they name a build output that is not there; anything
// else is an external package (Node built-ins included).
import { builtinModules } from 'module';
import { excludeRegExp, includeRegExp } from './globs';
import {
  assetExtensions,
  type ImportFact,
  type ProjectConfig,
  type TsconfigPaths,
  type WorkspacePackage,
} from './model';
import { dirOf, joinId } from './workspacePaths';

export type Resolution =
  | { kind: 'file'; id: string }
  | { kind: 'asset'; id: string }
  | { kind: 'package'; name: string }
  | { kind: 'unresolved'; reason?: string };

// Resolution is runtime-first for every importer, declaration files included: the graph answers "what
// runs, and so what may break, when this changes". A declaration file (.d.ts) has no run time — it
// describes its JavaScript twin — so `./x` is x.js when x.js and x.d.ts sit side by side, whoever
// imports it (what Node loads, and what dependency-cruiser reports); a declaration file is the
// target only when nothing that runs matches. TypeScript importers prefer TypeScript sources over
// JavaScript (a .js beside a .ts is usually its compiled output), JavaScript importers the reverse.
const declarations = ['.d.ts', '.d.mts', '.d.cts'];
const tsFirst = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', ...declarations];
const jsFirst = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts', ...declarations];
const jsToTs: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.d.ts'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts', '.d.mts'],
  '.cjs': ['.cts', '.d.cts'],
};
const builtins = new Set(builtinModules);
const conditions = new Set([
  'source',
  'types',
  'import',
  'module',
  'require',
  'node',
  'default',
  'development',
  'production',
  'browser',
]);
/** Folders a package's build usually goes to, for the last-resort guess of where its sources are (`dist/esm/x.js` → `src/x`). */
const buildFolders = new Set([
  'dist',
  'lib',
  'build',
  'out',
  'esm',
  'cjs',
  'js',
  'es',
  'mjs',
  'types',
  'typings',
  'umd',
  'module',
  'commonjs',
]);

interface Ownership {
  files: Set<string>;
  include: RegExp[];
  exclude: RegExp[];
}

export class ModuleResolver {
  private readonly cache = new Map<string, Resolution>();
  /** The tsconfig where TypeScript starts looking for a file's project, by folder. */
  private readonly entries = new Map<string, TsconfigPaths>();
  private readonly byConfig = new Map<string, TsconfigPaths>();
  private readonly owners = new Map<string, TsconfigPaths | undefined>();
  private readonly groups = new Map<TsconfigPaths, TsconfigPaths[]>();
  private readonly ownership = new Map<TsconfigPaths, Ownership>();
  private readonly patterns = new Map<TsconfigPaths, Array<[string, string[]]>>();
  private readonly packages = new Map<string, WorkspacePackage>();
  private readonly folders = new Map<string, WorkspacePackage>();

  constructor(
    private readonly files: ReadonlySet<string>,
    config: ProjectConfig,
  ) {
    for (const t of config.tsconfigs) {
      if (t.config !== undefined) this.byConfig.set(t.config, t);
      // a graph stored before ownership knows each folder's config only, and it owns the folder
      if (t.entry || t.config === undefined) this.entries.set(t.dir, t);
    }
    for (const pkg of config.packages) {
      if (pkg.name && !this.packages.has(pkg.name)) this.packages.set(pkg.name, pkg);
      this.folders.set(pkg.dir, pkg);
    }
  }

  /** Where `specifier`, imported by `from`, leads; `kind` 'require' loads a folder's CommonJS "main" rather than its ES "module". */
  resolve(from: string, specifier: string, kind?: ImportFact['kind']): Resolution {
    const relative = specifier.startsWith('.') || specifier.startsWith('/');
    const owner = relative ? undefined : this.ownerOf(from);
    const scope = relative ? dirOf(from) : (owner?.config ?? owner?.dir ?? '');
    const js = isJs(from);
    const cjs = kind === 'require';
    const key = `${js ? 'j' : 't'}${cjs ? 'r' : ''}\0${scope}\0${specifier}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.compute(from, specifier, relative, js, cjs);
      this.cache.set(key, found);
    }
    return found;
  }

  private compute(from: string, specifier: string, relative: boolean, js: boolean, cjs: boolean): Resolution {
    const spec = specifier.split('?')[0];
    if (relative) {
      const base = spec.startsWith('/') ? joinId('', spec) : joinId(dirOf(from), spec);
      const id = base === undefined ? undefined : (this.file(base, js, cjs) ?? this.builtFolderSource(base, js, cjs));
      return id !== undefined
        ? { kind: 'file', id }
        : base !== undefined && isAsset(base)
          ? { kind: 'asset', id: base }
          : { kind: 'unresolved' };
    }
    const tsconfig = this.ownerOf(from);
    // as TypeScript: only the pattern that matches best (exact, else the longest prefix) is tried
    for (const [pattern, targets] of tsconfig ? this.pathPatterns(tsconfig) : []) {
      const star = matchPattern(pattern, spec);
      if (star === undefined) continue;
      if (!targets.length)
        return { kind: 'unresolved', reason: `the tsconfig paths for "${pattern}" point outside the workspace` };
      for (const target of targets) {
        const id = this.file(target.replace('*', star), js, cjs);
        if (id !== undefined) return { kind: 'file', id };
      }
      const first = targets[0].replace('*', star);
      if (isAsset(first)) return { kind: 'asset', id: first };
      break;
    }
    if (tsconfig?.baseUrl !== undefined) {
      const base = joinId(tsconfig.baseUrl, spec);
      const id = base === undefined ? undefined : this.file(base, js, cjs);
      if (id !== undefined) return { kind: 'file', id };
    }
    const name = packageName(spec);
    const pkg = this.packages.get(name);
    if (pkg) {
      const found = this.packageFile(pkg, `.${spec.slice(name.length)}`, js, cjs);
      return typeof found === 'string' ? { kind: 'file', id: found } : { kind: 'unresolved', reason: found.reason };
    }
    if (spec.startsWith('node:') || builtins.has(name))
      return { kind: 'package', name: spec.startsWith('node:') ? spec : `node:${name}` };
    return { kind: 'package', name };
  }

  /** The config that owns a file: up from its folder, the first tsconfig.json that (or a config it references that) includes it; else the nearest. */
  ownerOf(file: string): TsconfigPaths | undefined {
    if (!this.owners.has(file)) this.owners.set(file, this.findOwner(file));
    return this.owners.get(file);
  }

  private findOwner(file: string): TsconfigPaths | undefined {
    let nearest: TsconfigPaths | undefined;
    for (let dir = dirOf(file); ; dir = dirOf(dir)) {
      const entry = this.entries.get(dir);
      if (entry) {
        if (entry.config === undefined) return entry;
        nearest ??= entry;
        const owner = this.group(entry).find(c => this.owns(c, file));
        if (owner) return owner;
      }
      if (dir === '') return nearest;
    }
  }

  /** A config and the configs it references, depth first, each once. */
  private group(entry: TsconfigPaths): TsconfigPaths[] {
    let group = this.groups.get(entry);
    if (!group) {
      const out: TsconfigPaths[] = [];
      const visit = (c: TsconfigPaths) => {
        if (out.includes(c)) return;
        out.push(c);
        for (const ref of c.references ?? []) {
          const referenced = this.byConfig.get(ref);
          if (referenced) visit(referenced);
        }
      };
      visit(entry);
      this.groups.set(entry, (group = out));
    }
    return group;
  }

  /** TypeScript's rule: listed in `files`, or matched by `include` (default: everything below, unless `files` is given) and not by `exclude` (default: outDir). */
  private owns(config: TsconfigPaths, file: string): boolean {
    let rules = this.ownership.get(config);
    if (!rules) {
      const include = config.include ?? (config.files ? [] : [config.dir]);
      const exclude = config.exclude ?? (config.outDir !== undefined ? [config.outDir] : []);
      rules = {
        files: new Set(config.files),
        include: include.map(includeRegExp),
        exclude: exclude.map(excludeRegExp),
      };
      this.ownership.set(config, rules);
    }
    if (rules.files.has(file)) return true;
    return rules.include.some(r => r.test(file)) && !rules.exclude.some(r => r.test(file));
  }

  /** A config's `paths`, the best match first: exact patterns, then by the length of the part before `*`. */
  private pathPatterns(config: TsconfigPaths): Array<[string, string[]]> {
    let sorted = this.patterns.get(config);
    if (!sorted) {
      const rank = (p: string) => (p.includes('*') ? p.indexOf('*') : Number.MAX_SAFE_INTEGER);
      sorted = Object.entries(config.paths ?? {}).sort((a, b) => rank(b[0]) - rank(a[0]));
      this.patterns.set(config, sorted);
    }
    return sorted;
  }

  /** `base` as written, with a JavaScript extension swapped for TypeScript's, with an extension added, or as a folder's index. */
  private file(base: string, js: boolean, cjs = false): string | undefined {
    if (this.files.has(base)) return base;
    const dot = base.lastIndexOf('.');
    const ext = dot > base.lastIndexOf('/') ? base.slice(dot) : '';
    for (const alt of jsToTs[ext] ?? []) {
      const candidate = base.slice(0, dot) + alt;
      if (this.files.has(candidate)) return candidate;
    }
    const order = js ? jsFirst : tsFirst;
    for (const e of order) if (this.files.has(base + e)) return base + e;
    // a folder: its package.json's entry (what runs: for an import the ES "module" bundlers load, as Node
    // cannot import a folder; for require() and without "module", "main"; "types" when nothing runs), then its index
    const pkg = this.folders.get(base);
    for (const entry of pkg ? [cjs ? undefined : pkg.module, pkg.main, pkg.types] : []) {
      const target = entry === undefined ? undefined : joinId(pkg!.dir, entry);
      if (target === undefined || target === base) continue;
      const id = this.file(target, js, cjs);
      if (id !== undefined) return id;
    }
    for (const e of order) if (this.files.has(`${base}/index${e}`)) return `${base}/index${e}`;
    return undefined;
  }

  /** A file of a workspace package: what its exports (or main/types, or the subpath) name, else that target's source; or why there is none. */
  private packageFile(pkg: WorkspacePackage, subpath: string, js: boolean, cjs: boolean): string | { reason: string } {
    let targets: string[];
    if (pkg.exports !== undefined) {
      const written = exportTargets(pkg.exports, subpath === './' ? '.' : subpath);
      if (!written.length) return { reason: `workspace package ${pkg.name} does not export "${subpath}"` };
      targets = written.flatMap(t => joinId(pkg.dir, t) ?? []);
    } else {
      const base = subpath === '.' ? pkg.dir : joinId(pkg.dir, subpath);
      const found = base === undefined ? undefined : this.file(base, js, cjs);
      if (found !== undefined) return found;
      targets = (subpath === '.' ? [pkg.main, pkg.types] : [subpath]).flatMap(t =>
        t === undefined ? [] : (joinId(pkg.dir, t) ?? []),
      );
    }
    for (const target of targets) {
      const found = this.file(target, js, cjs);
      if (found !== undefined) return found;
    }
    // an unbuilt checkout: the entry names the build output; its source is what the graph wants (for a
    // folder inside the build that publishes its own entry points, those entries' sources)
    for (const target of targets.flatMap(t => [...this.folderEntries(t, cjs), t])) {
      for (const source of this.sourcesOf(pkg, target)) {
        const found = this.file(source, js, cjs);
        if (found !== undefined) return found;
      }
    }
    const named = targets.length ? `points at ${targets.join(', ')}` : 'names no entry point';
    return {
      reason: `workspace package ${pkg.name} ${named}, which is not in the workspace (not built?), and no source file was found for it`,
    };
  }

  /**
   * A folder whose package.json names only build output (`helpers/package.json` → `../dist/esm/helpers/index.js`,
   * as packages publish deep entry points): the source of that output, through the package the folder lies in.
   */
  private builtFolderSource(folder: string, js: boolean, cjs: boolean): string | undefined {
    const entries = this.folderEntries(folder, cjs);
    if (!entries.length) return undefined;
    let dir = folder;
    let owner: WorkspacePackage | undefined;
    while (dir && !owner) {
      dir = dirOf(dir);
      owner = this.folders.get(dir);
    }
    for (const entry of owner ? entries : []) {
      for (const source of this.sourcesOf(owner!, entry)) {
        const found = this.file(source, js, cjs);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  /** The files a folder's own package.json names, in the order `file` tries them; none for a folder without one. */
  private folderEntries(folder: string, cjs: boolean): string[] {
    const pkg = this.folders.get(folder);
    if (!pkg) return [];
    return [cjs ? undefined : pkg.module, pkg.main, pkg.types].flatMap(entry =>
      entry === undefined ? [] : (joinId(pkg.dir, entry) ?? []),
    );
  }

  /** Where the source of a build output may be: through the package's tsconfig outDir → rootDir, then `src/` in place of the build folders. */
  private sourcesOf(pkg: WorkspacePackage, target: string): string[] {
    const bare = target.replace(/\.d\.[cm]?ts$/, '');
    const out: Array<string | undefined> = [];
    if (
      pkg.outDir !== undefined &&
      pkg.rootDir !== undefined &&
      (bare === pkg.outDir || bare.startsWith(`${pkg.outDir}/`))
    ) {
      out.push(joinId(pkg.rootDir, `.${bare.slice(pkg.outDir.length)}`));
    }
    const inside = pkg.dir ? bare.slice(pkg.dir.length + 1) : bare;
    if (!pkg.dir || bare.startsWith(`${pkg.dir}/`)) {
      const parts = inside.split('/');
      let i = 0;
      while (i < parts.length - 1 && buildFolders.has(parts[i])) i++;
      if (i > 0) out.push(joinId(pkg.dir, ['src', ...parts.slice(i)].join('/')));
    }
    return out.filter((p): p is string => p !== undefined);
  }
}

/** Whether a path names a file of a kind modules import but the graph does not parse (see `assetExtensions`). */
function isAsset(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && assetExtensions.has(name.slice(dot + 1).toLowerCase());
}

function isJs(id: string): boolean {
  return /\.(js|jsx|mjs|cjs)$/.test(id);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** What `*` stands for when `specifier` matches `pattern` (`""` for an exact match), or undefined. */
function matchPattern(pattern: string, specifier: string): string | undefined {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === specifier ? '' : undefined;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  if (specifier.length < prefix.length + suffix.length || !specifier.startsWith(prefix) || !specifier.endsWith(suffix))
    return undefined;
  return specifier.slice(prefix.length, specifier.length - suffix.length);
}

/** The file paths a package's `exports` maps `subpath` (".", "./x") to, in the order to try them. */
export function exportTargets(exports: unknown, subpath: string): string[] {
  const isSubpathMap =
    typeof exports === 'object' &&
    exports !== null &&
    !Array.isArray(exports) &&
    Object.keys(exports).some(k => k.startsWith('.'));
  if (!isSubpathMap) return subpath === '.' ? conditionTargets(exports) : [];
  const map = exports as Record<string, unknown>;
  if (map[subpath] !== undefined) return conditionTargets(map[subpath]);
  for (const [key, value] of Object.entries(map)) {
    const star = matchPattern(key, subpath);
    if (star !== undefined && key.includes('*')) return conditionTargets(value).map(t => t.split('*').join(star));
  }
  return [];
}

/** The targets of the conditions we follow, runtime ones before "types" (see the resolution order above). */
function conditionTargets(value: unknown): string[] {
  const targets = conditionTargetsWritten(value);
  return [...targets.filter(t => !isDeclaration(t)), ...targets.filter(isDeclaration)];
}

function isDeclaration(target: string): boolean {
  return /\.d\.[cm]?ts$/.test(target);
}

function conditionTargetsWritten(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(conditionTargetsWritten);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .filter(([k]) => conditions.has(k))
      .flatMap(([, v]) => conditionTargetsWritten(v));
  }
  return [];
}
