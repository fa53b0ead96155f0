// The graph benchmark's reference edges: TypeScript's own module resolver (`ts.resolveModuleName`)
// run with the options of the tsconfig that owns each importing file, on every module specifier of
// TypeScript's syntax tree (imports, re-exports, import-equals, `import()`, `require()`, import types,
// `/// <reference path>`), found with a walk of its own (not the graph's extract.ts). Ownership is decided with TypeScript's parsed configs: up from the file's
// folder, the first tsconfig.json whose project (or a project it references) lists the file; else the
// nearest tsconfig.json; else default options (Bundler resolution, JavaScript allowed).
// The assembled corpora are unpacked tarballs, not installs: no node_modules links the workspace's members,
// so TypeScript would resolve no bare import of a sibling package. The reference sees the install a
// package manager would make: <root>/node_modules/<name> is the member's folder (a symlink, realpath'd).
// A published member's entry is its built copy (dist/, not scanned); the graph's stated policy maps it to the
// source it was built from, and so does the reference: dist/[esm|cjs|js|…/]x(.d).js → src/x.ts(x) when that is scanned.
// One normalisation, the graph's stated policy (src/core/graph/resolve.ts): a .d.ts that describes a
// JavaScript twin beside it stands for the twin (what runs).
import * as fs from 'fs';
import * as path from 'path';
import { ts } from 'ts-morph';

export interface ReferenceImport {
  from: string;
  specifier: string;
  /** A file id of the scanned files, or undefined (outside them, a package, or unresolved). */
  to?: string;
  /** Where TypeScript resolved it when that is not one of the scanned files. */
  outside?: string;
}

const defaultOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowJs: true,
  resolveJsonModule: true,
  jsx: ts.JsxEmit.ReactJSX,
};
const runtimeTwins = ['.js', '.mjs', '.cjs', '.jsx'];

/** Every import of the files (ids relative to `dir`) as TypeScript resolves it. */
export function referenceImports(dir: string, fileIds: readonly string[]): ReferenceImport[] {
  const files = new Set(fileIds);
  const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
  const parsed = new Map<string, ts.ParsedCommandLine | undefined>();
  const parse = (configPath: string) => {
    if (!parsed.has(configPath))
      parsed.set(
        configPath,
        fs.existsSync(configPath) ? ts.getParsedCommandLineOfConfigFile(configPath, {}, host) : undefined,
      );
    return parsed.get(configPath);
  };
  const group = (entry: string): ts.ParsedCommandLine[] => {
    const out: ts.ParsedCommandLine[] = [];
    const seen = new Set<string>();
    const visit = (p: string) => {
      if (seen.has(p)) return;
      seen.add(p);
      const config = parse(p);
      if (!config) return;
      out.push(config);
      for (const ref of config.projectReferences ?? []) visit(ts.resolveProjectReferencePath(ref));
    };
    visit(entry);
    return out;
  };
  const fileSets = new Map<ts.ParsedCommandLine, Set<string>>();
  const lists = (config: ts.ParsedCommandLine, file: string) => {
    let set = fileSets.get(config);
    if (!set) fileSets.set(config, (set = new Set(config.fileNames.map(f => path.resolve(f)))));
    return set.has(file);
  };
  const optionsFor = (file: string): ts.CompilerOptions => {
    let nearest: ts.ParsedCommandLine | undefined;
    for (let d = path.dirname(file); d.startsWith(dir); d = path.dirname(d)) {
      const entry = path.join(d, 'tsconfig.json');
      if (fs.existsSync(entry)) {
        const configs = group(entry);
        nearest ??= configs[0];
        const owner = configs.find(c => lists(c, file));
        if (owner) return owner.options;
      }
      if (d === dir) break;
    }
    return nearest?.options ?? defaultOptions;
  };
  const resolutionHost = linkedInstallHost(dir);
  const cache = ts.createModuleResolutionCache(dir, s => s);
  const out: ReferenceImport[] = [];
  for (const id of fileIds) {
    const file = path.join(dir, id);
    const text = fs.readFileSync(file, 'utf8');
    const options = optionsFor(file);
    const specifiers = moduleSpecifiers(file, text);
    for (const specifier of specifiers) {
      const resolved = ts.resolveModuleName(specifier, file, options, resolutionHost, cache).resolvedModule
        ?.resolvedFileName;
      const target =
        resolved === undefined
          ? undefined
          : builtToSource(runtimeTwin(path.relative(dir, fs.realpathSync(resolved)).replace(/\\/g, '/'), files), files);
      if (target !== undefined && files.has(target)) out.push({ from: id, specifier, to: target });
      else out.push({ from: id, specifier, ...(target !== undefined ? { outside: target } : {}) });
    }
  }
  return out;
}

function moduleSpecifiers(file: string, text: string): string[] {
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    false,
    /\.tsx$/.test(file) ? ts.ScriptKind.TSX : /\.[cm]?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JSX,
  );
  const out = sf.referencedFiles.map(f => (f.fileName.startsWith('.') ? f.fileName : `./${f.fileName}`));
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      out.push(node.moduleSpecifier.text);
    else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    )
      out.push(node.moduleReference.expression.text);
    else if (
      ts.isCallExpression(node) &&
      node.arguments.length &&
      ts.isStringLiteralLike(node.arguments[0]) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    )
      out.push(node.arguments[0].text);
    else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    )
      out.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function builtToSource(id: string, files: ReadonlySet<string>): string {
  if (files.has(id)) return id;
  const m = /^(.*?)\/dist\/(?:(?:esm|cjs|js|es|lib|types|module|commonjs)\/)?(.+?)(?:\.d)?\.[cm]?[jt]sx?$/.exec(id);
  if (!m) return id;
  for (const candidate of [`${m[1]}/src/${m[2]}`, `${m[1]}/src/${m[2]}/index`]) {
    for (const ext of ['.ts', '.tsx', '.js', '.jsx']) if (files.has(candidate + ext)) return candidate + ext;
  }
  return id;
}

function runtimeTwin(id: string, files: ReadonlySet<string>): string {
  const m = /^(.*)\.d\.([cm]?)ts$/.exec(id);
  if (!m) return id;
  for (const ext of runtimeTwins)
    if (files.has(`${m[1]}${ext}`) && (m[2] === '' || ext === `.${m[2]}js`)) return `${m[1]}${ext}`;
  return id;
}

export interface ReferenceAgreement {
  precision: number;
  recall: number;
  ours: number;
  reference: number;
  both: number;
  classes: Map<string, string[]>;
}

/** Our file→file edges against TypeScript's, every disagreement in a class that says why. */
export function compareWithReference(
  ours: ReadonlyArray<{ from: string; specifier: string; to?: string; outcome: string }>,
  reference: readonly ReferenceImport[],
  isSource: (id: string) => boolean,
): ReferenceAgreement {
  const mine = new Set(
    ours.filter(i => i.to !== undefined && i.to !== i.from && isSource(i.to)).map(i => `${i.from} -> ${i.to}`),
  );
  const theirs = new Set(reference.filter(i => i.to !== undefined && i.to !== i.from).map(i => `${i.from} -> ${i.to}`));
  const both = [...mine].filter(e => theirs.has(e)).length;
  const classes = new Map<string, string[]>();
  const add = (label: string, example: string) => classes.set(label, [...(classes.get(label) ?? []), example]);
  const refBy = new Map<string, ReferenceImport[]>();
  for (const r of reference) refBy.set(r.from, [...(refBy.get(r.from) ?? []), r]);
  const oursBy = new Map<string, (typeof ours)[number][]>();
  for (const o of ours) oursBy.set(o.from, [...(oursBy.get(o.from) ?? []), o]);
  for (const edge of mine) {
    if (theirs.has(edge)) continue;
    const [from, to] = edge.split(' -> ');
    for (const o of (oursBy.get(from) ?? []).filter(i => i.to === to)) {
      const r = (refBy.get(from) ?? []).find(x => x.specifier === o.specifier);
      const why = !r
        ? 'TypeScript does not find this import'
        : r.to
          ? 'TypeScript resolves it to another file'
          : r.outside
            ? `TypeScript resolves it outside the scanned files (${/node_modules/.test(r.outside) ? 'node_modules' : r.outside.split('/').slice(0, 3).join('/')})`
            : 'TypeScript cannot resolve it';
      add(`only ours: ${why}`, `${edge} ('${o.specifier}'${r?.to ? ` → TypeScript: ${r.to}` : ''})`);
    }
  }
  for (const edge of theirs) {
    if (mine.has(edge)) continue;
    const [from, to] = edge.split(' -> ');
    for (const r of (refBy.get(from) ?? []).filter(i => i.to === to)) {
      const o = (oursBy.get(from) ?? []).find(x => x.specifier === r.specifier);
      const why = !o
        ? 'we do not extract this import'
        : o.outcome === 'package'
          ? 'we take it for an external package'
          : o.outcome === 'unresolved'
            ? 'we leave it unresolved'
            : 'we resolve it to another file';
      add(`only TypeScript: ${why}`, `${edge} ('${r.specifier}'${o?.to ? ` → ours: ${o.to}` : ''})`);
    }
  }
  return {
    precision: mine.size ? both / mine.size : 1,
    recall: theirs.size ? both / theirs.size : 1,
    ours: mine.size,
    reference: theirs.size,
    both,
    classes,
  };
}

/** ts.sys as if the workspace's declared members (root package.json `workspaces`: folders and `dir/*`) were linked into <root>/node_modules. */
function linkedInstallHost(dir: string): ts.ModuleResolutionHost {
  const members = new Map<string, string>();
  const rootManifest = path.join(dir, 'package.json');
  if (!fs.existsSync(rootManifest)) return ts.sys; // no root package.json: nothing is linked
  const root = JSON.parse(fs.readFileSync(rootManifest, 'utf8')) as { workspaces?: unknown };
  const workspaces = Array.isArray(root.workspaces)
    ? root.workspaces
    : (root.workspaces as { packages?: unknown } | undefined)?.packages;
  for (const pattern of Array.isArray(workspaces) ? workspaces.filter((w): w is string => typeof w === 'string') : []) {
    const folders = pattern.endsWith('/*')
      ? fs.existsSync(path.join(dir, pattern.slice(0, -2)))
        ? fs.readdirSync(path.join(dir, pattern.slice(0, -2))).map(n => path.join(dir, pattern.slice(0, -2), n))
        : []
      : [path.join(dir, pattern)];
    for (const folder of folders) {
      const manifest = path.join(folder, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const name = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      if (typeof name === 'string') members.set(name, folder);
    }
  }
  const modules = path.join(dir, 'node_modules');
  const scopes = new Set(
    [...members.keys()].filter(n => n.startsWith('@')).map(n => path.join(modules, n.split('/')[0])),
  );
  const real = (p: string): string => {
    if (!p.startsWith(modules + path.sep)) return p;
    const parts = p.slice(modules.length + 1).split(path.sep);
    const width = parts[0].startsWith('@') ? 2 : 1;
    const folder = members.get(parts.slice(0, width).join('/'));
    return folder ? path.join(folder, ...parts.slice(width)) : p;
  };
  return {
    fileExists: p => ts.sys.fileExists(real(p)),
    readFile: p => ts.sys.readFile(real(p)),
    directoryExists: p => p === modules || scopes.has(p) || ts.sys.directoryExists(real(p)),
    realpath: p => real(ts.sys.realpath ? ts.sys.realpath(p) : p),
    getCurrentDirectory: () => dir,
    getDirectories: p => ts.sys.getDirectories(real(p)),
  };
}
