// `manual`: a person does the work and marks the task done or failed; the executor only waits.
import type { TaskAction } from '../../tasks/model';
import { ActionFailure, type Action } from './action';

type ManualAction = Extract<TaskAction, { kind: 'manual' }>;

export const manualAction: Action<ManualAction> = {
  kind: 'manual',
  unattended: false,
  needs: 'person',
  title: 'manual tasks',
  commands: () => [],
  describeDone: () => 'Done by a person (a manual task).',
  async run(_action, ctx) {
    ctx.log(`Waiting for a person to mark '${ctx.task.title}' done or failed.\n`);
    const decision = await ctx.waitForPerson();
    if (decision === 'failed')
      throw new ActionFailure('A person marked the task failed.', { phase: 'run', output: '' });
    ctx.log('Marked done by a person.\n');
    return 'marked done by a person';
  },
};
