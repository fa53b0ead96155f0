// Finding the workspace's source files: walks each folder, honouring .gitignore files at every level
// (with the `ignore` package, which implements gitignore's rules exactly), the folders that are never
// sources, and the user's `continuum.graph.exclude` patterns. Also reads what resolution needs from
// tsconfig.json/jsconfig.json (baseUrl, paths) and package.json (workspace packages).
import ignore, { type Ignore } from 'ignore';
import { ts } from 'ts-morph';
import { isSourceFile, type ProjectConfig, type TsconfigPaths, type WorkspacePackage } from './model';
import type { ScanSettings } from './parser';
import { dirOf, joinId, normalizePath, workspacePaths, type WorkspacePaths } from './workspacePaths';

/** The files the graph reads, synchronously (it runs in a worker, or in tests on ts-morph's in-memory file system). */
export interface SourceTree {
  /** A folder's entries; `[]` when it does not exist. */
  list(dir: string): Array<{ name: string; kind: 'file' | 'dir' | 'other' }>;
  /** A file's text, or undefined when missing. */
  read(path: string): string | undefined;
  /** A file's size in bytes, or undefined when missing. */
  size(path: string): number | undefined;
}

/** Never sources, whatever .gitignore says. */
export const alwaysExcluded = new Set(['node_modules', '.git', 'out', 'dist', 'build']);

export interface ScannedFile {
  path: string;
  id: string;
}

/** The rules of a .gitignore, with the folder (absolute) that holds it. */
interface FolderRules {
  folder: string;
  rules: Ignore;
}

/** A folder the walk went into that holds a tsconfig.json, jsconfig.json or package.json. */
interface ConfigFolder {
  dir: string;
  tsconfig?: string;
  packageJson: boolean;
}

export class WorkspaceScanner {
  readonly paths: WorkspacePaths;
  private readonly roots: string[];
  private readonly userExclude: Ignore;
  /** gitignore rules by the folder (absolute) that holds the .gitignore; null when it has none. */
  private readonly gitignores = new Map<string, Ignore | null>();
  /** Set by a scan: the folders with configuration files, in the order the walk met them. */
  private configFolders: ConfigFolder[] | undefined;

  constructor(private readonly tree: SourceTree, settings: ScanSettings) {
    this.roots = settings.roots.map(normalizePath);
    this.paths = workspacePaths(this.roots);
    this.userExclude = ignore().add(settings.exclude);
  }

  /** Every source file, sorted by id. */
  scan(): ScannedFile[] {
    const files: ScannedFile[] = [];
    this.configFolders = [];
    for (const root of this.roots) this.walk(root, root, [], files, this.configFolders);
    return files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Whether `path` is a source file the graph includes (it need not exist). */
  includes(path: string): boolean {
    const p = normalizePath(path);
    if (!isSourceFile(p)) return false;
    const root = this.roots.find(r => p.startsWith(`${r}/`));
    if (!root) return false;
    const parts = p.slice(root.length + 1).split('/');
    let dir = root;
    let rules: FolderRules[] = [];
    for (let i = 0; i < parts.length; i++) {
      const isDir = i < parts.length - 1;
      const entry = `${dir}/${parts[i]}`;
      rules = this.rulesDown(dir, rules);
      if (isDir && alwaysExcluded.has(parts[i])) return false;
      if (this.ignoredBy(root, entry, rules, isDir)) return false;
      dir = entry;
    }
    return true;
  }

  /** tsconfig/jsconfig paths and workspace packages found in the (not excluded) folders, as the last scan met them (scans first if none has run). */
  projectConfig(): ProjectConfig {
    if (!this.configFolders) this.scan();
    const tsconfigs: TsconfigPaths[] = [];
    const packages: WorkspacePackage[] = [];
    for (const { dir, tsconfig, packageJson } of this.configFolders!) {
      const dirId = dirOf(this.paths.toId(`${dir}/x`)!);
      if (tsconfig) {
        const settings = this.readTsconfig(`${dir}/${tsconfig}`, 0);
        if (settings.baseUrl !== undefined || settings.paths) {
          const baseDir = settings.baseUrl ?? dirOfPath(settings.pathsFrom ?? `${dir}/${tsconfig}`);
          const baseUrl = this.paths.toId(`${baseDir}/x`);
          tsconfigs.push({ dir: dirId, ...(settings.baseUrl !== undefined && baseUrl !== undefined ? { baseUrl: dirOf(baseUrl) } : {}), ...(settings.paths && baseUrl !== undefined ? { paths: mapPaths(settings.paths, dirOf(baseUrl)) } : {}) });
        }
      }
      const pkg = packageJson ? parseJson(this.tree.read(`${dir}/package.json`)) : undefined;
      // nameless ones too: a folder's package.json "main" is where Node goes for `require('./folder')`
      if (pkg) {
        packages.push({ name: typeof pkg.name === 'string' ? pkg.name : '', dir: dirId, ...(pkg.exports !== undefined ? { exports: pkg.exports } : {}), ...(typeof pkg.main === 'string' ? { main: pkg.main } : {}), ...(typeof pkg.types === 'string' ? { types: pkg.types } : typeof pkg.typings === 'string' ? { types: pkg.typings } : {}) });
      }
    }
    return { tsconfigs, packages };
  }

  /**
   * Lists each folder once: its source files, its sub-folders (unless excluded), its configuration
   * files. `above`: the .gitignore rules of the folders above, so that an entry is checked against
   * the few rule sets that exist rather than once per level.
   */
  private walk(root: string, dir: string, above: FolderRules[], out: ScannedFile[], configs: ConfigFolder[]): void {
    const entries = this.tree.list(dir);
    const active = this.rulesDown(dir, above, entries.some(e => e.name === '.gitignore')); // a file or a link to one
    const tsconfig = ['tsconfig.json', 'jsconfig.json'].find(name => entries.some(e => e.name === name && e.kind === 'file'));
    const packageJson = entries.some(e => e.name === 'package.json' && e.kind === 'file');
    if (tsconfig || packageJson) configs.push({ dir, ...(tsconfig ? { tsconfig } : {}), packageJson });
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.kind === 'dir') {
        if (alwaysExcluded.has(entry.name) || this.ignoredBy(root, path, active, true)) continue;
        this.walk(root, path, active, out, configs);
      } else if (entry.kind === 'file' && isSourceFile(entry.name) && !this.ignoredBy(root, path, active, false)) {
        out.push({ path, id: this.paths.toId(path)! });
      }
    }
  }

  private ignoredBy(root: string, path: string, rules: readonly FolderRules[], isDir: boolean): boolean {
    const suffix = isDir ? '/' : '';
    if (this.userExclude.ignores(path.slice(root.length + 1) + suffix)) return true;
    return rules.some(r => r.rules.ignores(path.slice(r.folder.length + 1) + suffix));
  }

  /** The rule sets that apply inside `dir`: those of the folders above, and its own .gitignore if it has one. */
  private rulesDown(dir: string, above: FolderRules[], hasGitignore = true): FolderRules[] {
    const rules = this.gitignoreOf(dir, hasGitignore);
    return rules ? [...above, { folder: dir, rules }] : above;
  }

  /** `exists`: false when the folder's listing shows no .gitignore (no read attempted). */
  private gitignoreOf(dir: string, exists = true): Ignore | null {
    let rules = this.gitignores.get(dir);
    if (rules === undefined) {
      const text = exists ? this.tree.read(`${dir}/.gitignore`) : undefined;
      rules = text === undefined ? null : ignore().add(text);
      this.gitignores.set(dir, rules);
    }
    return rules;
  }

  /** baseUrl (absolute) and paths of a tsconfig, following relative `extends` (a few levels). */
  private readTsconfig(path: string, depth: number): { baseUrl?: string; paths?: Record<string, string[]>; pathsFrom?: string } {
    const json = parseJsonc(this.tree.read(path));
    if (!json) return {};
    const options = (typeof json.compilerOptions === 'object' && json.compilerOptions !== null ? json.compilerOptions : {}) as Record<string, unknown>;
    let inherited: { baseUrl?: string; paths?: Record<string, string[]>; pathsFrom?: string } = {};
    const ext = typeof json.extends === 'string' ? json.extends : undefined;
    if (ext && ext.startsWith('.') && depth < 5) {
      const target = joinPath(dirOfPath(path), ext.endsWith('.json') ? ext : `${ext}.json`);
      if (target !== undefined) inherited = this.readTsconfig(target, depth + 1);
    }
    const baseUrl = typeof options.baseUrl === 'string' ? joinPath(dirOfPath(path), options.baseUrl) : inherited.baseUrl;
    const paths = isStringArrayRecord(options.paths) ? options.paths : inherited.paths;
    const pathsFrom = isStringArrayRecord(options.paths) ? path : inherited.pathsFrom;
    return { ...(baseUrl ? { baseUrl } : {}), ...(paths ? { paths } : {}), ...(pathsFrom ? { pathsFrom } : {}) };
  }
}

function mapPaths(paths: Record<string, string[]>, baseId: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [pattern, targets] of Object.entries(paths)) {
    out[pattern] = targets.flatMap(t => {
      const id = joinId(baseId, t);
      return id === undefined ? [] : [id];
    });
  }
  return out;
}

/** Joins an absolute folder and a relative path ("/a/b" + "../c" → "/a/c"; "C:/a" + "b" → "C:/a/b"). */
function joinPath(dir: string, relative: string): string | undefined {
  if (dir.startsWith('/')) {
    const joined = joinId(dir.slice(1), relative);
    return joined === undefined ? undefined : `/${joined}`;
  }
  return joinId(dir, relative);
}

function dirOfPath(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function isStringArrayRecord(value: unknown): value is Record<string, string[]> {
  return typeof value === 'object' && value !== null && Object.values(value).every(v => Array.isArray(v) && v.every(s => typeof s === 'string'));
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // a broken package.json is not a workspace package; the rest of the scan goes on
  }
}

/** tsconfig allows comments and trailing commas: TypeScript's own reader. */
function parseJsonc(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const parsed = ts.parseConfigFileTextToJson('tsconfig.json', text);
  const value: unknown = parsed.config;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}
