// continuum.git.autoPullRequest: when a session completes in this window, its pull request is created
// as the command would, except that it never asks to sign in (no sign-in: push only, with the link).
import * as vscode from 'vscode';
import { quoted } from '../../shared/text';
import type { ExecutionRuntime } from '../execution/runtime';
import { createPullRequest, type PullRequestDeps } from './pullRequestFlow';
import { setting } from '../settings';

export function registerAutoPullRequest(runtime: ExecutionRuntime, deps: PullRequestDeps): vscode.Disposable {
  return runtime.onDidFinish(({ core, summary }) => {
    if (summary.outcome !== 'completed' || !setting('git.autoPullRequest')) return;
    const session = core.sessions.get(summary.sessionId);
    if (!session || !summary.done) return;
    void createPullRequest(deps, core, session, false).catch((err: unknown) => {
      deps.logger.error(`session ${session.id}: the automatic pull request failed`, err);
      void deps
        .prompts()
        .notify(
          'error',
          `Continuum could not create the pull request of session ${quoted(session.name)}: ${err instanceof Error ? err.message : String(err)} Run "Continuum: Create Pull Request" to try again.`,
        );
    });
  });
}
