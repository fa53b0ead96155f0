// `vscodeTask`: a task from tasks.json, run by its label through the host; its exit code comes from
// the host's process-end event.
import type { TaskAction } from '../../tasks/model';
import { commandSpec, describeCommand } from '../commandLine';
import type { Action } from './action';
import { checkExit, runChecked } from './process';

type VscodeTaskAction = Extract<TaskAction, { kind: 'vscodeTask' }>;

export const vscodeTaskAction: Action<VscodeTaskAction> = {
  kind: 'vscodeTask',
  unattended: true,
  needs: 'vscode',
  title: 'VS Code tasks',
  commands: action => [
    `VS Code task: ${action.label}`,
    ...(action.shellEquivalent ? [`(or, without VS Code: ${action.shellEquivalent})`] : []),
  ],
  describeDone: action => `Ran the VS Code task '${action.label}'.`,
  async run(action, ctx) {
    const shown = `VS Code task '${action.label}'`;
    const exit = await ctx.step(
      'run',
      async signal => {
        ctx.log(`▶ ${shown}\n`);
        let tail = '';
        const ended = await ctx.hostTasks.run(action.label, {
          signal,
          onOutput: text => {
            ctx.log(text);
            tail = (tail + text).slice(-4096);
          },
        });
        if (ended.error?.code === 'ENOENT' && action.shellEquivalent) {
          // the host has no such task (not in tasks.json, or no VS Code here): its declared shell equivalent runs instead
          const command = commandSpec(action.shellEquivalent, undefined, undefined);
          const reason = `${shown} is not available (${ended.error.message}), so its declared shell equivalent ran instead`;
          ctx.log(`[${reason}]\n`);
          ctx.degraded('vscodeTask', 'shell equivalent', reason);
          return runChecked(ctx, { ...command, cwd: ctx.workspace }, describeCommand(command), 'run', signal);
        }
        return checkExit(ended, shown, 'run', signal, tail, ctx);
      },
      { rerunnable: action.rerunnable ?? true },
    );
    return exit
      ? `${shown} exited with code ${exit.code}`
      : `${shown} counted as done by a person after an interruption`;
  },
};
