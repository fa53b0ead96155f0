import * as assert from 'assert';
import { ts } from 'ts-morph';
import { isNonAsciiIdentifierPart, isNonAsciiIdentifierStart, Scanner } from '../../../src/core/graph/scanner';
import { seededRandom } from '../fakes/random';
import { generate } from './generatedCode';
import { tokenRows, typescriptScanner } from './typescriptScanner';

// Our scanner against TypeScript's, through the token reader (tokens.ts): for every text, the same
// tokens (kind, start, end, line break before, value), or a GiveUp from ours (the file then goes to
// the parser). Ours never reads a token differently, and never reads a file TypeScript's rejects.

const ours = new Scanner();
const theirs = typescriptScanner();

interface Outcome {
  same: number;
  oursGaveUp: number;
}

function compare(text: string, jsx: boolean, outcome?: Outcome): 'same' | 'GiveUp' {
  const expected = tokenRows(theirs, text, jsx);
  const actual = tokenRows(ours, text, jsx);
  if (actual === 'GiveUp') {
    if (outcome) outcome.oursGaveUp++;
    return 'GiveUp';
  }
  assert.notStrictEqual(expected, 'GiveUp', `ours read what TypeScript's scanner rejects (jsx ${jsx}):\n${text}`);
  if (expected !== 'GiveUp') {
    const at = actual.findIndex((row, i) => JSON.stringify(row) !== JSON.stringify(expected[i]));
    if (at >= 0 || actual.length !== expected.length) {
      const i = at >= 0 ? at : Math.min(actual.length, expected.length);
      assert.fail(
        `token ${i} differs (jsx ${jsx}): ours ${JSON.stringify(actual[i])}, TypeScript's ${JSON.stringify(expected[i])}\n` +
          `near: ${JSON.stringify(text.slice(Math.max(0, (expected[i]?.start ?? 0) - 30), (expected[i]?.end ?? 0) + 30))}`,
      );
    }
  }
  if (outcome) outcome.same++;
  return 'same';
}

/** Cases read the same by both; `both` in .ts and .tsx files. */
const agreeing: Array<[string, 'ts' | 'tsx' | 'both']> = [
  ['const a = b / c / d; const r = /ab+c/gi.test(s) ? x / 2 : /=/.exec(y);', 'both'],
  ['x = a\n/b/g.exec(c)\nlet y = (1) / 2 /* c */ / 3', 'both'],
  ['if (a) /re/.test(b); else c /= 2; d = e /= f', 'both'],
  ['const r = /[/\\]]+\\/x/u; const q = /(?<name>a)\\k<name>/v', 'both'],
  ['const t = `a ${b + `c ${d} e`} f ${g}`; const u = `\\n\\u{1F600}\\x41\\u0041 ${`${`x`}`}`', 'both'],
  ['const s = tag`\\unicode and \\x and \\u{zz}`; const w = `line\r\nbreak\rhere`', 'both'],
  ['const s = "a\\nb\\tc\\\\d\\"e\\\'f\\u00e9\\u{10FFFF}\\x7f\\0\\\r\n"; const q = \'\\z\\q\'', 'both'],
  [
    'let n = [0, 1, 1_000, 0x1F, 0XAB_CD, 0b1010, 0B1_0, 0o17, 0O7_7, 1.5, .5, 1e10, 1E-3, 1.5e+3_0, 10n, 0x1fn, 0b1n, 0o7n, 1_0n, 0.0, 5., 1..toString()]',
    'both',
  ],
  ['let m = 0x1g; let b = 0b12; let o = 0o78', 'both'],
  ['class A { #x = 1; static #y; #m() { return this.#x } has(o) { return #x in o } }', 'both'],
  [
    '@Component({ a: 1 })\nexport class C { @Input() name = ""; accessor count = 0; constructor(@Inject(T) t) {} }',
    'both',
  ],
  ['const c = { a: 1 } satisfies Config; using r = open(); await using s = f()', 'both'],
  ['const café = 1; const 名前 = 2; const Ωmega = café + 名前; let ñ\u00a0= 3', 'both'],
  ['let 𝒳 = 1, a\u200db = 2, ಠ_ಠ = 3, x𝒳y = /a/𝒳, q = #ಠ', 'both'],
  ['a! / b; c!.d; e!! / 2; f()! / g', 'both'],
  ['#!/usr/bin/env node\nconsole.log(1)', 'both'],
  ['\ufeffimport x from "y"', 'both'],
  ['a\u2028b\u2029c\u00a0d\u3000e\u200bf\u0085g', 'both'],
  ['let x = 1\nlet y = 2\n;(function () {})()\n;[1].map(f)\n`t`', 'both'],
  ['x = a ? b : c; y = a?.b?.[c]?.(d) ?? e; z = a ?.5 : 1; w ??= 1; v ||= 2; u &&= 3', 'both'],
  ['x >>= 1; y >>>= 2; z = a >> b >>> c >= d; q **= 2; p = a ** b; o <<= 1', 'both'],
  ['/* a\n b */ x /** doc */ y // line\n z', 'both'],
  ['type T<U> = U extends string ? `pre${U}` : never; let v = <T>x', 'ts'],
  ['let a = b < c; let d = e <\n f; function g<T,>() {}', 'ts'],
  ['const e = <div className="a" id={x} {...rest} data-x-y="z" aria-label=\'q\'>text {y} &amp; more</div>', 'tsx'],
  ['const f = <><A.B.C /><svg:rect x="1"/>{list.map(i => <li key={i}>{i}</li>)}</>', 'tsx'],
  ['const g = <T,>(x: T) => x; const h = <T extends unknown>(x: T) => x; const i = <const T,>(x: T) => x', 'tsx'],
  ['const j = <div attr=<span /> other={`t ${1}`}>\n  multi\n  line\n  text\n</div>', 'tsx'],
  ['const k = <p>{/* comment */}{a / b}{/re/.test(c) && <b>{"str"}</b>}</p>', 'tsx'],
  ['const l = <input value="a\\nb" title="multi\nline" />', 'tsx'],
  ['return (\n  <Foo bar>\n    {a}\n  </Foo>\n)', 'tsx'],
  ['const m = <a href="x">a -- b: c; d = e</a>', 'tsx'],
  ['const n = <div class="x"  >   </div>', 'tsx'],
];

/** Cases TypeScript's scanner rejects or ours is not sure of: ours must give up. */
const givingUp: Array<[string, boolean]> = [
  ['const s = "unterminated\nnext', false],
  ["const s = 'eof", false],
  ['const t = `unterminated ${a}', false],
  ['const t = `a ${b} \\u{zz}`', false],
  ['/* unterminated comment', false],
  ['x = /unterminated\ny', false],
  ['x = /eof', false],
  ['let o = 017', false],
  ['let o = 08', false],
  ['let o = 0_1', false],
  ['let o = 1__0', false],
  ['let o = 1_', false],
  ['let o = 0x_1', false],
  ['let o = 0x', false],
  ['let o = 0b', false],
  ['let o = 1e', false],
  ['let o = 1.5n', false],
  ['let o = 1e3n', false],
  ['let o = 3in x', false],
  ['let d = 1𝒳', false],
  ['let o = "\\07"', false],
  ['let o = "\\8"', false],
  ['let o = "\\x4"', false],
  ['let o = "\\u12"', false],
  ['let o = "\\u{110000}"', false],
  ['let \\u0061 = 1', false],
  ['let a\\u0062 = 1', false],
  ['x = 1 # 2', false],
  ['x = 1\n#!not a shebang', false],
  ['<<<<<<< HEAD\na\n=======\nb\n>>>>>>> other\n', false],
  ['x = 1 \u0001 2', false],
  ['x = 1 \ufffd 2', false],
  ['const p = <p>a > b</p>', true],
  ['const p = <p>a } b</p>', true],
  ['const p = <p>unterminated', true],
  ['const p = <p title="unterminated>x</p>', true],
];

describe("our scanner against TypeScript's", () => {
  for (const [text, where] of agreeing) {
    for (const jsx of where === 'both' ? [false, true] : [where === 'tsx']) {
      it(`reads ${JSON.stringify(text.slice(0, 60))} (${jsx ? 'JSX' : 'standard'}) as TypeScript does`, () => {
        assert.strictEqual(compare(text, jsx), 'same', 'ours gave up on a case it should read');
      });
    }
  }

  for (const [text, jsx] of givingUp) {
    it(`gives up on ${JSON.stringify(text.slice(0, 60))}`, () => {
      assert.strictEqual(compare(text, jsx), 'GiveUp');
    });
  }

  it('knows which characters above ASCII start and continue a name as TypeScript does, every one of them', () => {
    const wrong: string[] = [];
    for (let ch = 0x80; ch <= 0x10ffff; ch++) {
      if (isNonAsciiIdentifierStart(ch) !== ts.isIdentifierStart(ch, ts.ScriptTarget.Latest))
        wrong.push(`start U+${ch.toString(16)}`);
      if (isNonAsciiIdentifierPart(ch) !== ts.isIdentifierPart(ch, ts.ScriptTarget.Latest))
        wrong.push(`part U+${ch.toString(16)}`);
    }
    assert.deepStrictEqual(
      wrong.slice(0, 20),
      [],
      `${wrong.length} characters: regenerate src/core/graph/unicodeIdentifiers.ts`,
    );
  });

  for (const jsx of [false, true]) {
    it(`reads generated and mutated ${jsx ? '.tsx' : '.ts'} files as TypeScript does, or gives up`, () => {
      const outcome: Outcome = { same: 0, oursGaveUp: 0 };
      const files = 400;
      for (let seed = 1; seed <= files; seed++) {
        const { text } = generate(seed * (jsx ? 7919 : 31), jsx);
        compare(text, jsx, outcome);
        const next = seededRandom(seed);
        for (let m = 0; m < 6; m++) compare(mutate(text, next), jsx, outcome);
      }
      if (process.env.SCANNER_DIFF_STATS)
        console.log(`${jsx ? 'tsx' : 'ts'}: same ${outcome.same}, ours gave up ${outcome.oursGaveUp}`);
      // the comparison is not vacuous: most files are read by ours, and mutations make some give up
      assert.ok(outcome.same >= files * 3, `ours read only ${outcome.same} of ${files * 7} files`);
      assert.ok(outcome.oursGaveUp > 0, 'no mutation made ours give up: the mutator is too gentle');
    });
  }
});

/** Bits of text that are tricky for a scanner, spliced in at random places. */
const splices = [
  '/',
  '/=',
  '/x/g',
  '`',
  '`${',
  '}',
  '{',
  '${',
  '"',
  "'",
  '\\',
  '\\u0041',
  '\\x4',
  '\\0',
  '\\8',
  '\n',
  '\r\n',
  '\u2028',
  '<',
  '</',
  '<>',
  '</>',
  '>',
  '=>',
  '!',
  '! /',
  '?.',
  '?.5',
  '.5',
  '0',
  '08',
  '0x',
  '1_',
  '1__2',
  '1n',
  '1.5n',
  '0b12',
  '#',
  '#x',
  '#!',
  '@',
  '/*',
  '*/',
  '//',
  'é',
  '名',
  '𝒳',
  '\u00a0',
  '\ufeff',
  '<<<<<<< ',
  '=======',
  'as const',
  'satisfies',
  ' a ',
  '<T,>',
  '&amp;',
  'x=',
  '(',
  ')',
  '[',
  ']',
  ';',
  '\t',
];

function mutate(text: string, next: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (out.length + 1));
    const r = next();
    if (r < 0.5) out = out.slice(0, at) + splices[Math.floor(next() * splices.length)] + out.slice(at);
    else if (r < 0.8) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 8));
    else {
      const from = Math.floor(next() * out.length);
      out = out.slice(0, at) + out.slice(from, from + 1 + Math.floor(next() * 20)) + out.slice(at);
    }
  }
  return out;
}
