// The confidence gate: before an unattended task runs, a score from what is known about it decides
// how carefully it runs — at once, watched (a smaller retry budget, a notice on failure), after a
// checkpoint, or only once a person allows it. Thresholds adapt: a confident run that fails raises
// them, allowed runs that succeed lower them. Pure.

export interface ConfidenceFactors {
  /** Share of this action kind's past runs that succeeded (0–1); undefined without history. */
  kindSuccessRate?: number;
  /** Past runs of this kind (how much the rate can be trusted). */
  kindRuns: number;
  /** This task failed before with an error that is known and not yet fixed. */
  knownErrors: number;
  /** The workspace's files can be snapshotted before it runs (a checkpoint can undo it). */
  reversible: boolean;
  /** Components affected by the files it touches (knowledge graph), when known. */
  affectedComponents?: number;
  /** The user chose "Always allow" for this kind. */
  alwaysAllowed: boolean;
  /** Times the user allowed this kind when asked. */
  approvals: number;
}

export type GateDecision = 'run' | 'run watched' | 'checkpoint first' | 'ask';

export interface Thresholds {
  run: number;
  watched: number;
  checkpoint: number;
}

export const defaultThresholds: Thresholds = { run: 0.9, watched: 0.7, checkpoint: 0.5 };

export interface GateResult {
  score: number;
  decision: GateDecision;
  /** Each factor's contribution, for the task's event log and details. */
  contributions: Record<string, number>;
}

export function confidenceScore(f: ConfidenceFactors): { score: number; contributions: Record<string, number> } {
  const c: Record<string, number> = {};
  // history: an unknown kind starts at 0.6; with runs, the success rate counts more the more runs there are
  const trust = Math.min(1, f.kindRuns / 10);
  c.history = 0.6 * (1 - trust) + (f.kindSuccessRate ?? 0.6) * trust;
  c.knownErrors = -Math.min(0.3, 0.15 * f.knownErrors);
  c.reversibility = f.reversible ? 0.15 : -0.1;
  c.impact = f.affectedComponents === undefined ? 0 : -Math.min(0.25, f.affectedComponents / 200);
  c.approvals = f.alwaysAllowed ? 0.3 : Math.min(0.15, 0.05 * f.approvals);
  const score = Math.max(
    0,
    Math.min(
      1,
      Object.values(c).reduce((a, b) => a + b, 0),
    ),
  );
  for (const k of Object.keys(c)) c[k] = Math.round(c[k] * 1000) / 1000;
  return { score: Math.round(score * 1000) / 1000, contributions: c };
}

export function gate(f: ConfidenceFactors, t: Thresholds = defaultThresholds): GateResult {
  const { score, contributions } = confidenceScore(f);
  const decision: GateDecision =
    score >= t.run ? 'run' : score >= t.watched ? 'run watched' : score >= t.checkpoint ? 'checkpoint first' : 'ask';
  return { score, decision, contributions };
}

/** Thresholds read back from the store, when they are well-formed (numbers, ordered, within [0.3, 0.98]). */
export function parseThresholds(text: string | undefined): Thresholds | undefined {
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const t = v as Partial<Thresholds> | null;
  const inRange = (x: unknown): x is number => typeof x === 'number' && x >= 0.3 && x <= 0.98;
  if (
    !t ||
    !inRange(t.run) ||
    !inRange(t.watched) ||
    !inRange(t.checkpoint) ||
    !(t.checkpoint < t.watched && t.watched < t.run)
  )
    return undefined;
  return { run: t.run, watched: t.watched, checkpoint: t.checkpoint };
}

/**
 * New thresholds after an outcome: a task the gate let run at once (or watched) that failed moves
 * the thresholds up by `step`; one that ran after a checkpoint or a person's approval and succeeded
 * moves them down by half a step. They stay ordered and within [0.3, 0.98].
 */
export function adaptThresholds(t: Thresholds, decision: GateDecision, succeeded: boolean, step = 0.02): Thresholds {
  let delta = 0;
  if (!succeeded && (decision === 'run' || decision === 'run watched')) delta = step;
  if (succeeded && (decision === 'checkpoint first' || decision === 'ask')) delta = -step / 2;
  if (delta === 0) return t;
  const clamp = (v: number) => Math.round(Math.max(0.3, Math.min(0.98, v)) * 1000) / 1000;
  const run = clamp(t.run + delta);
  const watched = Math.min(clamp(t.watched + delta), run - 0.05);
  const checkpoint = Math.min(clamp(t.checkpoint + delta), watched - 0.05);
  return { run, watched: Math.round(watched * 1000) / 1000, checkpoint: Math.round(checkpoint * 1000) / 1000 };
}

/** What decides whether a checkpoint is worth taking before a task starts. */
export interface CheckpointFacts {
  /** Whether running the task can change the workspace's files (canChangeFiles). */
  canChangeFiles: boolean;
  /** When the newest checkpoint was taken; undefined when there is none. */
  lastCheckpointAt?: number;
  /** When the files last changed as far as is known (a save, a task that may change files finished or is still running). */
  lastChangeAt: number;
}

/**
 * Take a checkpoint before this task? Only when the gate is not confident enough to run it at once
 * ('checkpoint first', or 'ask' and the person allowed it), the task can change files, and the
 * newest checkpoint is older than the last change: a checkpoint that already holds the current
 * files is the one a restore would go back to, so another would only repeat it.
 */
export function checkpointBeforeTask(decision: GateDecision, f: CheckpointFacts): boolean {
  if (decision !== 'checkpoint first' && decision !== 'ask') return false;
  if (!f.canChangeFiles) return false;
  return f.lastCheckpointAt === undefined || f.lastCheckpointAt < f.lastChangeAt;
}

/** Programs that only read or print: they change no file whatever their arguments (without a shell's redirections). */
const readOnlyPrograms = new Set([
  'echo',
  'printf',
  'true',
  'false',
  'sleep',
  'pwd',
  'ls',
  'cat',
  'head',
  'tail',
  'wc',
  'date',
  'whoami',
  'uname',
  'env',
  'printenv',
  'which',
  'grep',
  'rg',
  'test',
]);
/** git subcommands that only read. */
const readOnlyGit = new Set([
  'status',
  'log',
  'diff',
  'show',
  'rev-parse',
  'describe',
  'ls-files',
  'blame',
  'grep',
  'shortlog',
]);

/**
 * Can an action change the workspace's files? A shell command can, unless it is a plain command
 * line (no pipes or redirections: `words` is its split form, undefined when it needs a shell) of a
 * program that only reads or prints, or asks only for a version or help. VS Code tasks and models
 * with tools can; a person's to-do is not run.
 */
export function canChangeFiles(kind: string, words: readonly string[] | undefined): boolean {
  if (kind === 'manual') return false;
  if (kind !== 'shell') return true;
  if (!words?.length) return true;
  const program = words[0].split('/').pop() ?? words[0];
  if (readOnlyPrograms.has(program)) return false;
  if (program === 'git') return !readOnlyGit.has(words[1] ?? '');
  return !(words.length === 2 && ['--version', '-v', '--help', '-h'].includes(words[1]));
}
