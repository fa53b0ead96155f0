// @continuum /plan <goal>: the chat's own model (request.model) proposes a plan; the chat shows a
// short summary and a button that opens Import Plan's preview of it (continuum.planFromGoal with the
// plan), so nothing is imported until the person looks at it and confirms.
import * as vscode from 'vscode';
import type { Continuum } from '../../core/continuum';
import { goalPlanSource, NoPlanError, planFromGoal, projectBrief } from '../../core/plans/fromGoal';
import { mdText } from '../../core/agents/markdown';
import { VSCodeChatModel } from '../lm/chatModel';
import type { ProposedPlan } from './planArgument';
import { planSummaryMarkdown } from './planText';

export async function planInChat(
  core: Continuum,
  request: vscode.ChatRequest,
  stream: vscode.ChatResponseStream,
  signal: AbortSignal,
): Promise<void> {
  const goal = request.prompt.trim();
  if (!goal) {
    stream.markdown('Say what the plan is for, e.g. `@continuum /plan add input validation to the signup form`.');
    return;
  }
  const model = new VSCodeChatModel(request.model);
  stream.progress(`Planning with ${model.name}…`);
  try {
    const proposed = await planFromGoal(model, goal, projectBrief(core), {
      signal,
      source: goalPlanSource(goal),
      pause: () => new Promise<void>(resolve => setImmediate(resolve)),
    });
    stream.markdown(planSummaryMarkdown(proposed.plan, proposed.warnings));
    const argument: ProposedPlan = { goal, markdown: proposed.markdown };
    stream.button({ command: 'continuum.planFromGoal', title: 'Preview and Import…', arguments: [argument] });
  } catch (err) {
    if (signal.aborted) return; // the person stopped the request
    if (!(err instanceof NoPlanError)) throw err;
    stream.markdown(mdText(err.message, 600));
  }
}
