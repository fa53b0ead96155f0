// The status bar's word on agents at work: "$(hubot) 2" and who holds what in the tooltip. Plain
// text (a status bar tooltip string is not markdown), stored names trimmed. No vscode import.
import { inert } from '../../shared/text';

export function agentsStatusText(claimed: ReadonlyArray<{ title: string; claim: { agentName: string } }>): {
  text: string;
  tooltip: string;
} {
  if (!claimed.length) return { text: '', tooltip: '' };
  const agents = new Set(claimed.map(t => t.claim.agentName));
  const lines = claimed.slice(0, 5).map(t => `${inert(t.claim.agentName, 40)} on '${inert(t.title, 60)}'`);
  const more = claimed.length > 5 ? ` and ${claimed.length - 5} more` : '';
  return {
    text: ` · $(hubot) ${agents.size}`,
    tooltip: ` Agents at work: ${lines.join(', ')}${more}.`,
  };
}
