// Create Pull Request, for the command and for the automatic one at a session's end: settings, the
// GitHub sign-in (asked only when the remote is on GitHub; the automatic one never prompts), a
// progress notification while it branches, pushes and calls GitHub, then the outcome with buttons.
import * as vscode from 'vscode';
import type { Continuum } from '../../core/continuum';
import { reportDelivery } from '../../core/execution/guards/fallbacks';
import type { SessionPullRequestOptions, SessionPullRequestResult } from '../../core/git/sessionPullRequest';
import type { Logger } from '../../core/ports';
import type { Session } from '../../core/sessions/model';
import { quoted } from '../../shared/text';
import type { Prompter } from '../prompts';
import type { GitHubSignIn } from './githubSignIn';
import { actionTarget, outcomeMessage } from './pullRequestText';
import { setting } from '../settings';

export interface PullRequestDeps {
  prompts(): Prompter;
  signIn: GitHubSignIn;
  logger: Logger;
}

export function pullRequestSettings(): Omit<SessionPullRequestOptions, 'token' | 'progress'> {
  return {
    remote: setting('git.remote').trim() || 'origin',
    baseBranch: setting('git.baseBranch'),
    github: {
      apiBaseUrl: setting('github.apiBaseUrl'),
      authenticationProvider: setting('github.authenticationProvider'),
      enterpriseUri: vscode.workspace.getConfiguration('github-enterprise').get<string>('uri', ''),
    },
  };
}

export class PullRequestCancelled extends Error {
  constructor() {
    super('No pull request was created: nothing was pushed.');
    this.name = 'PullRequestCancelled';
  }
}

/** Creates the session's pull request (or its fallback) and tells the user; `interactive` may ask to sign in. */
export async function createPullRequest(
  deps: PullRequestDeps,
  core: Continuum,
  session: Session,
  interactive: boolean,
): Promise<SessionPullRequestResult> {
  const settings = pullRequestSettings();
  const signInNotes: string[] = [];
  const token = async (provider: string): Promise<string | undefined> => {
    const silent = await askToken(deps, provider, 'silent', signInNotes);
    if (silent || !interactive) return silent;
    const choice = await deps
      .prompts()
      .notify(
        'info',
        `Sign in to GitHub so Continuum can open the pull request of session ${quoted(session.name)}? Without signing in, the branch is pushed and you get a link to open the pull request yourself.`,
        'Sign In',
        'Push Only',
      );
    if (choice === undefined) throw new PullRequestCancelled();
    if (choice !== 'Sign In') return undefined;
    return askToken(deps, provider, 'ask', signInNotes);
  };
  const { createSessionPullRequest } = await import('../../core/git/sessionPullRequest'); // simple-git and zod: on first use, not at activation
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Continuum: pull request for ${quoted(session.name)}` },
    progress =>
      createSessionPullRequest(core, session.id, {
        ...settings,
        token,
        progress: message => progress.report({ message }),
      }),
  );
  const full: SessionPullRequestResult = { ...result, notes: [...signInNotes, ...result.notes] };
  const reason =
    full.outcome.kind === 'pull-request' ? `pull request #${full.outcome.number} opened` : full.outcome.reason;
  reportDelivery(core.degradations, { kind: full.outcome.kind, reason }); // Show Health lists a step down to push-only or a local branch
  deps.logger.info(`session ${session.id}: ${full.outcome.kind} on ${full.outcome.branch} (${reason})`);
  void announce(deps, session, settings.remote, full);
  return full;
}

async function askToken(
  deps: PullRequestDeps,
  provider: string,
  mode: 'silent' | 'ask',
  notes: string[],
): Promise<string | undefined> {
  try {
    return await deps.signIn.token(provider, mode);
  } catch (err) {
    // The sign-in refused (declined, or no such provider): the pull request falls back to push-only, and says why.
    const why = err instanceof Error ? err.message : String(err);
    deps.logger.warn(`GitHub sign-in '${provider}' (${mode}): ${why}`);
    notes.push(`VS Code's '${provider}' sign-in gave no token (${why}).`);
    return undefined;
  }
}

async function announce(
  deps: PullRequestDeps,
  session: Session,
  remote: string,
  result: SessionPullRequestResult,
): Promise<void> {
  const m = outcomeMessage(session.name, remote, result);
  const choice = await deps.prompts().notify(m.kind, m.message, ...m.actions);
  if (!choice) return;
  const target = actionTarget(choice, result);
  if (target.open) await vscode.env.openExternal(vscode.Uri.parse(target.open));
  if (target.copy) await vscode.env.clipboard.writeText(target.copy);
}
