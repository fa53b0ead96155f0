// What a finished run says to the person. Pure.
import { formatTokens, type LmTaskUsage } from './lmUsage';

export type RunOutcome = 'completed' | 'paused' | 'needs-attention' | 'cancelled' | 'abandoned' | 'stopped-on-error';

export interface RunSummary {
  sessionId: string;
  sessionName: string;
  outcome: RunOutcome;
  total: number;
  done: number;
  failed: number;
  /** Skipped or cancelled tasks. */
  skipped: number;
  /** Tasks left pending, most of them waiting for a failed task. */
  notStarted: number;
  /** Of those, tasks this host cannot run (manual or VS Code tasks, in the CLI). */
  cannotRunHere?: number;
  /** Tasks this run finished (done). */
  doneThisRun: number;
  durationMs: number;
  failures: Array<{ taskId: string; title: string; error: string }>;
  /** Set when the run stopped because of a problem of its own (the store could not be written …). */
  problem?: string;
  /** Set when the autonomy guards paused the run (the error budget was spent …): why, and what to do. */
  pausedBecause?: string;
  /** The language-model tasks this run ended, with the tokens and time each used. */
  lmTasks?: LmTaskUsage[];
}

/** "Language models used 12.3k tokens on 2 tasks in 3 min 5 s." — empty without lm tasks. */
export function describeLmUsage(s: Pick<RunSummary, 'lmTasks'>): string {
  const runs = s.lmTasks ?? [];
  if (!runs.length) return '';
  const tokens = runs.reduce((n, r) => n + r.tokens, 0);
  const ms = runs.reduce((n, r) => n + r.durationMs, 0);
  return `Language models used ${formatTokens(tokens)} on ${runs.length} task${runs.length === 1 ? '' : 's'} in ${formatDuration(ms)}.`;
}

/** One line per language-model task of the run: "'Add a greeting' done: 12.3k tokens in 4 turns, 2 min 3 s". */
export function lmTaskLines(s: Pick<RunSummary, 'lmTasks'>): string[] {
  return (s.lmTasks ?? []).map(
    r =>
      `'${r.title}' ${r.outcome}: ${formatTokens(r.tokens)} in ${r.turns} turn${r.turns === 1 ? '' : 's'}, ${formatDuration(r.durationMs)}`,
  );
}

/** "1 h 2 min", "3 min 20 s", "12 s", "850 ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(m / 60);
  return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

export function describeSummary(s: RunSummary): string {
  const lm = describeLmUsage(s);
  return lm ? `${describeOutcome(s)} ${lm}` : describeOutcome(s);
}

function describeOutcome(s: RunSummary): string {
  const counts = `${s.done} done, ${s.failed} failed, ${s.skipped} skipped${s.notStarted ? `, ${s.notStarted} not started` : ''} of ${s.total}, in ${formatDuration(s.durationMs)}`;
  const name = `Session '${s.sessionName}'`;
  const failed =
    s.failures
      .slice(0, 3)
      .map(f => `'${f.title}'`)
      .join(', ') + (s.failures.length > 3 ? ` and ${s.failures.length - 3} more` : '');
  switch (s.outcome) {
    case 'completed':
      return `${name} completed: ${counts}.`;
    case 'needs-attention':
      if (!s.failed && s.cannotRunHere) {
        return `${name} paused with work left: ${counts}. ${s.cannotRunHere} of them need a person or VS Code (manual tasks, VS Code tasks): open the workspace in VS Code and Resume Session there.`;
      }
      return `${name} paused with work left: ${counts}.${failed ? ` Failed: ${failed}.` : ''} Fix the cause, use Retry on the failed tasks, then Resume Session.`;
    case 'paused':
      return s.pausedBecause
        ? `${name} paused: ${s.pausedBecause} ${counts}.`
        : `${name} paused: ${counts}. Resume Session continues where it stopped.`;
    case 'cancelled':
      return `${name} was cancelled: ${counts}.`;
    case 'stopped-on-error':
      return `${name} stopped: ${s.problem ?? 'an unexpected problem'}. ${counts}. Resume Session continues where it stopped once the problem is fixed.`;
    case 'abandoned':
      return `${name} stopped with the window: ${counts}.`;
  }
}
