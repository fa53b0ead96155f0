// One assembly of the executor (issue 15, item 1): every host, benchmark and test gets its executor
// from assembleExecutor (src/core/execution/assemble.ts), so none runs without the guards by
// accident. Only src/core/execution itself builds one with `new Executor(`.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../../..');
const allowed = 'src/core/execution/';

function tsFiles(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap(e => {
    const full = path.join(folder, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(full);
    return /\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Whether code builds an executor itself (`new Executor(`, with any spacing). */
export function buildsExecutor(code: string): boolean {
  return /\bnew\s+Executor\s*\(/.test(code);
}

describe('the executor', () => {
  it('is built with `new Executor(` only in src/core/execution; src, test and bench use assembleExecutor', () => {
    const self = path.relative(root, __filename).split(path.sep).join('/');
    const builders = ['src', 'test', 'bench']
      .flatMap(folder => tsFiles(path.join(root, folder)))
      .map(f => path.relative(root, f).split(path.sep).join('/'))
      .filter(rel => !rel.startsWith(allowed) && rel !== self)
      .filter(rel => buildsExecutor(fs.readFileSync(path.join(root, rel), 'utf8')))
      .sort();
    assert.deepStrictEqual(builders, []);
  });

  it('counts `new Executor(` however it is spaced, and not other classes (the check itself)', () => {
    assert.deepStrictEqual(
      ['const e = new Executor({', 'new  Executor (o)', 'new ExecutorHost()', 'new FakeExecutor()'].map(buildsExecutor),
      [true, true, false, false],
    );
  });
});
