import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { InMemoryFileSystemHost } from 'ts-morph';
import { Extractor, findTodos } from '../../../src/core/graph/extract';
import { ParseSession } from '../../../src/core/graph/parseSession';
import { fileRecordOf } from '../../../src/core/graph/parser';
import { quickFacts } from '../../../src/core/graph/quickExtract';
import { memoryTree } from './world';

const extractor = new Extractor();

/** The facts the parser finds, as plain data (what the store keeps). */
function parsed(file: string, text: string): unknown {
  const { facts, error } = extractor.extract(file, text);
  assert.strictEqual(error, undefined, `${file} parses`);
  return JSON.parse(JSON.stringify(facts));
}

function quick(file: string, text: string): unknown {
  const facts = quickFacts(file, text, findTodos(text));
  return facts && JSON.parse(JSON.stringify(facts));
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(full, out);
    else if (/\.(ts|tsx|js|mjs|cjs)$/.test(entry.name)) out.push(full);
  }
  return out;
}

// Constructs that need care when reading tokens without a syntax tree; each must be read, and read as the parser does.
const cases: Array<[string, string, string]> = [
  [
    "`/// <reference types>` and `lib` directives, which add no imports (as @mui/material's declaration files have them)",
    'useBadge.types.d.ts',
    `/// <reference types="react" />
    /// <reference lib="dom" />
    import { SxProps } from '@mui/system';
    export interface UseBadgeParameters {
      badgeContent?: React.ReactNode;
      sx?: SxProps;
    }
    `,
  ],
  [
    'a `/// <reference types>` directive in a source file',
    'setup.ts',
    `/// <reference types="vite/client" />\nimport { run } from './run';\nexport function setup() {\n  return run();\n}\n`,
  ],
  [
    "import types in a variable's type (`typeof import('x')`, `import('x').T`), as PatternFly's chatbot CodeModal writes them",
    'CodeModal.tsx',
    `
    import React from 'react';
    let monacoInstance: typeof import('monaco-editor') | null = null;
    export const load = async () => {
      const [monaco, { loader }] = await Promise.all([import('monaco-editor'), import('@monaco-editor/react')]);
      monacoInstance = monaco;
      return <div>{loader.name}</div>;
    };
    export const row: import('./row').Row.Id = make();
    let paren: (import('./paren')) | undefined, plain: typeof import('./plain').default;
    `,
  ],
  [
    "a variable's type literal of call signatures without semicolons (Effect's dual APIs)",
    'Span.ts',
    `
    import { dual } from './Function'
    export const concat: {
      /**
       * @since 1.0.0
       */
      (that: Span): (self: Span) => Span
      (self: Span, that: Span): Span
    } = dual(2, (self: Span, that: Span): Span => make(self, that))
    const local: { (a: A): B
      (c: C): D } = build()
    `,
  ],
  [
    "variance annotations on type parameters (`in`, `out`, `in out`), as Effect's sources write them",
    'Channel.ts',
    `
    import { dual } from './Function'
    export interface Channel<out OutElem, in InElem = unknown, in out Env = never> extends Pipeable {
      readonly [ChannelTypeId]: Variance<OutElem, InElem, Env>
    }
    export class Queue<in out A> implements Enqueue<A> {
      offer(value: A): boolean { return dual(2, value) }
    }
    export declare function make<in out K, out V>(key: K): Map<K, V>
    export type Fn<in A, out B> = (a: A) => B
    export const run = <A, E = never>(self: Effect<A, E>): A => dual(1, self)
    `,
  ],
  [
    'JSX: text with quotes and braces in expressions, attributes, fragments, spreads, nested elements',
    'View.tsx',
    `
    import * as React from 'react';
    export const View = ({ items, onPick }: Props) => {
      const label = useLabel(items);
      return (
        <>
          <h1 className={classes('title', label)}>Don't "panic" — it's {format(label)}</h1>
          {items.length > 0 && <List {...spread(items)} onSelect={item => onPick(item.id)} render={<Row />} />}
          {items.map(item => <Item key={item.id} data-x="a/b" aria-label="it's">{item.name}</Item>)}
          <svg:rect width={size(2)} />
        </>
      );
    };
    export function Plain() { return <div>{/* a comment */}</div>; }
  `,
  ],
  [
    'regular expressions and division, non-null assertions, templates inside templates',
    'math.ts',
    `
    export function ratio(a: number, b?: number) {
      const r = /ab+c\\/d/gi.test(String(a)) ? a / b! / 2 : total(a) / 3;
      if (r) {} /x/.exec(name());
      return \`\${label(\`inner \${inner(r)}\`)} / \${r}\`;
    }
  `,
  ],
  [
    'generic arrow functions in TSX, type parameters with defaults, type arguments in calls and return types',
    'hooks.tsx',
    `
    export const identity = <T,>(x: T) => wrap(x);
    export const bounded = <T extends object>(x: T): Record<string, T> => build<T, string>(x, key(x));
    export const useThing = <A, B = {}>(a: A, b?: B) => useMemo(() => make(a), [a]);
    export const notAFunction = compose<A, B>(first, second);
    export interface Box<T = string> extends Base<T>, Other { value: T }
  `,
  ],
  [
    'overloads, constructors, decorators, accessors, static blocks, index signatures, private names',
    'service.ts',
    `
    @Injectable({ scope: scope() })
    export class Service<T> extends Base<T> implements Api, mixins.Logger {
      [key: string]: unknown;
      static instances = count();
      #secret = hidden();
      @Input() name = initial();
      constructor(a: string);
      constructor(a: string, b?: number) { super(a); this.init(b); }
      get size(): number { return measure(this.items); }
      set size(v) { assign(v); }
      static { register(Service); }
      load(id: string): Promise<T>;
      load(id: number): Promise<T>;
      async load(id: string | number): Promise<T> { return this.#fetch(id) ?? fetchAll<T>(id); }
      abstractish?(): void;
      *walk(): Generator<T> { yield* children(); }
      handle = (e: Event) => { this.emit(e); };
    }
    export declare function overload(a: string): void;
    export declare function overload(a: number): void;
    export function twice(a: string): string;
    export function twice(a: any) { return repeat(a); }
  `,
  ],
  [
    'object-literal methods and type-literal signatures are not calls; calls after keywords and operators are',
    'objects.ts',
    `
    export function make(options: { onChange(v: string): void; check(): boolean }) {
      const api = {
        start() { return begin(); },
        async stop(reason?: string): Promise<void> { await end(reason); },
        get ready() { return isReady(); },
        [computed()]: true,
      };
      for (const item of (list())) consume(item);
      const typed = value as (Shape);
      const c = cond ? pick(a) : other(b);
      switch (x) { case kind(x): break; }
      return new Widget(api) ?? new lib.Thing ?? new deep.er.Thing() ?? new Ctor!() ?? new.target;
    }
    export const f = function named() { inside(); }.bind(null);
    export const g = async (x: number) => later(x);
    export const h = async function () { await now(); };
    const sorts = { a: 1 } as const satisfies Record<string, number>;
  `,
  ],
  [
    'require and import() with and without bindings',
    'loader.js',
    `
    const fs = require('fs');
    const { join, resolve: res, ...rest } = require('path');
    const [first] = require('list');
    const version = require('./package.json').version;
    module.exports = require('./impl');
    exports.helper = function helper() { return require(\`./helper\`); };
    async function lazy() {
      const mod = import('./lazy');
      const awaited = await import('./awaited');
      return Promise.all([import('./a'), import('./b')]);
    }
  `,
  ],
  [
    'export forms and import-equals',
    'exports.ts',
    `
    import def, { a, b as c, type T, default as d } from './x';
    import type Only from './types';
    import * as ns from './ns';
    import json from './data.json' with { type: 'json' };
    import legacy = require('./legacy');
    export import again = require('./again');
    export { a as alias, c };
    export type { T } from './types';
    export * as grouped from './grouped';
    export * from './all';
    export { default } from './default';
    const local = 1;
    export default local;
    export enum Color { Red = paint('red'), Blue }
    export const enum Flag { On }
    export type Pair<A, B = A> = [A, B];
    declare module 'ambient' { const loaded: typeof require; }
    namespace Space { export const inner = compute(); }
  `,
  ],
  [
    'Windows line endings, export default forms, a class expression, labels and new.target',
    'crlf.ts',
    [
      "import { a } from './a';",
      'export default async function main() { await run(a); }',
      'export const Widget = class extends Base { render() { return draw(this); } };',
      'outer: for (const x of items()) { if (check(x)) continue outer; }',
      'export function make() { return new.target ? build() : undefined; }',
    ].join('\r\n'),
  ],
  [
    'export = in a CommonJS-style TypeScript file',
    'legacy.ts',
    `
    import fs = require('fs');
    function helper() { return fs.readFileSync('x'); }
    export = helper;
  `,
  ],
  [
    'a declaration file (no calls)',
    'types.d.ts',
    `
    export declare class Api { call(): void; call(x: number): void; }
    export declare const value: number;
    export interface Options { name?: string }
  `,
  ],
];

describe('graph extraction from tokens', () => {
  for (const [name, file, text] of cases) {
    it(`reads the same facts as the parser: ${name}`, () => {
      const facts = quick(file, text);
      assert.ok(facts, 'read from tokens, without giving up');
      assert.deepStrictEqual(facts, parsed(file, text));
    });
  }

  it('reads the same facts as the parser from nearly every file of this repository', () => {
    const repo = path.resolve(__dirname, '..', '..', '..');
    const files = [...sourceFiles(path.join(repo, 'src')), ...sourceFiles(path.join(repo, 'test'))];
    let read = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const facts = quick(file, text);
      if (!facts) continue;
      read++;
      assert.deepStrictEqual(facts, parsed(file, text), path.relative(repo, file));
    }
    assert.ok(files.length > 150, `found ${files.length} files`);
    assert.ok(read >= files.length * 0.95, `read ${read} of ${files.length} files from tokens`);
  });

  it('gives the file to the parser when the tokens do not settle it', () => {
    const unsure: Array<[string, string]> = [
      ['ref.ts', '/// <reference path="./globals.d.ts" />\nexport const a = 1;\n'],
      ['upper.ts', '/// <Reference PATH="./upper.d.ts" />\nexport const a = 1;\n'],
      ['type.ts', "export type Lazy = typeof import('./lazy');\n"],
      ['broken.ts', 'export function f( {\n  return 1;\n'],
      ['string.ts', "export const s = 'unterminated;\n"],
      ['open.tsx', 'export const View = () => <div><span>never closed</div>;\n'],
      ['unknown.ts', 'export abstract interface X {}\n'],
    ];
    for (const [file, text] of unsure) assert.strictEqual(quick(file, text), undefined, file);
    // the extractor then parses: the reference and the type are read the parser's way, the broken file keeps its error
    assert.deepStrictEqual(
      extractor.extract('ref.ts', unsure[0][1], { quick: true }).facts.imports.map(i => i.specifier),
      ['./globals.d.ts'],
    );
    // TypeScript reads the directive's name and arguments in any case
    assert.deepStrictEqual(
      extractor.extract('upper.ts', unsure[1][1], { quick: true }).facts.imports.map(i => i.specifier),
      ['./upper.d.ts'],
    );
    assert.deepStrictEqual(extractor.extract('type.ts', unsure[2][1], { quick: true }).facts.imports, [
      { specifier: './lazy', kind: 'import', line: 1, names: [{ imported: '*', local: '' }], typeOnly: true },
    ]);
    assert.match(extractor.extract('broken.ts', unsure[3][1], { quick: true }).error ?? '', /^line \d+: /);
  });

  it('a build reads files from tokens; an update parses them, which also finds a syntax error the tokens do not show', () => {
    const host = new InMemoryFileSystemHost();
    host.writeFileSync('/ws/a.ts', "import { b } from './b';\nexport const a = b +;\n");
    host.writeFileSync('/ws/b.ts', 'export const b = 1;\n');
    const session = new ParseSession(memoryTree(host));
    const settings = { roots: ['/ws'], exclude: [], maxFileBytes: 1 << 20 };
    const built = new Map<string, string>();
    session.build({ ...settings, known: [] }, batch => batch.records.forEach(r => built.set(r.id, r.status)));
    assert.deepStrictEqual(
      [...built],
      [
        ['a.ts', 'parsed'],
        ['b.ts', 'parsed'],
      ],
    );
    const updated = session.update({ ...settings, paths: ['/ws/a.ts'] });
    assert.deepStrictEqual(
      updated.records.map(fileRecordOf).map(r => [r.id, r.status, r.facts.imports.map(i => i.specifier)]),
      [['a.ts', 'failed', ['./b']]],
    );
  });
});
