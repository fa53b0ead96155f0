// Pull requests in a real extension host, against real git and a local stand-in for GitHub's API.
//
// The workspace becomes a git repository for this suite (the store is reopened so the snapshots use
// it), whose remote is https://github.com/acme/widgets.git — rewritten by git's url.<bare>.insteadOf
// to a real bare repository, so pushes are real. continuum.github.apiBaseUrl points at a local HTTP
// server answering POST /repos/{owner}/{repo}/pulls as GitHub does (201, html_url, number …).
//
// The sign-in is VS Code's own authentication API: the suite registers an authentication provider
// and points continuum.github.authenticationProvider at it (the test VS Code ships the built-in
// 'github' provider, so that id is taken). VS Code lets an extension read a session only after the
// user granted it access; the suite grants it the way a user does — the Accounts menu's access
// request (its command) and the account picked in the quick pick that follows.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Continuum } from '../../../src/core/continuum';
import { sessionSlug } from '../../../src/core/git/pullRequest';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { removeSuiteWork } from './cleanup';
import { ScriptedPrompter } from './prompter';
import { screenshot, waitForVisible } from './screenshot';
import { poller } from './wait';

const until = poller(30000);
const providerId = 'continuum-test-github';
const token = 'gho_continuum_test_token';

/** A GitHub sign-in the test controls: signed in (one account with the 'repo' scope) or not. */
class TestGitHubSignIn implements vscode.AuthenticationProvider {
  private readonly changes = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changes.event;
  private sessions: vscode.AuthenticationSession[] = [];

  signIn(): void {
    const session = {
      id: 'test-session',
      accessToken: token,
      account: { id: 'octo', label: 'octo-test' },
      scopes: ['repo'],
    };
    this.sessions = [session];
    this.changes.fire({ added: [session], removed: [], changed: [] });
  }

  signOut(): void {
    const removed = this.sessions;
    this.sessions = [];
    this.changes.fire({ added: [], removed, changed: [] });
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    return this.sessions.filter(s => !scopes || scopes.every(x => s.scopes.includes(x)));
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    throw new Error('the test signs in through signIn()');
  }

  async removeSession(): Promise<void> {
    this.signOut();
  }
}

/** Answers what the test scripts, and shows every other notification for real (to be seen and screenshot). */
class ShowingPrompter extends ScriptedPrompter {
  override async notify(kind: string, message: string, ...actions: string[]): Promise<string | undefined> {
    const answer = await super.notify(kind, message, ...actions);
    if (answer === undefined) {
      void (kind === 'error'
        ? vscode.window.showErrorMessage(message, ...actions)
        : kind === 'warning'
          ? vscode.window.showWarningMessage(message, ...actions)
          : vscode.window.showInformationMessage(message, ...actions));
    }
    return answer;
  }
}

function git(cwd: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return execFileSync(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args],
    { cwd, env, encoding: 'utf8' },
  );
}

interface SeenRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

suite('Pull requests', () => {
  let api: ContinuumApi;
  const prompter = new ShowingPrompter();
  const signIn = new TestGitHubSignIn();
  const mine = { tasks: [] as string[], sessions: [] as string[] };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-pr-it-'));
  const bare = path.join(tmp, 'widgets.git');
  const seen: SeenRequest[] = [];
  let server: Server;
  let registration: vscode.Disposable;
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.workspace.getConfiguration('continuum');
  const settings = [
    'github.apiBaseUrl',
    'github.authenticationProvider',
    'executor.checkpointEvery',
    'git.autoPullRequest',
  ];
  const written = (name: string) => path.join(root(), `pr-${name}.txt`);

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    api.testing.setPrompter(prompter);
    const core = await api.ready();
    for (const s of core.sessions.list().filter(x => x.status === 'running'))
      await core.sessions.pause(s.id, 'paused by the pull requests suite');

    // the workspace as a repository with one commit, its GitHub remote rewritten to a real bare repository
    git(tmp, 'init', '-q', '--bare', bare);
    git(root(), 'init', '-q');
    git(root(), 'add', '-A');
    git(root(), 'commit', '-q', '-m', 'The sample project');
    git(root(), 'remote', 'add', 'origin', 'https://github.com/acme/widgets.git');
    git(root(), 'config', `url.${bare}.insteadOf`, 'https://github.com/acme/widgets.git');
    git(root(), 'push', '-q', '-u', 'origin', 'main');
    await api.testing.reopen(); // the snapshots now go into the workspace's own repository

    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.method !== 'POST' || req.url !== '/repos/acme/widgets/pulls') {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }));
          return;
        }
        const number = 41 + seen.filter(r => r.url === req.url).length;
        const { head, base, title } = JSON.parse(body) as { head: string; base: string; title: string };
        res.writeHead(201, {
          'Content-Type': 'application/json',
          Location: `https://api.github.com/repos/acme/widgets/pulls/${number}`,
        });
        res.end(
          JSON.stringify({
            id: 1000 + number,
            number,
            state: 'open',
            title,
            html_url: `https://github.com/acme/widgets/pull/${number}`,
            url: `https://api.github.com/repos/acme/widgets/pulls/${number}`,
            head: { ref: head },
            base: { ref: base },
            draft: false,
          }),
        );
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    await config().update(
      'github.apiBaseUrl',
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      vscode.ConfigurationTarget.Global,
    );
    await config().update('github.authenticationProvider', providerId, vscode.ConfigurationTarget.Global);
    await config().update('executor.checkpointEvery', 1, vscode.ConfigurationTarget.Global);
    registration = vscode.authentication.registerAuthenticationProvider(providerId, 'Test GitHub', signIn, {
      supportsMultipleAccounts: true,
    });
  });

  suiteTeardown(async () => {
    api.testing.setPrompter(undefined);
    for (const s of settings) await config().update(s, undefined, vscode.ConfigurationTarget.Global);
    registration?.dispose();
    server?.close();
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
    const core = await api.ready();
    await removeSuiteWork(core, mine, 'pull requests');
    // leave the sample workspace as the suites after this one expect it: no repository, no files of ours
    fs.rmSync(path.join(root(), '.git'), { recursive: true, force: true });
    for (const f of fs.readdirSync(root()).filter(f => /^pr-.*\.txt$/.test(f))) fs.rmSync(path.join(root(), f));
    await api.testing.reopen();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const shellTask = async (
    core: Continuum,
    title: string,
    command: string,
    extra: { dependsOn?: string[]; verify?: string } = {},
  ) => {
    const t = await core.tasks.create({
      title,
      action: { kind: 'shell', command, ...(extra.verify ? { verify: extra.verify } : {}) },
      dependsOn: extra.dependsOn ?? [],
    });
    mine.tasks.push(t.id);
    return t.id;
  };

  /** Starts a session on `taskIds` and waits until its run has ended. */
  const runSession = async (core: Continuum, taskIds: string[]) => {
    const session = await vscode.commands.executeCommand<{ id: string; name: string }>(
      'continuum.startSession',
      taskIds,
    );
    assert.ok(session, 'Start Session returned the session');
    mine.sessions.push(session.id);
    await until('the session to end', () => core.sessions.get(session.id)?.status !== 'running');
    await until('its tasks to be settled', () =>
      taskIds.every(id => ['done', 'failed', 'skipped'].includes(core.tasks.get(id)?.status ?? '')),
    );
    return core.sessions.get(session.id)!;
  };

  /** Grants Continuum access to the signed-in account as a user does: the Accounts menu's request, then the account in the quick pick. */
  const grantAccess = async () => {
    if (await vscode.authentication.getSession(providerId, ['repo'], { silent: true })) return;
    await vscode.authentication.getSession(providerId, ['repo'], {}); // files the access request in the Accounts menu
    await vscode.commands.executeCommand(`${providerId}continuum.continuumAccess`);
    await new Promise(r => setTimeout(r, 500)); // the account quick pick opens
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await until(
      'VS Code to give Continuum the sign-in',
      async () =>
        (await vscode.authentication.getSession(providerId, ['repo'], { silent: true }))?.accessToken === token,
    );
  };

  /** The notification as listed in the notification center (toasts wait for a focused window, which the headless browser is not). */
  const inNotificationCenter = async (text: string) => {
    await vscode.commands.executeCommand('notifications.showList');
    return waitForVisible(`.notifications-center .notification-list-item:has-text("${text}")`);
  };

  test('Create Pull Request pushes one commit per done task and opens the pull request with the VS Code sign-in', async () => {
    const core = await api.ready();
    const start = git(root(), 'rev-parse', 'HEAD').trim();
    // Each task waits a second after writing, and the second one a second before: a checkpoint's
    // snapshot examines the paths the file watcher reported (which takes a moment under load) and is
    // taken a little after the task finished, so it must neither miss this task's file nor catch the next one's.
    const one = await shellTask(core, 'PR: write the first file', `echo one > '${written('one')}' && sleep 1`);
    const two = await shellTask(
      core,
      'PR: write the <second> file',
      `sleep 1 && echo two > '${written('two')}' && sleep 1`,
      { dependsOn: [one], verify: `test -s '${written('two')}'` },
    );
    const three = await shellTask(core, 'PR: a step that fails', 'false', { dependsOn: [two] });
    const session = await runSession(core, [one, two, three]);
    assert.equal(core.tasks.get(three)?.status, 'failed');
    signIn.signIn();
    await grantAccess();

    prompter.notifications = [];
    seen.length = 0;
    const result = await vscode.commands.executeCommand<{ outcome: { kind: string; url: string; branch: string } }>(
      'continuum.createPullRequest',
      session.id,
    );
    const branch = `continuum/${sessionSlug(session.name)}`;
    assert.equal(result?.outcome.kind, 'pull-request', JSON.stringify(result));
    assert.equal(result.outcome.branch, branch);

    // what GitHub was asked
    assert.equal(seen.length, 1, JSON.stringify(seen.map(r => r.url)));
    assert.equal(seen[0].method, 'POST');
    assert.equal(seen[0].url, '/repos/acme/widgets/pulls');
    assert.equal(seen[0].headers.authorization, `Bearer ${token}`);
    assert.equal(seen[0].headers.accept, 'application/vnd.github+json');
    const body = JSON.parse(seen[0].body) as Record<string, string>;
    assert.deepEqual(Object.keys(body).sort(), ['base', 'body', 'head', 'title']);
    assert.equal(body.head, branch);
    assert.equal(body.base, 'main');
    assert.equal(body.title, `${session.name} (Continuum: 2/3 tasks done)`);
    assert.match(body.body, /### Done \(2\)\n- PR: write the first file\n- PR: write the <second> file\n/);
    assert.match(body.body, /### Failed \(1\)\n- PR: a step that fails\n/);
    assert.match(body.body, /\d+ checkpoints? saved during the session/);

    // what the remote holds: two commits on the session's start, each with its task's file
    assert.equal(git(bare, 'rev-parse', `${branch}~2`).trim(), start);
    assert.deepEqual(git(bare, 'log', '--format=%s', '-2', branch).trim().split('\n'), [
      'PR: write the <second> file',
      'PR: write the first file',
    ]);
    assert.equal(git(bare, 'show', `${branch}~1:pr-one.txt`), 'one\n');
    assert.equal(
      spawnSync('git', ['cat-file', '-e', `${branch}~1:pr-two.txt`], { cwd: bare }).status,
      128,
      "the first commit holds only the first task's file",
    );
    assert.equal(git(bare, 'show', `${branch}:pr-two.txt`), 'two\n');
    assert.match(git(bare, 'log', '-1', '--format=%b', branch), /Verify: `test -s .*pr-two\.txt'` passed\./);
    // the user's branch and HEAD did not move
    assert.equal(git(root(), 'rev-parse', 'HEAD').trim(), start);
    assert.equal(git(root(), 'symbolic-ref', '--short', 'HEAD').trim(), 'main');

    // what the user sees
    assert.match(
      prompter.notifications.find(n => /opened pull request/.test(n)) ?? prompter.notifications.join('\n'),
      new RegExp(
        `^Continuum opened pull request #42 for session '${session.name}': 2 commits on ${branch} into main\\.$`,
      ),
    );
    const shown = await inNotificationCenter('opened pull request #42');
    await screenshot('pull-request-opened');
    if (shown)
      assert.ok(
        shown.items.some(i => i.visible && /Open Pull Request/.test(i.text) && /Copy Link/.test(i.text)),
        JSON.stringify(shown.items),
      );
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
  });

  test('without a GitHub sign-in the branch is pushed and the user gets the compare link', async () => {
    const core = await api.ready();
    signIn.signOut();
    const one = await shellTask(core, 'PR: write the third file', `echo three > '${written('three')}'`);
    await new Promise(r => setTimeout(r, 1100)); // another second: another session name, another branch
    const session = await runSession(core, [one]);
    prompter.notifications = [];
    prompter.answers = [
      (message, actions) =>
        /^Sign in to GitHub so Continuum can open the pull request/.test(message) && actions.includes('Push Only')
          ? 'Push Only'
          : undefined,
    ];
    seen.length = 0;
    const result = await vscode.commands.executeCommand<{ outcome: { kind: string; compareUrl?: string } }>(
      'continuum.createPullRequest',
      session.id,
    );
    prompter.answers = [];
    const branch = `continuum/${sessionSlug(session.name)}`;
    const compare = `https://github.com/acme/widgets/compare/main...${encodeURIComponent(branch)}?expand=1`;
    assert.equal(result?.outcome.kind, 'pushed', JSON.stringify(result));
    assert.equal(result.outcome.compareUrl, compare);
    assert.equal(seen.length, 0, 'GitHub was not called without a token');
    assert.equal(git(bare, 'show', `${branch}:pr-three.txt`), 'three\n');
    // the session's own summary may land among these (it is not awaited): look for the question itself
    assert.match(
      prompter.notifications.find(n => n.startsWith('Sign in to GitHub')) ?? prompter.notifications.join('\n'),
      /^Sign in to GitHub so Continuum can open the pull request/,
    );
    const told =
      prompter.notifications.find(n => n.startsWith('Continuum pushed')) ?? prompter.notifications.join('\n');
    assert.ok(
      told.includes(
        `Continuum pushed ${branch} (1 commit) to 'origin'. You are not signed in to GitHub in VS Code, so no pull request was opened`,
      ),
      told,
    );
    assert.ok(told.includes(`Compare link: ${compare}`), told);
    const shown = await inNotificationCenter('so no pull request was opened');
    await screenshot('pull-request-push-only');
    if (shown)
      assert.ok(
        shown.items.some(i => i.visible && /Open Compare Link/.test(i.text) && i.text.includes(compare)),
        JSON.stringify(shown.items),
      );
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
    const health = await vscode.commands.executeCommand<string>('continuum.showHealth');
    assert.match(health ?? '', /pull requests[^\n]*push only/i, 'Show Health lists the step down to push-only');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor'); // the report is an untitled document
  });

  test('a push the remote refuses keeps the branch locally and says why', async () => {
    const core = await api.ready();
    const hook = path.join(bare, 'hooks', 'pre-receive');
    fs.writeFileSync(hook, '#!/bin/sh\necho "pushes are closed for the release" >&2\nexit 1\n');
    fs.chmodSync(hook, 0o755);
    try {
      const one = await shellTask(
        core,
        'PR: write the refused file',
        `echo refused > '${written('refused')}' && sleep 1`,
      );
      await new Promise(r => setTimeout(r, 1100));
      const session = await runSession(core, [one]);
      prompter.notifications = [];
      prompter.answers = [
        (message, actions) =>
          /^Sign in to GitHub/.test(message) && actions.includes('Push Only') ? 'Push Only' : undefined,
      ];
      const result = await vscode.commands.executeCommand<{ outcome: { kind: string; branch: string } }>(
        'continuum.createPullRequest',
        session.id,
      );
      prompter.answers = [];
      const branch = `continuum/${sessionSlug(session.name)}`;
      assert.equal(result?.outcome.kind, 'local-branch', JSON.stringify(result));
      assert.equal(
        git(root(), 'show', `${branch}:pr-refused.txt`),
        'refused\n',
        "the branch is there locally, with the task's file",
      );
      assert.equal(
        spawnSync('git', ['rev-parse', '--verify', '--quiet', branch], { cwd: bare }).status,
        1,
        'the remote has no such branch',
      );
      const told =
        prompter.notifications.find(n => n.startsWith(`Continuum created ${branch}`)) ??
        prompter.notifications.join('\n');
      assert.match(
        told,
        /but could not push it\. The push to 'origin' was refused \(pre-receive hook declined; pushes are closed for the release\); the branch is kept locally — push it yourself when the remote accepts it\.( \d+ changed files? (was|were) not made by any task .* stay out of the pull request(; its description lists them)?\.)?$/,
      );
      const shown = await inNotificationCenter('could not push it');
      await screenshot('pull-request-push-refused');
      if (shown)
        assert.ok(
          shown.items.some(i => i.visible && /Copy Branch Name/.test(i.text)),
          JSON.stringify(shown.items),
        );
    } finally {
      fs.rmSync(hook, { force: true });
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('notifications.hideList');
    }
  });

  test('with continuum.git.autoPullRequest, a completed session opens its pull request by itself, without asking', async () => {
    const core = await api.ready();
    signIn.signIn();
    await grantAccess();
    await config().update('git.autoPullRequest', true, vscode.ConfigurationTarget.Global);
    const one = await shellTask(core, 'PR: write the fourth file', `echo four > '${written('four')}'`);
    await new Promise(r => setTimeout(r, 1100));
    prompter.notifications = [];
    seen.length = 0;
    const session = await runSession(core, [one]);
    assert.equal(session.status, 'completed');
    const told = await until('the automatic pull request', () =>
      prompter.notifications.find(n => /^Continuum opened pull request #\d+ for session/.test(n)),
    );
    assert.ok(
      !prompter.notifications.some(n => /Sign in to GitHub/.test(n)),
      'the automatic pull request never asks to sign in',
    );
    assert.equal(seen.length, 1);
    assert.equal(seen[0].headers.authorization, `Bearer ${token}`);
    assert.equal((JSON.parse(seen[0].body) as { head: string }).head, `continuum/${sessionSlug(session.name)}`);
    assert.match(told, /1 commit on continuum\//);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
  });
});
