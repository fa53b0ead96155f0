import * as assert from 'assert';
import { Extractor, findTodos } from '../../../src/core/graph/extract';

describe('graph extraction', () => {
  const extractor = new Extractor();

  it('finds classes, interfaces, type aliases, enums, functions, methods and exported variables', () => {
    const { facts, error } = extractor.extract(
      'a.ts',
      `
      export class Shape extends Base implements Drawable, Sized {
        area(): number { return helper(this.side()); }
        side() { return 1; }
      }
      export interface Drawable extends Paintable { draw(): void }
      export type Id = string;
      export enum Color { Red }
      export function helper(n: number) { return new Shape(); }
      export const version = '1';
      const local = () => helper(1);
      let notExported = 3;
    `,
    );
    assert.strictEqual(error, undefined);
    const summary = facts.declarations.map(
      d => `${d.kind} ${d.parent ? `${d.parent}.` : ''}${d.name}${d.exported ? '' : ' (local)'}`,
    );
    assert.deepStrictEqual(summary, [
      'class Shape',
      'method Shape.area',
      'method Shape.side',
      'interface Drawable',
      'type Id',
      'enum Color',
      'function helper',
      'variable version',
      'function local (local)',
    ]);
    const shape = facts.declarations[0];
    assert.deepStrictEqual([shape.extends, shape.implements], [['Base'], ['Drawable', 'Sized']]);
    assert.deepStrictEqual(facts.declarations[1].calls, ['helper', 'this.side']);
    assert.deepStrictEqual(facts.declarations[3].extends, ['Paintable']);
    assert.deepStrictEqual(facts.declarations.find(d => d.name === 'helper')!.calls, ['Shape']);
  });

  it('records imports with their names, re-exports, require() and import()', () => {
    const { facts } = extractor.extract(
      'a.ts',
      `
      import def, { a, b as c } from './x';
      import * as ns from './y';
      import type { T } from './types';
      import './side-effect';
      export { d, e as f } from './z';
      export * from './all';
      export * as grouped from './grouped';
      const fs = require('fs');
      const { join } = require('path');
      async function later() { return import('./lazy'); }
    `,
    );
    const short = facts.imports.map(
      i =>
        `${i.kind} ${i.specifier} [${i.names.map(n => (n.imported === n.local ? n.imported : `${n.imported}→${n.local}`)).join(',')}]${i.typeOnly ? ' type' : ''}`,
    );
    assert.deepStrictEqual(short, [
      'import ./x [default→def,a,b→c]',
      'import ./y [*→ns]',
      'import ./types [T] type',
      'import ./side-effect []',
      'reexport ./z [d,e→f]',
      'reexport ./all [*]',
      'reexport ./grouped [*→grouped]',
      'require fs [*→fs]',
      'require path [join]',
      'dynamic ./lazy []',
    ]);
  });

  it('a file that does not parse keeps its imports (by preProcessFile) and says where the error is', () => {
    const { facts, error } = extractor.extract(
      'broken.ts',
      `import { a } from './a';\nimport b from "./b";\nexport function f( {\n  return a +;\n`,
    );
    assert.match(error ?? '', /^line \d+: /);
    assert.deepStrictEqual(
      facts.imports.map(i => i.specifier),
      ['./a', './b'],
    );
    assert.deepStrictEqual(facts.declarations, []);
  });

  it('TODO, FIXME and HACK in comments are found with their lines; the words elsewhere are not', () => {
    const todos = findTodos(
      `const TODO = 1;\n// TODO: write the docs\n/* FIXME handle null */\n * HACK(joe): temporary\nconst s = "TODO later";\n`,
    );
    assert.deepStrictEqual(todos, [
      { tag: 'TODO', text: 'write the docs', line: 2 },
      { tag: 'FIXME', text: 'handle null', line: 3 },
      { tag: 'HACK', text: 'joe): temporary', line: 4 },
    ]);
  });
});
