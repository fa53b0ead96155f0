// `continuum run` and `continuum resume`: the core executor driven from a terminal, with Node's
// processes. Shell tasks run here; manual tasks and VS Code tasks cannot (no person to mark them,
// no VS Code to run them) and are left for VS Code. Ctrl+C pauses (running tasks finish), a second
// Ctrl+C stops them now (they run again on resume); either way the session is left resumable.
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { createInterface } from 'node:readline/promises';
import type { Continuum } from '../core/continuum';
import type { ActionNeeds } from '../core/execution/actions/action';
import { actions, kindsNeeding } from '../core/execution/actions/index';
import { assembleExecutor } from '../core/execution/assemble';
import { ExecutionRefused, type Executor } from '../core/execution/executor';
import type { GuardQuestions } from '../core/execution/guards/guards';
import type { Rule } from '../core/execution/guards/rulebook';
import { readRulesFile, rulesFilePath } from '../core/execution/guards/rulesFile';
import { parseRulesSetting } from '../core/execution/guards/rulesSchema';
import type { ExecutionQuestions, HostTaskPort, InterruptedStepChoice, OrphanChoice } from '../core/execution/ports';
import { readSetting, type SettingsSource } from '../core/settings';
import { describeSummary, formatDuration, lmTaskLines, type RunSummary } from '../core/execution/summary';
import type { Phase, Task } from '../core/tasks/model';
import type { CommandApproval, LmHost } from '../core/lm/host';
import { lmLimitsFrom } from '../core/lm/host';
import { modelFromEnvironment, type LmChoice } from '../node/lm/config';
import { nodeWorkspaceFiles } from '../node/lm/workspaceFiles';
import { nodeProcesses } from '../node/processes';
import { nodeTaskLogs } from '../node/taskLogs';
import { workspaceSettings } from '../node/workspaceSettings';
import { forTerminal } from './terminalText';

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
      throw new CliError(
        `No phase is called '${selection.phase}'. ${known ? `The phases are: ${known}.` : 'This store has no phases; leave out --phase.'}`,
      );
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

/** What a terminal has not: no person marks tasks done here, and there is no VS Code to run its tasks. */
const cliLacks: readonly ActionNeeds[] = ['person', 'vscode'];

/** VS Code tasks need VS Code: the run leaves them (see `cannotRun`); this answers if one is ever asked for. */
const noVsCodeTasks: HostTaskPort = {
  run: async label => ({ code: null, error: { message: `VS Code task '${label}' can only run inside VS Code` } }),
};

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim().toLowerCase();
  } finally {
    rl.close();
  }
}

/** Questions asked on the terminal when it is one; otherwise the cautious answers (or --yes for plan commands, --orphans for orphans). */
export function terminalQuestions(
  yes: boolean,
  interactive: boolean,
  say: (line: string) => void,
  orphans?: OrphanChoice,
): ExecutionQuestions {
  return {
    async confirmPlanCommands(plan, commands) {
      say(
        `${/^(the |an? )/i.test(plan) ? plan[0].toUpperCase() + plan.slice(1) : `The plan ${plan}`} (not written by you here) runs these commands in the workspace:`,
      );
      for (const c of commands) say(`  ${c}`);
      if (yes) return true;
      if (!interactive) {
        say(
          'They were not confirmed, so none of its tasks run: check the commands, then run again with --yes to confirm them, or in a terminal to be asked (asked once per source, again if its commands change).',
        );
        return false;
      }
      return (await ask('Run them? [y/N] ')) === 'y';
    },
    async interruptedStep(title, step, startedAt): Promise<InterruptedStepChoice> {
      const when = new Date(startedAt).toLocaleTimeString();
      if (!interactive) {
        say(
          `Step '${step}' of '${title}' was running when Continuum stopped (${when}) and must not run twice. There is no terminal to ask you, so the task is failed without running it again. ` +
            "Check what the step did, then Retry the task in VS Code, or run 'continuum resume' in a terminal to be asked.",
        );
        return 'fail-unasked';
      }
      const answer = await ask(
        `Step '${step}' of '${title}' was running when Continuum stopped (${when}) and must not run twice. [r]un it again, [c]ount it as done, or [f]ail the task? [f] `,
      );
      return answer === 'r' ? 'rerun' : answer === 'c' ? 'skip' : 'fail';
    },
    async orphanedStep(title, step, pid, startedAt) {
      const what = `Step '${step}' of '${title}', started by an earlier run (${new Date(startedAt).toLocaleTimeString()}), is still running as process ${pid}; it never runs twice at once.`;
      if (orphans || !interactive) {
        const choice = orphans ?? 'wait';
        say(
          `${what} ${choice === 'stop' ? 'Stopping it (--orphans stop).' : `Waiting for it to end${orphans ? '' : ' (no terminal to ask; --orphans stop stops it instead)'}.`}`,
        );
        return choice;
      }
      const answer = await ask(`${what} [w]ait for it to finish, or [s]top it? [w] `);
      return answer === 's' ? 'stop' : 'wait';
    },
  };
}

/**
 * The confidence gate's and the rulebook's questions on the terminal. Without a terminal nobody can
 * answer: a task the gate is unsure of is skipped unless --yes, and a rule's fix command is not run.
 */
export function terminalGuardQuestions(
  yes: boolean,
  interactive: boolean,
  say: (line: string) => void,
): GuardQuestions {
  return {
    async allowLowConfidenceTask(task, score, reasons) {
      const what = `Continuum is not confident about running '${task.title}' unattended (confidence ${score.toFixed(2)}: ${reasons}).`;
      if (!interactive) {
        say(
          yes
            ? `${what} Running it (--yes).`
            : `${what} Skipped: nobody is at a terminal to allow it; run again with --yes to allow such tasks.`,
        );
        return yes ? 'allow' : 'skip';
      }
      const answer = await ask(`${what} [r]un it, [a]lways run ${task.kind} tasks, or [s]kip it? [s] `);
      return answer === 'r' ? 'allow' : answer === 'a' ? 'always' : 'skip';
    },
    async runFix(task, fix) {
      const proposal = fix.command
        ? `run '${fix.command}' in the workspace, then try the task again`
        : 'try the task again';
      const what = `Task '${task.title}' failed: ${fix.error}. ${fix.rule} proposes to ${proposal}.`;
      if (!interactive) {
        say(`${what} Not done: nobody is at a terminal to confirm it; the task fails.`);
        return 'fail';
      }
      const answer = await ask(`${what} [r]un it, [s]kip the task, or [f]ail it? [f] `);
      return answer === 'r' ? 'run' : answer === 's' ? 'skip' : 'fail';
    },
  };
}

/**
 * Whether a command the model wants to run (one its task does not allow by name) runs: --yes
 * allows it, a terminal asks, and without either it is refused with what to do — the model is told
 * and goes on.
 */
export function terminalCommandApproval(
  yes: boolean,
  interactive: boolean,
  say: (line: string) => void,
): (taskTitle: string, command: string) => Promise<CommandApproval> {
  return async (title, command) => {
    if (yes) return { run: true };
    const what = `The model working on '${title}' wants to run: ${command}`;
    if (!interactive) {
      say(`${what} — not run: nobody is at a terminal to confirm it.`);
      return {
        run: false,
        why: "it needs a person's confirmation and nobody is at a terminal to give it. Do without it, or say in your answer which command should run; the person can run 'continuum run --yes' to let commands run, or list the command in the task's allowCommands.",
      };
    }
    const answer = await ask(`${what}\nRun it? [y/N] `);
    return answer === 'y' ? { run: true } : { run: false, why: 'the person at the terminal said no.' };
  };
}

/** The rules of the workspace's .continuum/rules.json and its rules setting, as VS Code reads them; mistakes are said and leave those rules out. */
export function workspaceRules(workspace: string, settings: SettingsSource, say: (line: string) => void): Rule[] {
  const rules: Rule[] = [];
  const file = path.join(workspace, rulesFilePath);
  if (fs.existsSync(file)) {
    const result = readRulesFile(fs.readFileSync(file, 'utf8'));
    if ('rules' in result) rules.push(...result.rules);
    else
      say(
        `${rulesFilePath} has ${result.problems.length} problem(s), so its rules are not used in this run: ${result.problems[0].message}`,
      );
  }
  const fromSettings = parseRulesSetting(readSetting(settings, 'guards.rules'));
  if ('rules' in fromSettings) rules.push(...fromSettings.rules);
  else
    say(
      `The continuum.guards.rules setting has ${fromSettings.problems.length} problem(s), so its rules are not used in this run: ${fromSettings.problems[0].message}`,
    );
  return rules;
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
  /** What to do with a step's process left running by an earlier run (asked on a terminal when not given; waited for without one). */
  orphans?: OrphanChoice;
  /** Installs the Ctrl+C handler: called with what a Ctrl+C should do; returns its removal. */
  onInterrupt(handler: () => void): () => void;
  /** The model for lm tasks, as flags name it (the environment fills in the rest). */
  lm?: LmChoice;
  /** Where CONTINUUM_LM_* are read (default: this process's environment). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Runs a new session over the selection, or resumes one. Resolves to the process's exit code. */
export async function runSession(core: Continuum, o: RunOptions): Promise<number> {
  const health = core.store.health();
  if (health.readOnly) {
    throw new CliError(
      `Cannot run here: ${forTerminal(health.readOnlyReason ?? 'the store is read-only.')} (Another process holds the store — a VS Code window or another 'continuum run': pause the session there or let it finish, then run this again.)`,
    );
  }
  const workspace = path.resolve(o.workspace);
  const fromFile = workspaceSettings(workspace);
  if (fromFile.problem) o.say(fromFile.problem);
  // --concurrency wins over the workspace's setting
  const settings: SettingsSource = key =>
    key === 'executor.concurrency' && o.concurrency !== undefined ? o.concurrency : fromFile.source(key);
  const lmConfig = modelFromEnvironment(o.env ?? process.env, o.lm ?? {});
  const lm: LmHost | undefined =
    'model' in lmConfig
      ? {
          model: lmConfig.model,
          files: nodeWorkspaceFiles,
          limits: lmLimitsFrom(settings),
          approveCommand: terminalCommandApproval(o.yes, o.interactive, o.say),
        }
      : undefined;
  const noModel =
    'missing' in lmConfig
      ? lmConfig.missing
      : 'problem' in lmConfig
        ? `lm tasks cannot run: ${lmConfig.problem}`
        : undefined;
  // Checkpoints hold the files and each task's own changes are recorded (for its pull-request commit), as in
  // a trusted VS Code window: whoever runs the CLI in a folder trusts it.
  core.useWorkspaceFolder(workspace);
  const assembled = assembleExecutor(core, {
    workspace,
    settings,
    ports: {
      processes: nodeProcesses,
      hostTasks: noVsCodeTasks,
      trust: { isTrusted: () => true }, // whoever runs the CLI in a folder trusts it
      logs: nodeTaskLogs(path.join(core.store.folder, 'logs')), // the same logs VS Code's Show Task Log opens
      questions: terminalQuestions(o.yes, o.interactive, o.say, o.orphans),
      ...(lm ? { lm } : {}), // without it, assembleExecutor leaves lm tasks alone: they wait
    },
    guardQuestions: terminalGuardQuestions(o.yes, o.interactive, o.say),
    rules: workspaceRules(workspace, settings, o.say),
    cannotRun: kindsNeeding(cliLacks),
  });
  const executor = assembled.executor;
  const concurrency = readSetting(settings, 'executor.concurrency');
  try {
    const sessionId = o.resume ? resumable(core, o.resume.sessionId) : await newSession(core, executor, o);
    if (!sessionId) return 0;
    const intro = o.resume
      ? core.sessions.describeResume(sessionId)
      : `${core.sessions.get(sessionId)!.taskIds.length} tasks`;
    return await follow(core, executor, sessionId, intro, { ...o, concurrency, ...(noModel ? { noModel } : {}) });
  } catch (err) {
    if (err instanceof ExecutionRefused) throw new CliError(forTerminal(err.message));
    const message = err instanceof Error ? err.message : String(err);
    if (isStoreFailure(message)) throw new CliError(await describeStoreFailure(core.store.folder, message));
    throw err;
  } finally {
    assembled.dispose();
  }
}

async function newSession(core: Continuum, executor: Executor, o: RunOptions): Promise<string | undefined> {
  const taskIds = selectTasks(core.tasks.list(), core.tasks.phases(), o);
  if (!taskIds.length) {
    o.say('Nothing to run: every selected task is already finished. Add tasks, or import a plan.');
    return undefined;
  }
  const waiting = core.sessions.resumePoint();
  if (waiting)
    o.say(`(Session '${waiting.name}' is ${waiting.status}: 'continuum resume' continues it. Starting a new session.)`);
  await executor.prepare(taskIds);
  const session = await core.sessions.create({
    name: `Terminal session ${new Date(core.clock.now()).toLocaleString()}`,
    taskIds,
  });
  return session.id;
}

function resumable(core: Continuum, sessionId: string | undefined): string {
  const session = sessionId ? core.sessions.get(sessionId) : core.sessions.resumePoint();
  if (!session)
    throw new CliError(
      sessionId
        ? `No session has the id '${sessionId}'. 'continuum status' lists the sessions.`
        : "There is no paused or interrupted session to resume. Start one with 'continuum run'.",
    );
  if (session.status !== 'paused' && session.status !== 'interrupted' && session.status !== 'running') {
    throw new CliError(`Session '${session.name}' has ${session.status}; start a new one with 'continuum run'.`);
  }
  return session.id;
}

/** Tasks left for others listed by name at the end of a run; the rest are counted. */
const shownLeft = 10;

const countOf = (n: number) => (n === 1 ? '1 task' : `${n} tasks`);

/** The session's unfinished tasks this run leaves alone: a person's (to-dos, manual tasks), VS Code tasks, and lm tasks without a model. */
function leftForOthers(
  core: Continuum,
  sessionId: string,
  noModel: boolean,
): { people: Task[]; vscode: Task[]; model: Task[] } {
  const needsOf = (t: Task) => (t.action ? actions[t.action.kind].needs : 'person');
  const left = core.sessions
    .get(sessionId)!
    .taskIds.map(id => core.tasks.get(id)!)
    .filter(t => t && !finished.has(t.status) && t.status !== 'failed');
  return {
    people: left.filter(t => needsOf(t) === 'person' && cliLacks.includes('person')),
    vscode: left.filter(t => needsOf(t) === 'vscode' && cliLacks.includes('vscode')),
    model: left.filter(t => needsOf(t) === 'model' && noModel),
  };
}

/** Runs the session, printing a line per task start and end, until it ends or a Ctrl+C pauses it. */
async function follow(
  core: Continuum,
  executor: Executor,
  sessionId: string,
  intro: string,
  o: RunOptions & { concurrency: number; noModel?: string },
): Promise<number> {
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
    const ended = change.ended;
    const at = ended && started.get(ended.taskId);
    if (!ended || at === undefined) return;
    started.delete(ended.taskId);
    // what the run saved on disk, never what memory says: a task is "done" here only once that is saved
    const p = total();
    const took = formatDuration(Date.now() - at);
    const name = title(ended.taskId);
    if (ended.status === 'done') o.say(`[${p.completed}/${p.total}] done     ${name} (${took})`);
    else if (ended.status === 'failed')
      o.say(`[${p.completed}/${p.total}] failed   ${name} (${took}): ${core.tasks.get(ended.taskId)?.error ?? ''}`);
    else if (ended.status) o.say(`[${p.completed}/${p.total}] ${ended.status.padEnd(8)} ${name} (${took})`);
    else o.say(`[not saved] ${name} (${took}): its end could not be recorded; it runs again on resume`);
  });
  let interrupts = 0;
  const session = core.sessions.get(sessionId)!;
  o.say(
    `Session '${session.name}': ${intro}; up to ${o.concurrency} at a time. Ctrl+C pauses (running tasks finish); twice stops them now.`,
  );
  const left = leftForOthers(core, sessionId, !!o.noModel);
  if (left.model.length)
    o.say(
      `${countOf(left.model.length)} ${left.model.length === 1 ? 'waits' : 'wait'} for a language model (lm tasks): ${o.noModel}`,
    );
  if (left.people.length)
    o.say(
      `${countOf(left.people.length)} ${left.people.length === 1 ? 'waits' : 'wait'} for a person (to-dos and manual tasks): mark them done in VS Code (or with Resume Session there); this run goes on with the others.`,
    );
  if (left.vscode.length)
    o.say(
      `${countOf(left.vscode.length)} ${left.vscode.length === 1 ? 'runs' : 'run'} only in VS Code (VS Code tasks); this run goes on with the others.`,
    );
  const run = await executor.run(sessionId);
  const removeHandler = o.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      o.say(
        `Pausing: ${run.running.length} running task(s) finish first. Ctrl+C again stops them now (they run again on resume).`,
      );
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
  if (summary.problem && isStoreFailure(summary.problem)) {
    o.say(await describeStoreFailure(core.store.folder, summary.problem));
    return 1;
  }
  o.say(
    forTerminal(
      describeSummary(summary).replace(
        /Resume Session continues where it stopped/,
        "'continuum resume' continues where it stopped",
      ),
    ),
  );
  for (const line of lmTaskLines(summary)) o.say(`  lm: ${line}`);
  for (const f of summary.failures) o.say(`  failed: ${f.title}: ${f.error}`);
  if (summary.cannotRunHere) {
    const after = leftForOthers(core, sessionId, !!o.noModel);
    for (const [tasks, who] of [
      [after.people, 'a person'],
      [after.vscode, 'VS Code'],
      [after.model, 'a language model'],
    ] as const) {
      if (!tasks.length) continue;
      o.say(
        `  ${countOf(tasks.length)} ${tasks.length === 1 ? 'needs' : 'need'} ${who}${tasks.length > shownLeft ? `, the first ${shownLeft}:` : ':'}`,
      );
      for (const t of tasks.slice(0, shownLeft)) o.say(`    ${t.title}`);
    }
  }
  if (summary.outcome === 'paused' || summary.outcome === 'needs-attention' || summary.outcome === 'stopped-on-error') {
    o.say(`Continue with: continuum resume --store ${core.store.folder} (or Resume Session in VS Code).`);
  }
  return summary.outcome === 'completed' ? 0 : summary.outcome === 'paused' && interrupts ? 130 : 1;
}

// forTerminal lives in terminalText.ts (the graph commands' bundle uses it without this module)
export { forTerminal };

const storeErrno = /\b(ENOSPC|EDQUOT|EROFS|EIO|EACCES|EPERM|EBADF)\b/;

/** Whether a run's problem is its store failing to save (the journal could not be written). */
export function isStoreFailure(problem: string): boolean {
  return (
    /could not write to its store/.test(problem) ||
    (/step journal could not be written/.test(problem) && storeErrno.test(problem))
  );
}

/** What failed, how much room there is and what to do, when the store could not save a run's changes. */
export async function describeStoreFailure(folder: string, problem: string): Promise<string> {
  const cause = /\(([A-Z]{2,}[^()]*)\)/.exec(problem)?.[1] ?? problem;
  const resume = `then run: continuum resume --store ${folder}`;
  const unsaved =
    'Tasks not printed as done were not saved as done; they run again on resume (steps saved as completed are not run again).';
  if (!/\b(ENOSPC|EDQUOT)\b/.test(problem)) {
    return `The run stopped: Continuum could not save its changes to the store in ${folder} (${cause}). ${unsaved} Fix the cause (the folder's permissions, the disk), ${resume}`;
  }
  const [free, size] = await Promise.all([freeBytes(folder), folderBytes(folder)]);
  const needed = Math.max(size, 1024 * 1024);
  const room = free === undefined ? '' : ` ${formatBytes(free)} is free there;`;
  return `The run stopped: the disk holding the store (${folder}) is full (${cause}).${room} the store needs at least ${formatBytes(needed)} free to save its changes and rewrite its snapshot. ${unsaved} Free some space, ${resume}`;
}

async function freeBytes(folder: string): Promise<number | undefined> {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    try {
      const s = await fsp.statfs(dir);
      return s.bavail * s.bsize;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dir === path.dirname(dir)) return undefined;
    }
  }
}

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  try {
    for (const entry of await fsp.readdir(folder, { withFileTypes: true })) {
      if (entry.isFile()) total += (await fsp.stat(path.join(folder, entry.name))).size;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return total;
}

function formatBytes(n: number): string {
  return n >= 1024 ** 3
    ? `${(n / 1024 ** 3).toFixed(1)} GiB`
    : n >= 1024 ** 2
      ? `${(n / 1024 ** 2).toFixed(1)} MiB`
      : `${Math.ceil(n / 1024)} KiB`;
}
