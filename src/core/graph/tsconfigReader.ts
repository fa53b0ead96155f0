// Reading tsconfig files as TypeScript does for what the graph needs: `extends` chains (relative
// paths, packages in node_modules such as `@tsconfig/node20/tsconfig.json`, arrays where the last
// one wins), `references`, `files`/`include`/`exclude`, `baseUrl`/`paths`, `outDir`/`rootDir`.
// Every path comes out absolute, relative to the config that wrote it.
import { parse, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import { ts } from 'ts-morph';
import type { SourceTree } from './sourceTree';
import { joinId } from './workspacePaths';

export interface Tsconfig {
  /** Absolute path of the config file. */
  path: string;
  baseUrl?: string;
  /** Pattern → absolute target patterns (relative to baseUrl, or else to the config that wrote them). */
  paths?: Record<string, string[]>;
  /** The config whose folder `paths` are relative to when there is no baseUrl. */
  pathsFrom?: string;
  /** Absolute paths and patterns; undefined when neither this config nor one it extends says. */
  files?: string[];
  include?: string[];
  exclude?: string[];
  outDir?: string;
  rootDir?: string;
  /** Absolute paths of the referenced config files (not inherited). */
  references: string[];
}

type Inherited = Omit<Tsconfig, 'path' | 'references'>;

const maxDepth = 8;

export class TsconfigReader {
  private readonly cache = new Map<string, Tsconfig | undefined>();

  constructor(private readonly tree: SourceTree) {}

  /** The config at `path` with what it extends, or undefined when it is missing or not JSON. */
  read(path: string): Tsconfig | undefined {
    if (!this.cache.has(path)) {
      const config = this.load(path, 0, dirOfPath(path));
      if (config?.paths) {
        const base = config.baseUrl ?? dirOfPath(config.pathsFrom ?? path);
        config.paths = Object.fromEntries(
          Object.entries(config.paths).map(([k, targets]) => [
            k,
            targets.flatMap(t => (isAbsolute(t) ? t : joinPath(base, t)) ?? []),
          ]),
        );
      }
      this.cache.set(path, config);
    }
    return this.cache.get(path);
  }

  /** The config and those it references, depth first, each once. */
  withReferences(path: string): Tsconfig[] {
    const out: Tsconfig[] = [];
    const seen = new Set<string>();
    const visit = (p: string) => {
      if (seen.has(p)) return;
      seen.add(p);
      const config = this.read(p);
      if (!config) return;
      out.push(config);
      for (const ref of config.references) visit(ref);
    };
    visit(path);
    return out;
  }

  /** `leafDir`: the folder of the config the chain started from, which `${configDir}` stands for (TypeScript 5.5). */
  private load(path: string, depth: number, leafDir: string): Tsconfig | undefined {
    const json = parseJsonc(this.tree.read(path));
    if (!json) return undefined;
    const dir = dirOfPath(path);
    let inherited: Inherited = {};
    const bases =
      typeof json.extends === 'string'
        ? [json.extends]
        : Array.isArray(json.extends)
          ? json.extends.filter((e): e is string => typeof e === 'string')
          : [];
    if (depth < maxDepth) {
      for (const spec of bases) {
        const basePath = this.extendsPath(dir, spec);
        const base = basePath === undefined ? undefined : this.load(basePath, depth + 1, leafDir);
        if (base) inherited = { ...inherited, ...definedOnly(base) };
      }
    }
    const options = (isObject(json.compilerOptions) ? json.compilerOptions : {}) as Record<string, unknown>;
    const own: Inherited = {};
    const template = (value: string) =>
      value.startsWith('${configDir}') ? `${leafDir}${value.slice('${configDir}'.length)}` : value;
    const at = (value: string) => {
      const v = template(value);
      return isAbsolute(v) ? v : joinPath(dir, v);
    };
    if (typeof options.baseUrl === 'string') own.baseUrl = at(options.baseUrl);
    if (isStringArrayRecord(options.paths)) {
      own.paths = Object.fromEntries(Object.entries(options.paths).map(([k, targets]) => [k, targets.map(template)]));
      own.pathsFrom = path;
    }
    if (typeof options.outDir === 'string') own.outDir = at(options.outDir);
    if (typeof options.rootDir === 'string') own.rootDir = at(options.rootDir);
    for (const key of ['files', 'include', 'exclude'] as const) {
      const list = json[key];
      if (Array.isArray(list))
        own[key] = list.filter((s): s is string => typeof s === 'string').flatMap(s => at(s) ?? []);
    }
    const references = Array.isArray(json.references)
      ? json.references.flatMap(r =>
          isObject(r) && typeof r.path === 'string' ? (this.referencePath(dir, r.path) ?? []) : [],
        )
      : [];
    return { path, ...inherited, ...definedOnly(own), references };
  }

  /** A relative or absolute `extends` from `dir`, or a package's config found in node_modules folders up from `dir`. */
  private extendsPath(dir: string, spec: string): string | undefined {
    if (spec.startsWith('.') || spec.startsWith('/')) {
      const path = spec.startsWith('/') ? spec : joinPath(dir, spec);
      if (path === undefined) return undefined;
      return this.exists(path) || path.endsWith('.json') ? path : `${path}.json`;
    }
    for (let d = dir; ; d = dirOfPath(d)) {
      const base = `${d === '/' ? '' : d}/node_modules/${spec}`;
      const candidates = spec.endsWith('.json')
        ? [base]
        : [`${base}.json`, ...this.packageConfig(base), `${base}/tsconfig.json`];
      const found = candidates.find(c => this.exists(c));
      if (found) return found;
      if (d === '/' || dirOfPath(d) === d) return undefined;
    }
  }

  /** A package's own choice of config: the `tsconfig` field of its package.json. */
  private packageConfig(packageDir: string): string[] {
    const pkg = parseJson(this.tree.read(`${packageDir}/package.json`));
    return typeof pkg?.tsconfig === 'string' ? [joinPath(packageDir, pkg.tsconfig) ?? []].flat() : [];
  }

  /** A reference names a config file or a folder holding a tsconfig.json. */
  private referencePath(dir: string, spec: string): string | undefined {
    const path = spec.startsWith('/') ? spec : joinPath(dir, spec);
    if (path === undefined) return undefined;
    return path.endsWith('.json') && this.exists(path) ? path : `${path}/tsconfig.json`;
  }

  private exists(path: string): boolean {
    return this.tree.size(path) !== undefined;
  }
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([k, v]) => v !== undefined && k !== 'path' && k !== 'references'),
  ) as Partial<T>;
}

/** Joins an absolute folder and a relative path ("/a/b" + "../c" → "/a/c"; "C:/a" + "b" → "C:/a/b"). */
export function joinPath(dir: string, relative: string): string | undefined {
  if (dir.startsWith('/')) {
    const joined = joinId(dir.slice(1), relative);
    return joined === undefined ? undefined : `/${joined}`;
  }
  return joinId(dir, relative);
}

export function dirOfPath(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArrayRecord(value: unknown): value is Record<string, string[]> {
  return isObject(value) && Object.values(value).every(v => Array.isArray(v) && v.every(s => typeof s === 'string'));
}

export function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined; // a broken package.json is not a workspace package; the rest of the scan goes on
  }
}

/**
 * tsconfig allows comments and trailing commas: read as JSON with comments (readJsonc), and only what
 * that cannot read (single quotes, unquoted keys, hex numbers …) by TypeScript's own lenient reader,
 * which loads TypeScript (the graph worker otherwise does not, when every file is read from tokens).
 */
export function parseJsonc(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const read = readJsonc(text);
  if (read && isObject(read.value)) return read.value;
  // what is not an object of JSON with comments (TypeScript makes `{}` of a JSON array, for one)
  const value: unknown = ts.parseConfigFileTextToJson('tsconfig.json', text).config;
  return isObject(value) ? value : undefined;
}

/**
 * JSON with comments (`//`, `/* … *\/`) and trailing commas, as TypeScript reads it (jsonc-parser, which
 * also reads settings.json and agents' configs); undefined when the text is anything more lenient.
 */
export function readJsonc(text: string): { value: unknown } | undefined {
  const errors: ParseError[] = [];
  // a byte order mark is white space to TypeScript
  const value: unknown = parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, errors, {
    allowTrailingComma: true,
    allowEmptyContent: false,
  });
  return errors.length ? undefined : { value };
}
