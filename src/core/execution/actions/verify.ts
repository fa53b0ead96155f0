// `verify`: a command any task may carry, run after its action; the task counts as done only when
// it exits 0. A failing verify is deterministic: retrying would only fail the same way.
import type { TaskAction } from '../../tasks/model';
import { commandSpec, describeCommand, realWorkspaceCwd } from '../commandLine';
import type { ActionContext } from './action';
import { runChecked } from './process';

export async function runVerify(action: TaskAction, ctx: ActionContext): Promise<void> {
  if (!action.verify?.trim()) return;
  const command = commandSpec(action.verify, undefined, undefined);
  const shown = describeCommand(command);
  // looked up inside the step (see shell.ts): the run step's end and this step's start share one write
  await ctx.step(
    'verify',
    async signal => {
      const cwd = await realWorkspaceCwd(ctx.workspace, action.kind === 'shell' ? action.cwd : undefined, p =>
        ctx.processes.realPath(p),
      );
      return runChecked(ctx, { ...command, cwd }, shown, 'verify', signal);
    },
    { rerunnable: true },
  );
}
