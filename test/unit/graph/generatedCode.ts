// Code generated in many styles from a seed, for the differential tests of the token reader (against
// the parser) and of its scanner (against TypeScript's): statements as Biome, standard, Prettier and
// hand-written code write them (no semicolons, decorators, JSX/TSX, overloads, `satisfies`, `accessor`,
// `using`, import types …), joined, split, requoted and reindented.
import { seededRandom } from '../fakes/random';

// a seeded generator (seededRandom, mulberry32), so that a failure names a file that can be generated again
const random = seededRandom;

type Piece = (n: string) => string;

/** Top-level statements; `n` makes names unique within a file. */
const pieces: Piece[] = [
  n => `import { a${n}, b${n} as c${n} } from './m${n}';`,
  n => `import type { T${n} } from './types${n}';`,
  n => `import * as ns${n} from 'ns${n}';`,
  n => `import def${n}, { named${n} } from "d${n}";`,
  n => `import './side${n}.css';`,
  n => `export * from './reexported${n}';`,
  n => `export { x${n} as y${n} } from './x${n}';`,
  n => `export type { R${n} } from './r${n}';`,
  n => `const local${n} = 1;\nexport { local${n} };`,
  n => `const L${n} = 2;\nexport { L${n} as Renamed${n} };`,
  n => `export const Providers${n} = {\n  a: 'a',\n  b: ['x', 'y'],\n} as const;`,
  n => `export const kinds${n} = ['one', 'two'] as const;`,
  n => `export const config${n} = { port: parse${n}(env.PORT), host: 'h' } satisfies Config;`,
  n => `export function toProviderId${n}(x: string): string {\n  return normalize${n}(x).trim();\n}`,
  n =>
    `export function list${n}(xs: readonly (string | number)[], ys: readonly string[]): number {\n  return count${n}(xs) + ys.length;\n}`,
  n =>
    `export function over${n}(a: string): string;\nexport function over${n}(a: number): number;\nexport function over${n}(a: any): any {\n  return convert${n}(a);\n}`,
  n => `export async function* stream${n}(): AsyncGenerator<number> {\n  yield await next${n}();\n}`,
  n =>
    `export const api${n} = {\n  async *pages(): AsyncGenerator<Page> { yield await fetchPage${n}() },\n  *ids(): Generator<number> { yield 1 },\n  async get(id: string) { return load${n}(id) },\n  plain() { return helper${n}() },\n};`,
  n =>
    `@Component({ selector: 'x-${n}' })\nexport class Widget${n} extends Base${n} implements OnInit {\n  @Input() name = '';\n  accessor count = 0;\n  static #secret = make${n}();\n  constructor(private readonly svc: Service${n}) {\n    super();\n  }\n  ngOnInit(): void {\n    this.svc.start();\n    this.render${n}();\n  }\n  private render${n}(): void { draw${n}(this.name) }\n}`,
  n =>
    `export abstract class Repo${n}<T extends object> {\n  abstract find(id: string): Promise<T>;\n  save(x: T): void;\n  save(x: T[]): void;\n  save(x: T | T[]): void { persist${n}(x) }\n  override toString() { return super.toString() }\n}`,
  n => `export function withResource${n}() {\n  using res = open${n}();\n  return res.read();\n}`,
  n =>
    `export async function withAsyncResource${n}() {\n  await using conn = await connect${n}();\n  return conn.query('x');\n}`,
  n => `export let lazy${n}: typeof import('./lazy${n}');`,
  n => `export type Row${n} = import('./row${n}').Row<string>;`,
  n => `export interface Store${n} {\n  get(): import('./item${n}').Item.Id;\n  name: string;\n}`,
  n => `export const page${n} = () => import('./page${n}');`,
  n => `export async function boot${n}() {\n  const m = await import('./boot${n}');\n  return m.run();\n}`,
  n => `const fs${n} = require('fs');\nconst { join: join${n} } = require('path');`,
  n => `export const handler${n} = async (e: Event): Promise<void> => {\n  await handle${n}(e);\n};`,
  n => `export enum Color${n} {\n  Red = 'red',\n  Green = compute${n}(),\n}`,
  n => `export type Pair${n}<A, B = string> = { a: A; b: B } | [A, B];`,
  n => `export namespace Space${n} {\n  export const inner = 1;\n}`,
  n => `declare global {\n  interface Window { app${n}: unknown }\n}`,
  n => `;(function () {\n  boot${n}();\n})();`,
  n => `;[1, 2].forEach(v => log${n}(v));`,
  n => `export default function main${n}() {\n  return run${n}(\`tpl \${value${n}()} end\`);\n}`,
  n => `const re${n} = /a+b\\/c/g.test(text${n}) ? a / b / 2 : total${n}(a) / 3;`,
  n => `export const tuple${n}: readonly [string, number] = ['a', 1] as const;`,
  n => `export function guard${n}(x: unknown): x is string {\n  return typeof x === 'string' && check${n}(x);\n}`,
  n =>
    `export class Service${n} {\n  private cache = new Map<string, number>();\n  get size(): number { return this.cache.size }\n  set size(v: number) { resize${n}(v) }\n  handle = (e: Event) => { this.emit${n}(e) };\n  emit${n}(e: Event) { dispatch${n}(e) }\n}`,
  n =>
    `export default {\n  name: 'x${n}',\n  async *gen() { yield run${n}() },\n  get value() { return read${n}() },\n}`,
  n => `export const pick${n} = cond${n}()\n  ? left${n}()\n  : right${n}();`,
  n => `export const chain${n} = () => fetch${n}('u')\n  .then(r => r.json())\n  .catch(fail${n});`,
  n =>
    `export class Holder${n} {\n  declare field: string;\n  [key: string]: unknown;\n  static {\n    init${n}();\n  }\n  protected abstractLike?: number;\n}`,
  n => `outer${n}: for (const x of list${n}()) {\n  if (x) continue outer${n};\n  else stop${n}();\n}`,
  n => `export function assertOk${n}(this: Ctx, v: unknown): asserts v is string {\n  if (!v) throw fail${n}(v);\n}`,
  n => `export declare const declared${n}: number;`,
  n => `export const frozen${n} = Object.freeze({ A: 'a' } as const);`,
  n => `export const enum Flags${n} {\n  A = 1 << 0,\n  B = 1 << 1,\n}`,
  n => `export const generic${n} = make${n}<string, Map<string, number[]>>(\n  'x',\n);`,
  n => `let mutable${n} = 0\nmutable${n}++\nexport function bump${n}() { return ++mutable${n} }`,
  n =>
    `export const dual${n}: {\n  /** data-last */\n  (that: number): (self: Chunk${n}) => Chunk${n}.Chunk\n  <A>(self: Chunk${n}, that: number): Args<Array<A>>\n} = dual(2, (self: Chunk${n}, that: number) => make${n}(self, that));`,
  n =>
    `export abstract class Inspect${n} {\n  abstract toJSON(): unknown\n  [Symbol.iterator]() {\n    return this.toJSON()\n  }\n}`,
  n =>
    `export const runtime${n} = <A,>(self: H<A>): <R = never>() => Effect<\n  (x: A) => Promise<A>,\n  R\n> => map${n}(self, run => (x: A) => run(x));`,
  n =>
    `export const await${n} = (self: F) => self.await\nconst try${n} = Either.try;\nexport { try${n} as try${n}Alias };`,
];

/** Statements only a .tsx file holds. */
const jsxPieces: Piece[] = [
  n =>
    `export const View${n} = ({ items }: Props) => (\n  <div className={cls${n}('x')} onClick={() => act${n}()}>\n    {items.map(i => <Item key={i.id} {...spread${n}(i)} />)}\n    <>text with 'quotes' and {'{'}braces{'}'}</>\n  </div>\n);`,
  n =>
    `export function Panel${n}() {\n  const [s, set] = useState${n}(0);\n  return <section data-x="a/b">{s > 1 && <Row${n} onPick={v => set(v)} />}</section>;\n}`,
  n => `export const identity${n} = <T,>(x: T) => wrap${n}(x);`,
];

interface Style {
  semicolons: boolean;
  doubleQuotes: boolean;
  joinLines: boolean;
}

/** Biome's and standard's "as needed": no `;` at line ends, a `;` before a statement that starts with `(`, `[` or a template. */
function withoutSemicolons(text: string): string {
  return text
    .split('\n')
    .map(line => line.replace(/;(\s*)$/, '$1'))
    .map(line => (/^[([`]/.test(line) ? `;${line}` : line)) // statements start at the margin here; inner lines are indented
    .join('\n');
}

export function generate(seed: number, tsx: boolean): { text: string; style: Style } {
  const next = random(seed);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  const style: Style = { semicolons: next() < 0.4, doubleQuotes: next() < 0.3, joinLines: next() < 0.3 };
  const available = tsx ? [...pieces, ...jsxPieces] : pieces;
  const count = 3 + Math.floor(next() * 9);
  const statements: string[] = [];
  for (let i = 0; i < count; i++) statements.push(pick(available)(`${i}`));
  let text = statements.join(style.joinLines && style.semicolons ? ' ' : pick(['\n', '\n\n']));
  if (!style.semicolons) text = withoutSemicolons(text);
  if (style.doubleQuotes) text = text.replace(/'(\.?\/?[\w./-]*)'/g, '"$1"');
  if (next() < 0.3) text = text.replace(/\n {2}/g, '\n\t');
  return { text: `${text}\n`, style };
}
