// Which GitHub a remote belongs to, which REST API root serves it, and which VS Code sign-in gives
// its token: github.com → https://api.github.com and the 'github' sign-in; a GitHub Enterprise
// Server host → https://HOST/api/v3 and the 'github-enterprise' sign-in. The host counts as GitHub
// Enterprise when it is the host of the configured API root or of VS Code's `github-enterprise.uri`.
import { parseGitHubRemote, type GitHubRepo } from './pullRequest';

export interface GitHubSettings {
  /** continuum.github.apiBaseUrl; empty: derived from the remote. */
  apiBaseUrl?: string;
  /** VS Code's github-enterprise.uri (the GitHub Enterprise sign-in's server). */
  enterpriseUri?: string;
  /** continuum.github.authenticationProvider; empty: derived from the remote. */
  authenticationProvider?: string;
}

export interface GitHubEndpoint {
  /** undefined when the remote is not on GitHub (or a known GitHub Enterprise host). */
  repo?: GitHubRepo;
  enterpriseHost?: string;
  apiBase: string;
  /** The VS Code authentication provider whose session gives the token. */
  authenticationProvider: string;
}

export const githubApi = 'https://api.github.com';

function hostOf(url: string | undefined): string | undefined {
  if (!url?.trim()) return undefined;
  try {
    return new URL(url.trim()).hostname || undefined;
  } catch {
    return undefined; // not a URL: treated as unset, and the setting's description says what is expected
  }
}

export function githubEndpoint(remoteUrl: string, settings: GitHubSettings): GitHubEndpoint {
  const configured = settings.apiBaseUrl?.trim().replace(/\/+$/, '');
  const configuredHost = hostOf(configured);
  const enterpriseHost =
    (configuredHost && configuredHost !== 'api.github.com' ? configuredHost : undefined) ??
    hostOf(settings.enterpriseUri);
  const repo =
    parseGitHubRemote(remoteUrl, enterpriseHost) ??
    (hostOf(settings.enterpriseUri) ? parseGitHubRemote(remoteUrl, hostOf(settings.enterpriseUri)) : undefined);
  const onEnterprise = repo !== undefined && repo.host !== 'github.com';
  const apiBase = configured || (onEnterprise ? `https://${repo.host}/api/v3` : githubApi);
  const authenticationProvider =
    settings.authenticationProvider?.trim() || (onEnterprise ? 'github-enterprise' : 'github');
  return { ...(repo ? { repo } : {}), ...(enterpriseHost ? { enterpriseHost } : {}), apiBase, authenticationProvider };
}
