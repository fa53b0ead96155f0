// Continuum: Plan from Goal…: the goal typed in, a chat model (vscode.lm) proposes a plan with a
// cancellable progress notification, and Import Plan's own preview and import follow. Also opens
// the preview of a plan @continuum /plan proposed in chat (its button passes the plan along).
import * as vscode from 'vscode';
import { inert } from '../../shared/text';
import type { Handler } from '../commands/context';
import { chooseModelCommand } from '../lm/lmText';
import { planArgument } from './planArgument';

const pause = () => new Promise<void>(resolve => setImmediate(resolve));

export const planFromGoal: Handler = async (ctx, core, arg) => {
  // the model, markdown-it and the preview load on first use, not at activation
  const {
    goalPlanSource,
    planFromGoal: askForPlan,
    projectBrief,
    NoPlanError,
  } = await import('../../core/plans/fromGoal');
  const { previewAndImport } = await import('./importFlow');
  const given = planArgument(arg);
  if (given.markdown !== undefined) {
    const { parsePlanInSlices } = await import('../../core/tasks/plan');
    const plan = await parsePlanInSlices(given.markdown, goalPlanSource(given.goal ?? 'a goal'), pause);
    return previewAndImport(ctx, core, plan);
  }
  const goal =
    given.goal ??
    (await ctx.prompts().input({
      title: 'Plan from Goal',
      prompt:
        'What should the work achieve? A language model proposes phases and tasks; you see them before anything is imported.',
      placeHolder: 'e.g. Add input validation to the signup form, with tests',
      ignoreFocusOut: true,
      validateInput: value => (value.trim() ? undefined : 'Say what the plan is for.'),
    }));
  if (!goal?.trim()) return undefined;
  // the model lm tasks use (continuum.lm.vendor/family, Choose Model…)
  const models = ctx.runtime.models;
  await models.refresh(); // as things are now: a model may have just appeared, or the settings changed
  const model = models.current;
  if (!model) {
    void ctx
      .prompts()
      .notify(
        'warning',
        `Continuum: Plan from Goal needs a language model: ${inert(models.reason ?? 'none is available', 400)}`,
        chooseModelCommand.title,
      )
      .then(choice => choice && vscode.commands.executeCommand(chooseModelCommand.id));
    return undefined;
  }
  const controller = new AbortController();
  let proposed: Awaited<ReturnType<typeof askForPlan>>;
  try {
    proposed = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Continuum: ${inert(model.name, 60)} is planning ${inert(JSON.stringify(goal.trim()), 80)}…`,
        cancellable: true,
      },
      async (_progress, token) => {
        const cancelled = token.onCancellationRequested(() => controller.abort());
        try {
          return await askForPlan(model, goal, projectBrief(core), { signal: controller.signal, pause });
        } finally {
          cancelled.dispose();
        }
      },
    );
  } catch (err) {
    if (controller.signal.aborted) return undefined; // the person cancelled: nothing to say
    if (err instanceof NoPlanError) {
      ctx.output.warn(`Plan from Goal: ${model.name} answered without a plan. Its whole answer:\n${err.answer}`);
      void ctx
        .prompts()
        .notify('error', `Continuum: ${inert(err.message, 500)}`, 'Show Answer')
        .then(choice => choice && ctx.output.show(true));
      return undefined;
    }
    throw err; // the command table says what failed
  }
  ctx.output.info(
    `Plan from Goal: ${model.name} proposed this plan for ${JSON.stringify(goal.trim())}:\n${proposed.markdown}`,
  );
  for (const w of proposed.warnings) {
    ctx.output.warn(`Plan from Goal: ${w}`);
    void ctx.prompts().notify('warning', `Continuum: ${inert(w, 300)}`);
  }
  return previewAndImport(ctx, core, proposed.plan);
};
