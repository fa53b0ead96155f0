// Running one process as an action step: output to the task's log, the last lines kept for the
// classifier, a non-zero exit turned into an ActionFailure that says what happened.
import type { ProcessExit, ProcessSpec } from '../ports';
import { ActionFailure, type ActionContext } from './action';

const tailBytes = 4096;

export async function runChecked(
  ctx: ActionContext,
  spec: ProcessSpec,
  shown: string,
  phase: 'run' | 'verify',
  signal: AbortSignal,
): Promise<ProcessExit> {
  let tail = '';
  ctx.log(`$ ${shown}\n`);
  const exit = await ctx.processes.run(spec, {
    signal,
    onOutput: text => {
      ctx.log(text);
      tail = (tail + text).slice(-tailBytes);
    },
  });
  return checkExit(exit, shown, phase, signal, tail, ctx);
}

/** Turns a process end into success (exit code 0) or an ActionFailure. */
export function checkExit(
  exit: ProcessExit,
  shown: string,
  phase: 'run' | 'verify',
  signal: AbortSignal,
  tail: string,
  ctx: Pick<ActionContext, 'log'>,
): ProcessExit {
  if (exit.code === 0 && !exit.error) {
    ctx.log(`[exit code 0]\n`);
    return exit;
  }
  const timedOut = signal.aborted && signalReason(signal) === 'timeout';
  const what = phase === 'verify' ? 'Its verify command' : 'Its command';
  const message = exit.error
    ? `${what} '${shown}' could not run: ${exit.error.message}.${exit.error.code === 'ENOENT' ? ' Check that the program is installed and on the PATH.' : ''}`
    : timedOut
      ? `${what} '${shown}' timed out and was stopped.`
      : signal.aborted
        ? `${what} '${shown}' was stopped.`
        : exit.code === null
          ? `${what} '${shown}' was ended by ${exit.signal ?? 'a signal'}.`
          : `${what} '${shown}' exited with code ${exit.code}.`;
  ctx.log(`[${message}]\n`);
  throw new ActionFailure(message, {
    phase,
    timedOut,
    exitCode: exit.code,
    ...(exit.signal ? { signal: exit.signal } : {}),
    ...(exit.error?.code ? { errorCode: exit.error.code } : {}),
    output: tail,
  });
}

/** Why a signal was aborted, when the executor said ('timeout', 'stop' …). */
export function signalReason(signal: AbortSignal): string | undefined {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : undefined;
}
