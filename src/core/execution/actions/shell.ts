// `shell`: one command in the workspace, without a shell unless the task asks for one (or its
// command line needs one), in a folder inside the workspace, with its own environment additions.
import type { TaskAction } from '../../tasks/model';
import { commandSpec, describeCommand, realWorkspaceCwd } from '../commandLine';
import type { Action } from './action';
import { runChecked } from './process';

type ShellAction = Extract<TaskAction, { kind: 'shell' }>;

export const shellAction: Action<ShellAction> = {
  kind: 'shell',
  unattended: true,
  needs: 'processes',
  title: 'shell tasks',
  commands: action => [[action.command, ...(action.args ?? [])].join(' ')],
  describeDone: action => `Ran: ${[action.command, ...(action.args ?? [])].join(' ')}`,
  async run(action, ctx) {
    const command = commandSpec(action.command, action.args, action.shell);
    const shown = describeCommand(command);
    // The folder is looked up inside the step, not before it: a look at the disk before the step would
    // let the task's running status reach the disk in a write of its own, a second fdatasync before the
    // process starts, instead of going with the step's start record.
    const exit = await ctx.step(
      'run',
      async signal => {
        const cwd = await realWorkspaceCwd(ctx.workspace, action.cwd, p => ctx.processes.realPath(p));
        return runChecked(ctx, { ...command, cwd, ...(action.env ? { env: action.env } : {}) }, shown, 'run', signal);
      },
      { rerunnable: action.rerunnable ?? true },
    );
    return exit
      ? `'${shown}' exited with code ${exit.code}`
      : `'${shown}' counted as done by a person after an interruption`;
  },
};
