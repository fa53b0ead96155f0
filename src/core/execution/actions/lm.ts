// The `lm` action: a language model does the task with tools, every request and tool call a
// recorded step (the loop itself is in lmRun.ts, loaded when an lm task first runs).
import type { TaskAction } from '../../tasks/model';
import type { Action } from './action';

type LmAction = Extract<TaskAction, { kind: 'lm' }>;

export const lmAction: Action<LmAction> = {
  kind: 'lm',
  unattended: true,
  needs: 'model',
  title: 'language-model tasks',
  verifiesItself: true,
  // what the model will run is not known before it runs: only the commands the task allows are shown
  commands: action => (action.allowCommands ?? []).map(c => `(the model may run) ${c}`),
  describeDone: () => 'Done by a language model.',
  async run(action, ctx) {
    // the model's loop (and zod, for its tools' inputs) loads when an lm task first runs, not with the extension
    const { LmRun, ModelFailure } = await import('./lmRun');
    const lm = ctx.lm;
    if (!lm) {
      throw new ModelFailure(
        'No language model is available here, so this lm task cannot run. In the CLI, set CONTINUUM_LM_PROVIDER (openai or anthropic) with its model and key (see the README), then resume.',
        false,
        'no model is configured',
      );
    }
    return new LmRun(action, ctx, lm).run();
  },
};
