import * as assert from 'assert';
import { Extractor, findTodos } from '../../../src/core/graph/extract';
import { quickFacts } from '../../../src/core/graph/quickExtract';

// The token reader (quickExtract.ts) and the parser (extract.ts) must give the same facts, or the
// token reader must hand the file to the parser (undefined).

const extractor = new Extractor();

function parsed(file: string, text: string) {
  const { facts, error } = extractor.extract(file, text);
  assert.strictEqual(error, undefined, `${file} parses: ${error}`);
  return JSON.parse(JSON.stringify(facts)) as ReturnType<typeof extractor.extract>['facts'];
}

function quick(file: string, text: string) {
  const facts = quickFacts(file, text, findTodos(text));
  return facts && (JSON.parse(JSON.stringify(facts)) as typeof facts);
}

/** The two readers agree, or the token reader gives the file to the parser; `mustRead`: the token reader may not give up. */
function agree(file: string, text: string, mustRead = false) {
  const expected = parsed(file, text);
  const facts = quick(file, text);
  if (mustRead) assert.ok(facts, `${file}: read from tokens`);
  if (facts) assert.deepStrictEqual(facts, expected, `${file}:\n${text}`);
  return expected;
}

describe('the token reader and the parser', () => {
  describe('import types', () => {
    const source = [
      "import type { Base } from './base'",
      "export let lazy: typeof import('./lazy')",
      "export type Row = import('./row').Row<string>",
      "export interface Store { get(): import('./item').Item.Id; all: Array<[import('./list').List]> }",
      "export function load(): Promise<import('./data').Data> { return import('./data').then(m => m.read()) }",
      "export const page = () => import('./page')",
      '',
    ].join('\n');

    it('the parser records import types as type-only imports, and import() calls as dynamic imports', () => {
      const facts = parsed('a.ts', source);
      assert.deepStrictEqual(
        facts.imports.map(i => [i.specifier, i.kind, i.typeOnly ?? false, i.names.map(n => n.imported).join()]),
        [
          ['./base', 'import', true, 'Base'],
          ['./data', 'dynamic', false, ''],
          ['./page', 'dynamic', false, ''],
          ['./lazy', 'import', true, '*'],
          ['./row', 'import', true, 'Row'],
          ['./item', 'import', true, 'Item'],
          ['./list', 'import', true, 'List'],
          ['./data', 'import', true, 'Data'],
        ],
      );
    });

    it('the token reader never reads an import type as a run-time import: it agrees with the parser or gives the file to it', () => {
      agree('a.ts', source);
      for (const line of source.split('\n').slice(1)) agree('b.ts', line);
      for (const line of [
        "let a: Array<[import('./x').T]>",
        "const b = c as import('./x').T",
        "function f(x: readonly import('./x').T[]) {}",
      ])
        agree('c.ts', line);
    });

    it('in a declaration file the token reader reads them itself, as the parser does', () => {
      const dts =
        "export declare const a: import('./a').A;\nexport declare function f(): typeof import('./b');\nexport interface I { x: import('./c').C.D }\n";
      const facts = agree('types.d.ts', dts, true);
      assert.deepStrictEqual(
        facts.imports.map(i => [i.specifier, i.typeOnly]),
        [
          ['./a', true],
          ['./b', true],
          ['./c', true],
        ],
      );
    });

    it('an import type is a type-only edge in the graph', async () => {
      const { graphWorld } = await import('./world');
      const w = await graphWorld({ 'a.ts': "export let x: import('./b').B\n", 'b.ts': 'export type B = number\n' });
      try {
        await w.build();
        assert.deepStrictEqual(
          w.graph
            .index()
            .moduleRelationsOf('a.ts')
            .map(r => [r.to, r.typeOnly]),
          [['b.ts', true]],
        );
      } finally {
        w.graph.dispose();
        await w.store.close();
      }
    });
  });

  describe('code the token reader was not tuned on', () => {
    const noSemicolons: Array<[string, string]> = [
      [
        'a declaration after `} as const`',
        "export const Providers = { a: 'a' } as const\nexport function toProviderId(x: string) { return norm(x) }\n",
      ],
      [
        'a declaration after `] as const`',
        "export const kinds = ['a', 'b'] as const\nexport function isKind(x: string) { return kinds.includes(x) }\n",
      ],
      ['a declaration after `export { X }`', 'const X = 1\nexport { X }\nexport function after() { return make() }\n'],
      [
        'a declaration after `export { X as Y }` and `export type { T }`',
        'const X = 1\ntype T = 1\nexport { X as Y }\nexport type { T }\nexport class After { run() { go() } }\n',
      ],
      [
        'a declaration after `satisfies`',
        'export const config = { a: 1 } satisfies Config\nexport const later = () => call()\n',
      ],
    ];
    for (const [name, text] of noSemicolons) {
      it(`without semicolons, keeps ${name}`, () => {
        const facts = agree('x.ts', text, true);
        const last = /(?:function|class|const) (\w+)[^\n]*\n$/.exec(text)![1];
        assert.ok(
          facts.declarations.some(d => d.name === last),
          `${last} in ${JSON.stringify(facts.declarations)}`,
        );
      });
    }

    // what Effect's sources (no semicolons, dual APIs typed with call signatures) showed
    const effectStyle: Array<[string, string]> = [
      [
        'call signatures of a type literal on lines of their own are not calls',
        'export const env: {\n  (a: string): (self: Command) => Command.Command\n  (self: Command, a: string): Command.Command\n} = dual(2, (self: Command, a: string) => make(self, a))\n',
      ],
      [
        'generic call signatures after a type with type arguments are not calls',
        'export const atLeast: {\n  (times: 0): <A>(self: Args<A>) => Args<Array<A>>\n  /** more */\n  (times: number): <A>(self: Args<A>) => Args<NonEmptyArray<A>>\n  <A>(self: Args<A>, times: number): Args<A>\n} = Internal.atLeast\n',
      ],
      [
        'a `[` on a new line after a return type starts the next member',
        'export abstract class C {\n  abstract toJSON(): unknown\n  [Symbol.iterator]() {\n    return this.toJSON()\n  }\n}\n',
      ],
      [
        'a function type as an arrow function’s return type',
        'export const runtimePromise = <A>(self: H<A>): <R = never>() => Effect<\n  (x: A) => Promise<A>,\n  R\n> => Effect.map(runtime(self)(), run => (x: A) => run(x))\nexport const after = () => other()\n',
      ],
      [
        'a keyword after a dot ends a statement like a name',
        'export const _await = (self: F) => self.await\n\nexport const children = (self: F) => self.children\nconst _try = Either.try\n\nexport {\n  _try as try\n}\n',
      ],
    ];
    for (const [name, text] of effectStyle) {
      it(`without semicolons: ${name}`, () => {
        agree('e.ts', text);
      });
    }

    it('`readonly (` in a parameter type is not a call', () => {
      const facts = agree('r.ts', 'export function f(xs: readonly (string | number)[]) { return g(xs) }\n', true);
      assert.deepStrictEqual(facts.declarations[0].calls, ['g']);
    });

    it('`async *name()` generator methods in object literals are not calls', () => {
      const facts = agree(
        'g.ts',
        'export const api = {\n  async *pages(): AsyncGenerator<Page> { yield await fetchPage() },\n  *ids(): Generator<number> { yield 1 },\n}\n',
        true,
      );
      assert.deepStrictEqual(facts.declarations[0].calls, ['fetchPage']);
    });
  });
});
