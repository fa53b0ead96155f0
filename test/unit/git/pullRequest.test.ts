import * as assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import {
  deliverPullRequest,
  parseGitHubRemote,
  pullRequestBody,
  type TaskCommit,
} from '../../../src/core/git/pullRequest';
import { WorkspaceSnapshots } from '../../../src/core/git/workspaceSnapshots';
import { cleanup, fingerprint, git, makeRepo, tempDir, write } from './realRepo';

describe('pull requests from a session', () => {
  let root: string;
  let remote: string;
  let storeDir: string;
  let start: string;
  let commits: TaskCommit[];

  beforeEach(async () => {
    root = makeRepo();
    storeDir = tempDir('store');
    remote = path.join(tempDir('remote'), 'remote.git');
    git(path.dirname(remote), 'init', '-q', '--bare', remote);
    start = git(root, 'rev-parse', 'HEAD').trim();
    const snapshots = await WorkspaceSnapshots.open(root, storeDir);
    write(root, 'src/a.ts', 'export const a = "task 1";\n');
    const one = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/1', message: 'task 1' });
    write(root, 'src/c.ts', 'export const c = "task 2";\n');
    const two = await snapshots.snapshot({ ref: 'refs/continuum/checkpoints/s/2', message: 'task 2', parent: one });
    commits = [
      { title: 'Add the a constant', body: 'Ran: edit a\nVerify: npm test passed', tree: one.tree },
      { title: 'Add the c constant', body: 'Verify: none', tree: two.tree },
    ];
  });
  afterEach(() => cleanup(root, storeDir, path.dirname(remote)));

  const options = (extra: Partial<Parameters<typeof deliverPullRequest>[0]> = {}) => ({
    repoDir: root,
    gitDir: path.join(root, '.git'),
    snapshotGitDir: path.join(storeDir, 'snapshots', 'repo.git'),
    sessionName: 'Refactor the parser!',
    startCommit: start,
    commits,
    remote: 'origin',
    baseBranch: 'main',
    title: 'Refactor the parser',
    body: 'the body',
    apiBase: 'http://127.0.0.1:1',
    ...extra,
  });

  it('pushes continuum/<slug> with one commit per task to a non-GitHub remote, touching nothing of the user', async () => {
    git(root, 'remote', 'add', 'origin', remote);
    const before = fingerprint(root);
    const outcome = await deliverPullRequest(options());
    assert.equal(outcome.kind, 'pushed');
    assert.equal(outcome.branch, 'continuum/refactor-the-parser');
    assert.deepEqual(git(remote, 'log', '--format=%s', `${start}..continuum/refactor-the-parser`).trim().split('\n'), [
      'Add the c constant',
      'Add the a constant',
    ]);
    assert.match(git(remote, 'log', '-1', '--format=%b', 'continuum/refactor-the-parser~1'), /Verify: npm test passed/);
    const after = fingerprint(root);
    assert.equal(after.HEAD, before.HEAD);
    assert.equal(after.index, before.index);
    assert.equal(after.stash, before.stash);
  });

  it("opens the pull request through GitHub's REST API with the sign-in token, after the push", async () => {
    git(root, 'remote', 'add', 'origin', 'https://github.com/acme/widgets.git');
    git(root, 'config', `url.${remote}.pushInsteadOf`, 'https://github.com/acme/widgets.git');
    const seen: Array<{ url?: string; method?: string; headers: IncomingHttpHeaders; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({ url: req.url, method: req.method, headers: req.headers, body });
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ number: 7, html_url: 'https://github.com/acme/widgets/pull/7', state: 'open' }));
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`;
      const outcome = await deliverPullRequest(
        options({
          apiBase,
          token: 'gho_secret',
          body: pullRequestBody(
            'Refactor',
            [
              { title: 'Add a', status: 'done' },
              { title: 'Add b', status: 'failed' },
            ],
            3,
          ),
        }),
      );
      assert.deepEqual(outcome, {
        kind: 'pull-request',
        branch: 'continuum/refactor-the-parser',
        url: 'https://github.com/acme/widgets/pull/7',
        number: 7,
      });
      assert.equal(seen.length, 1);
      assert.equal(seen[0].method, 'POST');
      assert.equal(seen[0].url, '/api/v3/repos/acme/widgets/pulls');
      assert.equal(seen[0].headers.authorization, 'Bearer gho_secret');
      assert.equal(seen[0].headers.accept, 'application/vnd.github+json');
      const body = JSON.parse(seen[0].body) as Record<string, string>;
      assert.deepEqual(Object.keys(body).sort(), ['base', 'body', 'head', 'title']);
      assert.equal(body.head, 'continuum/refactor-the-parser');
      assert.equal(body.base, 'main');
      assert.match(body.body, /### Done \(1\)\n- Add a/);
      assert.match(body.body, /### Failed \(1\)\n- Add b/);
      assert.match(body.body, /3 checkpoints saved/);
      assert.equal(
        git(remote, 'rev-parse', 'continuum/refactor-the-parser').trim(),
        git(root, 'rev-parse', 'continuum/refactor-the-parser').trim(),
      );
    } finally {
      server.close();
    }
  });

  it('without a GitHub sign-in, pushes and gives the compare link', async () => {
    git(root, 'remote', 'add', 'origin', 'git@github.com:acme/widgets.git');
    git(root, 'config', `url.${remote}.pushInsteadOf`, 'git@github.com:acme/widgets.git');
    const outcome = await deliverPullRequest(options());
    assert.equal(outcome.kind, 'pushed');
    assert.equal(
      outcome.kind === 'pushed' && outcome.compareUrl,
      'https://github.com/acme/widgets/compare/main...continuum%2Frefactor-the-parser?expand=1',
    );
  });

  it('when the push is refused, keeps the local branch and says so', async () => {
    git(root, 'remote', 'add', 'origin', remote);
    const hook = path.join(remote, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "pushes are closed" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const outcome = await deliverPullRequest(options());
    assert.equal(outcome.kind, 'local-branch');
    assert.match(
      outcome.kind === 'local-branch' ? outcome.reason : '',
      /^The push to 'origin' was refused \(pre-receive hook declined; pushes are closed\); the branch is kept locally/,
    );
    assert.ok(git(root, 'rev-parse', 'continuum/refactor-the-parser').trim());
  });

  it('never moves an existing branch of that name', async () => {
    git(root, 'remote', 'add', 'origin', remote);
    git(root, 'branch', 'continuum/refactor-the-parser');
    await assert.rejects(deliverPullRequest(options()), /already exists/);
  });

  it('recognises GitHub and GitHub Enterprise remotes only', () => {
    assert.deepEqual(parseGitHubRemote('https://github.com/acme/widgets.git'), {
      host: 'github.com',
      owner: 'acme',
      repo: 'widgets',
    });
    assert.deepEqual(parseGitHubRemote('git@github.com:acme/widgets'), {
      host: 'github.com',
      owner: 'acme',
      repo: 'widgets',
    });
    assert.deepEqual(parseGitHubRemote('ssh://git@ghe.example.com/acme/widgets.git', 'ghe.example.com'), {
      host: 'ghe.example.com',
      owner: 'acme',
      repo: 'widgets',
    });
    assert.equal(parseGitHubRemote('https://gitlab.com/acme/widgets.git'), undefined);
    assert.equal(parseGitHubRemote('/srv/git/widgets.git'), undefined);
  });
});
