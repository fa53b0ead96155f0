// `continuum run` / `continuum resume` as a person uses them: the CLI bundled as it ships, run as a
// real child process on a temporary workspace and store, interrupted with SIGINT and resumed.
import * as assert from 'assert';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { selectTasks } from '../../../src/cli/run';
import { openContinuum } from '../../../src/core/continuum';
import type { Phase, Task } from '../../../src/core/tasks/model';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { nodeLock } from '../../../src/node/lock';
import { currentOwner } from '../../../src/node/lockOwner';
import { bundleForNode } from '../fakes/bundledCli';

interface Cli {
  child: ChildProcess;
  out(): string;
  exited: Promise<number | null>;
}

function startCli(cli: string, args: string[], cwd: string): Cli {
  const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => {
    out += t;
  });
  child.stderr!.setEncoding('utf8').on('data', (t: string) => {
    out += t;
  });
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  return { child, out: () => out, exited };
}

async function until(what: string, probe: () => boolean, out: () => string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the CLI said:\n${out()}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

const ranLines = (workspace: string) =>
  fs.existsSync(path.join(workspace, 'ran.txt'))
    ? fs.readFileSync(path.join(workspace, 'ran.txt'), 'utf8').split('\n').filter(Boolean)
    : [];

describe('the CLI runs sessions from a terminal', function () {
  this.timeout(120_000);
  let work: string;
  let cli: string;
  let store: string;
  let workspace: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-cli-'));
    const bin = path.join(work, 'bin');
    cli = bundleForNode(bin);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  beforeEach(async () => {
    const here = fs.mkdtempSync(path.join(work, 'case-'));
    store = path.join(here, 'store');
    workspace = path.join(here, 'workspace');
    fs.mkdirSync(workspace);
    const core = await openContinuum({ folder: store, fs: nodeFileSystem });
    const steps = Array.from({ length: 8 }, (_, i) => ({
      title: `step ${i + 1}`,
      action: { kind: 'shell' as const, command: `echo s${i + 1} >> ran.txt && sleep 0.3` },
    }));
    await core.tasks.createMany([
      ...steps,
      { title: 'review the result', action: { kind: 'manual' as const } },
      { title: 'lint in VS Code', action: { kind: 'vscodeTask' as const, label: 'lint' } },
    ]);
    await core.close();
  });

  it('pauses on Ctrl+C leaving a resumable session, and resume runs only what was left', async () => {
    const first = startCli(cli, ['run', '--store', store, '--concurrency', '2'], workspace);
    await until('three tasks done', () => (first.out().match(/\] done {5}step/g) ?? []).length >= 3, first.out);
    first.child.kill('SIGINT');
    const code = await first.exited;
    const said = first.out();
    assert.strictEqual(code, 130, said);
    assert.match(said, /Pausing: \d running task\(s\) finish first/);
    assert.match(said, /paused/);
    assert.match(said, /Continue with: continuum resume --store/);
    const doneBefore = ranLines(workspace);
    assert.ok(doneBefore.length >= 3 && doneBefore.length < 8, `ran before the pause: ${doneBefore.join(' ')}`);

    const core = await openContinuum({ folder: store, fs: nodeFileSystem });
    const paused = core.sessions.list()[0];
    assert.strictEqual(paused.status, 'paused');
    const doneIds = core.tasks
      .list()
      .filter(t => t.status === 'done')
      .map(t => t.title);
    assert.strictEqual(
      doneIds.length,
      doneBefore.length,
      'every task that ran is recorded done: a pause lets running tasks finish',
    );
    await core.close();

    const second = startCli(cli, ['resume', '--store', store], workspace);
    const resumed = await second.exited;
    assert.strictEqual(resumed, 1, second.out()); // work is left: the manual task and the VS Code task
    assert.match(second.out(), new RegExp(`${doneBefore.length} of 10 done`));
    assert.match(second.out(), /1 task needs a person:\n\s+review the result/);
    assert.match(second.out(), /1 task needs VS Code:\n\s+lint in VS Code/);
    assert.match(second.out(), /2 of them need a person or VS Code/);
    const all = ranLines(workspace);
    assert.deepStrictEqual(
      [...all].sort(),
      Array.from({ length: 8 }, (_, i) => `s${i + 1}`).sort(),
      `each shell task ran exactly once: ${all.join(' ')}`,
    );
    for (const d of doneBefore)
      assert.ok(
        !second.out().includes(`started  step ${d.slice(1)}\n`),
        `step ${d.slice(1)} was done before the pause and did not start again`,
      );

    const after = await openContinuum({ folder: store, fs: nodeFileSystem });
    const session = after.sessions.get(paused.id)!;
    assert.strictEqual(session.status, 'paused');
    assert.deepStrictEqual(
      after.tasks
        .list()
        .filter(t => t.status !== 'done')
        .map(t => t.title)
        .sort(),
      ['lint in VS Code', 'review the result'],
    );
    await after.close();
  });

  it('stops running tasks on a second Ctrl+C; they run again on resume', async () => {
    const core = await openContinuum({ folder: store, fs: nodeFileSystem });
    const long = await core.tasks.create({
      title: 'long one',
      action: { kind: 'shell', command: 'echo long >> ran.txt && sleep 2 && echo long-finished >> ran.txt' },
    });
    await core.close();
    const first = startCli(cli, ['run', '--store', store, '--tasks', long.id], workspace);
    await until('the long task started', () => ranLines(workspace).includes('long'), first.out);
    first.child.kill('SIGINT');
    await until('the pause notice', () => first.out().includes('Pausing'), first.out);
    first.child.kill('SIGINT');
    assert.strictEqual(await first.exited, 130, first.out());
    assert.match(first.out(), /Stopping now/);
    assert.ok(!ranLines(workspace).includes('long-finished'));
    const check = await openContinuum({ folder: store, fs: nodeFileSystem });
    assert.strictEqual(check.tasks.list().find(t => t.title === 'long one')!.status, 'pending');
    await check.close();
    const second = startCli(cli, ['resume', '--store', store], workspace);
    assert.strictEqual(await second.exited, 0, second.out());
    assert.deepStrictEqual(ranLines(workspace), ['long', 'long', 'long-finished']);
  });

  it('refuses to run while another process holds the store, saying what to do', async () => {
    const holder = await openContinuum({
      folder: store,
      fs: nodeFileSystem,
      lock: nodeLock(),
      owner: currentOwner('VS Code window (test)'),
    });
    try {
      const run = startCli(cli, ['run', '--store', store], workspace);
      assert.strictEqual(await run.exited, 1);
      assert.match(run.out(), /Cannot run here: .*VS Code window \(test\).* is already writing to this store/);
      assert.deepStrictEqual(ranLines(workspace), []);
    } finally {
      await holder.close();
    }
  });

  it('records the files as each task starts and ends, so a pull request can give each task its own commit', async () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], {
        cwd: workspace,
        encoding: 'utf8',
      });
    git('init', '-q');
    fs.writeFileSync(path.join(workspace, 'README.md'), '# project\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'first');
    const ids = await (async () => {
      const core = await openContinuum({ folder: store, fs: nodeFileSystem });
      const made = await core.tasks.createMany([
        { title: 'write a', action: { kind: 'shell', command: 'echo a > a.txt' } },
        { title: 'write b', action: { kind: 'shell', command: 'echo b > b.txt' } },
      ]);
      await core.close();
      return made.map(t => t.id);
    })();
    const run = startCli(
      cli,
      ['run', '--store', store, '--tasks', ids.join(','), '--concurrency', '1', '--yes'],
      workspace,
    );
    assert.strictEqual(await run.exited, 0, run.out());
    const core = await openContinuum({ folder: store, fs: nodeFileSystem, workspaceFolder: workspace });
    try {
      const session = core.sessions.list()[0];
      const trees = await core.files!.taskTrees(session.id);
      assert.deepStrictEqual(
        [...trees.keys()].sort(),
        [...ids].sort(),
        'each task has the files at its start and its end',
      );
      for (const [id, t] of trees) {
        const changed = await core.files!.pathsBetween(t.start, t.end);
        assert.deepStrictEqual(changed, [core.tasks.get(id)!.title === 'write a' ? 'a.txt' : 'b.txt']);
      }
    } finally {
      await core.close();
    }
  });

  it('runs one phase or the tasks named, and says what is wrong with a selection', () => {
    const phases: Phase[] = [
      { id: 'p1', title: 'Setup', number: '1', position: 0 },
      { id: 'p2', title: 'Build', number: '2', position: 1 },
    ];
    const task = (id: string, phaseId: string, status: Task['status'] = 'pending', more: Partial<Task> = {}): Task => ({
      id,
      title: id,
      description: '',
      status,
      priority: 'normal',
      progress: 0,
      attempts: 0,
      maxAttempts: 3,
      capabilities: [],
      phaseId,
      dependsOn: [],
      createdAt: 0,
      updatedAt: 0,
      ...more,
    });
    const tasks = [
      task('a', 'p1', 'done'),
      task('b', 'p1'),
      task('c', 'p2', 'pending', { key: 'plan.md#3', number: '2.1' }),
      task('d', 'p2', 'failed'),
    ];
    assert.deepStrictEqual(selectTasks(tasks, phases, {}), ['b', 'c', 'd']);
    assert.deepStrictEqual(selectTasks(tasks, phases, { phase: '2' }), ['c', 'd']);
    assert.deepStrictEqual(selectTasks(tasks, phases, { phase: 'setup' }), ['b']);
    assert.deepStrictEqual(selectTasks(tasks, phases, { tasks: ['plan.md#3', 'a'] }), ['c']);
    assert.deepStrictEqual(selectTasks(tasks, phases, { tasks: ['2.1'] }), ['c']);
    assert.throws(
      () => selectTasks(tasks, phases, { phase: 'Deploy' }),
      /No phase is called 'Deploy'. The phases are: 1 \(Setup\), 2 \(Build\)/,
    );
    assert.throws(() => selectTasks(tasks, phases, { tasks: ['zzz'] }), /No task has the id, key or number 'zzz'/);
  });
});
