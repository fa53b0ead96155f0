// The tokens of one file, read with our scanner (scanner.ts, which reads as TypeScript's scanner does) the
// way TypeScript's parser asks for them:
// a `/` starts a regular expression where an operand is expected, a `}` inside a template goes on with
// the template, and a `<` where an operand is expected in a JSX file starts an element, whose tag and
// text are skipped and whose `{…}` expressions are read as tokens. Anything the scanner rejects, and
// brackets that do not pair, end the reading with GiveUp (the caller then parses the file).
import { GiveUp, Scanner, type TokenScanner } from './scanner';
import { K } from './syntaxKind';

export { GiveUp } from './scanner';

const firstContextualKeyword = K.AbstractKeyword;
const lastContextualKeyword = K.LastContextualKeyword;
/** A token standing for a whole JSX element (its tag, attributes and text are not kept; expressions inside it are). */
const jsxElement = K.JsxElement;

/**
 * The tokens of one file, in parallel arrays kept from file to file (a build reads thousands of
 * files; growing fresh arrays for each cost more than scanning). After the last token come a few
 * end-of-file tokens, so that looking ahead past the end reads no other file's tokens.
 */
export class Tokens {
  kind = new Uint16Array(1 << 14);
  start = new Int32Array(1 << 14);
  end = new Int32Array(1 << 14);
  /** 1: a line break before the token. */
  newline = new Uint8Array(1 << 14);
  /**
   * The value of string literals (escapes resolved), by token index; undefined for other tokens. Kept
   * from file to file too, full of undefined rather than holey (a fresh sparse array for each file went
   * to V8's slow dictionary elements and was a fifth of the token reader's time): a reset clears only
   * the indices the last file wrote.
   */
  value: Array<string | undefined> = new Array<string | undefined>(1 << 14).fill(undefined);
  private readonly written: number[] = [];
  count = 0;

  reset(): void {
    this.count = 0;
    const written = this.written;
    for (let w = 0; w < written.length; w++) this.value[written[w]] = undefined;
    written.length = 0;
  }

  push(kind: number, start: number, end: number, newline: boolean, value: string | undefined): void {
    if (this.count + lookAheadPadding >= this.kind.length) this.grow();
    const i = this.count++;
    this.kind[i] = kind;
    this.start[i] = start;
    this.end[i] = end;
    this.newline[i] = newline ? 1 : 0;
    if (value !== undefined) {
      this.value[i] = value;
      this.written.push(i);
    }
  }

  /** Ends the file: end-of-file tokens after the last one. */
  finish(textLength: number): void {
    for (let i = this.count; i < this.count + lookAheadPadding; i++) {
      this.kind[i] = K.EndOfFileToken;
      this.start[i] = this.end[i] = textLength;
      this.newline[i] = 1;
    }
  }

  private grow(): void {
    const size = this.kind.length * 2;
    const copy = <T extends Uint16Array | Int32Array | Uint8Array>(from: T, to: T) => {
      to.set(from);
      return to;
    };
    this.kind = copy(this.kind, new Uint16Array(size));
    this.start = copy(this.start, new Int32Array(size));
    this.end = copy(this.end, new Int32Array(size));
    this.newline = copy(this.newline, new Uint8Array(size));
    for (let i = this.value.length; i < size; i++) this.value.push(undefined);
  }
}

const lookAheadPadding = 8;
const tokens = new Tokens();

const ownScanner = new Scanner();

/** Lets go of the last file's text (the scanner is kept from file to file). */
export function releaseScanner(): void {
  ownScanner.reset(undefined, false);
}

export function isName(kind: number): boolean {
  // identifiers and the contextual keywords a program may use as names (`of`, `type`, `get` …), not `await`
  return (
    kind === K.Identifier ||
    (kind >= firstContextualKeyword && kind <= lastContextualKeyword && kind !== K.AwaitKeyword)
  );
}

export function isIdentifierName(kind: number): boolean {
  return kind === K.Identifier || (kind >= K.FirstKeyword && kind <= K.LastKeyword);
}

/** Whether a token can end an operand: a `/` after it divides and a `<` compares. */
export function endsOperand(kind: number): boolean {
  if (isName(kind)) return true;
  switch (kind) {
    case K.PrivateIdentifier:
    case K.NumericLiteral:
    case K.BigIntLiteral:
    case K.StringLiteral:
    case K.RegularExpressionLiteral:
    case K.NoSubstitutionTemplateLiteral:
    case K.TemplateTail:
    case K.ThisKeyword:
    case K.SuperKeyword:
    case K.NullKeyword:
    case K.TrueKeyword:
    case K.FalseKeyword:
    case K.CloseParenToken:
    case K.CloseBracketToken:
    case K.PlusPlusToken:
    case K.MinusMinusToken:
    case jsxElement:
      return true;
  }
  return false;
}

/** Whether a statement may end after this token when a line break follows (automatic semicolons). */
export function endsStatement(kind: number): boolean {
  return endsOperand(kind) || kind === K.CloseBraceToken || kind === K.GreaterThanToken || kind === K.VoidKeyword;
}

/** Whether a token at the start of a line carries on the expression or type of the line before. */
export function continues(kind: number): boolean {
  switch (kind) {
    case K.DotToken:
    case K.QuestionDotToken:
    case K.OpenParenToken:
    case K.OpenBracketToken:
    case K.CommaToken:
    case K.EqualsToken:
    case K.EqualsGreaterThanToken:
    case K.QuestionToken:
    case K.ColonToken:
    case K.PlusToken:
    case K.MinusToken:
    case K.AsteriskToken:
    case K.AsteriskAsteriskToken:
    case K.SlashToken:
    case K.PercentToken:
    case K.AmpersandToken:
    case K.BarToken:
    case K.CaretToken:
    case K.AmpersandAmpersandToken:
    case K.BarBarToken:
    case K.QuestionQuestionToken:
    case K.LessThanToken:
    case K.GreaterThanToken:
    case K.LessThanEqualsToken:
    case K.EqualsEqualsToken:
    case K.EqualsEqualsEqualsToken:
    case K.ExclamationEqualsToken:
    case K.ExclamationEqualsEqualsToken:
    case K.LessThanLessThanToken:
    case K.InKeyword:
    case K.InstanceOfKeyword:
    case K.ExtendsKeyword:
    case K.NoSubstitutionTemplateLiteral:
    case K.TemplateHead:
    case K.ElseKeyword:
    case K.CatchKeyword:
    case K.FinallyKeyword:
      return true;
  }
  return kind >= K.FirstCompoundAssignment && kind <= K.LastCompoundAssignment;
}

export function tokenize(text: string, jsx: boolean): Tokens {
  return tokenizeWith(ownScanner, text, jsx);
}

/**
 * The tokens of `text` read with `scanner` (ours; the tests also pass TypeScript's, as the reference
 * ours must match). The Tokens are shared: they hold this file until the next call.
 */
export function tokenizeWith(scanner: TokenScanner, text: string, jsx: boolean): Tokens {
  tokens.reset();
  scanner.reset(text, jsx);
  let last = -1;
  const emit = (kind: number, start = scanner.getTokenStart(), newline = scanner.hasPrecedingLineBreak()) => {
    tokens.push(
      kind,
      start,
      scanner.getTokenEnd(),
      newline,
      kind === K.StringLiteral || kind === K.NoSubstitutionTemplateLiteral ? scanner.getTokenValue() : undefined,
    );
    // a `!` right after an operand is TypeScript's non-null assertion (`x! / 2`), and still ends the operand
    last = kind === K.ExclamationToken && endsOperand(last) && !newline ? K.Identifier : kind;
  };

  /** Tokens up to the end of the file, or (`untilClose`) up to and including the `}` that closes the current level. */
  const run = (first: number, untilClose: boolean): void => {
    const braces: boolean[] = []; // true: the `${` of a template
    for (let t = first; ; t = scanner.scan()) {
      if (t === K.EndOfFileToken) {
        if (untilClose || braces.length) throw new GiveUp();
        return;
      }
      if (t === K.Identifier && scanner.hasUnicodeEscape()) throw new GiveUp();
      if (t === K.OpenBraceToken) braces.push(false);
      else if (t === K.TemplateHead) braces.push(true);
      else if (t === K.CloseBraceToken) {
        if (!braces.length) {
          if (!untilClose) throw new GiveUp();
          emit(t);
          return;
        }
        if (braces.pop()) {
          t = scanner.reScanTemplateToken();
          if (t === K.TemplateMiddle) braces.push(true);
        }
      } else if ((t === K.SlashToken || t === K.SlashEqualsToken) && !endsOperand(last)) {
        t = scanner.reScanSlashToken();
      } else if (t === K.LessThanToken && jsx && !endsOperand(last) && !typeParametersAhead()) {
        element(scanner.getTokenStart(), scanner.hasPrecedingLineBreak());
        continue;
      }
      emit(t);
    }
  };

  // `<T,>(x) => …` and `<T extends U>(…) => …` in a JSX file are type parameters, not an element (as TypeScript decides)
  const typeParametersAhead = (): boolean =>
    scanner.lookAhead(() => {
      let t = scanner.scan();
      if (t === K.ConstKeyword) t = scanner.scan();
      if (!isName(t)) return false;
      t = scanner.scan();
      if (t === K.ExtendsKeyword) {
        t = scanner.scan();
        return t !== K.EqualsToken && t !== K.GreaterThanToken && t !== K.SlashToken;
      }
      return t === K.CommaToken || t === K.EqualsToken;
    });

  /** A JSX element or fragment from its `<`; leaves the scanner after its last `>` and emits one token for it. */
  const element = (start: number, newline: boolean): void => {
    let t = scanner.scan();
    if (t !== K.GreaterThanToken) {
      t = tagName(t);
      if (t === K.LessThanToken) throw new GiveUp(); // type arguments on a tag
      for (;;) {
        if (t === K.GreaterThanToken) break;
        if (t === K.SlashToken) {
          if (scanner.scan() !== K.GreaterThanToken) throw new GiveUp();
          emit(jsxElement, start, newline);
          return;
        }
        if (t === K.OpenBraceToken) {
          // {...spread}
          emit(t);
          run(scanner.scan(), true);
          t = scanner.scan();
          continue;
        }
        t = scanner.scanJsxIdentifier();
        if (!isIdentifierName(t)) throw new GiveUp();
        t = scanner.scan();
        if (t === K.ColonToken) {
          scanner.scan();
          scanner.scanJsxIdentifier();
          t = scanner.scan();
        }
        if (t !== K.EqualsToken) continue;
        t = scanner.scanJsxAttributeValue();
        if (t === K.OpenBraceToken) {
          emit(t);
          run(scanner.scan(), true);
        } else if (t === K.LessThanToken) {
          element(scanner.getTokenStart(), false);
        } else if (t !== K.StringLiteral) {
          throw new GiveUp();
        }
        t = scanner.scan();
      }
    }
    children();
    // the closing tag, `</name>` or `</>`
    t = scanner.scan();
    if (t !== K.GreaterThanToken) t = tagName(t);
    if (t !== K.GreaterThanToken) throw new GiveUp();
    emit(jsxElement, start, newline);
  };

  /** A tag's name (`div`, `Foo.Bar`, `svg:rect`, `data-x`); returns the token after it. */
  const tagName = (first: number): number => {
    if (!isIdentifierName(first)) throw new GiveUp();
    scanner.scanJsxIdentifier();
    let t = scanner.scan();
    if (t === K.ColonToken) {
      scanner.scan();
      scanner.scanJsxIdentifier();
      return scanner.scan();
    }
    while (t === K.DotToken) {
      if (!isIdentifierName(scanner.scan())) throw new GiveUp();
      t = scanner.scan();
    }
    return t;
  };

  /** Children up to the `</` of the closing tag. */
  const children = (): void => {
    for (;;) {
      const t = scanner.scanJsxToken();
      if (t === K.LessThanSlashToken) return;
      if (t === K.JsxText || t === K.JsxTextAllWhiteSpaces) continue;
      if (t === K.OpenBraceToken) {
        emit(t);
        run(scanner.scan(), true);
      } else if (t === K.LessThanToken) {
        element(scanner.getTokenStart(), false);
      } else {
        throw new GiveUp();
      }
    }
  };

  run(scanner.scan(), false);
  tokens.finish(text.length);
  return tokens;
}

/** Pairs (), [], {} and the pieces of templates; gives up when they do not pair. */
export function pairBrackets(kind: Uint16Array, count: number): Int32Array {
  const match = new Int32Array(count + lookAheadPadding).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < count; i++) {
    const k = kind[i];
    if (k === K.OpenParenToken || k === K.OpenBracketToken || k === K.OpenBraceToken || k === K.TemplateHead) {
      open.push(i);
    } else if (
      k === K.CloseParenToken ||
      k === K.CloseBracketToken ||
      k === K.CloseBraceToken ||
      k === K.TemplateMiddle ||
      k === K.TemplateTail
    ) {
      const o = open.pop();
      if (o === undefined || !opens(kind[o], k)) throw new GiveUp();
      match[o] = i;
      match[i] = o;
      if (k === K.TemplateMiddle) open.push(i);
    }
  }
  if (open.length) throw new GiveUp();
  return match;
}

function opens(open: number, close: number): boolean {
  if (close === K.CloseParenToken) return open === K.OpenParenToken;
  if (close === K.CloseBracketToken) return open === K.OpenBracketToken;
  if (close === K.CloseBraceToken) return open === K.OpenBraceToken;
  return open === K.TemplateHead || open === K.TemplateMiddle; // the pieces of a template close the piece before
}
