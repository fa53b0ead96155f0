// Import resolution, as a pure function of the file list and the project's configuration: relative
// paths with extension and `index` probing, tsconfig `paths` and `baseUrl`, `exports`/`main` of the
// workspace's own packages; anything else is an external package (Node built-ins included).
import { builtinModules } from 'module';
import { assetExtensions, type ProjectConfig, type TsconfigPaths, type WorkspacePackage } from './model';
import { dirOf, joinId } from './workspacePaths';

export type Resolution = { kind: 'file'; id: string } | { kind: 'asset'; id: string } | { kind: 'package'; name: string } | { kind: 'unresolved' };

// Resolution is runtime-first for every importer, declaration files included: the graph answers "what
// runs, and so what may break, when this changes". A declaration file (.d.ts) has no run time — it
// describes its JavaScript twin — so `./x` is x.js when x.js and x.d.ts sit side by side, whoever
// imports it (what Node loads, and what dependency-cruiser reports); a declaration file is the
// target only when nothing that runs matches. TypeScript importers prefer TypeScript sources over
// JavaScript (a .js beside a .ts is usually its compiled output), JavaScript importers the reverse.
const declarations = ['.d.ts', '.d.mts', '.d.cts'];
const tsFirst = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', ...declarations];
const jsFirst = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts', ...declarations];
const jsToTs: Record<string, string[]> = { '.js': ['.ts', '.tsx', '.d.ts'], '.jsx': ['.tsx'], '.mjs': ['.mts', '.d.mts'], '.cjs': ['.cts', '.d.cts'] };
const builtins = new Set(builtinModules);
const conditions = new Set(['types', 'import', 'module', 'require', 'node', 'default', 'development', 'production', 'browser']);

export class ModuleResolver {
  private readonly cache = new Map<string, Resolution>();
  private readonly tsconfigs: TsconfigPaths[];
  private readonly packages = new Map<string, WorkspacePackage>();
  private readonly folders = new Map<string, WorkspacePackage>();

  constructor(private readonly files: ReadonlySet<string>, config: ProjectConfig) {
    // deepest folder first: the nearest tsconfig applies
    this.tsconfigs = [...config.tsconfigs].sort((a, b) => b.dir.length - a.dir.length);
    for (const pkg of config.packages) {
      if (pkg.name && !this.packages.has(pkg.name)) this.packages.set(pkg.name, pkg);
      this.folders.set(pkg.dir, pkg);
    }
  }

  resolve(from: string, specifier: string): Resolution {
    const relative = specifier.startsWith('.') || specifier.startsWith('/');
    const scope = relative ? dirOf(from) : this.tsconfigFor(from)?.dir ?? '';
    const js = isJs(from);
    const key = `${js ? 'j' : 't'}\0${scope}\0${specifier}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.compute(from, specifier, relative, js);
      this.cache.set(key, found);
    }
    return found;
  }

  private compute(from: string, specifier: string, relative: boolean, js: boolean): Resolution {
    const spec = specifier.split('?')[0];
    if (relative) {
      const base = spec.startsWith('/') ? joinId('', spec) : joinId(dirOf(from), spec);
      const id = base === undefined ? undefined : this.file(base, js);
      return id !== undefined ? { kind: 'file', id } : base !== undefined && isAsset(base) ? { kind: 'asset', id: base } : { kind: 'unresolved' };
    }
    const tsconfig = this.tsconfigFor(from);
    if (tsconfig?.paths) {
      for (const [pattern, targets] of Object.entries(tsconfig.paths)) {
        const star = matchPattern(pattern, spec);
        if (star === undefined) continue;
        for (const target of targets) {
          const id = this.file(target.replace('*', star), js);
          if (id !== undefined) return { kind: 'file', id };
        }
        const first = targets[0]?.replace('*', star);
        if (first !== undefined && isAsset(first)) return { kind: 'asset', id: first };
      }
    }
    if (tsconfig?.baseUrl !== undefined) {
      const base = joinId(tsconfig.baseUrl, spec);
      const id = base === undefined ? undefined : this.file(base, js);
      if (id !== undefined) return { kind: 'file', id };
    }
    const name = packageName(spec);
    const pkg = this.packages.get(name);
    if (pkg) {
      const id = this.packageFile(pkg, `.${spec.slice(name.length)}`, js);
      if (id !== undefined) return { kind: 'file', id };
      return { kind: 'unresolved' };
    }
    if (spec.startsWith('node:') || builtins.has(name)) return { kind: 'package', name: spec.startsWith('node:') ? spec : `node:${name}` };
    return { kind: 'package', name };
  }

  private tsconfigFor(from: string): TsconfigPaths | undefined {
    return this.tsconfigs.find(t => t.dir === '' || from.startsWith(`${t.dir}/`));
  }

  /** `base` as written, with a JavaScript extension swapped for TypeScript's, with an extension added, or as a folder's index. */
  private file(base: string, js: boolean): string | undefined {
    if (this.files.has(base)) return base;
    const dot = base.lastIndexOf('.');
    const ext = dot > base.lastIndexOf('/') ? base.slice(dot) : '';
    for (const alt of jsToTs[ext] ?? []) {
      const candidate = base.slice(0, dot) + alt;
      if (this.files.has(candidate)) return candidate;
    }
    const order = js ? jsFirst : tsFirst;
    for (const e of order) if (this.files.has(base + e)) return base + e;
    // a folder: its package.json's entry (what Node loads, "main"; "types" when nothing runs), then its index
    const pkg = this.folders.get(base);
    for (const entry of pkg ? [pkg.main, pkg.types] : []) {
      const target = entry === undefined ? undefined : joinId(pkg!.dir, entry);
      if (target === undefined || target === base) continue;
      const id = this.file(target, js);
      if (id !== undefined) return id;
    }
    for (const e of order) if (this.files.has(`${base}/index${e}`)) return `${base}/index${e}`;
    return undefined;
  }

  private packageFile(pkg: WorkspacePackage, subpath: string, js: boolean): string | undefined {
    if (pkg.exports !== undefined) {
      for (const target of exportTargets(pkg.exports, subpath === './' ? '.' : subpath)) {
        const id = joinId(pkg.dir, target);
        const found = id === undefined ? undefined : this.file(id, js);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    const base = subpath === '.' ? pkg.dir : joinId(pkg.dir, subpath);
    return base === undefined ? undefined : this.file(base, js);
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
  if (specifier.length < prefix.length + suffix.length || !specifier.startsWith(prefix) || !specifier.endsWith(suffix)) return undefined;
  return specifier.slice(prefix.length, specifier.length - suffix.length);
}

/** The file paths a package's `exports` maps `subpath` (".", "./x") to, in the order to try them. */
export function exportTargets(exports: unknown, subpath: string): string[] {
  const isSubpathMap = typeof exports === 'object' && exports !== null && !Array.isArray(exports) && Object.keys(exports).some(k => k.startsWith('.'));
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
    return Object.entries(value).filter(([k]) => conditions.has(k)).flatMap(([, v]) => conditionTargetsWritten(v));
  }
  return [];
}
