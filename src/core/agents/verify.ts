// Verify-on-done for a host without a session run (an agent's MCP server, a CLI run serving agents,
// a window): runs a task's verify command under the executor's rules — only in a trusted
// workspace, only once a person confirmed the commands of the plan (or agent, or state file) the
// task came from, without a shell unless the command line needs one, in a folder inside the
// workspace (symbolic links followed) — and answers with whether it passed and its output.
import type { Continuum } from '../continuum';
import { commandSpec, describeCommand, realWorkspaceCwd } from '../execution/commandLine';
import { isConfirmed, planCommands, planOfTask } from '../execution/confirmations';
import { untrustedMessage } from '../execution/executor';
import type { ProcessPort } from '../execution/ports';
import type { VerifyPort } from './tool';

export interface VerifyHost {
  /** The workspace folder commands run in. */
  workspace: string;
  processes: ProcessPort;
  trusted(): boolean;
  /** How long a verify command may run before it is stopped (default 10 minutes). */
  timeoutMs?: number;
}

/** Keeps the last `max` characters of what a command printed. */
const maxOutput = 64 * 1024;

export function executorVerifyPort(core: Continuum, host: VerifyHost): VerifyPort {
  return {
    async run(taskId, signal) {
      if (!host.trusted()) return { passed: false, output: untrustedMessage };
      const task = core.tasks.get(taskId);
      const verify = task?.action?.verify?.trim();
      if (!task || !verify) return { passed: true, output: '' };
      const plan = planOfTask(core.store, task);
      if (plan) {
        const sameSource = core.tasks.list().filter(t => planOfTask(core.store, t) === plan);
        const commands = planCommands(sameSource, t => planOfTask(core.store, t))[0];
        if (commands && !isConfirmed(core.store, commands))
          return {
            passed: false,
            output: `The verify command (${verify}) came from ${plan}, and a person has not confirmed that source's commands yet, so it was not run. Confirm them by starting a session with these tasks (VS Code: Continuum: Start Session; terminal: continuum run), then report done again.`,
          };
      }
      const command = commandSpec(verify, undefined, undefined);
      let cwd: string;
      try {
        cwd = await realWorkspaceCwd(host.workspace, task.action?.kind === 'shell' ? task.action.cwd : undefined, p =>
          host.processes.realPath(p),
        );
      } catch (err) {
        return { passed: false, output: (err as Error).message };
      }
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), host.timeoutMs ?? 10 * 60_000);
      const onAbort = () => stop.abort();
      signal?.addEventListener('abort', onAbort);
      let output = '';
      try {
        const exit = await host.processes.run(
          { ...command, cwd },
          {
            signal: stop.signal,
            onOutput: text => {
              output = (output + text).slice(-maxOutput);
            },
          },
        );
        const shown = describeCommand(command);
        if (exit.code === 0) return { passed: true, output };
        const why = exit.error
          ? `could not start (${exit.error.message})`
          : stop.signal.aborted
            ? 'was stopped (it ran too long, or the call was cancelled)'
            : exit.code === null
              ? `was ended by ${exit.signal ?? 'a signal'}`
              : `exited with code ${exit.code}`;
        return {
          passed: false,
          output: `${output}${output && !output.endsWith('\n') ? '\n' : ''}verify: ${shown} ${why}`,
        };
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
