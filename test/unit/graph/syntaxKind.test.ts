import * as assert from 'assert';
import { ts } from 'ts-morph';
import { computeLineStarts, isDeclarationFileName } from '../../../src/core/graph/quickExtract';
import { K, keywords } from '../../../src/core/graph/syntaxKind';

describe('the token kinds the token reader uses without TypeScript', () => {
  it('have the numbers of ts.SyntaxKind in the TypeScript ts-morph bundles, name by name', () => {
    const wrong = Object.entries(K).filter(
      ([name, value]) => (ts.SyntaxKind as unknown as Record<string, number>)[name] !== value,
    );
    assert.deepStrictEqual(
      wrong,
      [],
      `renumbered by TypeScript ${ts.version}: regenerate src/core/graph/syntaxKind.ts`,
    );
  });

  it("list every keyword TypeScript's scanner knows, each read by it as that kind", () => {
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, true);
    for (const [text, kind] of keywords) {
      scanner.setText(text);
      assert.strictEqual(scanner.scan(), kind, text);
    }
    const all: number[] = [];
    for (let k = ts.SyntaxKind.FirstKeyword; k <= ts.SyntaxKind.LastKeyword; k++) all.push(k);
    assert.deepStrictEqual(
      keywords.map(([, kind]) => kind),
      all,
    );
  });
});

describe("TypeScript's helpers the token reader has its own copies of", () => {
  const internal = ts as unknown as {
    isDeclarationFileName(fileName: string): boolean;
    computeLineStarts(text: string): number[];
  };

  it('tell declaration files as TypeScript does', () => {
    for (const path of [
      'a.d.ts',
      'src/a.d.ts',
      'src/a.d.cts',
      'src/a.d.mts',
      'src/styles.d.css.ts',
      'src/a.ts',
      'src/a.tsx',
      'src/a.d.tsx',
      'src/d.ts',
      'src/x.d/a.ts',
      'src/a.d.js',
      'src/a.module.d.ts',
    ])
      assert.strictEqual(isDeclarationFileName(path), internal.isDeclarationFileName(path), path);
  });

  it('count line starts as TypeScript does', () => {
    for (const text of ['', 'a', 'a\nb', 'a\r\nb\rc\u2028d\u2029e\n', '\n\n\r\r\n', 'x\r']) {
      assert.deepStrictEqual(computeLineStarts(text), internal.computeLineStarts(text), JSON.stringify(text));
    }
  });
});
