// The executor records the files at each task's start and end, so a pull request's commits hold
// each task's own changes: a real executor running real commands in a real repository.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { CheckpointFiles } from '../../../src/core/git/checkpointFiles';
import { createSessionPullRequest } from '../../../src/core/git/sessionPullRequest';
import { WorkspaceSnapshots } from '../../../src/core/git/workspaceSnapshots';
import { nodeProcesses } from '../../../src/node/processes';
import { MemoryTaskLogs } from '../fakes/fakeProcesses';
import { ScriptedQuestions, makeExecWorld } from '../execution/world';
import { cleanup, git, makeRepo, tempDir, write } from './realRepo';

describe('the executor records each task\'s files for its pull-request commit', () => {
  it('running \'echo hi\' and a writer, the branch has one commit per task holding only what each changed', async () => {
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
        workspace: root, taskFiles: files, settings: () => ({ concurrency: 1, checkpointEvery: 0 }),
        ports: { processes: nodeProcesses, hostTasks: { run: async () => ({ code: null }) }, trust: { isTrusted: () => true }, logs: new MemoryTaskLogs(), questions: new ScriptedQuestions() },
      });
      const echo = (await w.tasks.create({ title: 'echo hi', action: { kind: 'shell', command: 'echo', args: ['hi'] } })).id;
      const writer = (await w.tasks.create({ title: 'write made.txt', action: { kind: 'shell', command: process.execPath, args: ['-e', "require('fs').writeFileSync('made.txt', 'made by the task\\n')"] }, dependsOn: [echo] })).id;
      const sessionId = await w.session([echo, writer]);
      const summary = await (await executor.run(sessionId)).finished;
      assert.equal(summary.done, 2);
      const result = await createSessionPullRequest({ tasks: w.tasks, sessions: w.sessions, files }, sessionId, { remote: 'origin', github: {}, token: async () => undefined });
      assert.equal(result.outcome.kind, 'pushed');
      const branch = result.outcome.branch;
      const changedIn = (rev: string) => git(remote, 'diff-tree', '-r', '--no-commit-id', '--name-only', rev).trim().split('\n').filter(Boolean);
      assert.deepEqual(git(remote, 'log', '--format=%s', branch, '-2').trim().split('\n'), ['write made.txt', 'echo hi']);
      assert.deepEqual(changedIn(`${branch}~1`), []);
      assert.deepEqual(changedIn(branch), ['made.txt']);
      assert.ok(result.leftOut?.includes('PLAN.md'));
    } finally {
      files.dispose();
      await w.store.close();
      cleanup(root, storeDir, path.dirname(remote));
    }
  }).timeout(90_000);
});
