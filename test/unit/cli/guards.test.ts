// `continuum run` has the same autonomy guards as a VS Code window (one assembly: src/core/execution/
// assemble.ts): the CLI bundled as it ships, run as a real child process on failing tasks, pauses
// when the workspace's error budget (.vscode/settings.json) is spent instead of failing every task.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { bundleForNode } from '../fakes/bundledCli';

describe('the CLI runs with the autonomy guards', function () {
  this.timeout(120_000);
  let work: string;
  let cli: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-cli-guards-'));
    const bin = path.join(work, 'bin');
    cli = bundleForNode(bin);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  async function storeWithFailingTasks(n: number): Promise<{ store: string; workspace: string }> {
    const here = fs.mkdtempSync(path.join(work, 'case-'));
    const store = path.join(here, 'store');
    const workspace = path.join(here, 'workspace');
    fs.mkdirSync(workspace);
    const core = await openContinuum({ folder: store, fs: nodeFileSystem });
    // each fails in its own way (no signature repeats, so no rule stops the run early) and leaves a trace
    await core.tasks.createMany(
      Array.from({ length: n }, (_, i) => ({
        title: `broken ${i + 1}`,
        maxAttempts: 1,
        action: {
          kind: 'shell' as const,
          command: `echo b${i + 1} >> ran.txt; echo "module m${i + 1} is broken" >&2; exit ${10 + i}`,
        },
      })),
    );
    await core.close();
    return { store, workspace };
  }

  it('pauses the session when the error budget of the workspace settings is spent', async () => {
    const { store, workspace } = await storeWithFailingTasks(6);
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      '{\n  // as VS Code writes it\n  "continuum.guards.errorBudget": 2,\n}\n',
    );
    // --yes: nobody is at this terminal, and the person allows what the confidence gate would ask about
    const run = spawnSync(process.execPath, [cli, 'run', '--store', store, '--concurrency', '1', '--yes'], {
      cwd: workspace,
      encoding: 'utf8',
    });
    const said = run.stdout + run.stderr;
    assert.strictEqual(run.status, 1, said);
    assert.match(said, /error budget is spent \(2 errors within an hour\)/);
    assert.match(said, /Continue with: continuum resume/);
    const ran = fs.readFileSync(path.join(workspace, 'ran.txt'), 'utf8').split('\n').filter(Boolean);
    assert.strictEqual(ran.length, 2, `tasks that ran before the pause: ${ran.join(' ')}`);
    const core = await openContinuum({ folder: store, fs: nodeFileSystem });
    try {
      assert.strictEqual(core.sessions.list()[0].status, 'paused');
      assert.strictEqual(core.tasks.list().filter(t => t.status === 'pending').length, 4);
    } finally {
      await core.close();
    }
  });

  it('runs every task when the budget allows it (the default of 10)', async () => {
    const { store, workspace } = await storeWithFailingTasks(3);
    const run = spawnSync(process.execPath, [cli, 'run', '--store', store, '--concurrency', '1', '--yes'], {
      cwd: workspace,
      encoding: 'utf8',
    });
    const said = run.stdout + run.stderr;
    assert.strictEqual(run.status, 1, said);
    assert.doesNotMatch(said, /error budget/);
    assert.strictEqual(fs.readFileSync(path.join(workspace, 'ran.txt'), 'utf8').split('\n').filter(Boolean).length, 3);
  });

  it('skips a task the confidence gate is unsure of when nobody is at the terminal, and says how to allow it', async () => {
    // The CLI checkpoints the files, so the gate trusts a shell task more (a checkpoint can undo it): it
    // takes a checkpoint first after up to three failed shell tasks, and asks from the fifth.
    const { store, workspace } = await storeWithFailingTasks(7);
    const run = spawnSync(process.execPath, [cli, 'run', '--store', store, '--concurrency', '1'], {
      cwd: workspace,
      encoding: 'utf8',
    });
    const said = run.stdout + run.stderr;
    assert.strictEqual(run.status, 1, said);
    assert.match(
      said,
      /Continuum is not confident about running 'broken 5' unattended \(confidence [0-9.]+: .*\)\. Skipped: nobody is at a terminal to allow it; run again with --yes/,
    );
    assert.deepStrictEqual(fs.readFileSync(path.join(workspace, 'ran.txt'), 'utf8').split('\n').filter(Boolean), [
      'b1',
      'b2',
      'b3',
      'b4',
    ]);
  });
});
