// Extraction: one file's text in, its facts out (declarations, imports, calls, TODOs). Parse-only
// with ts-morph — no program, no type checker — so each file costs one parse and is then released.
// Only the graph worker and tests load this module: ts-morph never enters the extension's main bundle.
import { Node, Project, ts, type ClassDeclaration, type SourceFile } from 'ts-morph';
import type { DeclarationFact, FileFacts, ImportFact, TodoFact } from './model';

export interface Extraction {
  facts: FileFacts;
  /** Set when the file did not parse: the first syntax error, with its line. Facts then hold only the imports. */
  error?: string;
}

const maxCallsPerDeclaration = 200;

export class Extractor {
  private readonly project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    compilerOptions: { allowJs: true, jsx: ts.JsxEmit.Preserve },
  });

  /** The facts of one file. Never throws for bad input: a file that does not parse gets its imports from `preProcessFile`. */
  extract(path: string, text: string): Extraction {
    const sf = this.project.createSourceFile(path.startsWith('/') ? path : `/${path}`, text, { overwrite: true });
    try {
      const syntaxError = firstSyntaxError(sf.compilerNode);
      if (syntaxError) return { facts: fallbackFacts(text), error: syntaxError };
      return { facts: factsOf(sf, text) };
    } catch (err) {
      // ts-morph refused something the parser accepted: keep the imports, say what went wrong
      return { facts: fallbackFacts(text), error: `extraction failed: ${(err as Error).message}` };
    } finally {
      this.project.removeSourceFile(sf);
    }
  }
}

function firstSyntaxError(sf: ts.SourceFile): string | undefined {
  const diagnostics = (sf as ts.SourceFile & { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics;
  const first = diagnostics?.[0];
  if (!first) return undefined;
  const { line } = sf.getLineAndCharacterOfPosition(first.start);
  return `line ${line + 1}: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`;
}

/** Imports by TypeScript's cheap pre-processing scan, for files the parser rejects. */
export function fallbackFacts(text: string): FileFacts {
  const info = ts.preProcessFile(text, true, true);
  const starts = lineStarts(text);
  const imports: ImportFact[] = info.importedFiles.map(f => ({ specifier: f.fileName, kind: 'import', line: lineAt(starts, f.pos), names: [] }));
  return { lines: starts.length, declarations: [], imports, todos: findTodos(text) };
}

function factsOf(sf: SourceFile, text: string): FileFacts {
  const declarations: DeclarationFact[] = [];
  const owners = new Map<ts.Node, DeclarationFact>();
  const add = (node: Node, fact: DeclarationFact) => {
    declarations.push(fact);
    owners.set(node.compilerNode, fact);
  };
  for (const statement of sf.getStatements()) {
    if (Node.isClassDeclaration(statement)) addClass(statement, add);
    else if (Node.isInterfaceDeclaration(statement)) {
      add(statement, { kind: 'interface', name: statement.getName(), line: statement.getStartLineNumber(), exported: statement.isExported(), extends: statement.getExtends().map(e => e.getExpression().getText()) });
    } else if (Node.isTypeAliasDeclaration(statement)) {
      add(statement, { kind: 'type', name: statement.getName(), line: statement.getStartLineNumber(), exported: statement.isExported() });
    } else if (Node.isEnumDeclaration(statement)) {
      add(statement, { kind: 'enum', name: statement.getName(), line: statement.getStartLineNumber(), exported: statement.isExported() });
    } else if (Node.isFunctionDeclaration(statement)) {
      const name = statement.getName() ?? 'default';
      if (!statement.hasBody() && declarations.some(d => d.kind === 'function' && d.name === name)) continue; // overloads
      add(statement, { kind: 'function', name, line: statement.getStartLineNumber(), exported: statement.isExported() });
    } else if (Node.isVariableStatement(statement)) {
      const exported = statement.isExported();
      for (const decl of statement.getDeclarations()) {
        const init = decl.getInitializer();
        const isFunction = !!init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init));
        if (!exported && !isFunction) continue;
        const nameNode = decl.getNameNode();
        if (!Node.isIdentifier(nameNode)) continue; // destructuring: no single name to show
        add(decl, { kind: isFunction ? 'function' : 'variable', name: nameNode.getText(), line: decl.getStartLineNumber(), exported });
      }
    }
  }
  const imports = importsOf(sf);
  const exportAliases = exportAliasesOf(sf);
  collectCallsAndRequires(sf.compilerNode, owners, imports);
  return { lines: sf.getEndLineNumber(), declarations, imports, ...(exportAliases.length ? { exportAliases } : {}), todos: findTodos(text) };
}

function addClass(cls: ClassDeclaration, add: (node: Node, fact: DeclarationFact) => void): void {
  const name = cls.getName() ?? 'default';
  const base = cls.getExtends()?.getExpression().getText();
  add(cls, {
    kind: 'class', name, line: cls.getStartLineNumber(), exported: cls.isExported(),
    ...(base ? { extends: [base] } : {}),
    ...(cls.getImplements().length ? { implements: cls.getImplements().map(i => i.getExpression().getText()) } : {}),
  });
  for (const method of cls.getMethods()) {
    if (!method.hasBody() && cls.getMethods().some(m => m !== method && m.getName() === method.getName() && m.hasBody())) continue;
    add(method, { kind: 'method', name: method.getName(), parent: name, line: method.getStartLineNumber(), exported: cls.isExported() });
  }
}

function importsOf(sf: SourceFile): ImportFact[] {
  const imports: ImportFact[] = [];
  for (const decl of sf.getImportDeclarations()) {
    const names: ImportFact['names'] = [];
    const def = decl.getDefaultImport();
    if (def) names.push({ imported: 'default', local: def.getText() });
    const ns = decl.getNamespaceImport();
    if (ns) names.push({ imported: '*', local: ns.getText() });
    for (const n of decl.getNamedImports()) names.push({ imported: n.getName(), local: n.getAliasNode()?.getText() ?? n.getName() });
    imports.push({ specifier: decl.getModuleSpecifierValue(), kind: 'import', line: decl.getStartLineNumber(), names, ...(decl.isTypeOnly() ? { typeOnly: true } : {}) });
  }
  for (const decl of sf.getExportDeclarations()) {
    const specifier = decl.getModuleSpecifierValue();
    if (specifier === undefined) continue;
    const ns = decl.getNamespaceExport();
    const named = decl.getNamedExports();
    const names = named.length
      ? named.map(n => ({ imported: n.getName(), local: n.getAliasNode()?.getText() ?? n.getName() }))
      : [{ imported: '*', local: ns ? ns.getName() : '*' }];
    imports.push({ specifier, kind: 'reexport', line: decl.getStartLineNumber(), names, ...(decl.isTypeOnly() ? { typeOnly: true } : {}) });
  }
  for (const decl of sf.getStatements()) {
    if (!Node.isImportEqualsDeclaration(decl)) continue;
    const ref = decl.getModuleReference();
    if (Node.isExternalModuleReference(ref)) {
      const expr = ref.getExpression();
      if (expr && Node.isStringLiteral(expr)) imports.push({ specifier: expr.getLiteralValue(), kind: 'require', line: decl.getStartLineNumber(), names: [{ imported: '*', local: decl.getName() }] });
    }
  }
  return imports;
}

function exportAliasesOf(sf: SourceFile): Array<{ local: string; exported: string }> {
  const aliases: Array<{ local: string; exported: string }> = [];
  for (const decl of sf.getExportDeclarations()) {
    if (decl.getModuleSpecifierValue() !== undefined) continue;
    for (const n of decl.getNamedExports()) aliases.push({ local: n.getName(), exported: n.getAliasNode()?.getText() ?? n.getName() });
  }
  for (const assignment of sf.getExportAssignments()) {
    const expr = assignment.getExpression();
    if (Node.isIdentifier(expr)) aliases.push({ local: expr.getText(), exported: assignment.isExportEquals() ? '*' : 'default' });
  }
  return aliases;
}

/**
 * One walk over the raw syntax tree (much cheaper than ts-morph wrappers for every node): calls and
 * `new` inside each declaration, and `require('x')` / `import('x')` anywhere.
 */
function collectCallsAndRequires(root: ts.SourceFile, owners: Map<ts.Node, DeclarationFact>, imports: ImportFact[]): void {
  const calls = new Map<DeclarationFact, Set<string>>();
  const visit = (node: ts.Node, owner: DeclarationFact | undefined): void => {
    const own = owners.get(node) ?? owner;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const callee = node.expression;
      const arg = node.arguments?.[0];
      if (ts.isCallExpression(node) && arg && ts.isStringLiteralLike(arg) && (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require'))) {
        const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
        imports.push({ specifier: arg.text, kind: isImport ? 'dynamic' : 'require', line: root.getLineAndCharacterOfPosition(node.getStart(root)).line + 1, names: requiredNames(node) });
      } else if (own) {
        const name = calleeName(callee);
        if (name) {
          let set = calls.get(own);
          if (!set) calls.set(own, (set = new Set()));
          if (set.size < maxCallsPerDeclaration) set.add(name);
        }
      }
    }
    ts.forEachChild(node, child => visit(child, own));
  };
  visit(root, undefined);
  for (const [fact, names] of calls) fact.calls = [...names];
}

function calleeName(callee: ts.Expression): string | undefined {
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name)) {
    if (callee.expression.kind === ts.SyntaxKind.ThisKeyword) return `this.${callee.name.text}`;
    if (ts.isIdentifier(callee.expression)) return `${callee.expression.text}.${callee.name.text}`;
  }
  return undefined;
}

/** `const x = require('y')` → `*` as x; `const { a, b: c } = require('y')` → a, c. */
function requiredNames(call: ts.CallExpression): ImportFact['names'] {
  const parent = call.parent;
  if (!parent || !ts.isVariableDeclaration(parent)) return [];
  if (ts.isIdentifier(parent.name)) return [{ imported: '*', local: parent.name.text }];
  if (ts.isObjectBindingPattern(parent.name)) {
    return parent.name.elements.flatMap(e => (ts.isIdentifier(e.name) ? [{ imported: e.propertyName && ts.isIdentifier(e.propertyName) ? e.propertyName.text : e.name.text, local: e.name.text }] : []));
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
    if (m) todos.push({ tag: m[1] as TodoFact['tag'], text: m[2].replace(/\*\/\s*$/, '').trim().slice(0, 300), line: i + 1 });
  }
  return todos;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
