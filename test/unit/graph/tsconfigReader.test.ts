import * as assert from 'assert';
import { ts } from 'ts-morph';
import { parseJsonc, readJsonc } from '../../../src/core/graph/tsconfigReader';

// tsconfig files are JSON with comments and trailing commas. The graph reads them without TypeScript
// (loading it costs the graph worker 200–250 ms); what its reader cannot take goes to TypeScript's.

const typescripts = (text: string): unknown => {
  const config: unknown = ts.parseConfigFileTextToJson('tsconfig.json', text).config;
  return typeof config === 'object' && config !== null && !Array.isArray(config) ? config : undefined;
};

/** JSON with comments: read without TypeScript, and the same as TypeScript reads them. */
const jsonc = [
  '{}',
  '{ "compilerOptions": { "strict": true } }',
  '\ufeff{ "a": 1 }',
  '// a comment\n{\n  "a": 1, // trailing\n  /* block */ "b": [1, 2, 3,],\n}\n',
  '{ "paths": { "@/*": ["./src/*"], "@shared/*": ["../shared/*",], }, }',
  '{ "s": "not // a comment", "t": "not /* one */ either", "u": "quote \\" and \\\\ and \\u00e9 and \\n" }',
  '{ "a": [ { "b": null, }, ], "c": -1.5e3, "d": false }',
  '{ "a": 1 /* , */ }',
  '{ "a": [1, 2 /* last */, ] }',
  '{\r\n  "a": 1,\r\n  // c\r\n}\r\n',
  '/* header\n * over lines */ { "extends": "./base.json" }',
  '{ "a": "x", "a": "y" }',
  '{ "a": 1 } // the end',
  '{ "nested": { "deep": { "deeper": [[[]]], }, }, }',
];

/** Not JSON with comments: TypeScript's reader decides, so the result is still TypeScript's. */
const lenient = [
  "{ 'single': 'quotes' }",
  '{ unquoted: 1 }',
  '{ "a": 0x10 }',
  '{ "a": [1,,2] }',
  '{ "a": [,] }',
  '{ , }',
  '{ "a": 1 /* unterminated',
  '',
  '   ',
  '{ "a": 1 } trailing garbage',
  '{ "a": .5 }',
  '{ "a": +1 }',
  '{ "a": "\\x41" }',
  '{ "a": 1\u00a0}',
  '[1, 2]', // JSON, not an object: TypeScript makes an empty config of it
  '"string"',
  'null',
];

describe('reading tsconfig files (JSON with comments)', () => {
  for (const text of jsonc) {
    it(`reads ${JSON.stringify(text)} without TypeScript, as TypeScript does`, () => {
      assert.ok(readJsonc(text), 'needed TypeScript');
      assert.deepStrictEqual(parseJsonc(text), typescripts(text));
    });
  }

  for (const text of lenient) {
    it(`hands ${JSON.stringify(text)} to TypeScript's reader`, () => {
      const read = readJsonc(text);
      assert.ok(!read || typeof read.value !== 'object' || read.value === null || Array.isArray(read.value));
      assert.deepStrictEqual(parseJsonc(text), typescripts(text));
    });
  }
});
