// The GitHub token, from VS Code's own sign-in (vscode.authentication), asked for each time and never
// stored by Continuum. Silent for the automatic pull request; the command may ask the user to sign in.
import * as vscode from 'vscode';

export interface GitHubSignIn {
  /** The token of `provider`'s session with the 'repo' scope; undefined when there is none (or the user declined). */
  token(provider: string, mode: 'silent' | 'ask'): Promise<string | undefined>;
}

export const vscodeGitHubSignIn: GitHubSignIn = {
  async token(provider, mode) {
    const session = await vscode.authentication.getSession(
      provider,
      ['repo'],
      mode === 'ask' ? { createIfNone: true } : { silent: true },
    );
    return session?.accessToken;
  },
};
