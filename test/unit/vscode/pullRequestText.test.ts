import * as assert from 'node:assert/strict';
import type { SessionPullRequestResult } from '../../../src/core/git/sessionPullRequest';
import { actionTarget, outcomeMessage } from '../../../src/vscode/pullRequests/pullRequestText';

const result = (outcome: SessionPullRequestResult['outcome'], notes: string[] = []): SessionPullRequestResult => ({
  outcome,
  base: 'main',
  commits: 3,
  notes,
});

describe('what Create Pull Request tells the user', () => {
  it('a pull request: its number, branch and base, with Open and Copy', () => {
    const r = result({ kind: 'pull-request', branch: 'continuum/x', url: 'https://github.com/a/b/pull/4', number: 4 });
    const m = outcomeMessage('Refactor [x](command:evil)', 'origin', r);
    assert.equal(
      m.message,
      "Continuum opened pull request #4 for session 'Refactor [x]\u200B(command:evil)': 3 commits on continuum/x into main.",
    );
    assert.deepEqual(m.actions, ['Open Pull Request', 'Copy Link']);
    assert.deepEqual(actionTarget('Open Pull Request', r), { open: 'https://github.com/a/b/pull/4' });
  });

  it('push only: why, and the compare link in the text and behind the buttons', () => {
    const r = result(
      {
        kind: 'pushed',
        branch: 'continuum/x',
        reason: 'You are not signed in.',
        compareUrl: 'https://github.com/a/b/compare/main...continuum%2Fx?expand=1',
      },
      ['A note.'],
    );
    const m = outcomeMessage('S', 'origin', r);
    assert.equal(m.kind, 'warning');
    assert.match(
      m.message,
      /pushed continuum\/x \(3 commits\) to 'origin'\. You are not signed in\. Compare link: https:\/\/github\.com\/a\/b\/compare\/main\.\.\.continuum%2Fx\?expand=1 A note\.$/,
    );
    assert.deepEqual(m.actions, ['Open Compare Link', 'Copy Compare Link']);
    assert.deepEqual(actionTarget('Copy Compare Link', r), {
      copy: 'https://github.com/a/b/compare/main...continuum%2Fx?expand=1',
    });
  });

  it('a refused push: the branch is kept locally, with its name to copy', () => {
    const r = result({
      kind: 'local-branch',
      branch: 'continuum/x',
      reason: 'The push was refused; the branch is kept locally.',
    });
    const m = outcomeMessage('S', 'origin', r);
    assert.match(m.message, /created continuum\/x \(3 commits\) but could not push it\. The push was refused/);
    assert.deepEqual(actionTarget(m.actions[0], r), { copy: 'continuum/x' });
  });
});
