import * as assert from 'assert';
import { errorLine, errorSignature } from '../../../../src/core/execution/guards/signature';
import { seededRandom } from '../../fakes/random';

describe('error signatures', () => {
  it('strips paths, line and column numbers', () => {
    assert.strictEqual(
      errorSignature("src/app/main.ts:12:5 - error TS2304: Cannot find name 'foo'."),
      errorSignature("lib/other/file.ts:200:17 - error TS2304: Cannot find name 'foo'."),
    );
    assert.match(errorSignature('/home/ann/proj/src/x.ts:3:1 error'), /<path>:<line> error/);
  });

  it('strips Windows paths, hex ids, uuids, timestamps and temporary names', () => {
    const s = errorSignature(
      '2026-01-02T03:04:05.123Z C:\\Users\\ann\\proj\\x.js failed at 0x7ffe12 (id 3f2a9c1b8d, run 123e4567-e89b-12d3-a456-426614174000) in tmp-8812-abc',
    );
    assert.strictEqual(s, '<time> <path> failed at <id> (id <id>, run <id>) in <tmp>');
  });

  it('keeps the words that say what went wrong', () => {
    assert.strictEqual(errorSignature("Error: Cannot find module 'left-pad'"), "Error: Cannot find module 'left-pad'");
    assert.notStrictEqual(errorSignature("Cannot find module 'a'"), errorSignature("Cannot find module 'b'"));
  });

  it('property: two messages differing only in paths, numbers, ids, timestamps and temp names normalise equal', () => {
    const random = seededRandom(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    const word = () =>
      Array.from({ length: 3 + Math.floor(random() * 6) }, () => pick('abcdefghijklmnopqrstuvwxyz'.split(''))).join('');
    const hex = () =>
      Array.from({ length: 8 + Math.floor(random() * 8) }, () => pick('0123456789abcdef'.split(''))).join('') + '1a';
    const variable: Array<() => string> = [
      () => `/${word()}/${word()}/${word()}.ts`,
      () => `${word()}/${word()}.js:${1 + Math.floor(random() * 999)}:${1 + Math.floor(random() * 99)}`,
      () => `C:\\${word()}\\${word()}.cs`,
      () => `0x${hex()}`,
      () => hex(),
      () =>
        `2026-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}T1${Math.floor(random() * 9)}:2${Math.floor(random() * 9)}:0${Math.floor(random() * 9)}Z`,
      () => `tmp-${word()}${Math.floor(random() * 9999)}`,
      () => String(Math.floor(random() * 100000)),
    ];
    const fixed = ['Error:', 'failed', 'cannot', 'open', 'while', 'building', 'module', 'in', 'because', 'of'];
    for (let i = 0; i < 300; i++) {
      const shape = Array.from({ length: 3 + Math.floor(random() * 6) }, () =>
        random() < 0.5 ? pick(fixed) : pick(variable),
      );
      const render = () => shape.map(p => (typeof p === 'string' ? p : p())).join(' ');
      const a = render();
      const b = render();
      assert.strictEqual(errorSignature(a), errorSignature(b), `${a}\n${b}`);
    }
  });

  it('picks the line of the output that names the error', () => {
    assert.strictEqual(errorLine('compiling\nError: boom\n  at x (y.js:1:2)\n'), 'Error: boom');
    assert.strictEqual(errorLine('one\ntwo\n'), 'two');
  });
});
