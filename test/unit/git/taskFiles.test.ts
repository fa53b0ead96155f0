// The executor records the files at each task's start and end, so a pull request's commits hold
// each task's own changes: a real executor running real commands in a real repository.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointFiles } from '../../../src/core/git/checkpointFiles';
import { createSessionPullRequest } from '../../../src/core/git/sessionPullRequest';
import { WorkspaceSnapshots } from '../../../src/core/git/workspaceSnapshots';
import { nodeProcesses } from '../../../src/node/processes';
import { MemoryTaskLogs } from '../fakes/fakeProcesses';
import { ScriptedQuestions, makeExecWorld } from '../execution/world';
import { cleanup, git, makeRepo, tempDir, write } from './realRepo';
import { systemClock } from '../../../src/core/ports';

describe("the executor records each task's files for its pull-request commit", () => {
  it("running 'echo hi' and a writer, the branch has one commit per task holding only what each changed", async () => {
    const root = makeRepo();
    const storeDir = tempDir('store');
    const remote = path.join(tempDir('remote'), 'r.git');
    git(path.dirname(remote), 'init', '-q', '--bare', remote);
    git(root, 'remote', 'add', 'origin', remote);
    write(root, 'PLAN.md', '# a plan that was there before the session\n');
    const w = await makeExecWorld();
    const files = new CheckpointFiles(w.store, w.sessions, () => WorkspaceSnapshots.open(root, storeDir), w.clock);
    try {
      const executor = w.newExecutor({
        workspace: root,
        taskFiles: files,
        settings: () => ({ concurrency: 1, checkpointEvery: 0 }),
        ports: {
          processes: nodeProcesses,
          hostTasks: { run: async () => ({ code: null }) },
          trust: { isTrusted: () => true },
          logs: new MemoryTaskLogs(),
          questions: new ScriptedQuestions(),
        },
      });
      const echo = (
        await w.tasks.create({ title: 'echo hi', action: { kind: 'shell', command: 'echo', args: ['hi'] } })
      ).id;
      const writer = (
        await w.tasks.create({
          title: 'write made.txt',
          action: {
            kind: 'shell',
            command: process.execPath,
            args: ['-e', "require('fs').writeFileSync('made.txt', 'made by the task\\n')"],
          },
          dependsOn: [echo],
        })
      ).id;
      const sessionId = await w.session([echo, writer]);
      const summary = await (await executor.run(sessionId)).finished;
      assert.equal(summary.done, 2);
      const result = await createSessionPullRequest({ tasks: w.tasks, sessions: w.sessions, files }, sessionId, {
        remote: 'origin',
        github: {},
        token: async () => undefined,
      });
      assert.equal(result.outcome.kind, 'pushed');
      const branch = result.outcome.branch;
      const changedIn = (rev: string) =>
        git(remote, 'diff-tree', '-r', '--no-commit-id', '--name-only', rev).trim().split('\n').filter(Boolean);
      assert.deepEqual(git(remote, 'log', '--format=%s', branch, '-2').trim().split('\n'), [
        'write made.txt',
        'echo hi',
      ]);
      assert.deepEqual(changedIn(`${branch}~1`), []);
      assert.deepEqual(changedIn(branch), ['made.txt']);
      assert.ok(result.leftOut?.includes('PLAN.md'));
    } finally {
      files.dispose();
      await w.store.close();
      cleanup(root, storeDir, path.dirname(remote));
    }
  }).timeout(90_000);

  it("two tasks each writing a file while the person edits a third: one commit per task with only its file; the person's edit stays out and the body says so", async () => {
    const root = makeRepo();
    const storeDir = tempDir('store');
    const remote = path.join(tempDir('remote'), 'r.git');
    git(path.dirname(remote), 'init', '-q', '--bare', remote);
    git(root, 'remote', 'add', 'origin', remote);
    write(root, 'README.md', '# the project\n');
    git(root, 'add', 'README.md');
    git(root, 'commit', '-q', '-m', 'readme');
    git(root, 'push', '-q', 'origin', 'HEAD:main');
    const w = await makeExecWorld();
    // as in a VS Code window under load: a file watcher tells of changed paths, but half a second late
    const files = new CheckpointFiles(w.store, w.sessions, () => WorkspaceSnapshots.open(root, storeDir), systemClock);
    files.trackChanges(20);
    const seen = new Map<string, number>();
    const lateWatcher = setInterval(() => {
      for (const name of ['first.txt', 'second.txt', 'README.md']) {
        const at = path.join(root, name);
        const mtime = fs.existsSync(at) ? fs.statSync(at).mtimeMs : 0;
        if (seen.get(name) === mtime) continue;
        seen.set(name, mtime);
        setTimeout(() => files.noteChanged([at]), 500);
      }
    }, 5);
    const writeFile = (name: string) => ({
      kind: 'shell' as const,
      command: process.execPath,
      args: ['-e', `require('fs').writeFileSync(${JSON.stringify(name)}, 'made by a task\\n')`],
    });
    try {
      const executor = w.newExecutor({
        workspace: root,
        taskFiles: files,
        settings: () => ({ concurrency: 1, checkpointEvery: 0 }),
        ports: {
          processes: nodeProcesses,
          hostTasks: { run: async () => ({ code: null }) },
          trust: { isTrusted: () => true },
          logs: new MemoryTaskLogs(),
          questions: new ScriptedQuestions(),
        },
      });
      const first = (await w.tasks.create({ title: 'write first.txt', action: writeFile('first.txt') })).id;
      const second = (
        await w.tasks.create({ title: 'write second.txt', action: writeFile('second.txt'), dependsOn: [first] })
      ).id;
      // the person edits README.md as soon as they see the first task done, before the second starts
      let edited = false;
      const watch = w.tasks.onDidChange(() => {
        if (edited || w.tasks.get(first)?.status !== 'done') return;
        edited = true;
        write(root, 'README.md', '# edited by the person while the session ran\n');
      });
      const sessionId = await w.session([first, second]);
      const summary = await (await executor.run(sessionId)).finished;
      watch.dispose();
      assert.equal(summary.done, 2);
      assert.ok(edited, 'the person edited README.md between the tasks');
      const result = await createSessionPullRequest({ tasks: w.tasks, sessions: w.sessions, files }, sessionId, {
        remote: 'origin',
        github: {},
        token: async () => undefined,
      });
      assert.equal(result.outcome.kind, 'pushed');
      const branch = result.outcome.branch;
      const changedIn = (rev: string) =>
        git(remote, 'diff-tree', '-r', '--no-commit-id', '--name-only', rev).trim().split('\n').filter(Boolean);
      assert.deepEqual(git(remote, 'log', '--format=%s', `main..${branch}`).trim().split('\n'), [
        'write second.txt',
        'write first.txt',
      ]);
      assert.deepEqual(changedIn(`${branch}~1`), ['first.txt']);
      assert.deepEqual(changedIn(branch), ['second.txt']);
      assert.equal(
        git(remote, 'show', `${branch}:README.md`),
        git(root, 'show', 'HEAD:README.md'),
        'the branch has README.md as the session found it',
      );
      assert.ok(result.leftOut?.includes('README.md'), `left out: ${result.leftOut?.join(', ')}`);
      assert.match(result.body ?? '', /### Not in this pull request[\s\S]*`README\.md`/);
    } finally {
      clearInterval(lateWatcher);
      files.dispose();
      await w.store.close();
      cleanup(root, storeDir, path.dirname(remote));
    }
  }).timeout(90_000);

  it('tasks that start (or end) together cost one read of the files, and each still gets its own record', async () => {
    const root = makeRepo();
    const storeDir = tempDir('store');
    const w = await makeExecWorld();
    let reads = 0;
    const files = new CheckpointFiles(
      w.store,
      w.sessions,
      async () => {
        const snapshots = await WorkspaceSnapshots.open(root, storeDir);
        const capture = snapshots.captureTree.bind(snapshots);
        snapshots.captureTree = paths => {
          reads++;
          return capture(paths);
        };
        return snapshots;
      },
      w.clock,
    );
    try {
      await Promise.all(['a', 'b', 'c'].map(t => files.taskBoundary('s', t, 'start')));
      assert.equal(reads, 1);
      write(root, 'made-by-b.txt', 'b\n');
      await Promise.all(['a', 'b', 'c'].map(t => files.taskBoundary('s', t, 'end')));
      assert.equal(reads, 2);
      const trees = await files.taskTrees('s');
      assert.deepEqual([...trees.keys()].sort(), ['a', 'b', 'c']);
      assert.deepEqual(await files.pathsBetween(trees.get('b')!.start, trees.get('b')!.end), ['made-by-b.txt']);
    } finally {
      files.dispose();
      await w.store.close();
      cleanup(root, storeDir);
    }
  });
});
