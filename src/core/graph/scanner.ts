// A scanner for JavaScript, TypeScript, JSX and TSX that reads exactly the tokens TypeScript's scanner
// (`ts.createScanner`) reads, for what the token reader (tokens.ts) asks of it, without loading TypeScript.
// It is written for speed: charCode over the text, keywords found without cutting substrings, nothing
// allocated per token but the values of string literals; names above ASCII are read with TypeScript's own
// Unicode tables (unicodeIdentifiers.ts). Wherever TypeScript's scanner would report an error, and wherever
// this one is not sure to read as TypeScript does (escapes in names, merge conflict markers…), it throws GiveUp:
// the file then goes to the parser. test/unit/graph/scanner.test.ts holds it to TypeScript's scanner
// token by token.
import { K, keywords } from './syntaxKind';
import { identifierPartRanges, identifierStartRanges, inRanges } from './unicodeIdentifiers';

/** Thrown when the tokens cannot be read the way TypeScript would read them. */
export class GiveUp extends Error {}

/** What the token reader asks of a scanner: TypeScript's scanner's methods of the same names. */
export interface TokenScanner {
  /** Starts reading `text` (undefined: lets go of the last one); `jsx`: TypeScript's JSX language variant. */
  reset(text: string | undefined, jsx: boolean): void;
  scan(): number;
  reScanSlashToken(): number;
  /** Goes on with a template after the `}` of a `${…}`, as TypeScript does outside a tagged template. */
  reScanTemplateToken(): number;
  scanJsxIdentifier(): number;
  scanJsxAttributeValue(): number;
  scanJsxToken(): number;
  lookAhead<T>(callback: () => T): T;
  getTokenStart(): number;
  getTokenEnd(): number;
  hasPrecedingLineBreak(): boolean;
  hasUnicodeEscape(): boolean;
  /** The value of the string literal or template piece just read (escapes resolved); only those are asked for. */
  getTokenValue(): string;
}

/**
 * Keywords by first letter (a–z) and length (2–12), to compare in place: the texts and kinds of the
 * keywords of one key sit at keywordTexts/keywordKinds[keywordFrom[key] … keywordFrom[key + 1]).
 */
const keywordFrom = new Int32Array(26 * 16 + 1);
const keywordTexts: string[] = [];
const keywordKinds: number[] = [];
{
  const keyOf = (text: string) => (text.charCodeAt(0) - 97) * 16 + text.length;
  const sorted = [...keywords].sort((a, b) => keyOf(a[0]) - keyOf(b[0]));
  for (const [text, kind] of sorted) {
    keywordTexts.push(text);
    keywordKinds.push(kind);
  }
  let i = 0;
  for (let key = 0; key <= 26 * 16; key++) {
    keywordFrom[key] = i;
    while (i < sorted.length && keyOf(sorted[i][0]) === key) i++;
  }
}

/** 1 for the ASCII characters that continue a name (letters, digits, `$`, `_`), 2 for those that also start one. */
const asciiName = new Uint8Array(128);
for (let ch = 0; ch < 128; ch++) {
  if ((ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || ch === 36 || ch === 95) asciiName[ch] = 2;
  else if (ch >= 48 && ch <= 57) asciiName[ch] = 1;
}

/** TypeScript's isIdentifierStart for a character above ASCII (a code point). */
export function isNonAsciiIdentifierStart(ch: number): boolean {
  return inRanges(ch, identifierStartRanges);
}

/** TypeScript's isIdentifierPart for a character above ASCII (a code point). */
export function isNonAsciiIdentifierPart(ch: number): boolean {
  return inRanges(ch, identifierPartRanges);
}

function isAsciiIdentifierStart(ch: number): boolean {
  return asciiName[ch] === 2;
}

function isAsciiIdentifierPart(ch: number): boolean {
  return asciiName[ch] > 0;
}

function isIdentifierStart(ch: number): boolean {
  return ch < 128 ? isAsciiIdentifierStart(ch) : isNonAsciiIdentifierStart(ch);
}

function isIdentifierPart(ch: number): boolean {
  return ch < 128 ? isAsciiIdentifierPart(ch) : isNonAsciiIdentifierPart(ch);
}

function isDigit(ch: number): boolean {
  return ch >= 48 && ch <= 57;
}

function isHexDigit(ch: number): boolean {
  return (ch >= 48 && ch <= 57) || (ch >= 65 && ch <= 70) || (ch >= 97 && ch <= 102);
}

function isLineBreak(ch: number): boolean {
  return ch === 10 || ch === 13 || ch === 0x2028 || ch === 0x2029;
}

/** TypeScript's isWhiteSpaceSingleLine. */
function isWhiteSpaceSingleLine(ch: number): boolean {
  return (
    ch === 32 ||
    ch === 9 ||
    ch === 11 ||
    ch === 12 ||
    ch === 160 ||
    ch === 133 ||
    ch === 5760 ||
    (ch >= 8192 && ch <= 8203) ||
    ch === 8239 ||
    ch === 8287 ||
    ch === 12288 ||
    ch === 65279
  );
}

function isWhiteSpaceLike(ch: number): boolean {
  return isWhiteSpaceSingleLine(ch) || isLineBreak(ch);
}

export class Scanner implements TokenScanner {
  private text = '';
  private end = 0;
  private pos = 0;
  private tokenStart = 0;
  private token: number = K.Unknown;
  private tokenValue = '';
  private lineBreak = false;
  private jsx = false;

  reset(text: string | undefined, jsx: boolean): void {
    this.text = text ?? '';
    this.end = this.text.length;
    this.pos = this.tokenStart = 0;
    this.token = K.Unknown;
    this.tokenValue = '';
    this.lineBreak = false;
    this.jsx = jsx;
  }

  getTokenStart(): number {
    return this.tokenStart;
  }

  getTokenEnd(): number {
    return this.pos;
  }

  hasPrecedingLineBreak(): boolean {
    return this.lineBreak;
  }

  /** Names with escapes are given up on, so no token read has one. */
  hasUnicodeEscape(): boolean {
    return false;
  }

  getTokenValue(): string {
    return this.tokenValue;
  }

  lookAhead<T>(callback: () => T): T {
    const { pos, tokenStart, token, tokenValue, lineBreak } = this;
    try {
      return callback();
    } finally {
      this.pos = pos;
      this.tokenStart = tokenStart;
      this.token = token;
      this.tokenValue = tokenValue;
      this.lineBreak = lineBreak;
    }
  }

  scan(): number {
    const text = this.text;
    const end = this.end;
    this.lineBreak = false;
    for (;;) {
      let pos = this.pos;
      this.tokenStart = pos;
      if (pos >= end) return (this.token = K.EndOfFileToken);
      const ch = text.charCodeAt(pos);
      switch (ch) {
        case 10:
        case 13:
          this.lineBreak = true;
          this.pos = pos + 1;
          continue;
        case 9:
        case 11:
        case 12:
        case 32:
          pos++;
          while (pos < end) {
            const c = text.charCodeAt(pos);
            if (c !== 32 && c !== 9) break;
            pos++;
          }
          this.pos = pos;
          continue;
        case 33: // !
          if (text.charCodeAt(pos + 1) === 61) {
            if (text.charCodeAt(pos + 2) === 61) return this.op(3, K.ExclamationEqualsEqualsToken);
            return this.op(2, K.ExclamationEqualsToken);
          }
          return this.op(1, K.ExclamationToken);
        case 34:
        case 39:
          this.tokenValue = this.scanString(false);
          return (this.token = K.StringLiteral);
        case 96:
          return (this.token = this.scanTemplate(false));
        case 37: // %
          if (text.charCodeAt(pos + 1) === 61) return this.op(2, K.PercentEqualsToken);
          return this.op(1, K.PercentToken);
        case 38: // &
          if (text.charCodeAt(pos + 1) === 38) {
            if (text.charCodeAt(pos + 2) === 61) return this.op(3, K.AmpersandAmpersandEqualsToken);
            return this.op(2, K.AmpersandAmpersandToken);
          }
          if (text.charCodeAt(pos + 1) === 61) return this.op(2, K.AmpersandEqualsToken);
          return this.op(1, K.AmpersandToken);
        case 40:
          return this.op(1, K.OpenParenToken);
        case 41:
          return this.op(1, K.CloseParenToken);
        case 42: // *
          if (text.charCodeAt(pos + 1) === 61) return this.op(2, K.AsteriskEqualsToken);
          if (text.charCodeAt(pos + 1) === 42) {
            if (text.charCodeAt(pos + 2) === 61) return this.op(3, K.AsteriskAsteriskEqualsToken);
            return this.op(2, K.AsteriskAsteriskToken);
          }
          return this.op(1, K.AsteriskToken);
        case 43: // +
          if (text.charCodeAt(pos + 1) === 43) return this.op(2, K.PlusPlusToken);
          if (text.charCodeAt(pos + 1) === 61) return this.op(2, K.PlusEqualsToken);
          return this.op(1, K.PlusToken);
        case 44:
          return this.op(1, K.CommaToken);
        case 45: // -
          if (text.charCodeAt(pos + 1) === 45) return this.op(2, K.MinusMinusToken);
          if (text.charCodeAt(pos + 1) === 61) return this.op(2, K.MinusEqualsToken);
          return this.op(1, K.MinusToken);
        case 46: // .
          if (isDigit(text.charCodeAt(pos + 1))) {
            this.scanNumber();
            return (this.token = K.NumericLiteral);
          }
          if (text.charCodeAt(pos + 1) === 46 && text.charCodeAt(pos + 2) === 46) return this.op(3, K.DotDotDotToken);
          return this.op(1, K.DotToken);
        case 47: {
          // /
          const next = text.charCodeAt(pos + 1);
          if (next === 47) {
            pos += 2;
            while (pos < end && !isLineBreak(text.charCodeAt(pos))) pos++;
            this.pos = pos;
            continue;
          }
          if (next === 42) {
            const close = text.indexOf('*/', pos + 2);
            if (close < 0 || close + 2 > end) throw new GiveUp(); // '*/' expected
            for (let i = pos + 2; i < close; i++) {
              const c = text.charCodeAt(i);
              if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
                this.lineBreak = true;
                break;
              }
            }
            this.pos = close + 2;
            continue;
          }
          if (next === 61) return this.op(2, K.SlashEqualsToken);
          return this.op(1, K.SlashToken);
        }
        case 48: {
          const next = text.charCodeAt(pos + 1);
          if (next === 120 || next === 88 || next === 98 || next === 66 || next === 111 || next === 79) {
            if (pos + 2 >= end) throw new GiveUp(); // `0x` at the very end: TypeScript reports it
            this.pos = pos + 2;
            const digits =
              next === 120 || next === 88
                ? this.scanHexDigits()
                : this.scanBinaryOrOctalDigits(next === 98 || next === 66 ? 2 : 8);
            if (!digits) throw new GiveUp();
            return (this.token = this.bigIntSuffix());
          }
          return (this.token = this.scanNumber());
        }
        case 49:
        case 50:
        case 51:
        case 52:
        case 53:
        case 54:
        case 55:
        case 56:
        case 57:
          return (this.token = this.scanNumber());
        case 58:
          return this.op(1, K.ColonToken);
        case 59:
          return this.op(1, K.SemicolonToken);
        case 60: // <
          if (this.isConflictMarker(pos)) throw new GiveUp();
          if (text.charCodeAt(pos + 1) === 60) {
            if (text.charCodeAt(pos + 2) === 61) return this.op(3, K.LessThanLessThanEqualsToken);
            return this.op(2, K.LessThanLessThanToken);
          }
          if (text.charCodeAt(pos + 1) === 61) return this.op(2, K.LessThanEqualsToken);
          if (this.jsx && text.charCodeAt(pos + 1) === 47 && text.charCodeAt(pos + 2) !== 42)
            return this.op(2, K.LessThanSlashToken);
          return this.op(1, K.LessThanToken);
        case 61: // =
          if (this.isConflictMarker(pos)) throw new GiveUp();
          if (text.charCodeAt(pos + 1) === 61) {
            if (text.charCodeAt(pos + 2) === 61) return this.op(3, K.EqualsEqualsEqualsToken);
            return this.op(2, K.EqualsEqualsToken);
          }
          if (text.charCodeAt(pos + 1) === 62) return this.op(2, K.EqualsGreaterThanToken);
          return this.op(1, K.EqualsToken);
        case 62: // >
          if (this.isConflictMarker(pos)) throw new GiveUp();
          return this.op(1, K.GreaterThanToken);
        case 63: // ?
          if (text.charCodeAt(pos + 1) === 46 && !isDigit(text.charCodeAt(pos + 2)))
            return this.op(2, K.QuestionDotToken);
          if (text.charCodeAt(pos + 1) === 63) {
            if (text.charCodeAt(pos + 2) === 61) return this.op(3, K.QuestionQuestionEqualsToken);
            return this.op(2, K.QuestionQuestionToken);
          }
          return this.op(1, K.QuestionToken);
        case 91:
          return this.op(1, K.OpenBracketToken);
        case 93:
          return this.op(1, K.CloseBracketToken);
        case 94: // ^
          if (text.charCodeAt(pos + 1) === 61) return this.op(2, K.CaretEqualsToken);
          return this.op(1, K.CaretToken);
        case 123:
          return this.op(1, K.OpenBraceToken);
        case 124: // |
          if (this.isConflictMarker(pos)) throw new GiveUp();
          if (text.charCodeAt(pos + 1) === 124) {
            if (text.charCodeAt(pos + 2) === 61) return this.op(3, K.BarBarEqualsToken);
            return this.op(2, K.BarBarToken);
          }
          if (text.charCodeAt(pos + 1) === 61) return this.op(2, K.BarEqualsToken);
          return this.op(1, K.BarToken);
        case 125:
          return this.op(1, K.CloseBraceToken);
        case 126:
          return this.op(1, K.TildeToken);
        case 64:
          return this.op(1, K.AtToken);
        case 35: {
          // #
          const next = text.charCodeAt(pos + 1);
          if (pos === 0 && next === 33) {
            // #! at the start of the file, up to the end of its line
            pos = 2;
            while (pos < end && !isLineBreak(text.charCodeAt(pos))) pos++;
            this.pos = pos;
            continue;
          }
          if (pos + 1 < end && isIdentifierStart(text.codePointAt(pos + 1)!)) {
            this.pos = pos + 1;
            this.scanIdentifierRest();
            return (this.token = K.PrivateIdentifier);
          }
          throw new GiveUp(); // `#!` past the start, `#\u…`, a lone `#`
        }
        default:
          if (ch < 128) {
            if (isAsciiIdentifierStart(ch)) {
              this.pos = pos + 1;
              return (this.token = this.identifierKind(this.scanIdentifierRest()));
            }
            throw new GiveUp(); // `\`, control characters: an escaped name or an invalid character
          }
          if (isWhiteSpaceSingleLine(ch)) {
            this.pos = pos + 1;
            continue;
          }
          if (ch === 0x2028 || ch === 0x2029) {
            this.lineBreak = true;
            this.pos = pos + 1;
            continue;
          }
          {
            const cp = ch >= 0xd800 && ch <= 0xdbff ? text.codePointAt(pos)! : ch;
            if (isNonAsciiIdentifierStart(cp)) {
              this.pos = pos + (cp > 0xffff ? 2 : 1);
              return (this.token = this.identifierKind(this.scanIdentifierRest()));
            }
          }
          throw new GiveUp(); // an invalid character (or U+FFFD: TypeScript takes the file for binary)
      }
    }
  }

  reScanSlashToken(): number {
    if (this.token !== K.SlashToken && this.token !== K.SlashEqualsToken) return this.token;
    const text = this.text;
    const end = this.end;
    let pos = this.tokenStart + 1;
    let inEscape = false;
    let inClass = false;
    for (;;) {
      if (pos >= end) throw new GiveUp(); // unterminated regular expression
      const ch = text.charCodeAt(pos);
      if (isLineBreak(ch)) throw new GiveUp();
      if (inEscape) inEscape = false;
      else if (ch === 47 && !inClass) break;
      else if (ch === 91) inClass = true;
      else if (ch === 92) inEscape = true;
      else if (ch === 93) inClass = false;
      pos++;
    }
    pos++;
    while (pos < end) {
      const cp = text.codePointAt(pos)!;
      if (!isIdentifierPart(cp)) break;
      pos += cp > 0xffff ? 2 : 1;
    }
    this.pos = pos; // (its value, the text, is not kept: the token reader keeps only strings' values)
    return (this.token = K.RegularExpressionLiteral);
  }

  reScanTemplateToken(): number {
    this.pos = this.tokenStart;
    return (this.token = this.scanTemplate(true));
  }

  scanJsxToken(): number {
    const text = this.text;
    const end = this.end;
    let pos = this.pos;
    this.tokenStart = pos;
    if (pos >= end) return (this.token = K.EndOfFileToken);
    let ch = text.charCodeAt(pos);
    if (ch === 60) {
      if (text.charCodeAt(pos + 1) === 47) return this.op(2, K.LessThanSlashToken);
      return this.op(1, K.LessThanToken);
    }
    if (ch === 123) return this.op(1, K.OpenBraceToken);
    let firstNonWhitespace = 0;
    while (pos < end) {
      ch = text.charCodeAt(pos);
      if (ch === 123) break;
      if (ch === 60) {
        if (this.isConflictMarker(pos)) throw new GiveUp();
        break;
      }
      if (ch === 62 || ch === 125) throw new GiveUp(); // `>` or `}` in JSX text: TypeScript reports it
      if (isLineBreak(ch) && firstNonWhitespace === 0) firstNonWhitespace = -1;
      else if (!isWhiteSpaceLike(ch)) firstNonWhitespace = pos;
      pos++;
    }
    this.pos = pos;
    return (this.token = firstNonWhitespace === -1 ? K.JsxTextAllWhiteSpaces : K.JsxText);
  }

  scanJsxIdentifier(): number {
    const t = this.token;
    if (t < K.Identifier) return t; // names, private names and keywords go on
    const text = this.text;
    while (this.pos < this.end) {
      const ch = text.charCodeAt(this.pos);
      if (ch === 45) {
        this.pos++;
        continue;
      }
      const before = this.pos;
      this.scanIdentifierRest();
      if (this.pos === before) break;
    }
    return (this.token = this.identifierKind(this.pos));
  }

  scanJsxAttributeValue(): number {
    const ch = this.text.charCodeAt(this.pos);
    if (ch === 34 || ch === 39) {
      // TypeScript leaves the token's start where it was
      this.tokenValue = this.scanString(true);
      return (this.token = K.StringLiteral);
    }
    return this.scan();
  }

  /** An operator or punctuation of `length` characters at the token's start. */
  private op(length: number, kind: number): number {
    this.pos = this.tokenStart + length;
    return (this.token = kind);
  }

  /** The rest of a name from `pos` (past its first character); returns where it ends. */
  private scanIdentifierRest(): number {
    const text = this.text;
    const end = this.end;
    let pos = this.pos;
    while (pos < end) {
      const ch = text.charCodeAt(pos);
      if (ch < 128) {
        if (!isAsciiIdentifierPart(ch)) {
          if (ch === 92) throw new GiveUp(); // an escape in a name
          break;
        }
      } else {
        const cp = ch >= 0xd800 && ch <= 0xdbff ? text.codePointAt(pos)! : ch;
        if (!isNonAsciiIdentifierPart(cp)) break;
        if (cp > 0xffff) pos++;
      }
      pos++;
    }
    return (this.pos = pos);
  }

  /** The kind of the name from the token's start to `end`: a keyword's, or Identifier. */
  private identifierKind(end: number): number {
    const start = this.tokenStart;
    const length = end - start;
    if (length >= 2 && length <= 12) {
      const first = this.text.charCodeAt(start);
      if (first >= 97 && first <= 122) {
        const key = (first - 97) * 16 + length;
        for (let i = keywordFrom[key], to = keywordFrom[key + 1]; i < to; i++) {
          if (this.text.startsWith(keywordTexts[i], start)) return keywordKinds[i];
        }
      }
    }
    return K.Identifier;
  }

  private isConflictMarker(pos: number): boolean {
    const text = this.text;
    if (pos !== 0 && !isLineBreak(text.charCodeAt(pos - 1))) return false;
    if (pos + 7 >= text.length) return false;
    const ch = text.charCodeAt(pos);
    for (let i = 1; i < 7; i++) if (text.charCodeAt(pos + i) !== ch) return false;
    return ch === 61 || text.charCodeAt(pos + 7) === 32;
  }

  /** A string literal from its quote; its value with escapes resolved (none in a JSX attribute). */
  private scanString(jsxAttribute: boolean): string {
    const text = this.text;
    const end = this.end;
    const quote = text.charCodeAt(this.pos);
    let pos = this.pos + 1;
    let start = pos;
    let result = '';
    for (;;) {
      if (pos >= end) throw new GiveUp(); // unterminated
      const ch = text.charCodeAt(pos);
      if (ch === quote) {
        result += text.substring(start, pos);
        this.pos = pos + 1;
        return result;
      }
      if (!jsxAttribute) {
        if (ch === 92) {
          result += text.substring(start, pos);
          this.pos = pos;
          result += this.scanEscape(true);
          pos = start = this.pos;
          continue;
        }
        if (ch === 10 || ch === 13) throw new GiveUp(); // unterminated
      }
      pos++;
    }
  }

  /**
   * A template's piece from its `` ` `` or `}`: NoSubstitutionTemplateLiteral or TemplateHead from a
   * backtick, TemplateMiddle or TemplateTail from a `}`. `report`: TypeScript reports invalid escapes
   * (it does when it goes on with a template, not when it first reads one).
   */
  private scanTemplate(report: boolean): number {
    const text = this.text;
    const end = this.end;
    const backtick = text.charCodeAt(this.pos) === 96;
    let pos = this.pos + 1;
    let start = pos;
    let contents = '';
    for (;;) {
      if (pos >= end) throw new GiveUp(); // unterminated
      const ch = text.charCodeAt(pos);
      if (ch === 96) {
        contents += text.substring(start, pos);
        this.pos = pos + 1;
        this.tokenValue = contents;
        return backtick ? K.NoSubstitutionTemplateLiteral : K.TemplateTail;
      }
      if (ch === 36 && pos + 1 < end && text.charCodeAt(pos + 1) === 123) {
        contents += text.substring(start, pos);
        this.pos = pos + 2;
        this.tokenValue = contents;
        return backtick ? K.TemplateHead : K.TemplateMiddle;
      }
      if (ch === 92) {
        contents += text.substring(start, pos);
        this.pos = pos;
        contents += this.scanEscape(report);
        pos = start = this.pos;
        continue;
      }
      if (ch === 13) {
        contents += text.substring(start, pos);
        pos++;
        if (pos < end && text.charCodeAt(pos) === 10) pos++;
        contents += '\n';
        start = pos;
        continue;
      }
      pos++;
    }
  }

  /**
   * An escape sequence from its backslash, as TypeScript's scanEscapeSequence reads it in a string
   * (`report`) or a template; leaves `pos` after it. Where TypeScript reports an error: GiveUp.
   */
  private scanEscape(report: boolean): string {
    const text = this.text;
    const end = this.end;
    const start = this.pos;
    let pos = start + 1;
    if (pos >= end) throw new GiveUp(); // unexpected end of text
    const ch = text.charCodeAt(pos);
    pos++;
    this.pos = pos;
    switch (ch) {
      case 48:
      case 49:
      case 50:
      case 51:
      case 52:
      case 53:
      case 54:
      case 55: {
        // \0 alone is NUL; any other octal escape (\01, \17, \177, \4 …) is one TypeScript reports in a string
        if (ch === 48 && (pos >= end || !isDigit(text.charCodeAt(pos)))) return '\0';
        const isOctal = (at: number) => at < end && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 55;
        if (ch <= 51 && isOctal(pos)) pos++;
        if (isOctal(pos)) pos++;
        if (report) throw new GiveUp();
        this.pos = pos;
        return text.substring(start, pos);
      }
      case 56:
      case 57:
        if (report) throw new GiveUp();
        return text.substring(start, pos);
      case 98:
        return '\b';
      case 116:
        return '\t';
      case 110:
        return '\n';
      case 118:
        return '\v';
      case 102:
        return '\f';
      case 114:
        return '\r';
      case 39:
        return "'";
      case 34:
        return '"';
      case 117: {
        // \u{…} or \uXXXX
        if (pos < end && text.charCodeAt(pos) === 123) {
          pos++;
          const digitsStart = pos;
          while (pos < end && isHexDigit(text.charCodeAt(pos))) pos++;
          const value = pos > digitsStart ? parseInt(text.substring(digitsStart, pos), 16) : -1;
          let invalid = value < 0 || value > 0x10ffff;
          if (pos >= end) invalid = true;
          else if (text.charCodeAt(pos) === 125) pos++;
          else invalid = true;
          this.pos = pos;
          if (invalid) {
            if (report) throw new GiveUp();
            return text.substring(start, pos);
          }
          return String.fromCodePoint(value);
        }
        for (; pos < start + 6; pos++) {
          if (!(pos < end && isHexDigit(text.charCodeAt(pos)))) {
            if (report) throw new GiveUp();
            this.pos = pos;
            return text.substring(start, pos);
          }
        }
        this.pos = pos;
        return String.fromCharCode(parseInt(text.substring(start + 2, pos), 16));
      }
      case 120: // \xXX
        for (; pos < start + 4; pos++) {
          if (!(pos < end && isHexDigit(text.charCodeAt(pos)))) {
            if (report) throw new GiveUp();
            this.pos = pos;
            return text.substring(start, pos);
          }
        }
        this.pos = pos;
        return String.fromCharCode(parseInt(text.substring(start + 2, pos), 16));
      case 13: // a line continuation
        if (pos < end && text.charCodeAt(pos) === 10) this.pos = pos + 1;
        return '';
      case 10:
      case 0x2028:
      case 0x2029:
        return '';
      default:
        return String.fromCharCode(ch);
    }
  }

  /** Decimal digits with separators from `pos` (none: ""); GiveUp where TypeScript reports a separator. */
  private scanDecimalDigits(): number {
    const text = this.text;
    let pos = this.pos;
    const start = pos;
    let separatorAllowed = false;
    for (;;) {
      const ch = text.charCodeAt(pos);
      if (ch === 95) {
        if (!separatorAllowed) throw new GiveUp();
        separatorAllowed = false;
      } else if (ch >= 48 && ch <= 57) {
        separatorAllowed = true;
      } else break;
      pos++;
    }
    // a separator at the end; as TypeScript, this looks at the character before even when there were no digits
    if (text.charCodeAt(pos - 1) === 95) throw new GiveUp();
    this.pos = pos;
    return pos - start;
  }

  /** A decimal number from its first digit or its `.`. */
  private scanNumber(): number {
    const text = this.text;
    const start = this.pos;
    if (text.charCodeAt(start) === 48) {
      const next = text.charCodeAt(start + 1);
      if (next === 95 || isDigit(next)) throw new GiveUp(); // `0_`, legacy octal and leading zeros are reported
      this.pos = start + 1;
    } else {
      this.scanDecimalDigits();
    }
    let decimal = false;
    let scientific = false;
    if (text.charCodeAt(this.pos) === 46) {
      this.pos++;
      decimal = true;
      this.scanDecimalDigits();
    }
    const e = text.charCodeAt(this.pos);
    if (e === 69 || e === 101) {
      this.pos++;
      scientific = true;
      const sign = text.charCodeAt(this.pos);
      if (sign === 43 || sign === 45) this.pos++;
      if (!this.scanDecimalDigits()) throw new GiveUp(); // digit expected
    }
    let kind: number = K.NumericLiteral;
    if (!decimal && !scientific && text.charCodeAt(this.pos) === 110) {
      this.pos++;
      kind = K.BigIntLiteral;
    }
    // a name right after a number is reported (`1n` was read above; `1.5n`, `3in`, `1e3n` are not numbers)
    if (this.pos < this.end && isIdentifierStart(text.codePointAt(this.pos)!)) throw new GiveUp();
    return kind;
  }

  /** Hex digits with separators after `0x`; returns how many digits. */
  private scanHexDigits(): number {
    return this.scanRadixDigits(ch => isHexDigit(ch));
  }

  private scanBinaryOrOctalDigits(base: 2 | 8): number {
    return this.scanRadixDigits(ch => ch >= 48 && ch < 48 + base);
  }

  private scanRadixDigits(isRadixDigit: (ch: number) => boolean): number {
    const text = this.text;
    let pos = this.pos;
    let digits = 0;
    let separatorAllowed = false;
    for (;;) {
      const ch = text.charCodeAt(pos);
      if (ch === 95) {
        if (!separatorAllowed) throw new GiveUp();
        separatorAllowed = false;
      } else if (isRadixDigit(ch)) {
        separatorAllowed = true;
        digits++;
      } else break;
      pos++;
    }
    if (text.charCodeAt(pos - 1) === 95) throw new GiveUp();
    this.pos = pos;
    return digits;
  }

  private bigIntSuffix(): number {
    if (this.text.charCodeAt(this.pos) === 110) {
      this.pos++;
      return K.BigIntLiteral;
    }
    return K.NumericLiteral;
  }
}
