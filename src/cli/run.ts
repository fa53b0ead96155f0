// `continuum run` and `continuum resume`: the core executor driven from a terminal, with Node's
// processes. Shell tasks run here; manual tasks and VS Code tasks cannot (no person to mark them,
// no VS Code to run them) and are left for VS Code. Ctrl+C pauses (running tasks finish), a second
// Ctrl+C stops them now (they run again on resume); either way the session is left resumable.
import * as path from 'path';
import { createInterface } from 'node:readline/promises';
import type { Continuum } from '../core/continuum';
import { ExecutionRefused, Executor, defaultExecutorSettings } from '../core/execution/executor';
import type { ExecutionQuestions, HostTaskPort, InterruptedStepChoice } from '../core/execution/ports';
import { describeSummary, formatDuration, type RunSummary } from '../core/execution/summary';
import type { Phase, Task } from '../core/tasks/model';
import { nodeProcesses } from '../node/processes';
import { nodeTaskLogs } from '../node/taskLogs';

/** A problem with what the person asked for: the message says what to do. */
export class CliError extends Error {}

export interface Selection {
  /** A phase by number ("2"), title or id. */
  phase?: string;
  /** Tasks by id, plan key or number ("1.2"). */
  tasks?: readonly string[];
}

const finished = new Set(['done', 'skipped', 'cancelled']);

/** The unfinished tasks a run should work on: all of them, one phase's, or the ones named. Pure. */
export function selectTasks(all: readonly Task[], phases: readonly Phase[], selection: Selection): string[] {
  let chosen = all.filter(t => !finished.has(t.status));
  if (selection.phase !== undefined) {
    const wanted = selection.phase.trim().toLowerCase();
    const phase = phases.find(p => p.id === selection.phase || p.number === wanted || p.title.toLowerCase() === wanted);
    if (!phase) {
      const known = phases.map(p => (p.number ? `${p.number} (${p.title})` : `'${p.title}'`)).join(', ');
      throw new CliError(`No phase is called '${selection.phase}'. ${known ? `The phases are: ${known}.` : 'This store has no phases; leave out --phase.'}`);
    }
    chosen = chosen.filter(t => t.phaseId === phase.id);
  }
  if (selection.tasks?.length) {
    const ids = selection.tasks.map(name => {
      const task = all.find(t => t.id === name || t.key === name || t.number === name);
      if (!task) throw new CliError(`No task has the id, key or number '${name}'. 'continuum status' lists the tasks.`);
      return task.id;
    });
    chosen = chosen.filter(t => ids.includes(t.id));
  }
  return chosen.map(t => t.id);
}

/** VS Code tasks need VS Code: the run leaves them (see `cannotRun`); this answers if one is ever asked for. */
const noVsCodeTasks: HostTaskPort = {
  run: async label => ({ code: null, error: { message: `VS Code task '${label}' can only run inside VS Code` } }),
};

/** Questions asked on the terminal when it is one; otherwise the cautious answers (or --yes for plan commands). */
export function terminalQuestions(yes: boolean, interactive: boolean, say: (line: string) => void): ExecutionQuestions {
  const ask = async (question: string): Promise<string> => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return (await rl.question(question)).trim().toLowerCase();
    } finally {
      rl.close();
    }
  };
  return {
    async confirmPlanCommands(plan, commands) {
      say(`The plan ${plan} runs these commands in the workspace:`);
      for (const c of commands) say(`  ${c}`);
      if (yes) return true;
      if (!interactive) {
        say('They were not confirmed: run again with --yes to confirm them (asked once per plan, again if its commands change).');
        return false;
      }
      return (await ask('Run them? [y/N] ')) === 'y';
    },
    async interruptedStep(title, step, startedAt): Promise<InterruptedStepChoice> {
      const when = new Date(startedAt).toLocaleTimeString();
      if (!interactive) {
        say(`Step '${step}' of '${title}' was running when Continuum stopped (${when}) and must not run twice: the task is failed. Look at it, then Retry it in VS Code or reopen it.`);
        return 'fail';
      }
      const answer = await ask(`Step '${step}' of '${title}' was running when Continuum stopped (${when}) and must not run twice. [r]un it again, [c]ount it as done, or [f]ail the task? [f] `);
      return answer === 'r' ? 'rerun' : answer === 'c' ? 'skip' : 'fail';
    },
  };
}

export interface RunOptions extends Selection {
  workspace: string;
  concurrency?: number;
  /** Confirm imported plans' commands without asking. */
  yes: boolean;
  /** `resume`: this session, or the most recent paused or interrupted one. */
  resume?: { sessionId?: string };
  say(line: string): void;
  /** Whether questions can be asked on the terminal. */
  interactive: boolean;
  /** Installs the Ctrl+C handler: called with what a Ctrl+C should do; returns its removal. */
  onInterrupt(handler: () => void): () => void;
}

/** Runs a new session over the selection, or resumes one. Resolves to the process's exit code. */
export async function runSession(core: Continuum, o: RunOptions): Promise<number> {
  const health = core.store.health();
  if (health.readOnly) {
    throw new CliError(`Cannot run here: ${health.readOnlyReason ?? 'the store is read-only.'} (A running VS Code window holds the store: pause the session there and close the window, or run it from there.)`);
  }
  const executor = new Executor({
    store: core.store, tasks: core.tasks, sessions: core.sessions, clock: core.clock, workspace: path.resolve(o.workspace),
    ports: {
      processes: nodeProcesses,
      hostTasks: noVsCodeTasks,
      trust: { isTrusted: () => true }, // whoever runs the CLI in a folder trusts it
      logs: nodeTaskLogs(path.join(core.store.folder, 'logs')), // the same logs VS Code's Show Task Log opens
      questions: terminalQuestions(o.yes, o.interactive, o.say),
    },
    settings: () => ({ concurrency: o.concurrency ?? defaultExecutorSettings.concurrency }),
    cannotRun: ['manual', 'vscodeTask'],
    ...(core.files ? { taskFiles: core.files } : {}),
  });
  try {
    const sessionId = o.resume ? resumable(core, o.resume.sessionId) : await newSession(core, executor, o);
    if (!sessionId) return 0;
    const intro = o.resume ? core.sessions.describeResume(sessionId) : `${core.sessions.get(sessionId)!.taskIds.length} tasks`;
    return await follow(core, executor, sessionId, intro, o);
  } catch (err) {
    if (err instanceof ExecutionRefused) throw new CliError(err.message);
    throw err;
  } finally {
    executor.dispose();
  }
}

async function newSession(core: Continuum, executor: Executor, o: RunOptions): Promise<string | undefined> {
  const taskIds = selectTasks(core.tasks.list(), core.tasks.phases(), o);
  if (!taskIds.length) {
    o.say('Nothing to run: every selected task is already finished. Add tasks, or import a plan.');
    return undefined;
  }
  const waiting = core.sessions.resumePoint();
  if (waiting) o.say(`(Session '${waiting.name}' is ${waiting.status}: 'continuum resume' continues it. Starting a new session.)`);
  await executor.prepare(taskIds);
  const session = await core.sessions.create({ name: `Terminal session ${new Date(core.clock.now()).toLocaleString()}`, taskIds });
  return session.id;
}

function resumable(core: Continuum, sessionId: string | undefined): string {
  const session = sessionId ? core.sessions.get(sessionId) : core.sessions.resumePoint();
  if (!session) throw new CliError(sessionId ? `No session has the id '${sessionId}'. 'continuum status' lists the sessions.` : "There is no paused or interrupted session to resume. Start one with 'continuum run'.");
  if (session.status !== 'paused' && session.status !== 'interrupted' && session.status !== 'running') {
    throw new CliError(`Session '${session.name}' has ${session.status}; start a new one with 'continuum run'.`);
  }
  return session.id;
}

/** Runs the session, printing a line per task start and end, until it ends or a Ctrl+C pauses it. */
async function follow(core: Continuum, executor: Executor, sessionId: string, intro: string, o: RunOptions): Promise<number> {
  const started = new Map<string, number>();
  const total = () => core.sessions.progress(sessionId);
  const title = (id: string) => core.tasks.get(id)?.title ?? id;
  const changes = executor.onDidChange(change => {
    if (change.sessionId !== sessionId) return;
    for (const id of change.running) {
      if (started.has(id)) continue;
      started.set(id, Date.now());
      const p = total();
      o.say(`[${p.completed}/${p.total}] started  ${title(id)}`);
    }
    for (const [id, at] of started) {
      if (change.running.includes(id)) continue;
      started.delete(id);
      const task = core.tasks.get(id);
      const p = total();
      const took = formatDuration(Date.now() - at);
      if (task?.status === 'done') o.say(`[${p.completed}/${p.total}] done     ${title(id)} (${took})`);
      else if (task?.status === 'failed') o.say(`[${p.completed}/${p.total}] failed   ${title(id)} (${took}): ${task.error ?? ''}`);
      else o.say(`[${p.completed}/${p.total}] ${(task?.status ?? 'gone').padEnd(8)} ${title(id)} (${took})`);
    }
  });
  let interrupts = 0;
  const session = core.sessions.get(sessionId)!;
  o.say(`Session '${session.name}': ${intro}; up to ${o.concurrency ?? defaultExecutorSettings.concurrency} at a time. Ctrl+C pauses (running tasks finish); twice stops them now.`);
  const run = await executor.run(sessionId);
  const removeHandler = o.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      o.say(`Pausing: ${run.running.length} running task(s) finish first. Ctrl+C again stops them now (they run again on resume).`);
      void run.pause();
    } else {
      o.say('Stopping now: the running tasks are killed and run again on resume.');
      void run.stopNow();
    }
  });
  let summary: RunSummary;
  try {
    summary = await run.finished;
  } finally {
    removeHandler();
    changes.dispose();
  }
  o.say(describeSummary(summary).replace(/Resume Session continues where it stopped/, "'continuum resume' continues where it stopped"));
  for (const f of summary.failures) o.say(`  failed: ${f.title}: ${f.error}`);
  if (summary.cannotRunHere) {
    const left = core.sessions.get(sessionId)!.taskIds.map(id => core.tasks.get(id)!).filter(t => !finished.has(t.status) && t.status !== 'failed' && (!t.action || t.action.kind !== 'shell'));
    for (const t of left) o.say(`  needs ${t.action?.kind === 'vscodeTask' ? 'VS Code' : 'a person'}: ${t.title}`);
  }
  if (summary.outcome === 'paused' || summary.outcome === 'needs-attention' || summary.outcome === 'stopped-on-error') {
    o.say(`Continue with: continuum resume --store ${core.store.folder} (or Resume Session in VS Code).`);
  }
  return summary.outcome === 'completed' ? 0 : summary.outcome === 'paused' && interrupts ? 130 : 1;
}
