// Extraction from tokens: the facts of one file (declarations, imports, calls) from TypeScript's
// scanner alone (tokens.ts), without building a syntax tree. A whole-workspace build spends nearly all of its time
// in TypeScript's parser; the scanner reads the same text in a quarter of that. This path gives the
// same facts as the syntax-tree walk in extract.ts (checked file by file on this repository in the unit
// tests and on every benchmark codebase), and whenever it meets something it does not recognise
// (an unusual statement, a token the scanner rejects, brackets that do not pair, JSX it cannot follow,
// an `import(…)` that may be a type) it gives up and returns undefined: the caller parses that file.
import type { DeclarationFact, FileFacts, ImportFact } from './model';
import {
  continues,
  endsOperand,
  endsStatement,
  GiveUp,
  isIdentifierName,
  isName,
  pairBrackets,
  releaseScanner,
  tokenize,
  type Tokens,
} from './tokens';
import { K } from './syntaxKind';
const maxCallsPerDeclaration = 200;

/** The facts of a file read from its tokens, or undefined when the file needs the parser. */
export function quickFacts(path: string, text: string, todos: FileFacts['todos']): FileFacts | undefined {
  // `/// <reference path="…" />` (any case, as TypeScript reads it) is an import the parser reads; `types` and `lib` add none
  if (/\/\/\/\s*<reference\b[^\r\n]*path/i.test(text)) return undefined;
  const jsx = !/\.[cm]?ts$/.test(path); // TypeScript reads .js, .jsx and .tsx with JSX
  try {
    const tokens = tokenize(text, jsx);
    return new FileReader(tokens, text, isDeclarationFileName(path)).facts(todos);
  } catch (err) {
    if (err instanceof GiveUp) return undefined;
    throw err;
  } finally {
    releaseScanner();
  }
}

interface Member {
  kind: 'method' | 'other';
  start: number;
  end: number;
  /** The member's name when it is one token (skipped when looking for calls: `constructor(a: A);` is not one); else nameStart = nameEnd. */
  nameStart: number;
  nameEnd: number;
  name: string;
  body: boolean;
}

/** Tokens after which a `{` begins a type literal rather than a body. */
const typeOperandBefore = new Set<number>([
  K.ColonToken,
  K.BarToken,
  K.AmpersandToken,
  K.LessThanToken,
  K.CommaToken,
  K.EqualsGreaterThanToken,
  K.EqualsToken,
  K.QuestionToken,
  K.ExtendsKeyword,
  K.KeyOfKeyword,
  K.TypeOfKeyword,
  K.ReadonlyKeyword,
  K.IsKeyword,
  K.InferKeyword,
  K.OpenParenToken,
  K.OpenBracketToken,
  K.UniqueKeyword,
]);

/** Tokens before a method's name in a class body or object literal. */
const memberNameBefore = new Set<number>([
  K.OpenBraceToken,
  K.CommaToken,
  K.SemicolonToken,
  K.CloseBraceToken,
  K.PublicKeyword,
  K.PrivateKeyword,
  K.ProtectedKeyword,
  K.StaticKeyword,
  K.ReadonlyKeyword,
  K.AbstractKeyword,
  K.OverrideKeyword,
  K.DeclareKeyword,
  K.AccessorKeyword,
  K.AsyncKeyword,
  K.GetKeyword,
  K.SetKeyword,
]);

/** Tokens after which an `import(` starts an expression (and so is a call, not a type). */
const expressionBefore = new Set<number>([
  K.EqualsToken,
  K.OpenParenToken,
  K.CommaToken,
  K.AwaitKeyword,
  K.ReturnKeyword,
  K.EqualsGreaterThanToken,
  K.VoidKeyword,
  K.YieldKeyword,
  K.QuestionQuestionToken,
  K.BarBarToken,
  K.AmpersandAmpersandToken,
  K.ExclamationToken,
  K.OpenBracketToken,
  K.SemicolonToken,
  K.OpenBraceToken,
  K.CloseBraceToken,
  K.DotDotDotToken,
]);

const operatorKeywords = new Set<number>([K.AsKeyword, K.SatisfiesKeyword, K.OfKeyword, K.IsKeyword]);

const modifiers = new Set<number>([
  K.PublicKeyword,
  K.PrivateKeyword,
  K.ProtectedKeyword,
  K.StaticKeyword,
  K.ReadonlyKeyword,
  K.AbstractKeyword,
  K.OverrideKeyword,
  K.DeclareKeyword,
  K.AccessorKeyword,
  K.AsyncKeyword,
]);

class FileReader {
  private readonly k: Uint16Array;
  private readonly n: number;
  /** For each bracket (and template piece), the index of its partner. */
  private readonly match: Int32Array;
  private readonly lineStarts: readonly number[];
  private readonly declarations: DeclarationFact[] = [];
  private readonly imports: ImportFact[] = [];
  private readonly walkImports: ImportFact[] = [];
  private readonly typeImports: ImportFact[] = [];
  /** The `import(` tokens the skim has judged (as calls); one it never met sits in a type it did not read. */
  private readonly importCallsSeen = new Set<number>();
  private readonly exportAliases: Array<{ local: string; exported: string }> = [];
  private readonly calls = new Map<DeclarationFact, Set<string>>();

  constructor(
    private readonly t: Tokens,
    private readonly text: string,
    private readonly declarationFile: boolean,
  ) {
    this.k = t.kind;
    this.n = t.count;
    this.match = pairBrackets(t.kind, t.count);
    this.lineStarts = lineStartsOf(text);
  }

  facts(todos: FileFacts['todos']): FileFacts {
    for (let i = 0; i < this.n;) i = this.statement(i);
    this.importTypes();
    const order = { import: 0, reexport: 1, require: 2, dynamic: 3 };
    const imports = [...this.imports]
      .sort((a, b) => order[a.kind] - order[b.kind])
      .concat(this.walkImports, this.typeImports);
    for (const [fact, names] of this.calls) fact.calls = [...names];
    return {
      lines: this.lineStarts.length,
      declarations: this.declarations,
      imports,
      ...(this.exportAliases.length ? { exportAliases: this.exportAliases } : {}),
      todos,
    };
  }

  // ---- statements at the top of the file ----

  private statement(i: number): number {
    const k = this.k;
    let p = i;
    while (k[p] === K.AtToken) p = this.decorator(p);
    let exported = false;
    if (k[p] === K.ExportKeyword) {
      const next = k[p + 1];
      if (next === K.EqualsToken) return this.exportAssignment(i, p + 2, '*');
      if (
        next === K.AsteriskToken ||
        next === K.OpenBraceToken ||
        (next === K.TypeKeyword && (k[p + 2] === K.OpenBraceToken || k[p + 2] === K.AsteriskToken))
      )
        return this.exportDeclaration(i, p + 1);
      if (next === K.ImportKeyword) return this.importDeclaration(i, p + 1);
      if (next === K.AsKeyword) return this.other(i); // export as namespace X
      exported = true;
      p++;
      while (k[p] === K.AtToken) p = this.decorator(p);
      if (k[p] === K.DefaultKeyword) {
        p++;
        while (k[p] === K.AtToken) p = this.decorator(p);
        if (!this.startsDeclaration(p)) return this.exportAssignment(i, p, 'default');
      }
    }
    if (k[p] === K.DeclareKeyword && !this.newlineAt(p + 1)) p++;
    switch (k[p]) {
      case K.ImportKeyword:
        if (exported || k[p + 1] === K.OpenParenToken || k[p + 1] === K.DotToken) return this.other(i);
        return this.importDeclaration(i, p);
      case K.ClassKeyword:
        return this.classDeclaration(i, p, exported);
      case K.AbstractKeyword:
        if (k[p + 1] === K.ClassKeyword) return this.classDeclaration(i, p + 1, exported);
        break;
      case K.FunctionKeyword:
        return this.functionDeclaration(i, p, exported);
      case K.AsyncKeyword:
        if (k[p + 1] === K.FunctionKeyword && !this.newlineAt(p + 1))
          return this.functionDeclaration(i, p + 1, exported);
        break;
      case K.InterfaceKeyword:
        if (isName(k[p + 1])) return this.interfaceDeclaration(i, p, exported);
        break;
      case K.TypeKeyword:
        if (isName(k[p + 1]) && !this.newlineAt(p + 1)) return this.typeAlias(i, p, exported);
        break;
      case K.EnumKeyword:
        return this.enumDeclaration(i, p, exported);
      case K.ConstKeyword:
        if (k[p + 1] === K.EnumKeyword) return this.enumDeclaration(i, p + 1, exported);
        return this.variableStatement(i, p, exported);
      case K.LetKeyword:
      case K.VarKeyword:
        return this.variableStatement(i, p, exported);
      case K.NamespaceKeyword:
      case K.ModuleKeyword:
      case K.GlobalKeyword:
        if (
          (isName(k[p + 1]) || k[p + 1] === K.StringLiteral || k[p + 1] === K.OpenBraceToken) &&
          !this.newlineAt(p + 1)
        )
          return this.other(i, true);
        break;
      case K.UsingKeyword:
        if (isName(k[p + 1])) throw new GiveUp();
        break;
    }
    if (exported || p !== i) throw new GiveUp(); // `export` or a decorator before something not known here
    return this.other(i);
  }

  /** Whether the token at p begins a declaration (a statement that may give facts). */
  private startsDeclaration(p: number): boolean {
    const k = this.k;
    switch (k[p]) {
      case K.ExportKeyword:
      case K.ClassKeyword:
      case K.FunctionKeyword:
      case K.EnumKeyword:
      case K.ConstKeyword:
      case K.LetKeyword:
      case K.VarKeyword:
      case K.AtToken:
        return true;
      case K.ImportKeyword:
        return k[p + 1] !== K.OpenParenToken && k[p + 1] !== K.DotToken;
      case K.AbstractKeyword:
        return k[p + 1] === K.ClassKeyword;
      case K.AsyncKeyword:
        return k[p + 1] === K.FunctionKeyword && !this.newlineAt(p + 1);
      case K.InterfaceKeyword:
      case K.TypeKeyword:
      case K.DeclareKeyword:
      case K.NamespaceKeyword:
      case K.ModuleKeyword:
        return (
          (isName(k[p + 1]) || k[p + 1] === K.StringLiteral || k[p + 1] === K.ConstKeyword) && !this.newlineAt(p + 1)
        );
    }
    return false;
  }

  /** A statement that gives no declaration: its calls have no owner, but its `require`s and `import()`s count. */
  private other(i: number, block = false): number {
    const k = this.k;
    let p = i;
    for (;;) {
      if (p >= this.n) break;
      if (k[p] === K.SemicolonToken) {
        p++;
        break;
      }
      if (p > i && this.boundaryBefore(p) && this.startsDeclaration(p)) break;
      const wasBlock = k[p] === K.OpenBraceToken;
      p = this.skip(p);
      if (block && wasBlock) break; // namespace X { … }
    }
    this.skim(i, p, undefined);
    return p;
  }

  private boundaryBefore(p: number): boolean {
    const before = this.k[p - 1];
    return before === K.SemicolonToken || before === K.CloseBraceToken || (this.lineBreak(p) && this.endsAt(p - 1));
  }

  /** Whether a statement may end after the token at p: `endsStatement`, the `const` of `as const`, and any word after a dot (`self.await`, `Either.try`). */
  private endsAt(p: number): boolean {
    const kind = this.k[p];
    const before = this.k[p - 1];
    return (
      endsStatement(kind) ||
      (kind === K.ConstKeyword && before === K.AsKeyword) ||
      (isIdentifierName(kind) && (before === K.DotToken || before === K.QuestionDotToken))
    );
  }

  private importDeclaration(i: number, p: number): number {
    const k = this.k;
    const line = this.lineAt(i);
    p++; // import
    let typeOnly = false;
    if (k[p] === K.TypeKeyword) {
      const next = k[p + 1];
      if (next === K.OpenBraceToken || next === K.AsteriskToken) typeOnly = true;
      else if (isName(next) && !(next === K.FromKeyword && k[p + 2] === K.StringLiteral) && k[p + 2] !== K.EqualsToken)
        typeOnly = true;
      else if (isName(next) && k[p + 2] === K.EqualsToken) throw new GiveUp();
      if (typeOnly) p++;
    }
    if (isName(k[p]) && k[p + 1] === K.EqualsToken) {
      const local = this.textOf(p);
      const q = p + 2;
      if (
        k[q] === K.RequireKeyword &&
        k[q + 1] === K.OpenParenToken &&
        k[q + 2] === K.StringLiteral &&
        k[q + 3] === K.CloseParenToken
      ) {
        this.imports.push({
          specifier: this.t.value[q + 2]!,
          kind: 'require',
          line,
          names: [{ imported: '*', local }],
        });
      }
      return this.endOfStatement(q);
    }
    const names: ImportFact['names'] = [];
    if (k[p] !== K.StringLiteral) {
      if ((isName(k[p]) && k[p] !== K.FromKeyword) || (k[p] === K.FromKeyword && k[p + 1] !== K.StringLiteral)) {
        names.push({ imported: 'default', local: this.textOf(p) });
        p++;
        if (k[p] === K.CommaToken) p++;
      }
      if (k[p] === K.AsteriskToken) {
        if (k[p + 1] !== K.AsKeyword || !isName(k[p + 2])) throw new GiveUp();
        names.push({ imported: '*', local: this.textOf(p + 2) });
        p += 3;
      } else if (k[p] === K.OpenBraceToken) {
        p = this.specifiers(p, names);
      }
      if (k[p] !== K.FromKeyword) throw new GiveUp();
      p++;
    }
    if (k[p] !== K.StringLiteral) throw new GiveUp();
    this.imports.push({
      specifier: this.t.value[p]!,
      kind: 'import',
      line,
      names,
      ...(typeOnly ? { typeOnly: true } : {}),
    });
    return this.endOfModuleStatement(p + 1);
  }

  private exportDeclaration(i: number, p: number): number {
    const k = this.k;
    const line = this.lineAt(i);
    let typeOnly = false;
    if (k[p] === K.TypeKeyword) {
      typeOnly = true;
      p++;
    }
    let names: ImportFact['names'];
    if (k[p] === K.AsteriskToken) {
      if (k[p + 1] === K.AsKeyword) {
        if (!isIdentifierName(k[p + 2]) && k[p + 2] !== K.StringLiteral) throw new GiveUp();
        names = [{ imported: '*', local: this.textOf(p + 2) }];
        p += 3;
      } else {
        names = [{ imported: '*', local: '*' }];
        p++;
      }
    } else {
      names = [];
      p = this.specifiers(p, names);
    }
    if (k[p] === K.FromKeyword) {
      if (k[p + 1] !== K.StringLiteral) throw new GiveUp();
      this.imports.push({
        specifier: this.t.value[p + 1]!,
        kind: 'reexport',
        line,
        names,
        ...(typeOnly ? { typeOnly: true } : {}),
      });
      return this.endOfModuleStatement(p + 2);
    }
    if (names.some(n => n.imported === '*')) throw new GiveUp();
    for (const n of names) this.exportAliases.push({ local: n.imported, exported: n.local });
    return this.endOfModuleStatement(p); // `export { X }` ends at its `}`: `;`, or a line break before the next statement
  }

  /** `{ a, b as c, type d }` from p (at `{`) into names; returns the index after `}`. */
  private specifiers(p: number, names: ImportFact['names']): number {
    const k = this.k;
    const close = this.match[p];
    let q = p + 1;
    while (q < close) {
      let end = q;
      while (end < close && k[end] !== K.CommaToken) end++;
      let parts = end - q;
      let first = q;
      if (k[first] === K.TypeKeyword && (parts === 2 || parts === 4)) {
        first++;
        parts--;
      }
      if (parts === 1) names.push({ imported: this.textOf(first), local: this.textOf(first) });
      else if (parts === 3 && k[first + 1] === K.AsKeyword)
        names.push({ imported: this.textOf(first), local: this.textOf(first + 2) });
      else throw new GiveUp();
      q = end + 1;
    }
    return close + 1;
  }

  private exportAssignment(i: number, p: number, exported: string): number {
    const k = this.k;
    const end = this.endOfStatement(p);
    const last = k[end - 1] === K.SemicolonToken ? end - 1 : end;
    if (last === p + 1 && isName(k[p])) this.exportAliases.push({ local: this.textOf(p), exported });
    this.skim(i, end, undefined);
    return end;
  }

  private classDeclaration(i: number, p: number, exported: boolean): number {
    const k = this.k;
    p++; // class
    let name = 'default';
    if (isName(k[p]) && k[p] !== K.ImplementsKeyword) {
      name = this.textOf(p);
      p++;
    }
    if (k[p] === K.LessThanToken) p = this.skipAngles(p);
    const base: string[] = [];
    const impl: string[] = [];
    while (k[p] === K.ExtendsKeyword || k[p] === K.ImplementsKeyword) {
      const list = k[p] === K.ExtendsKeyword ? base : impl;
      p = this.heritage(p + 1, list);
    }
    if (k[p] !== K.OpenBraceToken) throw new GiveUp();
    const fact: DeclarationFact = {
      kind: 'class',
      name,
      line: this.lineAt(i),
      exported,
      ...(base.length ? { extends: base.slice(0, 1) } : {}),
      ...(impl.length ? { implements: impl } : {}),
    };
    this.declarations.push(fact);
    const close = this.match[p];
    const members = this.members(p + 1, close);
    this.skim(i, p + 1, fact);
    for (const m of members) {
      let owner = fact;
      if (
        m.kind === 'method' &&
        (m.body || !members.some(o => o !== m && o.kind === 'method' && o.body && o.name === m.name))
      ) {
        owner = { kind: 'method', name: m.name, parent: name, line: this.lineAt(m.start), exported };
        this.declarations.push(owner);
      }
      this.skim(m.start, m.nameStart, owner);
      this.skim(m.nameEnd, m.end, owner);
    }
    return close + 1;
  }

  /** `A, B.C<T>, mixin(D)` after extends/implements: each expression's text, without type arguments. */
  private heritage(p: number, list: string[]): number {
    const k = this.k;
    for (;;) {
      const first = p;
      while (
        p < this.n &&
        k[p] !== K.CommaToken &&
        k[p] !== K.OpenBraceToken &&
        k[p] !== K.LessThanToken &&
        k[p] !== K.ImplementsKeyword &&
        k[p] !== K.ExtendsKeyword
      )
        p = this.skip(p);
      if (p === first) throw new GiveUp();
      list.push(this.text.slice(this.t.start[first], this.t.end[p - 1]));
      if (k[p] === K.LessThanToken) {
        p = this.skipAngles(p);
        if (k[p] === K.DotToken || k[p] === K.OpenParenToken) throw new GiveUp();
      }
      if (k[p] !== K.CommaToken) return p;
      p++;
    }
  }

  /** The members of a class body between its braces. */
  private members(p: number, close: number): Member[] {
    const k = this.k;
    const members: Member[] = [];
    while (p < close) {
      if (k[p] === K.SemicolonToken) {
        p++;
        continue;
      }
      const start = p;
      while (k[p] === K.AtToken) p = this.decorator(p);
      let accessor = false;
      for (;;) {
        const kind = k[p];
        if (kind === K.StaticKeyword && k[p + 1] === K.OpenBraceToken) break;
        if (
          modifiers.has(kind) &&
          this.canFollowModifier(p + 1) &&
          (kind === K.StaticKeyword || !this.newlineAt(p + 1))
        )
          p++;
        else if ((kind === K.GetKeyword || kind === K.SetKeyword) && this.isPropertyName(k[p + 1])) {
          accessor = true;
          p++;
        } else break;
      }
      if (k[p] === K.StaticKeyword && k[p + 1] === K.OpenBraceToken) {
        // static { … }
        p = this.match[p + 1] + 1;
        members.push({ kind: 'other', start, end: p, nameStart: p, nameEnd: p, name: '', body: true });
        continue;
      }
      if (k[p] === K.AsteriskToken) p++;
      const nameStart = p;
      if (k[p] === K.OpenBracketToken) p = this.match[p] + 1;
      else if (this.isPropertyName(k[p])) p++;
      else throw new GiveUp();
      const name = this.text.slice(this.t.start[nameStart], this.t.end[p - 1]);
      const nameEnd = k[nameStart] === K.OpenBracketToken ? nameStart : p;
      const constructor = name === 'constructor' || name === '"constructor"' || name === "'constructor'";
      if (k[p] === K.QuestionToken || k[p] === K.ExclamationToken) p++;
      if (k[p] === K.LessThanToken || k[p] === K.OpenParenToken) {
        const signature = this.signature(p, close);
        p = signature.end;
        members.push({
          kind: accessor || constructor ? 'other' : 'method',
          start,
          end: p,
          nameStart,
          nameEnd,
          name,
          body: signature.body,
        });
        continue;
      }
      if (k[p] === K.ColonToken) p = this.typeEnd(p + 1, false);
      if (k[p] === K.EqualsToken) p = this.expressionEnd(p + 1, false);
      if (k[p] === K.SemicolonToken) p++;
      else if (p < close && !this.lineBreak(p)) throw new GiveUp();
      members.push({ kind: 'other', start, end: p, nameStart, nameEnd, name, body: false });
    }
    if (p !== close) throw new GiveUp();
    return members;
  }

  /** From a function's or method's `<` or `(`: past its parameters, return type and body (if any), up to `end`. */
  private signature(p: number, end: number): { end: number; body: boolean } {
    const k = this.k;
    if (k[p] === K.LessThanToken) p = this.skipAngles(p);
    if (k[p] !== K.OpenParenToken) throw new GiveUp();
    p = this.match[p] + 1;
    if (k[p] === K.ColonToken) p = this.returnType(p + 1);
    if (k[p] === K.OpenBraceToken) return { end: this.match[p] + 1, body: true };
    if (k[p] === K.SemicolonToken) return { end: p + 1, body: false };
    if (p < end && !this.lineBreak(p)) throw new GiveUp();
    return { end: p, body: false };
  }

  private isPropertyName(kind: number): boolean {
    return (
      isIdentifierName(kind) ||
      kind === K.StringLiteral ||
      kind === K.NumericLiteral ||
      kind === K.BigIntLiteral ||
      kind === K.PrivateIdentifier ||
      kind === K.OpenBracketToken
    );
  }

  private canFollowModifier(p: number): boolean {
    const kind = this.k[p];
    return (
      kind === K.OpenBraceToken || kind === K.AsteriskToken || kind === K.DotDotDotToken || this.isPropertyName(kind)
    );
  }

  private functionDeclaration(i: number, p: number, exported: boolean): number {
    const k = this.k;
    p++; // function
    if (k[p] === K.AsteriskToken) p++;
    let name = 'default';
    if (isName(k[p])) {
      name = this.textOf(p);
      p++;
    }
    const signature = this.signature(p, this.n);
    p = signature.end;
    let fact: DeclarationFact | undefined;
    if (signature.body || !this.declarations.some(d => d.kind === 'function' && d.name === name)) {
      fact = { kind: 'function', name, line: this.lineAt(i), exported };
      this.declarations.push(fact);
    }
    this.skim(i, p, fact);
    return p;
  }

  private interfaceDeclaration(i: number, p: number, exported: boolean): number {
    const k = this.k;
    const name = this.textOf(p + 1);
    p += 2;
    if (k[p] === K.LessThanToken) p = this.skipAngles(p);
    const base: string[] = [];
    if (k[p] === K.ExtendsKeyword) p = this.heritage(p + 1, base);
    if (k[p] !== K.OpenBraceToken) throw new GiveUp();
    this.declarations.push({ kind: 'interface', name, line: this.lineAt(i), exported, extends: base });
    return this.match[p] + 1; // interfaces hold no calls
  }

  private typeAlias(i: number, p: number, exported: boolean): number {
    const k = this.k;
    const name = this.textOf(p + 1);
    p += 2;
    if (k[p] === K.LessThanToken) p = this.skipAngles(p);
    if (k[p] !== K.EqualsToken) throw new GiveUp();
    p = this.typeEnd(p + 1, true);
    if (k[p] === K.SemicolonToken) p++;
    this.declarations.push({ kind: 'type', name, line: this.lineAt(i), exported });
    return p; // type aliases hold no calls
  }

  private enumDeclaration(i: number, p: number, exported: boolean): number {
    const k = this.k;
    if (!isName(k[p + 1]) || k[p + 2] !== K.OpenBraceToken) throw new GiveUp();
    const fact: DeclarationFact = { kind: 'enum', name: this.textOf(p + 1), line: this.lineAt(i), exported };
    this.declarations.push(fact);
    const end = this.match[p + 2] + 1;
    this.skim(i, end, fact);
    return end;
  }

  private variableStatement(i: number, p: number, exported: boolean): number {
    const k = this.k;
    p++; // const, let, var
    let from = i;
    for (;;) {
      const start = p;
      const identifier = isName(k[p]);
      if (identifier) p++;
      else if (k[p] === K.OpenBraceToken || k[p] === K.OpenBracketToken) p = this.match[p] + 1;
      else throw new GiveUp();
      if (k[p] === K.ExclamationToken) p++;
      let typeFrom = -1;
      let typeTo = -1;
      if (k[p] === K.ColonToken) {
        typeFrom = p + 1;
        p = typeTo = this.typeEnd(p + 1, false);
      }
      let init = -1;
      if (k[p] === K.EqualsToken) {
        init = p + 1;
        p = this.expressionEnd(init, true);
      }
      const isFunction = init >= 0 && this.isFunctionAt(init, p);
      let fact: DeclarationFact | undefined;
      if (identifier && (exported || isFunction)) {
        fact = {
          kind: isFunction ? 'function' : 'variable',
          name: this.textOf(start),
          line: this.lineAt(start),
          exported,
        };
        this.declarations.push(fact);
      }
      this.skim(from, start, undefined);
      if (typeFrom < 0) this.skim(start, p, fact);
      else {
        // a type has no calls: `… => Span\n(self: Span): Span` in a type literal without semicolons is a second call signature
        this.skim(start, typeFrom, fact);
        this.skimType(typeFrom, typeTo);
        this.skim(typeTo, p, fact);
      }
      from = p;
      if (k[p] === K.CommaToken) {
        p++;
        continue;
      }
      if (k[p] === K.SemicolonToken) p++;
      else if (p < this.n && !this.lineBreak(p) && k[p] !== K.CloseBraceToken) throw new GiveUp();
      this.skim(from, p, undefined);
      return p;
    }
  }

  /** Whether the initializer between a and b is exactly a function expression or an arrow function. */
  private isFunctionAt(a: number, b: number): boolean {
    const k = this.k;
    let p = a;
    if (
      k[p] === K.AsyncKeyword &&
      (k[p + 1] === K.FunctionKeyword ||
        k[p + 1] === K.OpenParenToken ||
        k[p + 1] === K.LessThanToken ||
        isName(k[p + 1]))
    )
      p++;
    if (k[p] === K.FunctionKeyword) {
      p++;
      if (k[p] === K.AsteriskToken) p++;
      if (isName(k[p])) p++;
      if (k[p] === K.LessThanToken) p = this.skipAngles(p);
      if (k[p] !== K.OpenParenToken) return false;
      p = this.match[p] + 1;
      if (k[p] === K.ColonToken) p = this.returnType(p + 1);
      return k[p] === K.OpenBraceToken && this.match[p] + 1 === b;
    }
    if (isName(k[p]) && k[p + 1] === K.EqualsGreaterThanToken) return true;
    if (k[p] === K.LessThanToken) {
      p = this.skipAngles(p);
      if (k[p] !== K.OpenParenToken) return false;
    }
    if (k[p] !== K.OpenParenToken) return false;
    p = this.match[p] + 1;
    if (k[p] === K.EqualsGreaterThanToken) return true;
    if (k[p] !== K.ColonToken) return false;
    while (p < b && k[p] !== K.EqualsGreaterThanToken) p = this.skip(p);
    return k[p] === K.EqualsGreaterThanToken;
  }

  // ---- extents ----

  /** The index after a bracket group (or template) starting at p, or p + 1 for any other token. */
  private skip(p: number): number {
    const k = this.k[p];
    if (k === K.OpenParenToken || k === K.OpenBracketToken || k === K.OpenBraceToken) return this.match[p] + 1;
    if (k === K.TemplateHead) {
      let q = p;
      while (this.k[q] !== K.TemplateTail) q = this.match[q];
      return q + 1;
    }
    return p + 1;
  }

  private lineBreak(p: number): boolean {
    return this.t.newline[p] === 1;
  }

  private newlineAt(p: number): boolean {
    return p < this.n && this.lineBreak(p);
  }

  /** Where an automatic semicolon ends a statement before p. */
  private asiBefore(p: number): boolean {
    return this.lineBreak(p) && this.endsAt(p - 1) && !continues(this.k[p]);
  }

  /** The end of an expression from p: a `,` (when `stopAtComma`), `;`, the enclosing closer, or a line break that ends it. */
  private expressionEnd(p: number, stopAtComma: boolean): number {
    const k = this.k;
    const first = p;
    while (p < this.n) {
      const kind = k[p];
      if (
        kind === K.SemicolonToken ||
        (kind === K.CommaToken && stopAtComma) ||
        kind === K.CloseBraceToken ||
        kind === K.CloseParenToken ||
        kind === K.CloseBracketToken
      )
        break;
      if (p > first && this.asiBefore(p)) break;
      if ((kind === K.AsKeyword || kind === K.SatisfiesKeyword) && p > first && this.endsAt(p - 1)) {
        p = this.typeEnd(p + 1, false); // `x as const`, `y satisfies T<A, B>`: a type, whose commas are its own
        continue;
      }
      if (kind === K.ColonToken && k[p - 1] === K.CloseParenToken) {
        const arrow = this.arrowAfterReturnType(p + 1); // (a): Record<K, V> => …
        if (arrow > 0) {
          p = arrow;
          continue;
        }
      }
      if (kind === K.LessThanToken) {
        // type parameters of an arrow function, or type arguments of a call: their commas are not the expression's
        const parameters = p === first || !endsOperand(k[p - 1]);
        const end = this.anglesEnd(p, parameters);
        if (end > 0 && (parameters || k[end] === K.OpenParenToken)) {
          p = end;
          continue;
        }
      }
      p = this.skip(p);
    }
    return p;
  }

  /** From after `(…):`, the index of the `=>` of an arrow function's return type, or -1 when it is not one (`c ? (a) : b`). */
  private arrowAfterReturnType(p: number): number {
    const end = this.typeFrom(
      p,
      (kind, q) =>
        kind === K.EqualsGreaterThanToken ||
        closesType(kind) ||
        kind === K.CommaToken ||
        kind === K.EqualsToken ||
        (q > p && this.typeBreakBefore(q)),
    );
    if (this.k[end] !== K.EqualsGreaterThanToken) return -1;
    // a function type as the return type (`(a): <R>() => T => body`, `(a): (b: B) => T => body`): its `=>` is the type's
    return this.startsFunctionType(p, end) ? this.arrowAfterReturnType(end + 1) : end;
  }

  /** Whether the tokens from p up to the `=>` at `arrow` are a function type's parameters: `(…)` or `<…>(…)`. */
  private startsFunctionType(p: number, arrow: number): boolean {
    const k = this.k;
    let q = p;
    if (k[q] === K.LessThanToken) {
      q = this.anglesEnd(q, true);
      if (q < 0) return false;
    }
    return k[q] === K.OpenParenToken && this.match[q] + 1 === arrow;
  }

  /** Where a type ends at a line break: an automatic semicolon, or a `[` on a new line (TypeScript reads no `T[]` across lines). */
  private typeBreakBefore(q: number): boolean {
    return this.asiBefore(q) || (this.lineBreak(q) && this.k[q] === K.OpenBracketToken && this.endsAt(q - 1));
  }

  /** The end of a type annotation from p; `alias`: the type of a type alias, which a `,` or `=` does not end. */
  private typeEnd(p: number, alias: boolean): number {
    return this.typeFrom(
      p,
      (kind, q) =>
        closesType(kind) ||
        (!alias && (kind === K.CommaToken || kind === K.EqualsToken)) ||
        (q > p && this.typeBreakBefore(q)),
    );
  }

  /** After a `:` return type, the index of the body's `{`, or of what follows a signature without one. */
  private returnType(p: number): number {
    return this.typeFrom(
      p,
      (kind, q) =>
        (kind === K.OpenBraceToken && q > p && !typeOperandBefore.has(this.k[q - 1])) ||
        closesType(kind) ||
        kind === K.CommaToken ||
        (q > p && this.typeBreakBefore(q)),
    );
  }

  /** Walks a type from p (bracket groups skipped, angle brackets counted) to the first token, outside angle brackets, where `ends` says it stops. */
  private typeFrom(p: number, ends: (kind: number, p: number) => boolean): number {
    const k = this.k;
    let angles = 0;
    while (p < this.n) {
      const kind = k[p];
      if (kind === K.LessThanToken) angles++;
      else if (kind === K.GreaterThanToken) angles--;
      else if (angles === 0 && ends(kind, p)) return p;
      p = this.skip(p);
    }
    return p;
  }

  /** p at `<` of type parameters or arguments: the index after the matching `>`. */
  private skipAngles(p: number): number {
    const end = this.anglesEnd(p, true);
    if (end < 0) throw new GiveUp();
    return end;
  }

  /**
   * The index after the `>` that closes the `<` at p, or -1 when what follows is not a list of types
   * (`parameters`: type parameters, with defaults and variance annotations: `<in out A, out B = never>`).
   */
  private anglesEnd(p: number, parameters = false): number {
    const k = this.k;
    let depth = 0;
    while (p < this.n) {
      const kind = k[p];
      if (kind === K.LessThanToken) depth++;
      else if (kind === K.GreaterThanToken) {
        if (--depth === 0) return p + 1;
      } else if (!inTypeArguments(kind) && !(parameters && (kind === K.EqualsToken || kind === K.InKeyword))) {
        return -1;
      }
      p = this.skip(p);
    }
    return -1;
  }

  private endOfStatement(p: number): number {
    const end = this.expressionEnd(p, false);
    return this.k[end] === K.SemicolonToken ? end + 1 : end;
  }

  /** After an import's or export's module name: its attributes (`with { type: 'json' }`) and `;`. */
  private endOfModuleStatement(p: number): number {
    const k = this.k;
    if ((k[p] === K.WithKeyword || k[p] === K.AssertKeyword) && k[p + 1] === K.OpenBraceToken && !this.newlineAt(p))
      p = this.match[p + 1] + 1;
    if (k[p] === K.SemicolonToken) return p + 1;
    if (p < this.n && !this.lineBreak(p)) throw new GiveUp();
    return p;
  }

  /** `@name`, `@a.b(…)`, `@(…)`: the index after it. */
  private decorator(p: number): number {
    const k = this.k;
    p++;
    if (k[p] === K.OpenParenToken) return this.match[p] + 1;
    if (!isName(k[p])) throw new GiveUp();
    p++;
    while (k[p] === K.DotToken && isIdentifierName(k[p + 1])) p += 2;
    if (k[p] === K.OpenParenToken) p = this.match[p] + 1;
    return p;
  }

  // ---- calls, requires and dynamic imports ----

  /** Calls (for `owner`), `require('x')` and `import('x')` in the tokens from..to. */
  private skim(from: number, to: number, owner: DeclarationFact | undefined): void {
    if (this.declarationFile) return; // a declaration file has no calls, requires or dynamic imports to find
    const k = this.k;
    for (let p = from; p < to; p++) {
      const kind = k[p];
      if (kind === K.NewKeyword) {
        if (owner && k[p + 1] !== K.DotToken) {
          const name = this.calleeAt(p + 1);
          if (name) this.addCall(owner, name);
        }
      } else if (kind === K.ImportKeyword) {
        if (k[p + 1] === K.OpenParenToken && k[p - 1] !== K.DotToken && k[p - 1] !== K.QuestionDotToken)
          this.dynamicImport(p);
      } else if (
        (isName(kind) || kind === K.ThisKeyword) &&
        k[p - 1] !== K.DotToken &&
        k[p - 1] !== K.QuestionDotToken
      ) {
        this.call(p, owner);
      }
    }
  }

  /**
   * A type from `from` to `to`: only its import types (`import('./x').T`, `typeof import('./x')`) are facts,
   * type-only imports as the parser records them (a type holds no `import(…)` call).
   */
  private skimType(from: number, to: number): void {
    if (this.declarationFile) return;
    const k = this.k;
    for (let p = from; p < to; p++) {
      if (
        k[p] === K.ImportKeyword &&
        k[p + 1] === K.OpenParenToken &&
        k[p - 1] !== K.DotToken &&
        k[p - 1] !== K.QuestionDotToken
      )
        this.importType(p);
    }
  }

  /** From a name (or `this`) at p: the index after `a`, or after `a.b` / `a?.b` (two names at most are a callee with a name). */
  private nameChainEnd(p: number): number {
    const k = this.k;
    return (k[p + 1] === K.DotToken || k[p + 1] === K.QuestionDotToken) && isIdentifierName(k[p + 2]) ? p + 3 : p + 1;
  }

  /** The name a call through the chain from p to `end` is known by: `a`, `a.b`, `this.b` (`this` alone has none). */
  private chainName(p: number, end: number): string | undefined {
    if (end === p + 3) return `${this.textOf(p)}.${this.textOf(p + 2)}`;
    return this.k[p] === K.ThisKeyword ? undefined : this.textOf(p);
  }

  /** After `new`: the name of what is constructed, when it is a name chain and nothing longer follows. */
  private calleeAt(p: number): string | undefined {
    const k = this.k;
    if (!isName(k[p]) && k[p] !== K.ThisKeyword) return undefined;
    const end = this.nameChainEnd(p);
    const after = k[end];
    // `new a.b.c`, `new a!()`, `new a[0]()`, new a`…`: the expression is more than a name
    if (
      after === K.DotToken ||
      after === K.QuestionDotToken ||
      after === K.ExclamationToken ||
      after === K.OpenBracketToken ||
      after === K.NoSubstitutionTemplateLiteral ||
      after === K.TemplateHead
    )
      return undefined;
    return this.chainName(p, end);
  }

  private call(p: number, owner: DeclarationFact | undefined): void {
    const k = this.k;
    const end = this.nameChainEnd(p);
    const parts = end === p + 3 ? 2 : 1;
    let q = end;
    if (parts === 2 && (k[q] === K.DotToken || (k[q] === K.QuestionDotToken && k[q + 1] !== K.OpenParenToken))) return; // a.b.c(…), a.b?.c(…)
    if (parts === 1 && k[p] === K.ThisKeyword) return;
    // `x of (…)`, `x as (…)`: these words right after an operand are operators, not callees
    if (operatorKeywords.has(k[p]) && this.endsAt(p - 1) && !this.lineBreak(p)) return;
    if (k[q] === K.LessThanToken) {
      const r = this.anglesEnd(q);
      if (r < 0) return;
      q = r;
    }
    if (k[q] === K.QuestionDotToken) q++;
    if (k[q] !== K.OpenParenToken) return;
    const close = this.match[q];
    if (parts === 1) {
      const before = k[p - 1];
      const after = k[close + 1];
      if (k[p] === K.AsyncKeyword && (after === K.EqualsGreaterThanToken || after === K.ColonToken)) return; // async (…) => …
      if (before === K.FunctionKeyword || (before === K.AsteriskToken && k[p - 2] === K.FunctionKeyword)) return; // function name(…)
      if (after === K.OpenBraceToken) return; // a method: name(…) { … }
      // name(…): type, *name(…): type, async *name(…): type
      const generator = before === K.AsteriskToken && memberNameBefore.has(k[p - 2]);
      if (
        after === K.ColonToken &&
        (memberNameBefore.has(before) || generator || (this.lineBreak(p) && this.endsAt(p - 1)))
      )
        return;
      // `readonly (A | B)[]` in a type; after other tokens it may be a call of a function named readonly, which the parser settles
      if (k[p] === K.ReadonlyKeyword && after === K.OpenBracketToken) {
        if (
          typeOperandBefore.has(before) &&
          before !== K.CommaToken &&
          before !== K.EqualsToken &&
          before !== K.OpenParenToken &&
          before !== K.OpenBracketToken
        )
          return;
        throw new GiveUp();
      }
      if (k[p] === K.RequireKeyword && this.isModuleName(q + 1)) {
        this.walkImports.push({
          specifier: this.t.value[q + 1]!,
          kind: 'require',
          line: this.lineAt(p),
          names: this.requiredNames(p, close),
        });
        return;
      }
    }
    // `a\n(…)` is a call in an expression but a new call signature in a type literal written without semicolons
    // (`{ (a: A): B\n (c: C): D }`): the parser tells them apart
    if (this.lineBreak(end) || this.lineBreak(q)) throw new GiveUp();
    if (owner) this.addCall(owner, this.chainName(p, end)!);
  }

  private dynamicImport(p: number): void {
    const k = this.k;
    this.importCallsSeen.add(p);
    const before = k[p - 1];
    // `typeof import('x')`, `: import('x').T`, `<import('x').T>` … are types, not calls: the parser tells them apart
    if (
      before === K.TypeOfKeyword ||
      before === K.ColonToken ||
      before === K.LessThanToken ||
      before === K.BarToken ||
      before === K.AmpersandToken ||
      before === K.ExtendsKeyword ||
      before === K.KeyOfKeyword ||
      before === K.QuestionToken ||
      (before === K.CommaToken && k[p - 2] !== K.OpenBracketToken && k[p - 2] !== K.CloseParenToken)
    ) {
      throw new GiveUp();
    }
    // a call is where an expression starts, and is used as a value (`import('x').then(…)`); `import('x').T` anywhere is for the parser
    if (!expressionBefore.has(before) && !(this.lineBreak(p) && this.endsAt(p - 1))) throw new GiveUp();
    const close = this.match[p + 1];
    if (k[close + 1] === K.DotToken && !(isIdentifierName(k[close + 2]) && k[close + 3] === K.OpenParenToken))
      throw new GiveUp();
    if (!this.isModuleName(p + 2)) return;
    this.walkImports.push({
      specifier: this.t.value[p + 2]!,
      kind: 'dynamic',
      line: this.lineAt(p),
      names: this.requiredNames(p, this.match[p + 1]),
    });
  }

  /**
   * Import types. A declaration file holds no calls, so each `import('x')` in it is one (`.A.B` after it: the
   * name `A`); elsewhere an `import(` the skim did not meet lies in a type (an interface, a type alias): the parser reads those.
   */
  private importTypes(): void {
    const k = this.k;
    for (let p = 0; p < this.n; p++) {
      if (
        k[p] !== K.ImportKeyword ||
        k[p + 1] !== K.OpenParenToken ||
        k[p - 1] === K.DotToken ||
        k[p - 1] === K.QuestionDotToken
      )
        continue;
      if (!this.declarationFile) {
        if (!this.importCallsSeen.has(p)) throw new GiveUp();
        continue;
      }
      this.importType(p);
    }
  }

  /** The import type `import('x')` at p (`.A.B` after it: the name `A`): a type-only import, in the order written. */
  private importType(p: number): void {
    const k = this.k;
    if (k[p + 2] !== K.StringLiteral || k[p + 3] !== K.CloseParenToken) throw new GiveUp();
    this.importCallsSeen.add(p);
    const qualified = k[p + 4] === K.DotToken && isIdentifierName(k[p + 5]);
    this.typeImports.push({
      specifier: this.t.value[p + 2]!,
      kind: 'import',
      line: this.lineAt(p + 2),
      names: [{ imported: qualified ? this.textOf(p + 5) : '*', local: '' }],
      typeOnly: true,
    });
  }

  /** A string literal as the first argument. */
  private isModuleName(p: number): boolean {
    const kind = this.k[p];
    return (
      (kind === K.StringLiteral || kind === K.NoSubstitutionTemplateLiteral) &&
      (this.k[p + 1] === K.CloseParenToken || this.k[p + 1] === K.CommaToken)
    );
  }

  /** `const x = require('y')` → `*` as x; `const { a, b: c } = require('y')` → a, c; otherwise none. p: the callee, close: the call's `)`. */
  private requiredNames(p: number, close: number): ImportFact['names'] {
    const k = this.k;
    const after = close + 1;
    const whole =
      after >= this.n ||
      k[after] === K.CommaToken ||
      k[after] === K.SemicolonToken ||
      k[after] === K.CloseBraceToken ||
      (this.lineBreak(after) && !continues(k[after]));
    if (!whole || k[p - 1] !== K.EqualsToken) return [];
    const b = p - 2;
    let start: number;
    if (isName(k[b])) start = b;
    else if (k[b] === K.CloseBraceToken || k[b] === K.CloseBracketToken) start = this.match[b];
    else if (isIdentifierName(k[b]) || k[b] === K.StringLiteral)
      return []; // exports.default = require(…)
    else throw new GiveUp();
    const before = k[start - 1];
    if (before === K.CommaToken || before === K.ColonToken) throw new GiveUp();
    if (before !== K.ConstKeyword && before !== K.LetKeyword && before !== K.VarKeyword) return [];
    if (k[start] === K.OpenBracketToken) return [];
    if (start === b) return [{ imported: '*', local: this.textOf(b) }];
    const names: ImportFact['names'] = [];
    for (let q = start + 1; q < b;) {
      let end = q;
      while (end < b && k[end] !== K.CommaToken) end = this.skip(end);
      if (k[q] === K.DotDotDotToken && isName(k[q + 1]))
        names.push({ imported: this.textOf(q + 1), local: this.textOf(q + 1) });
      else if (isName(k[q]) && (end === q + 1 || k[q + 1] === K.EqualsToken))
        names.push({ imported: this.textOf(q), local: this.textOf(q) });
      else {
        const colon = k[q] === K.OpenBracketToken ? this.match[q] + 1 : q + 1;
        if (
          k[colon] === K.ColonToken &&
          isName(k[colon + 1]) &&
          (colon + 2 === end || k[colon + 2] === K.EqualsToken)
        ) {
          names.push({
            imported: isIdentifierName(k[q]) ? this.textOf(q) : this.textOf(colon + 1),
            local: this.textOf(colon + 1),
          });
        } else if (k[colon] !== K.ColonToken) {
          throw new GiveUp();
        }
      }
      q = end + 1;
    }
    return names;
  }

  private addCall(owner: DeclarationFact, name: string): void {
    let set = this.calls.get(owner);
    if (!set) this.calls.set(owner, (set = new Set()));
    if (set.size < maxCallsPerDeclaration) set.add(name);
  }

  // ---- text ----

  private textOf(p: number): string {
    return this.t.value[p] ?? this.text.slice(this.t.start[p], this.t.end[p]);
  }

  private lineAt(p: number): number {
    return lineAt(this.lineStarts, this.t.start[p]);
  }
}

/** Where each line starts, as TypeScript counts lines (\n, \r\n, \r, U+2028, U+2029); by indexOf when \n is the only break. */
function lineStartsOf(text: string): number[] {
  if (/[\r\u2028\u2029]/.test(text)) return computeLineStarts(text);
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** TypeScript's computeLineStarts: a line ends at \n, \r\n, \r, U+2028 or U+2029. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let pos = 0; pos < text.length;) {
    const ch = text.charCodeAt(pos++);
    if (ch === 13 && text.charCodeAt(pos) === 10) pos++;
    if (ch === 10 || ch === 13 || ch === 0x2028 || ch === 0x2029) starts.push(pos);
  }
  return starts;
}

/** TypeScript's isDeclarationFileName: `.d.ts`, `.d.cts`, `.d.mts`, or a `.ts` whose name holds `.d.` (`x.d.css.ts`). */
export function isDeclarationFileName(path: string): boolean {
  if (/\.d\.[cm]?ts$/.test(path)) return true;
  return path.endsWith('.ts') && path.slice(path.lastIndexOf('/') + 1).includes('.d.');
}

/** The line (from 1) of a position, given where each line starts. */
export function lineAt(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function closesType(kind: number): boolean {
  return (
    kind === K.SemicolonToken ||
    kind === K.CloseBraceToken ||
    kind === K.CloseParenToken ||
    kind === K.CloseBracketToken
  );
}

/** Tokens allowed inside `<…>` type arguments of a call (TypeScript tries them as types, and falls back to a comparison). */
function inTypeArguments(kind: number): boolean {
  if (isIdentifierName(kind)) return kind !== K.InstanceOfKeyword && kind !== K.InKeyword;
  switch (kind) {
    case K.DotToken:
    case K.CommaToken:
    case K.BarToken:
    case K.AmpersandToken:
    case K.QuestionToken:
    case K.ColonToken:
    case K.EqualsGreaterThanToken:
    case K.OpenParenToken:
    case K.OpenBracketToken:
    case K.OpenBraceToken:
    case K.StringLiteral:
    case K.NumericLiteral:
    case K.BigIntLiteral:
    case K.NoSubstitutionTemplateLiteral:
    case K.TemplateHead:
    case K.MinusToken:
    case K.DotDotDotToken:
      return true;
  }
  return false;
}
