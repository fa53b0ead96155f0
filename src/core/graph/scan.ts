// Finding the workspace's source files: walks each folder, honouring .gitignore files at every level
// (with the `ignore` package, which implements gitignore's rules exactly), the folders that are never
// sources, and the user's `continuum.graph.exclude` patterns. Also reads what resolution needs: each
// folder's tsconfig.json/jsconfig.json and the configs they reference (tsconfigReader.ts), and the
// package.json files, named only where the package manager declares them (workspaceMembers.ts).
// A scanner kept from build to build (by a process that builds again) remembers what it found in
// each folder, the .gitignore rules and the configuration, and uses them again only while the disk
// says nothing changed: the same listing from its tree (which remembers listings by the folder's
// stamp), the same stamps of the files it read.
import ignore, { type Ignore } from 'ignore';
import { isSourceFile, type ProjectConfig, type TsconfigPaths, type WorkspacePackage } from './model';
import type { ScanFolders } from './parser';
import type { SourceTree } from './sourceTree';
import { dirOfPath, parseJson, TsconfigReader, type Tsconfig } from './tsconfigReader';
import { declaredMembers, isMember } from './workspaceMembers';
import { dirOf, normalizePath, workspacePaths, type WorkspacePaths } from './workspacePaths';

/** The files the graph reads, synchronously (it runs in a worker, or in tests on ts-morph's in-memory file system). */
export type { SourceTree } from './sourceTree';

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

type Entries = ReturnType<SourceTree['list']>;

/** What a scan found in one folder, from its listing under the .gitignore rules that applied. */
interface FolderFindings {
  entries: Entries;
  active: FolderRules[];
  config?: ConfigFolder;
  files: ScannedFile[];
  /** In the listing's order: the sub-folders to go into, and the build folders to look for entry points in. */
  steps: Array<['walk' | 'stubs', string]>;
}

/** Whether two lists of rule sets are the same sets (the scanner reads a .gitignore again only when it changed). */
function sameRules(a: readonly FolderRules[], b: readonly FolderRules[]): boolean {
  return a.length === b.length && a.every((r, i) => r.rules === b[i].rules && r.folder === b[i].folder);
}

/** A file's stamp (SourceTree.stat), 'missing', or undefined when it cannot be told. */
type FileStamp = string | undefined;

/** A folder the walk went into that holds a tsconfig.json, jsconfig.json or package.json. */
interface ConfigFolder {
  dir: string;
  tsconfig?: string;
  packageJson: boolean;
  /** Holds a pnpm-workspace.yaml or lerna.json. */
  declaresWorkspace: boolean;
}

export class WorkspaceScanner {
  readonly paths: WorkspacePaths;
  private readonly roots: string[];
  private readonly userExclude: Ignore;
  /**
   * gitignore rules by the folder (absolute) that holds the .gitignore (null when it has none), with
   * the file's stamp: a scanner is kept from build to build, and reads a .gitignore again when it changed.
   */
  private readonly gitignores = new Map<string, { stamp: FileStamp; rules: Ignore | null }>();
  /** Set by a scan: the folders with configuration files, in the order the walk met them. */
  private configFolders: ConfigFolder[] | undefined;
  /** What the last scan found in each folder it went into. */
  private findings = new Map<string, FolderFindings>();
  /** The last projectConfig: the folders it was read from, every file it read with its stamp, and the result. */
  private lastConfig: { folders: string; reads: Map<string, FileStamp>; config: ProjectConfig } | undefined;

  constructor(
    private readonly tree: SourceTree,
    settings: ScanFolders,
  ) {
    this.roots = settings.roots.map(normalizePath);
    this.paths = workspacePaths(this.roots);
    this.userExclude = ignore().add(settings.exclude);
  }

  /** Every source file, sorted by id. */
  scan(): ScannedFile[] {
    const files: ScannedFile[] = [];
    this.configFolders = [];
    const findings = new Map<string, FolderFindings>();
    for (const root of this.roots) this.walk(root, root, [], files, this.configFolders, findings);
    this.findings = findings; // the folders this scan went into, for the next
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

  /**
   * The tsconfig/jsconfig projects (each folder's, and the configs they reference) and the workspace's
   * packages found in the (not excluded) folders, as the last scan met them (scans first if none has run).
   */
  projectConfig(): ProjectConfig {
    if (!this.configFolders) this.scan();
    // the same folders, and not one of the files read last time changed (or appeared): the same configuration
    const folders = JSON.stringify(this.configFolders);
    const last = this.lastConfig;
    if (
      last?.folders === folders &&
      [...last.reads].every(([path, was]) => was !== undefined && this.stampOf(path) === was)
    )
      return last.config;
    const reads = new Map<string, FileStamp>();
    const config = this.readProjectConfig(this.recordingReads(reads));
    this.lastConfig = { folders, reads, config };
    return config;
  }

  private readProjectConfig(tree: SourceTree): ProjectConfig {
    const reader = new TsconfigReader(tree);
    const tsconfigs = new Map<string, TsconfigPaths>();
    const groups = new Map<string, Tsconfig[]>();
    for (const { dir, tsconfig } of this.configFolders!) {
      if (!tsconfig) continue;
      const group = reader.withReferences(`${dir}/${tsconfig}`);
      groups.set(dir, group);
      group.forEach((config, i) => {
        const record = this.tsconfigRecord(config, i === 0);
        if (!record) return;
        const known = tsconfigs.get(record.config!);
        if (!known) tsconfigs.set(record.config!, record);
        else if (record.entry) known.entry = true;
      });
    }
    return { tsconfigs: [...tsconfigs.values()], packages: this.workspacePackages(groups, tree) };
  }

  /** The tree, noting the stamp of every file read through it (before it is read: a write meanwhile changes it). */
  private recordingReads(reads: Map<string, FileStamp>): SourceTree {
    const note = (path: string) => {
      if (!reads.has(path)) reads.set(path, this.stampOf(path));
    };
    return {
      list: dir => this.tree.list(dir),
      read: path => (note(path), this.tree.read(path)),
      size: path => (note(path), this.tree.size(path)),
    };
  }

  /** 'missing', the file's stamp, or undefined when it cannot be told (changed too recently, or a tree without stamps). */
  private stampOf(path: string): FileStamp {
    if (!this.tree.stat) return undefined;
    const stat = this.tree.stat(path);
    return stat ? stat.stamp : 'missing';
  }

  /** Every package.json found: named when the package manager declares it a member (or it is a root or a workspace's root); a folder's entry point otherwise. */
  private workspacePackages(groups: Map<string, Tsconfig[]>, tree: SourceTree): WorkspacePackage[] {
    const folders = this.configFolders!.filter(f => f.packageJson || f.declaresWorkspace);
    const members: string[] = [];
    const workspaceRoots = new Set(this.roots);
    for (const { dir } of folders) {
      const patterns = declaredMembers(this.idOfFolder(dir) ?? '', name => tree.read(`${dir}/${name}`));
      if (patterns) {
        members.push(...patterns);
        workspaceRoots.add(dir);
      }
    }
    const packages: WorkspacePackage[] = [];
    for (const { dir, packageJson } of folders) {
      const pkg = packageJson ? parseJson(tree.read(`${dir}/package.json`)) : undefined;
      if (!pkg) continue;
      const dirId = this.idOfFolder(dir) ?? '';
      const named = typeof pkg.name === 'string' && (workspaceRoots.has(dir) || isMember(dirId, members));
      const build = this.buildFolders(groups.get(dir) ?? []);
      packages.push({
        name: named ? (pkg.name as string) : '',
        dir: dirId,
        ...(pkg.exports !== undefined ? { exports: pkg.exports } : {}),
        ...(typeof pkg.main === 'string' ? { main: pkg.main } : {}),
        ...(typeof pkg.module === 'string' ? { module: pkg.module } : {}),
        ...(typeof pkg.types === 'string'
          ? { types: pkg.types }
          : typeof pkg.typings === 'string'
            ? { types: pkg.typings }
            : {}),
        ...build,
      });
    }
    return packages;
  }

  /** Where a package's tsconfig (or the first config it references that says) builds to, and from where. */
  private buildFolders(group: Tsconfig[]): { outDir?: string; rootDir?: string } {
    const config = group.find(c => c.outDir !== undefined);
    if (!config) return {};
    const outDir = this.idOfFolder(config.outDir!);
    const rootPath =
      config.rootDir ?? commonFolder((config.include ?? []).map(literalFolder)) ?? dirOfPath(config.path);
    const rootDir = this.idOfFolder(rootPath);
    return outDir === undefined || rootDir === undefined ? {} : { outDir, rootDir };
  }

  /** A config as the resolver keeps it: every path a workspace id; undefined when the config lies outside the workspace. */
  private tsconfigRecord(config: Tsconfig, entry: boolean): TsconfigPaths | undefined {
    const configId = this.paths.toId(config.path);
    if (configId === undefined) return undefined;
    const record: TsconfigPaths = { dir: dirOf(configId), config: configId, ...(entry ? { entry } : {}) };
    const ids = (list: string[] | undefined) => list?.flatMap(p => this.idOfFolder(p) ?? []);
    const baseUrl = config.baseUrl === undefined ? undefined : this.idOfFolder(config.baseUrl);
    if (baseUrl !== undefined) record.baseUrl = baseUrl;
    // targets outside the workspace are left out; a pattern left with none resolves to nothing the graph holds
    if (config.paths)
      record.paths = Object.fromEntries(
        Object.entries(config.paths).map(([k, targets]) => [k, targets.flatMap(t => this.idOfFolder(t) ?? [])]),
      );
    const files = ids(config.files);
    const include = ids(config.include);
    const exclude = ids(config.exclude);
    const outDir = config.outDir === undefined ? undefined : this.idOfFolder(config.outDir);
    const references = config.references.flatMap(r => this.paths.toId(r) ?? []);
    return {
      ...record,
      ...(files ? { files } : {}),
      ...(include ? { include } : {}),
      ...(exclude ? { exclude } : {}),
      ...(outDir !== undefined ? { outDir } : {}),
      ...(references.length ? { references } : {}),
    };
  }

  /** The workspace id of a folder (or a pattern) given as an absolute path ('' for a root of a single-folder workspace). */
  private idOfFolder(path: string): string | undefined {
    const id = this.paths.toId(`${path}/x`);
    return id === undefined ? undefined : dirOf(id);
  }

  /**
   * Lists each folder once: its source files, its sub-folders (unless excluded), its configuration
   * files. `above`: the .gitignore rules of the folders above, so that an entry is checked against
   * the few rule sets that exist rather than once per level.
   */
  private walk(
    root: string,
    dir: string,
    above: FolderRules[],
    out: ScannedFile[],
    configs: ConfigFolder[],
    findings: Map<string, FolderFindings>,
  ): void {
    const entries = this.tree.list(dir);
    const active = this.rulesDown(
      dir,
      above,
      entries.some(e => e.name === '.gitignore'),
    ); // a file or a link to one
    // the same listing (a tree that remembers listings gives the very same one while the folder is
    // unchanged) under the same rules: the same findings, without judging every entry again
    const last = this.findings.get(dir);
    const found =
      last?.entries === entries && sameRules(last.active, active) ? last : this.findingsIn(root, dir, entries, active);
    findings.set(dir, found);
    if (found.config) configs.push(found.config);
    for (const file of found.files) out.push(file);
    for (const [step, path] of found.steps) {
      if (step === 'stubs') this.entryStubs(path, configs, 3);
      else this.walk(root, path, active, out, configs, findings);
    }
  }

  /** A folder's source files, configuration files, and the folders to go into, in the listing's order. */
  private findingsIn(root: string, dir: string, entries: Entries, active: FolderRules[]): FolderFindings {
    const tsconfig = ['tsconfig.json', 'jsconfig.json'].find(name =>
      entries.some(e => e.name === name && e.kind === 'file'),
    );
    const packageJson = entries.some(e => e.name === 'package.json' && e.kind === 'file');
    const declaresWorkspace = entries.some(
      e => (e.name === 'pnpm-workspace.yaml' || e.name === 'lerna.json') && e.kind === 'file',
    );
    const found: FolderFindings = { entries, active, files: [], steps: [] };
    if (tsconfig || packageJson || declaresWorkspace)
      found.config = { dir, ...(tsconfig ? { tsconfig } : {}), packageJson, declaresWorkspace };
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      if (entry.kind === 'dir') {
        if (packageJson && entry.name !== 'node_modules' && alwaysExcluded.has(entry.name))
          found.steps.push(['stubs', path]);
        if (alwaysExcluded.has(entry.name) || this.ignoredBy(root, path, active, true)) continue;
        found.steps.push(['walk', path]);
      } else if (entry.kind === 'file' && isSourceFile(entry.name) && !this.ignoredBy(root, path, active, false)) {
        found.files.push({ path, id: this.paths.toId(path)! });
      }
    }
    return found;
  }

  /**
   * A package's build folder is not read, but the entry points some packages publish inside it are:
   * folders holding only a package.json that names the build's files (`dist/dynamic/Button/package.json`
   * → `../../esm/Button/index.js`), which an import of `pkg/dist/dynamic/Button` loads. Looks only
   * through folders that hold no modules themselves (`dist/dynamic/`, not `dist/esm/`), `depth` levels down.
   */
  private entryStubs(dir: string, configs: ConfigFolder[], depth: number): void {
    const entries = this.tree.list(dir);
    if (entries.some(e => e.kind === 'file' && isSourceFile(e.name))) return;
    if (entries.some(e => e.name === 'package.json' && e.kind === 'file')) {
      configs.push({ dir, packageJson: true, declaresWorkspace: false });
      return;
    }
    if (depth > 0)
      for (const e of entries) if (e.kind === 'dir') this.entryStubs(`${dir}/${e.name}`, configs, depth - 1);
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
    if (!exists) return null;
    const path = `${dir}/.gitignore`;
    const stamp = this.stampOf(path);
    const known = this.gitignores.get(dir);
    if (known && stamp !== undefined && known.stamp === stamp) return known.rules;
    const text = this.tree.read(path);
    const rules = text === undefined ? null : ignore().add(text);
    this.gitignores.set(dir, { stamp, rules });
    return rules;
  }
}

/** The folder part of a pattern before its first wildcard (the whole of it when it names a folder). */
function literalFolder(pattern: string): string {
  const parts = pattern.split('/');
  const wild = parts.findIndex(p => /[*?]/.test(p));
  const literal = wild < 0 ? parts : parts.slice(0, wild);
  if (wild < 0 && /\.[^/]*$/.test(literal[literal.length - 1] ?? '')) literal.pop(); // a file
  return literal.join('/') || '/';
}

/** The deepest folder holding all of `folders`, or undefined for none. */
function commonFolder(folders: string[]): string | undefined {
  if (!folders.length) return undefined;
  let common = folders[0];
  for (const f of folders.slice(1)) {
    while (common !== '/' && f !== common && !f.startsWith(`${common}/`)) common = dirOfPath(common);
  }
  return common;
}
