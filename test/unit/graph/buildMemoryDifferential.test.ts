// A process that builds again trusts what it remembers of the folders (listings, .gitignore rules,
// the project configuration, files' stamps) as long as the disk says nothing changed. Here a
// workspace on the disk goes through random changes of every kind, and after each one a build by a
// session that remembers must find exactly what a new session finds: the same files, the same
// configuration, the same content hashes. Every file counts as settled (a clock ahead), the harshest
// case for the memory; each round waits until the file system's clock has moved on, so that a change
// never falls in the same tick as the build before it (a real one two seconds old never does).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BuildRequest, KnownFile, ParseBatch } from '../../../src/core/graph/parser';
import { ParseSession } from '../../../src/core/graph/parseSession';
import { nodeSourceTree, settledMs } from '../../../src/node/graphWorkerTree';
import { nextTick } from './diskTicks';

const later = () => Date.now() + settledMs + 1000;

/** A small seeded generator (mulberry32), so that a failing round can be replayed with its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] };
}

interface Built {
  files: string[];
  config: unknown;
  hashes: Record<string, string>;
}

/**
 * A session building the same folder again and again, keeping the hashes and stamps it was told;
 * `watch`: it also watches the folders, as a holder's graph worker does (each build after the event
 * loop's poll phase, through the tree's `request`).
 */
function builder(root: string, remember: boolean, watch = false) {
  const tree = nodeSourceTree({ now: later, rememberFolders: remember, watchFolders: watch });
  trees.push(tree);
  const session = new ParseSession(tree);
  const known = new Map<string, KnownFile>();
  return async (): Promise<Built> => {
    if (watch) await new Promise(resolve => setImmediate(resolve));
    const request: BuildRequest = { roots: [root], exclude: [], maxFileBytes: 1 << 20, known: [...known.values()] };
    const batches: ParseBatch[] = [];
    const reply = tree.request('build', () => session.build(request, b => batches.push(b)))!;
    for (const r of batches.flatMap(b => b.records))
      known.set(r.id, r.stamp ? [r.id, r.hash, r.stamp] : [r.id, r.hash]);
    for (const [id, stamp] of batches.flatMap(b => b.restamped ?? [])) known.set(id, [id, known.get(id)![1], stamp]);
    for (const id of [...known.keys()]) if (!reply.present.includes(id)) known.delete(id);
    return {
      files: reply.present,
      config: reply.config,
      hashes: Object.fromEntries(reply.present.map(id => [id, known.get(id)?.[1] ?? '(not read)'])),
    };
  };
}

const trees: Array<ReturnType<typeof nodeSourceTree>> = [];

describe('a build that remembers the folders agrees with a new one after any change on the disk', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-memory-diff-'))));
  afterEach(() => {
    for (const tree of trees.splice(0)) tree.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rounds = [1, 2, 3, 4, 5, 6].map(seed => ({ seed, watch: false }));
  // with folder watches (Linux): what they vouch for comes from memory, no stat at all
  if (process.platform === 'linux') rounds.push(...[7, 8, 9, 10, 11, 12].map(seed => ({ seed, watch: true })));
  for (const { seed, watch } of rounds) {
    it(`seed ${seed}: 40 random changes, each checked${watch ? ', the folders watched' : ''}`, async () => {
      const rnd = random(seed);
      const at = (p: string) => path.join(dir, p);
      const write = (p: string, text: string) => {
        fs.mkdirSync(path.dirname(at(p)), { recursive: true });
        fs.writeFileSync(at(p), text);
      };
      const all = (kind: 'file' | 'dir'): string[] => {
        const out: string[] = [];
        const walk = (rel: string) => {
          for (const e of fs.readdirSync(at(rel) || dir, { withFileTypes: true })) {
            const p = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory()) {
              if (kind === 'dir') out.push(p);
              walk(p);
            } else if (kind === 'file' && e.isFile()) out.push(p);
          }
        };
        walk('');
        return out;
      };
      const folders = () => ['', ...all('dir')];
      const sources = () => all('file').filter(p => /\.tsx?$/.test(p));
      const name = () => `m${Math.floor(rnd.next() * 1000)}`;
      const code = () => `export const v${Math.floor(rnd.next() * 1e6)} = 1;\n`;
      const ignoreRules = ['gen/', '*.gen.ts', 'sub/', '!keep.gen.ts', 'b*.ts', ''];

      // the start: a small monorepo
      write('.gitignore', 'gen/\n');
      write('package.json', '{ "name": "root", "workspaces": ["packages/*"] }');
      write('tsconfig.json', '{ "compilerOptions": { "baseUrl": ".", "paths": { "@a/*": ["packages/a/src/*"] } } }');
      write('packages/a/package.json', '{ "name": "a" }');
      write('packages/a/src/index.ts', "export * from './x';\n");
      write('packages/a/src/x.ts', code());
      write('packages/b/src/b.ts', "import { v } from '@a/index';\n");
      write('gen/g.ts', code());
      write('src/keep.gen.ts', code());

      const remembering = builder(dir, true, watch);
      const changes: Array<[string, () => void]> = [
        ['add a file', () => write(`${rnd.pick(folders())}/${name()}.ts`.replace(/^\//, ''), code())],
        [
          'edit a file in place',
          () => {
            const f = rnd.pick(sources());
            if (f) fs.writeFileSync(at(f), code());
          },
        ],
        [
          'remove a file',
          () => {
            const f = rnd.pick(sources());
            if (f) fs.rmSync(at(f));
          },
        ],
        [
          'rename a file',
          () => {
            const f = rnd.pick(sources());
            const to = rnd.pick(folders());
            if (f) fs.renameSync(at(f), at(`${to ? `${to}/` : ''}${name()}.ts`));
          },
        ],
        [
          'add a folder',
          () =>
            write(`${rnd.pick(folders())}/${rnd.pick(['sub', 'gen', name()])}/${name()}.ts`.replace(/^\//, ''), code()),
        ],
        [
          'remove a folder',
          () => {
            const d = rnd.pick(all('dir'));
            if (d) fs.rmSync(at(d), { recursive: true });
          },
        ],
        [
          'rename a folder',
          () => {
            const d = rnd.pick(all('dir'));
            const to = d && path.posix.join(path.posix.dirname(d), rnd.pick(['sub', 'gen', name()]));
            if (d && !fs.existsSync(at(to))) fs.renameSync(at(d), at(to));
          },
        ],
        [
          'edit a .gitignore in place',
          () =>
            write(
              `${rnd.pick(folders())}/.gitignore`.replace(/^\//, ''),
              `${rnd.pick(ignoreRules)}\n${rnd.pick(ignoreRules)}\n`,
            ),
        ],
        [
          'remove a .gitignore',
          () => {
            const g = all('file').filter(p => p.endsWith('.gitignore'));
            if (g.length) fs.rmSync(at(rnd.pick(g)));
          },
        ],
        [
          'edit the tsconfig in place',
          () =>
            write(
              'tsconfig.json',
              `{ "compilerOptions": { "baseUrl": ".", "paths": { "@${name()}/*": ["packages/a/src/*"] } } }`,
            ),
        ],
        [
          'add or change a package.json',
          () => write(`${rnd.pick(folders())}/package.json`.replace(/^\//, ''), `{ "name": "${name()}" }`),
        ],
        [
          'a tsconfig that extends one still to come',
          () => {
            write('packages/a/tsconfig.json', '{ "extends": "./tsconfig.base.json" }');
            if (rnd.next() < 0.5)
              write('packages/a/tsconfig.base.json', `{ "compilerOptions": { "outDir": "${name()}" } }`);
          },
        ],
      ];
      const done: string[] = [];
      for (let round = 0; round < 40; round++) {
        const mine = await remembering();
        const fresh = await builder(dir, false)();
        assert.deepStrictEqual(mine, fresh, `seed ${seed}, after: ${done.join('; ') || 'nothing'}`);
        await nextTick();
        const [what, change] = rnd.pick(changes);
        change();
        done.push(what);
      }
    });
  }
});
