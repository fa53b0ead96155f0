// What the user is told after Create Pull Request: the outcome in a sentence, and the buttons that
// go with it. Pure, so it has plain unit tests.
import type { SessionPullRequestResult } from '../../core/git/sessionPullRequest';
import { quoted } from '../../shared/text';

export const openPullRequest = 'Open Pull Request';
export const copyLink = 'Copy Link';
export const openCompareLink = 'Open Compare Link';
export const copyCompareLink = 'Copy Compare Link';
export const copyBranchName = 'Copy Branch Name';

export interface OutcomeMessage {
  kind: 'info' | 'warning';
  message: string;
  actions: string[];
}

export function outcomeMessage(sessionName: string, remote: string, r: SessionPullRequestResult): OutcomeMessage {
  const o = r.outcome;
  const commits = `${r.commits} commit${r.commits === 1 ? '' : 's'}`;
  const notes = r.notes.length ? ` ${r.notes.join(' ')}` : '';
  switch (o.kind) {
    case 'pull-request':
      return {
        kind: 'info',
        message: `Continuum opened pull request #${o.number} for session ${quoted(sessionName)}: ${commits} on ${o.branch} into ${r.base}.${notes}`,
        actions: [openPullRequest, copyLink],
      };
    case 'pushed':
      return {
        kind: 'warning',
        message: `Continuum pushed ${o.branch} (${commits}) to '${remote}'. ${o.reason}${o.compareUrl ? ` Compare link: ${o.compareUrl}` : ''}${notes}`,
        actions: o.compareUrl ? [openCompareLink, copyCompareLink] : [copyBranchName],
      };
    case 'local-branch':
      return {
        kind: 'warning',
        message: `Continuum created ${o.branch} (${commits}) but could not push it. ${o.reason}${notes}`,
        actions: [copyBranchName],
      };
  }
}

/** The link or text a button stands for. */
export function actionTarget(action: string, r: SessionPullRequestResult): { open?: string; copy?: string } {
  const o = r.outcome;
  if (action === openPullRequest && o.kind === 'pull-request') return { open: o.url };
  if (action === copyLink && o.kind === 'pull-request') return { copy: o.url };
  if (action === openCompareLink && o.kind === 'pushed' && o.compareUrl) return { open: o.compareUrl };
  if (action === copyCompareLink && o.kind === 'pushed' && o.compareUrl) return { copy: o.compareUrl };
  if (action === copyBranchName) return { copy: o.branch };
  return {};
}
