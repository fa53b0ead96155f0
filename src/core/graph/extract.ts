// Extraction: one file's text in, its facts out (declarations, imports, calls, TODOs). Parse-only
// with ts-morph's TypeScript — no program, no type checker — so each file costs one parse and is then released.
// Only the graph worker and tests load this module: ts-morph never enters the extension's main bundle, and
// in the worker's bundle `ts` loads TypeScript when first read (esbuild.js), so a file read from tokens
// (quickExtract.ts) never loads it.
import { ts } from 'ts-morph';
import type { DeclarationFact, FileFacts, ImportFact, TodoFact } from './model';
import { lineAt, quickFacts } from './quickExtract';

export interface Extraction {
  facts: FileFacts;
  /** Set when the file did not parse: the first syntax error, with its line. Facts then hold only the imports. */
  error?: string;
}

const maxCallsPerDeclaration = 200;

export class Extractor {
  /**
   * The facts of one file. Never throws for bad input: a file that does not parse gets its imports from `preProcessFile`.
   * `quick`: read them from tokens when the file allows (quickExtract.ts: the same facts in a third of the time, for
   * whole-workspace builds); a syntax error the tokens do not show (`a +;`) is then found when the file is next parsed.
   */
  extract(path: string, text: string, { quick = false } = {}): Extraction {
    if (quick) {
      const facts = quickFacts(path, text, findTodos(text));
      if (facts) return { facts };
    }
    // ts-morph's TypeScript, parse-only: one syntax tree, walked directly (ts-morph's wrapped nodes
    // cost several times the parse on thousands of files), then dropped. JSDoc is not parsed (nothing
    // here reads it; it is a third of the parse of a documented JavaScript file) and no parent
    // pointers are set (the walk passes parents down itself).
    const sf = ts.createSourceFile(
      path,
      text,
      { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
      false,
      scriptKindOf(path),
    );
    try {
      const syntaxError = firstSyntaxError(sf);
      if (syntaxError) return { facts: fallbackFacts(text), error: syntaxError };
      return { facts: factsOf(sf, text) };
    } catch (err) {
      // the walk met a tree it did not expect: keep the imports, say what went wrong
      return { facts: fallbackFacts(text), error: `extraction failed: ${(err as Error).message}` };
    }
  }
}

function scriptKindOf(path: string): ts.ScriptKind {
  if (/\.tsx$/.test(path)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/.test(path)) return ts.ScriptKind.TS;
  if (/\.jsx$/.test(path)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

function firstSyntaxError(sf: ts.SourceFile): string | undefined {
  const diagnostics = (sf as ts.SourceFile & { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] })
    .parseDiagnostics;
  const first = diagnostics?.[0];
  if (!first) return undefined;
  const { line } = sf.getLineAndCharacterOfPosition(first.start);
  return `line ${line + 1}: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`;
}

/** Imports by TypeScript's cheap pre-processing scan, for files the parser rejects. */
export function fallbackFacts(text: string): FileFacts {
  const info = ts.preProcessFile(text, true, true);
  const starts = lineStarts(text);
  const imports: ImportFact[] = info.importedFiles.map(f => ({
    specifier: f.fileName,
    kind: 'import',
    line: lineAt(starts, f.pos),
    names: [],
  }));
  return { lines: starts.length, declarations: [], imports, todos: findTodos(text) };
}

function isExported(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some(m => m.kind === ts.SyntaxKind.ExportKeyword) ?? false)
  );
}

function heritage(
  node: ts.ClassDeclaration | ts.InterfaceDeclaration,
  sf: ts.SourceFile,
  token: ts.SyntaxKind,
): string[] {
  return (node.heritageClauses ?? [])
    .filter(h => h.token === token)
    .flatMap(h => h.types.map(t => t.expression.getText(sf)));
}

function factsOf(sf: ts.SourceFile, text: string): FileFacts {
  const declarations: DeclarationFact[] = [];
  const owners = new Map<ts.Node, DeclarationFact>();
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const add = (node: ts.Node, fact: DeclarationFact) => {
    declarations.push(fact);
    owners.set(node, fact);
  };
  const imports: ImportFact[] = [];
  const exportAliases: Array<{ local: string; exported: string }> = [];
  for (const statement of sf.statements) {
    if (ts.isClassDeclaration(statement)) {
      const name = statement.name?.text ?? 'default';
      const exported = isExported(statement);
      const base = heritage(statement, sf, ts.SyntaxKind.ExtendsKeyword);
      const impl = heritage(statement, sf, ts.SyntaxKind.ImplementsKeyword);
      add(statement, {
        kind: 'class',
        name,
        line: lineOf(statement),
        exported,
        ...(base.length ? { extends: base.slice(0, 1) } : {}),
        ...(impl.length ? { implements: impl } : {}),
      });
      const methods = statement.members.filter(ts.isMethodDeclaration);
      for (const method of methods) {
        const methodName = method.name.getText(sf);
        if (!method.body && methods.some(m => m !== method && m.body && m.name.getText(sf) === methodName)) continue;
        add(method, { kind: 'method', name: methodName, parent: name, line: lineOf(method), exported });
      }
    } else if (ts.isInterfaceDeclaration(statement)) {
      add(statement, {
        kind: 'interface',
        name: statement.name.text,
        line: lineOf(statement),
        exported: isExported(statement),
        extends: heritage(statement, sf, ts.SyntaxKind.ExtendsKeyword),
      });
    } else if (ts.isTypeAliasDeclaration(statement)) {
      add(statement, {
        kind: 'type',
        name: statement.name.text,
        line: lineOf(statement),
        exported: isExported(statement),
      });
    } else if (ts.isEnumDeclaration(statement)) {
      add(statement, {
        kind: 'enum',
        name: statement.name.text,
        line: lineOf(statement),
        exported: isExported(statement),
      });
    } else if (ts.isFunctionDeclaration(statement)) {
      const name = statement.name?.text ?? 'default';
      if (!statement.body && declarations.some(d => d.kind === 'function' && d.name === name)) continue; // overloads
      add(statement, { kind: 'function', name, line: lineOf(statement), exported: isExported(statement) });
    } else if (ts.isVariableStatement(statement)) {
      const exported = isExported(statement);
      for (const decl of statement.declarationList.declarations) {
        const init = decl.initializer;
        const isFunction = !!init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init));
        if ((!exported && !isFunction) || !ts.isIdentifier(decl.name)) continue; // destructuring: no single name to show
        add(decl, { kind: isFunction ? 'function' : 'variable', name: decl.name.text, line: lineOf(decl), exported });
      }
    } else if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const names: ImportFact['names'] = [];
      const clause = statement.importClause;
      if (clause?.name) names.push({ imported: 'default', local: clause.name.text });
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.push({ imported: '*', local: bindings.name.text });
      else if (bindings)
        for (const e of bindings.elements)
          names.push({ imported: (e.propertyName ?? e.name).text, local: e.name.text });
      imports.push({
        specifier: statement.moduleSpecifier.text,
        kind: 'import',
        line: lineOf(statement),
        names,
        ...(clause?.isTypeOnly ? { typeOnly: true } : {}),
      });
    } else if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        const names = !clause
          ? [{ imported: '*', local: '*' }]
          : ts.isNamespaceExport(clause)
            ? [{ imported: '*', local: clause.name.text }]
            : clause.elements.map(e => ({ imported: (e.propertyName ?? e.name).text, local: e.name.text }));
        imports.push({
          specifier: statement.moduleSpecifier.text,
          kind: 'reexport',
          line: lineOf(statement),
          names,
          ...(statement.isTypeOnly ? { typeOnly: true } : {}),
        });
      } else if (clause && ts.isNamedExports(clause)) {
        for (const e of clause.elements)
          exportAliases.push({ local: (e.propertyName ?? e.name).text, exported: e.name.text });
      }
    } else if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) {
      exportAliases.push({ local: statement.expression.text, exported: statement.isExportEquals ? '*' : 'default' });
    } else if (
      ts.isImportEqualsDeclaration(statement) &&
      ts.isExternalModuleReference(statement.moduleReference) &&
      ts.isStringLiteral(statement.moduleReference.expression)
    ) {
      imports.push({
        specifier: statement.moduleReference.expression.text,
        kind: 'require',
        line: lineOf(statement),
        names: [{ imported: '*', local: statement.name.text }],
      });
    }
  }
  for (const ref of sf.referencedFiles) {
    // `/// <reference path="x.ts" />` loads a file too; its path is relative even without ./
    const specifier = ref.fileName.startsWith('.') || ref.fileName.startsWith('/') ? ref.fileName : `./${ref.fileName}`;
    imports.push({ specifier, kind: 'import', line: sf.getLineAndCharacterOfPosition(ref.pos).line + 1, names: [] });
  }
  // the order ts-morph listed them in: imports, then re-exports, then import-equals
  const order = { import: 0, reexport: 1, require: 2, dynamic: 3 };
  imports.sort((a, b) => order[a.kind] - order[b.kind]);
  // a declaration file has no calls, requires or dynamic imports to find
  if (!sf.isDeclarationFile) collectCallsAndRequires(sf, owners, imports);
  if (/\bimport\s*\(/.test(text)) collectImportTypes(sf, imports);
  const lines = sf.getLineAndCharacterOfPosition(sf.end).line + 1;
  return { lines, declarations, imports, ...(exportAliases.length ? { exportAliases } : {}), todos: findTodos(text) };
}

/**
 * One walk over the raw syntax tree (much cheaper than ts-morph wrappers for every node): calls and
 * `new` inside each declaration, and `require('x')` / `import('x')` anywhere. Type annotations,
 * interfaces and type aliases hold neither, so the walk does not enter them (on TypeScript sources
 * they are a good part of the tree). The owner and parent are kept in two variables rather than
 * passed down, so the walk allocates nothing per node.
 */
function collectCallsAndRequires(
  root: ts.SourceFile,
  owners: Map<ts.Node, DeclarationFact>,
  imports: ImportFact[],
): void {
  const calls = new Map<DeclarationFact, Set<string>>();
  let owner: DeclarationFact | undefined;
  let parent: ts.Node = root;
  const visit = (node: ts.Node): void => {
    const kind = node.kind;
    if (
      (kind >= ts.SyntaxKind.FirstTypeNode && kind <= ts.SyntaxKind.LastTypeNode) ||
      kind === ts.SyntaxKind.InterfaceDeclaration ||
      kind === ts.SyntaxKind.TypeAliasDeclaration
    )
      return;
    const own = owners.get(node) ?? owner;
    if (kind === ts.SyntaxKind.CallExpression || kind === ts.SyntaxKind.NewExpression) {
      const call = node as ts.CallExpression | ts.NewExpression;
      const callee = call.expression;
      const arg = call.arguments?.[0];
      if (
        kind === ts.SyntaxKind.CallExpression &&
        arg &&
        ts.isStringLiteralLike(arg) &&
        (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require'))
      ) {
        const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
        imports.push({
          specifier: arg.text,
          kind: isImport ? 'dynamic' : 'require',
          line: root.getLineAndCharacterOfPosition(node.getStart(root)).line + 1,
          names: requiredNames(parent),
        });
      } else if (own) {
        const name = calleeName(callee);
        if (name) {
          let set = calls.get(own);
          if (!set) calls.set(own, (set = new Set()));
          if (set.size < maxCallsPerDeclaration) set.add(name);
        }
      }
    }
    const outerOwner = owner;
    const outerParent = parent;
    owner = own;
    parent = node;
    ts.forEachChild(node, visit);
    owner = outerOwner;
    parent = outerParent;
  };
  ts.forEachChild(root, visit);
  for (const [fact, names] of calls) fact.calls = [...names];
}

/**
 * `import('./x').T` and `typeof import('./x')`: types that name a module, so type-only imports of it (after the
 * others, in the order written). A walk of its own: the one above does not enter types, where these live.
 */
function collectImportTypes(root: ts.SourceFile, imports: ImportFact[]): void {
  const visit = (node: ts.Node): void => {
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      imports.push({
        specifier: node.argument.literal.text,
        kind: 'import',
        line: root.getLineAndCharacterOfPosition(node.argument.literal.getStart(root)).line + 1,
        names: [{ imported: importTypeName(node.qualifier), local: '' }],
        typeOnly: true,
      });
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(root, visit);
}

/** The name an import type takes from its module: the first of `import('x').A.B`, `*` for the whole module. */
function importTypeName(qualifier: ts.EntityName | undefined): string {
  let name = qualifier;
  while (name && ts.isQualifiedName(name)) name = name.left;
  return name ? name.text : '*';
}

function calleeName(callee: ts.Expression): string | undefined {
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name)) {
    if (callee.expression.kind === ts.SyntaxKind.ThisKeyword) return `this.${callee.name.text}`;
    if (ts.isIdentifier(callee.expression)) return `${callee.expression.text}.${callee.name.text}`;
  }
  return undefined;
}

/** `const x = require('y')` → `*` as x; `const { a, b: c } = require('y')` → a, c (`parent`: the call's parent node). */
function requiredNames(parent: ts.Node): ImportFact['names'] {
  if (!ts.isVariableDeclaration(parent)) return [];
  if (ts.isIdentifier(parent.name)) return [{ imported: '*', local: parent.name.text }];
  if (ts.isObjectBindingPattern(parent.name)) {
    return parent.name.elements.flatMap(e =>
      ts.isIdentifier(e.name)
        ? [
            {
              imported: e.propertyName && ts.isIdentifier(e.propertyName) ? e.propertyName.text : e.name.text,
              local: e.name.text,
            },
          ]
        : [],
    );
  }
  return [];
}

const todoPattern = /(?:\/\/|\/\*|^\s*\*)\s*(?:@)?(TODO|FIXME|HACK)\b[\s:(-]*([^\n]*)/;

/** TODO, FIXME and HACK in comments, with their lines. */
export function findTodos(text: string): TodoFact[] {
  if (!/TODO|FIXME|HACK/.test(text)) return [];
  const todos: TodoFact[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = todoPattern.exec(lines[i]);
    if (m)
      todos.push({
        tag: m[1] as TodoFact['tag'],
        text: m[2]
          .replace(/\*\/\s*$/, '')
          .trim()
          .slice(0, 300),
        line: i + 1,
      });
  }
  return todos;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}
