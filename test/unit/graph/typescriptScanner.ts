// TypeScript's own scanner behind the token reader's TokenScanner: the reference our scanner (scanner.ts)
// is held to. The token reader read files with it until TypeScript stopped loading for files read from
// tokens; the tests read each file with both and require the same tokens, or a GiveUp from ours.
import { ts } from 'ts-morph';
import { GiveUp, type TokenScanner } from '../../../src/core/graph/scanner';
import { tokenizeWith } from '../../../src/core/graph/tokens';

export function typescriptScanner(): TokenScanner {
  const s = ts.createScanner(ts.ScriptTarget.Latest, true);
  const fail = () => {
    throw new GiveUp();
  };
  return {
    reset(text, jsx) {
      s.setText(text);
      s.setLanguageVariant(jsx ? ts.LanguageVariant.JSX : ts.LanguageVariant.Standard);
      s.setOnError(text === undefined ? undefined : fail);
    },
    scan: () => s.scan(),
    reScanSlashToken: () => s.reScanSlashToken(),
    reScanTemplateToken: () => s.reScanTemplateToken(false),
    scanJsxIdentifier: () => s.scanJsxIdentifier(),
    scanJsxAttributeValue: () => s.scanJsxAttributeValue(),
    scanJsxToken: () => s.scanJsxToken(),
    lookAhead: callback => s.lookAhead(callback),
    getTokenStart: () => s.getTokenStart(),
    getTokenEnd: () => s.getTokenEnd(),
    hasPrecedingLineBreak: () => s.hasPrecedingLineBreak(),
    hasUnicodeEscape: () => s.hasUnicodeEscape(),
    getTokenValue: () => s.getTokenValue(),
  };
}

export interface TokenRow {
  kind: number;
  start: number;
  end: number;
  newline: boolean;
  value?: string;
}

/** The tokens the token reader reads from `text` with `scanner`, as rows (the reader's arrays are reused), or 'GiveUp'. */
export function tokenRows(scanner: TokenScanner, text: string, jsx: boolean): TokenRow[] | 'GiveUp' {
  try {
    const t = tokenizeWith(scanner, text, jsx);
    const rows: TokenRow[] = [];
    for (let i = 0; i < t.count; i++) {
      const value = t.value[i];
      rows.push({
        kind: t.kind[i],
        start: t.start[i],
        end: t.end[i],
        newline: t.newline[i] === 1,
        ...(value !== undefined ? { value } : {}),
      });
    }
    return rows;
  } catch (err) {
    if (err instanceof GiveUp) return 'GiveUp';
    throw err;
  } finally {
    scanner.reset(undefined, false);
  }
}
