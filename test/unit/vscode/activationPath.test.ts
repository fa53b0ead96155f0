// What activating the extension evaluates: everything src/extension.ts reaches through static imports
// runs while VS Code waits for activate(). The heavy libraries must stay behind `await import(...)`,
// loaded on first use. Checked on esbuild's own import graph of the real bundle, so a static import
// that drags one of them in (as a pull-request module once dragged in zod and simple-git) fails here,
// on every machine, instead of as a slow activation somewhere.
import * as assert from 'assert';
import * as path from 'path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../../..');
const heavy = ['zod', 'simple-git', 'sql.js', 'markdown-it', 'ts-morph', 'typescript', 'proper-lockfile'];

/** Each file the entry reaches through static imports, with the file that first imported it. */
async function eagerFiles(entry: string): Promise<Map<string, string | undefined>> {
  const result = await esbuild.build({
    entryPoints: [path.join(root, entry)],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    write: false,
    metafile: true,
    outfile: path.join(root, 'out', 'activation-path.js'),
    logLevel: 'silent',
  });
  const inputs = result.metafile.inputs;
  const via = new Map<string, string | undefined>([[entry, undefined]]);
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    for (const i of inputs[file]?.imports ?? []) {
      if (i.kind === 'dynamic-import' || !inputs[i.path] || via.has(i.path)) continue;
      via.set(i.path, file);
      stack.push(i.path);
    }
  }
  return via;
}

function chain(via: Map<string, string | undefined>, file: string): string {
  const steps: string[] = [];
  for (let f: string | undefined = file; f; f = via.get(f)) steps.push(f);
  return steps.join(' <- ');
}

describe('activation path', function () {
  this.timeout(60000);

  it('loads none of the heavy libraries while activating', async () => {
    const via = await eagerFiles('src/extension.ts');
    const packageOf = (file: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    const offenders = [...via.keys()].filter(f => heavy.includes(packageOf(f) ?? ''));
    const firstPerPackage = new Map(offenders.map(f => [packageOf(f)!, f]));
    assert.deepStrictEqual(
      [...firstPerPackage.values()].map(f => chain(via, f)),
      [],
      'heavy libraries reached by static imports from src/extension.ts',
    );
    assert.ok(via.size > 20, `the walk followed the imports (${via.size} files)`);
  });
});
