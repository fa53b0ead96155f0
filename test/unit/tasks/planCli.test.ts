// `continuum plan import` as a terminal user runs it: the preview or one JSON object on stdout,
// a cyclic plan refused before the store is opened, a re-import that duplicates nothing.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parsePlanArgs, planCommand } from '../../../src/cli/plan';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { nodeLock } from '../../../src/node/lock';
import { currentOwner } from '../../../src/node/lockOwner';

describe('continuum plan import', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-plan-cli-'));
    fs.writeFileSync(
      path.join(dir, 'PLAN.md'),
      '## Phase 1: Build (Priority: HIGH)\n- [ ] 1.1 compile\n- [ ] 1.2 test\n  Depends on: 1.1\n\nSome prose.\n',
    );
    fs.writeFileSync(
      path.join(dir, 'LOOP.md'),
      '## Phase 1: Loop\n- [ ] 1.1 a\n  Depends on: 1.2\n- [ ] 1.2 b\n  Depends on: 1.1\n',
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const open = () =>
    openContinuum({
      folder: path.join(dir, 'store'),
      fs: nodeFileSystem,
      lock: nodeLock(),
      owner: currentOwner('test'),
    });

  it('prints exactly one JSON object with phases, tasks, unused lines and problems, and opens no store with --dry-run', async () => {
    const out: string[] = [];
    const code = await planCommand(
      parsePlanArgs(['import', 'PLAN.md', '--dry-run', '--json']),
      () => assert.fail('the store was opened'),
      l => out.push(l),
      dir,
    );
    assert.strictEqual(code, 0);
    assert.strictEqual(out.length, 1);
    const json = JSON.parse(out[0]) as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(json), ['phases', 'tasks', 'unused', 'problems']);
    assert.deepStrictEqual(json.tasks, [
      { key: 'PLAN.md#p1/1.1', number: '1.1', title: 'compile', phase: 'PLAN.md#p1', priority: 'high', dependsOn: [] },
      {
        key: 'PLAN.md#p1/1.2',
        number: '1.2',
        title: 'test',
        phase: 'PLAN.md#p1',
        priority: 'high',
        dependsOn: ['PLAN.md#p1/1.1'],
      },
    ]);
    assert.deepStrictEqual(json.unused, [
      { line: 6, text: 'Some prose.', why: 'text under a heading, outside any task' },
    ]);
    assert.ok(!fs.existsSync(path.join(dir, 'store')));
  });

  it('names a cycle in the preview and refuses the import before opening the store', async () => {
    const out: string[] = [];
    const code = await planCommand(
      parsePlanArgs(['import', 'LOOP.md', '--store', 'x']),
      () => assert.fail('the store was opened'),
      l => out.push(l),
      dir,
    );
    assert.strictEqual(code, 1);
    assert.match(out.join('\n'), /CYCLE — nothing will be imported until it is broken: 1\.1 a → 1\.2 b → 1\.1 a/);
    assert.match(out.join('\n'), /Not imported: the dependencies form a cycle/);
  });

  it('imports the plan, and importing it again duplicates nothing', async () => {
    const out: string[] = [];
    assert.strictEqual(
      await planCommand(parsePlanArgs(['import', 'PLAN.md', '--store', 'x']), open, l => out.push(l), dir),
      0,
    );
    assert.strictEqual(
      await planCommand(parsePlanArgs(['import', 'PLAN.md', '--store', 'x']), open, l => out.push(l), dir),
      0,
    );
    assert.match(out.join('\n'), /imported PLAN\.md: 2 new, 0 updated, 0 unchanged/);
    assert.match(out.join('\n'), /imported PLAN\.md: 0 new, 0 updated, 2 unchanged/);
    const core = await open();
    try {
      assert.deepStrictEqual(
        core.tasks.list().map(t => [t.title, t.priority]),
        [
          ['compile', 'high'],
          ['test', 'high'],
        ],
      );
    } finally {
      await core.close();
    }
  });

  it('refuses unknown options and a missing file name with the usage', () => {
    assert.throws(() => parsePlanArgs(['import', 'PLAN.md', '--bogus']), /unknown option '--bogus'/);
    assert.throws(() => parsePlanArgs(['import']), /usage: continuum plan import FILE/);
  });
});
