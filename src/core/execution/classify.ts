// Which failures are worth another try. Pure: unit-tested on its own.
//
// Transient failures come from the world around the task and may pass on their own: a timeout, a
// dropped connection, a busy or locked file. Deterministic ones come from the task itself and will
// fail the same way again: a compile error, a missing file or command, a failing verify. Anything we
// cannot tell is treated as deterministic, so an unknown error is reported at once instead of being
// repeated three times (repeating the same error is what people hate most in unattended runs).

export type FailureClass = 'transient' | 'deterministic';

export interface FailureFacts {
  /** Where it failed: the action itself, or its verify command. */
  phase: 'run' | 'verify';
  /** The per-task timeout ran out. */
  timedOut?: boolean;
  exitCode?: number | null;
  /** Ended by a signal we did not send (e.g. the OOM killer's SIGKILL). */
  signal?: string;
  /** An OS error code: ECONNRESET, ENOENT … */
  errorCode?: string;
  /** The end of the output, where tools print their error. */
  output?: string;
}

export interface Classification {
  kind: FailureClass;
  /** Why, in words shown in the task's log. */
  reason: string;
}

const transientCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EBUSY',
  'EAGAIN',
  'EMFILE',
  'ENFILE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
]);
const deterministicCodes = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR', 'EINVAL', 'ENOEXEC']);

const deterministicOutput: Array<[RegExp, string]> = [
  [/\berror TS\d{3,5}\b/, 'a TypeScript compile error'],
  [/\b(?:SyntaxError|TypeError|ReferenceError)\b/, 'an error in the code'],
  [
    /\b(?:compilation|build) failed\b|\bfailed to compile\b|\berror\[E\d{4}\]|\berror: (?:cannot find symbol|expected)\b/i,
    'a compile error',
  ],
  [
    /\bcannot find module\b|\bmodule not found\b|\bno such file or directory\b|\bENOENT\b|\bcommand not found\b|\bis not recognized as an internal or external command\b/i,
    'a missing file, module or command',
  ],
];

const transientOutput: Array<[RegExp, string]> = [
  [
    /\bECONNRESET\b|\bconnection reset\b|\bsocket hang up\b|\bECONNREFUSED\b|\bEAI_AGAIN\b|\bETIMEDOUT\b|\btimed out\b|\btimeout\b/i,
    'a network problem or timeout',
  ],
  [
    /\bEBUSY\b|\bresource busy\b|\btext file busy\b|\b(?:is|was) locked\b|\bdatabase is locked\b|\bunable to (?:create|obtain|acquire) .{0,40}lock\b|\.lock['"]?: File exists\b|\banother .{0,40}process\b.{0,40}\brunning\b/i,
    'a busy or locked resource',
  ],
  [
    /\b(?:502|503|504) (?:bad gateway|service unavailable|gateway time-?out)\b|\btemporarily unavailable\b|\btoo many requests\b|\brate limit/i,
    'a service that is temporarily unavailable',
  ],
];

export function classifyFailure(f: FailureFacts): Classification {
  if (f.phase === 'verify') return { kind: 'deterministic', reason: 'its verify command failed' };
  if (f.timedOut) return { kind: 'transient', reason: 'it timed out' };
  if (f.errorCode && transientCodes.has(f.errorCode))
    return { kind: 'transient', reason: `the system reported ${f.errorCode}` };
  if (f.errorCode && deterministicCodes.has(f.errorCode))
    return { kind: 'deterministic', reason: `the system reported ${f.errorCode}` };
  if (f.exitCode === 127 || f.exitCode === 126)
    return { kind: 'deterministic', reason: `the command could not be run (exit code ${f.exitCode})` };
  const output = f.output ?? '';
  // Deterministic evidence wins: a compile error that also mentions "timeout" is still a compile error.
  for (const [pattern, what] of deterministicOutput)
    if (pattern.test(output)) return { kind: 'deterministic', reason: `its output shows ${what}` };
  for (const [pattern, what] of transientOutput)
    if (pattern.test(output)) return { kind: 'transient', reason: `its output shows ${what}` };
  if (f.signal === 'SIGKILL' || f.signal === 'SIGTERM')
    return { kind: 'transient', reason: `it was ended from outside (${f.signal})` };
  return {
    kind: 'deterministic',
    reason: f.exitCode != null ? `it exited with code ${f.exitCode}` : 'it failed for an unknown reason',
  };
}
