// The knowledge graph's vocabulary: what a file holds (its facts, extracted once per content
// hash and stored), and the components and relations the graph assembles from those facts.
// Plain data only: facts cross the worker boundary and are stored as JSON.

export const sourceExtensions = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export type ComponentKind =
  'module' | 'package' | 'asset' | 'class' | 'interface' | 'type' | 'enum' | 'function' | 'method' | 'variable';

export type RelationKind = 'imports' | 'reexports' | 'contains' | 'extends' | 'implements' | 'calls';

/** A declaration found in a file. Methods name their class in `parent`. */
export interface DeclarationFact {
  kind: Exclude<ComponentKind, 'module' | 'package' | 'asset'>;
  name: string;
  line: number;
  exported: boolean;
  /** The class a method belongs to. */
  parent?: string;
  /** Names written after `extends` (classes, interfaces) and `implements`. */
  extends?: string[];
  implements?: string[];
  /** Names called (`f()`, `new C()`) or `this.m()` calls written `this.m`, inside this declaration. */
  calls?: string[];
}

/** One import, re-export, `require()` or `import()` of a file. */
export interface ImportFact {
  specifier: string;
  kind: 'import' | 'reexport' | 'require' | 'dynamic';
  line: number;
  /** Imported names as written in the importing file: `imported` in the other file, `local` here. `*` is the whole module. */
  names: Array<{ imported: string; local: string }>;
  typeOnly?: boolean;
}

export interface TodoFact {
  tag: 'TODO' | 'FIXME' | 'HACK';
  text: string;
  line: number;
}

/** What extraction found in one file. */
export interface FileFacts {
  lines: number;
  declarations: DeclarationFact[];
  imports: ImportFact[];
  /** Names exported by `export { a as b }` without a source, and `export default <identifier>`: local → exported. */
  exportAliases?: Array<{ local: string; exported: string }>;
  todos: TodoFact[];
}

export type FileStatus = 'parsed' | 'failed' | 'skipped';

/** A source file as the graph keeps it: id (path relative to the workspace, with `/`), content hash, and its facts. */
export interface FileRecord {
  id: string;
  hash: string;
  size: number;
  status: FileStatus;
  /** Why the file failed to parse or was skipped, in words for the user. */
  error?: string;
  facts: FileFacts;
}

/** tsconfig `baseUrl`/`paths` of one folder, and the workspace's own packages: what resolution needs besides the file list. */
export interface ProjectConfig {
  tsconfigs: TsconfigPaths[];
  packages: WorkspacePackage[];
}

export interface TsconfigPaths {
  /** Folder (a workspace id, '' for the root) of the config; without `config` (graphs stored before ownership), files in it and below. */
  dir: string;
  /** Workspace id of the config file. With it, the config owns the files its `files`/`include`/`exclude` name, as TypeScript decides. */
  config?: string;
  /** A folder's tsconfig.json (or jsconfig.json): where TypeScript starts looking for a file's project. */
  entry?: boolean;
  /** Workspace id of the baseUrl folder, when set. */
  baseUrl?: string;
  /** Pattern → workspace ids of the targets (with `*`); an empty list when they all lie outside the workspace. */
  paths?: Record<string, string[]>;
  /** TypeScript's `files`, `include` and `exclude` as workspace ids (with wildcards); undefined as in TypeScript (defaults apply). */
  files?: string[];
  include?: string[];
  exclude?: string[];
  /** `outDir` as a workspace id: excluded by default, as TypeScript does. */
  outDir?: string;
  /** Config ids of its `references`. */
  references?: string[];
}

export interface WorkspacePackage {
  /** '' for a package.json without a name (a folder's entry point only). */
  name: string;
  /** Workspace id of the package's folder. */
  dir: string;
  /** The `exports` field as written (string, conditions, or subpath map). */
  exports?: unknown;
  main?: string;
  /** The ES module entry bundlers load for an `import` (the `module` field). */
  module?: string;
  types?: string;
  /** Where its tsconfig writes the build (`outDir`) and from which source folder (`rootDir`, or the folder `include` names): workspace ids. */
  outDir?: string;
  rootDir?: string;
}

export interface Component {
  /**
   * `src/a.ts` for a module, `src/a.ts#Name` / `src/a.ts#Class.method` for a symbol, `pkg:name` for a
   * package, `asset:src/logo.svg` for a file of another kind that a module imports (style, image, JSON …).
   */
  id: string;
  kind: ComponentKind;
  name: string;
  /** The module's id (absent for packages; an asset's own path). */
  file?: string;
  line?: number;
  exported?: boolean;
}

export interface Relation {
  from: string;
  to: string;
  kind: RelationKind;
  /** For imports and re-exports: the names imported (`*` for the whole module, none for a side-effect import). */
  names?: string[];
  typeOnly?: boolean;
  line?: number;
}

export interface UnresolvedImport {
  file: string;
  specifier: string;
  line: number;
  /** Why it does not resolve, when more is known than "no such file". */
  reason?: string;
}

export interface GraphStatistics {
  files: number;
  components: Record<ComponentKind, number>;
  relations: Record<RelationKind, number>;
  parseFailures: number;
  skipped: number;
  unresolvedImports: number;
  cycles: number;
  mostDependedOn: Array<{ id: string; dependents: number }>;
  largestModules: Array<{ id: string; lines: number }>;
}

/** Progress of a build: files done out of the total found. */
export interface BuildProgress {
  done: number;
  total: number;
}

export class GraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphError';
  }
}

export function moduleIdOf(componentId: string): string | undefined {
  if (componentId.startsWith(packagePrefix) || componentId.startsWith(assetPrefix)) return undefined;
  const hash = componentId.indexOf('#');
  return hash < 0 ? componentId : componentId.slice(0, hash);
}

/** The id of an external package's component is `pkg:` and its name; an asset's is `asset:` and its path. */
export const packagePrefix = 'pkg:';
export const assetPrefix = 'asset:';

/**
 * Files that modules import but the graph does not parse: styles, images, fonts, media, data, markup
 * and other frameworks' components. An import of one (relative, or through tsconfig paths) is an edge
 * to an asset node, not an unresolved import; whether the file exists is left to the bundler.
 */
export const assetExtensions = new Set([
  'css',
  'scss',
  'sass',
  'less',
  'styl',
  'pcss',
  'svg',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'avif',
  'ico',
  'bmp',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'eot',
  'mp3',
  'mp4',
  'webm',
  'wav',
  'ogg',
  'json',
  'json5',
  'yaml',
  'yml',
  'toml',
  'txt',
  'md',
  'mdx',
  'html',
  'htm',
  'xml',
  'csv',
  'graphql',
  'gql',
  'wasm',
  'vue',
  'svelte',
  'astro',
]);

export function isSourceFile(path: string): boolean {
  return sourceExtensions.some(ext => path.endsWith(ext));
}
