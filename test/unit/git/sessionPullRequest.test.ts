import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { CheckpointFiles } from '../../../src/core/git/checkpointFiles';
import { githubEndpoint } from '../../../src/core/git/githubEndpoint';
import {
  createSessionPullRequest,
  recordSessionStart,
  sessionStart,
  taskCommits,
} from '../../../src/core/git/sessionPullRequest';
import { WorkspaceSnapshots } from '../../../src/core/git/workspaceSnapshots';
import { sequentialIds } from '../../../src/core/ids';
import { SessionManager } from '../../../src/core/sessions/sessionManager';
import type { Store } from '../../../src/core/store/types';
import type { Task } from '../../../src/core/tasks/model';
import { TaskManager } from '../../../src/core/tasks/taskManager';
import { counterIds, openTestStore } from '../context/openTestStore';
import type { FakeClock } from '../fakes/fakeClock';
import { cleanup, git, makeRepo, tempDir, write } from './realRepo';

const task = (id: string, completedAt: number, extra: Partial<Task> = {}): Task => ({
  id,
  title: `Task ${id}`,
  description: '',
  status: 'done',
  priority: 'normal',
  progress: 100,
  attempts: 1,
  maxAttempts: 3,
  capabilities: [],
  dependsOn: [],
  createdAt: 0,
  updatedAt: completedAt,
  completedAt,
  ...extra,
});

describe('a session as a pull request: commits from the task graph and its checkpoints', () => {
  it('gives each done task the first snapshot after it; tasks sharing one snapshot say where their files went', () => {
    const commits = taskCommits(
      [
        task('c', 30),
        task('a', 10, {
          action: { kind: 'shell', command: 'npm', args: ['run', 'gen'], verify: 'npm test' },
          result: 'exit 0',
        }),
        task('b', 20),
        task('x', 5, { status: 'failed' }),
      ],
      [
        { checkpointCreatedAt: 15, tree: 'tree-A' },
        { checkpointCreatedAt: 35, tree: 'tree-B' },
      ],
    );
    assert.deepEqual(
      commits.map(c => [c.title, c.tree]),
      [
        ['Task a', 'tree-A'],
        ['Task b', undefined],
        ['Task c', 'tree-B'],
      ],
    );
    // the last task gets the newest snapshot, so the branch ends with the session's latest files
    const later = taskCommits(
      [task('a', 10), task('b', 20), task('c', 30)],
      [
        { checkpointCreatedAt: 15, tree: 'tree-A' },
        { checkpointCreatedAt: 35, tree: 'tree-B' },
        { checkpointCreatedAt: 40, tree: 'tree-C' },
      ],
    );
    assert.deepEqual(
      later.map(c => c.tree),
      ['tree-A', 'tree-B', 'tree-C'],
    );
    assert.match(commits[0].body, /^Ran: npm run gen\nResult: exit 0\nVerify: `npm test` passed\.$/);
    assert.match(
      commits[1].body,
      /Files: its file changes are in a later commit \('Task c'\): no checkpoint was saved between them/,
    );
  });

  it('finds the GitHub API and sign-in for github.com and GitHub Enterprise remotes', () => {
    assert.deepEqual(githubEndpoint('git@github.com:acme/widgets.git', {}), {
      repo: { host: 'github.com', owner: 'acme', repo: 'widgets' },
      apiBase: 'https://api.github.com',
      authenticationProvider: 'github',
    });
    assert.deepEqual(githubEndpoint('https://ghe.acme.io/team/app.git', { enterpriseUri: 'https://ghe.acme.io' }), {
      repo: { host: 'ghe.acme.io', owner: 'team', repo: 'app' },
      enterpriseHost: 'ghe.acme.io',
      apiBase: 'https://ghe.acme.io/api/v3',
      authenticationProvider: 'github-enterprise',
    });
    const configured = githubEndpoint('https://ghe.acme.io/team/app.git', {
      apiBaseUrl: 'https://ghe.acme.io/api/v3/',
      authenticationProvider: 'my-provider',
    });
    assert.equal(configured.apiBase, 'https://ghe.acme.io/api/v3');
    assert.equal(configured.authenticationProvider, 'my-provider');
    assert.equal(githubEndpoint('https://gitlab.com/acme/widgets.git', {}).repo, undefined);
  });

  describe('against a real repository, a bare remote and a local GitHub API', () => {
    let root: string;
    let storeDir: string;
    let remote: string;
    let store: Store;
    let clock: FakeClock;
    let sessions: SessionManager;
    let tasks: TaskManager;
    let files: CheckpointFiles;
    let server: Server;
    let apiBase: string;
    let seen: Array<{ url?: string; headers: IncomingHttpHeaders; body: string }>;

    beforeEach(async () => {
      root = makeRepo();
      storeDir = tempDir('store');
      remote = path.join(tempDir('remote'), 'widgets.git');
      git(path.dirname(remote), 'init', '-q', '--bare', remote);
      git(root, 'remote', 'add', 'origin', 'https://github.com/acme/widgets.git');
      git(root, 'config', `url.${remote}.insteadOf`, 'https://github.com/acme/widgets.git');
      ({ store, clock } = await openTestStore());
      sessions = new SessionManager(store, clock, { ids: counterIds() });
      tasks = new TaskManager(store, clock, sequentialIds());
      files = new CheckpointFiles(store, sessions, () => WorkspaceSnapshots.open(root, storeDir), clock);
      seen = [];
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString();
        });
        req.on('end', () => {
          seen.push({ url: req.url, headers: req.headers, body });
          res.writeHead(201, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ number: 12, html_url: 'https://github.com/acme/widgets/pull/12' }));
        });
      });
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
      apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      server.close();
      files.dispose();
      await store.close();
      cleanup(root, storeDir, path.dirname(remote));
    });

    /** Two tasks done with a checkpoint after the first only; a third failed. */
    async function runSession(name: string): Promise<string> {
      const [one, two, three] = await tasks.createMany([
        { title: 'Add the a constant' },
        { title: 'Add the c file', action: { kind: 'shell', command: 'node', args: ['gen.js'], verify: 'npm test' } },
        { title: 'Flaky thing' },
      ]);
      const session = await sessions.create({ name, taskIds: [one.id, two.id, three.id] });
      assert.ok(await recordSessionStart({ gitDir: path.join(root, '.git'), workTree: root }, session.id));
      write(root, 'src/a.ts', 'export const a = "changed by task 1";\n');
      clock.advance(1000);
      await tasks.setStatus(one.id, 'done', 'executor');
      clock.advance(1000);
      await files.createCheckpoint({ sessionId: session.id, trigger: 'every-n-tasks' }, 'executor');
      write(root, 'src/c.ts', 'export const c = 3;\n');
      clock.advance(1000);
      await tasks.setStatus(two.id, 'done', 'executor', { result: 'generated src/c.ts' });
      await tasks.setStatus(three.id, 'failed', 'executor', { error: 'it broke' });
      return session.id;
    }

    it('pushes one commit per done task from the start commit and opens the pull request with the sign-in token', async () => {
      const start = git(root, 'rev-parse', 'HEAD').trim();
      const sessionId = await runSession('Widgets refactor');
      git(root, 'commit', '-q', '--allow-empty', '-m', 'the user moves on'); // HEAD moves; the branch still starts at the session's start
      const asked: string[] = [];
      const result = await createSessionPullRequest({ tasks, sessions, files }, sessionId, {
        remote: 'origin',
        github: { apiBaseUrl: apiBase },
        token: async provider => {
          asked.push(provider);
          return 'gho_token';
        },
      });
      assert.deepEqual(result.outcome, {
        kind: 'pull-request',
        branch: 'continuum/widgets-refactor',
        url: 'https://github.com/acme/widgets/pull/12',
        number: 12,
      });
      assert.deepEqual(asked, ['github']);
      assert.equal(result.commits, 2);
      assert.deepEqual(result.notes, []);
      assert.equal(await sessionStart({ gitDir: path.join(root, '.git'), workTree: root }, sessionId), start);
      // on the remote: two commits on top of the start commit, the second with the task's files and body
      assert.equal(git(remote, 'rev-parse', 'continuum/widgets-refactor~2').trim(), start);
      assert.deepEqual(git(remote, 'log', '--format=%s', 'continuum/widgets-refactor', '-2').trim().split('\n'), [
        'Add the c file',
        'Add the a constant',
      ]);
      assert.equal(
        git(remote, 'show', 'continuum/widgets-refactor~1:src/a.ts'),
        'export const a = "changed by task 1";\n',
      );
      assert.equal(
        spawnSync('git', ['cat-file', '-e', 'continuum/widgets-refactor~1:src/c.ts'], { cwd: remote }).status,
        128,
        "task 1's commit does not hold task 2's file",
      );
      assert.equal(git(remote, 'show', 'continuum/widgets-refactor:src/c.ts'), 'export const c = 3;\n');
      assert.match(
        git(remote, 'log', '-1', '--format=%b', 'continuum/widgets-refactor'),
        /Ran: node gen\.js\nResult: generated src\/c\.ts\nVerify: `npm test` passed\./,
      );
      // a checkpoint was saved for the files of the task done after the last one
      assert.equal(sessions.listCheckpoints(sessionId)[0].note, 'The files of the pull request');
      // the request GitHub got
      assert.equal(seen.length, 1);
      assert.equal(seen[0].url, '/repos/acme/widgets/pulls');
      assert.equal(seen[0].headers.authorization, 'Bearer gho_token');
      const body = JSON.parse(seen[0].body) as Record<string, string>;
      assert.equal(body.head, 'continuum/widgets-refactor');
      assert.equal(body.base, 'main');
      assert.equal(body.title, 'Widgets refactor (Continuum: 2/3 tasks done)');
      assert.match(body.body, /### Done \(2\)\n- Add the a constant\n- Add the c file/);
      assert.match(body.body, /### Failed \(1\)\n- Flaky thing/);
      assert.match(body.body, /2 checkpoints saved/);
    }).timeout(30000);

    it("without a sign-in, pushes and gives the compare link; the user's branch and HEAD stay where they were", async () => {
      const sessionId = await runSession('No token');
      const head = git(root, 'rev-parse', 'HEAD').trim();
      const result = await createSessionPullRequest({ tasks, sessions, files }, sessionId, {
        remote: 'origin',
        github: { apiBaseUrl: apiBase },
        token: async () => undefined,
      });
      assert.equal(result.outcome.kind, 'pushed');
      assert.equal(
        result.outcome.kind === 'pushed' && result.outcome.compareUrl,
        'https://github.com/acme/widgets/compare/main...continuum%2Fno-token?expand=1',
      );
      assert.equal(seen.length, 0);
      assert.equal(git(root, 'rev-parse', 'HEAD').trim(), head);
      assert.equal(git(root, 'symbolic-ref', '--short', 'HEAD').trim(), 'main');
    }).timeout(30000);

    it('does not ask for a sign-in for a remote that is not on GitHub, and says when the start was not recorded', async () => {
      git(root, 'remote', 'set-url', 'origin', remote);
      const [one] = await tasks.createMany([{ title: 'Only task' }]);
      const session = await sessions.create({ name: 'plain remote', taskIds: [one.id] });
      write(root, 'src/a.ts', 'export const a = "two";\n'); // a different size: a same-size edit within the second the index was written is racy for git's stat check (see the report)
      clock.advance(1000);
      await tasks.setStatus(one.id, 'done', 'executor');
      const result = await createSessionPullRequest({ tasks, sessions, files }, session.id, {
        remote: 'origin',
        github: {},
        token: () => assert.fail('no sign-in is needed for a plain git remote'),
      });
      assert.equal(result.outcome.kind, 'pushed');
      assert.match(result.notes.join(), /not recorded.*current HEAD/);
      assert.equal(git(remote, 'show', 'continuum/plain-remote:src/a.ts'), 'export const a = "two";\n');
    }).timeout(30000);

    it("gives each task's commit only the files changed while it ran; a person's edits and files from before the session stay out, and the body says so", async () => {
      write(root, 'PLAN.md', Array.from({ length: 491 }, (_, i) => `- [ ] step ${i}`).join('\n')); // untracked, there before the session
      const [echo, gen, sleep, docs] = await tasks.createMany([
        { title: 'echo hi', action: { kind: 'shell', command: 'echo', args: ['hi'] } },
        { title: 'Generate c', action: { kind: 'shell', command: 'node', args: ['gen.js'] } },
        { title: 'sleep 3', action: { kind: 'shell', command: 'sleep', args: ['3'] } },
        { title: 'Write the docs', action: { kind: 'shell', command: 'node', args: ['docs.js'] } },
      ]);
      const session = await sessions.create({ name: 'Attributed', taskIds: [echo.id, gen.id, sleep.id, docs.id] });
      assert.ok(await recordSessionStart({ gitDir: path.join(root, '.git'), workTree: root }, session.id));
      const done = async (id: string) => {
        clock.advance(1000);
        await tasks.setStatus(id, 'done', 'executor');
      };
      // as the executor does: the files recorded at each task's start and end
      await files.taskBoundary(session.id, echo.id, 'start');
      await files.taskBoundary(session.id, echo.id, 'end');
      await done(echo.id);
      write(root, 'src/b.ts', 'export const b = "a person\'s own edit";\n'); // between tasks: nobody's task
      await files.taskBoundary(session.id, gen.id, 'start');
      write(root, 'src/c.ts', 'export const c = 3;\n');
      // 'sleep 3' starts while 'Generate c' runs, and ends after it: they overlap
      await files.taskBoundary(session.id, sleep.id, 'start');
      write(root, 'src/d.ts', 'export const d = 4; // made while both ran\n');
      await files.taskBoundary(session.id, gen.id, 'end');
      await done(gen.id);
      await files.taskBoundary(session.id, sleep.id, 'end');
      await done(sleep.id);
      await files.taskBoundary(session.id, docs.id, 'start');
      write(root, 'docs/guide.md', '# Guide\n');
      write(root, 'src/a.ts', 'export const a = "docs task";\n');
      await files.taskBoundary(session.id, docs.id, 'end');
      await done(docs.id);
      write(root, 'src/a.ts', 'export const a = "the person again";\n'); // after the last task
      const result = await createSessionPullRequest({ tasks, sessions, files }, session.id, {
        remote: 'origin',
        github: { apiBaseUrl: apiBase },
        token: async () => 'gho_token',
      });
      assert.equal(result.outcome.kind, 'pull-request');
      const branch = 'continuum/attributed';
      const changedIn = (rev: string) =>
        git(remote, 'diff-tree', '-r', '--no-commit-id', '--name-only', '--root', rev)
          .trim()
          .split('\n')
          .filter(Boolean);
      assert.deepEqual(git(remote, 'log', '--format=%s', branch, '-4').trim().split('\n'), [
        'Write the docs',
        'sleep 3',
        'Generate c',
        'echo hi',
      ]);
      assert.deepEqual(changedIn(`${branch}~3`), [], "'echo hi' carries no file");
      assert.deepEqual(
        changedIn(`${branch}~2`),
        ['src/c.ts', 'src/d.ts'],
        'the overlapping change goes to the task that finished first',
      );
      assert.deepEqual(
        changedIn(`${branch}~1`),
        [],
        "'sleep 3' carries neither the person's edit nor the other task's files",
      );
      assert.deepEqual(changedIn(branch), ['docs/guide.md', 'src/a.ts']);
      assert.equal(git(remote, 'show', `${branch}:src/a.ts`), 'export const a = "docs task";\n');
      assert.equal(git(remote, 'show', `${branch}:src/b.ts`), 'export const b = 1;\n', "the person's edit stays out");
      assert.equal(
        spawnSync('git', ['cat-file', '-e', `${branch}:PLAN.md`], { cwd: remote }).status,
        128,
        'the plan from before the session stays out',
      );
      assert.deepEqual(
        result.leftOut,
        ['PLAN.md', 'notes.txt', 'src/a.ts', 'src/b.ts', 'vendor/lib'],
        "there before the session, or a person's edits",
      );
      const body = (JSON.parse(seen[0].body) as Record<string, string>).body;
      assert.match(body, /### Not in this pull request \(5\)[^]*- `PLAN\.md`[^]*- `src\/b\.ts`/);
      assert.match(
        result.notes.join(' '),
        /5 changed files were not made by any task \(your own edits, or files there before the session\): 'PLAN\.md', 'notes\.txt', 'src\/a\.ts' and 2 more\. Such files stay out of the pull request/,
      );
    }).timeout(60000);

    it('refuses with what to do: no such remote, no done task', async () => {
      const [one] = await tasks.createMany([{ title: 'Not yet' }]);
      const session = await sessions.create({ name: 'idle', taskIds: [one.id] });
      await assert.rejects(
        createSessionPullRequest({ tasks, sessions, files }, session.id, {
          remote: 'upstream',
          github: {},
          token: async () => undefined,
        }),
        /no remote named 'upstream'.*continuum\.git\.remote/,
      );
      await assert.rejects(
        createSessionPullRequest({ tasks, sessions, files }, session.id, {
          remote: 'origin',
          github: {},
          token: async () => undefined,
        }),
        /no completed task yet/,
      );
    });
  });
});
