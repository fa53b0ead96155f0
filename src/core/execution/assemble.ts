// The executor with its autonomy guards, assembled once for every host: VS Code's window, the CLI,
// the benchmarks and the tests. A host brings its ports (processes, VS Code tasks, trust, logs, the
// questions for a person) and its settings; it gets back the executor, wired to the guards (error
// budget, flow monitor, error learning, rulebook, confidence gate) and a resource monitor.
import type { Continuum } from '../continuum';
import type { Logger } from '../ports';
import { readSetting, type SettingsSource } from '../settings';
import type { TaskAction } from '../tasks/model';
import { Executor, type ExecutorPorts, type ExecutorSettings } from './executor';
import type { ErrorBudgetSettings } from './guards/budget';
import { ExecutionGuards, type GuardQuestions } from './guards/guards';
import { graphImpact, taskImpact } from './guards/impact';
import { ResourceMonitor, type ResourceProbe } from './guards/resources';
import type { Rule } from './guards/rulebook';
import type { ResilienceSettings } from './resilience';
import type { ExecutionHooks } from './hooks';

/** What of the core an executor is assembled from (a Continuum has it all; a test's world may lack the graph). */
export type ExecutorCore = Pick<Continuum, 'store' | 'clock' | 'tasks' | 'sessions'> &
  Partial<Pick<Continuum, 'graph' | 'degradations' | 'files'>>;

/**
 * The autonomy guards, assembled here from the settings: every host, the benchmarks. They ask a
 * person `guardQuestions` (the confidence gate's and the rulebook's questions).
 */
export type ExecutorHost = ExecutorHostPorts & { guards?: 'assembled'; guardQuestions: GuardQuestions };

/**
 * For tests: the test's own guards (set up apart, say with a smaller budget), hooks of its own (to
 * act at a step boundary), or 'none' for a bare executor.
 */
export type TestExecutorHost = ExecutorHostPorts & { guards: ExecutionGuards | ExecutionHooks | 'none' };

export interface ExecutorHostPorts {
  ports: ExecutorPorts;
  /** The workspace folder: every command runs inside it. */
  workspace: string;
  /** The `continuum.*` settings; read again at each run's start and by `configureGuards`. */
  settings: SettingsSource;
  logger?: Logger;
  /** The rules of .continuum/rules.json and the rules setting, checked (the built-in defaults follow them). */
  rules?: readonly Rule[];
  /** Memory and disk, for the resource monitor; without it there is none. */
  resources?: ResourceProbe;
  /** Record the workspace files at each task's start and end (CheckpointFiles.taskBoundary), for per-task pull-request commits; default on. */
  recordTaskFiles?: boolean;
  /** Action kinds this host cannot run (see ExecutorOptions.cannotRun); `lm` joins them while `ports.lm` has no model. */
  cannotRun?: ReadonlyArray<TaskAction['kind']>;
  /** For tests and benchmarks: retry and breaker timings, jitter, the log cap. */
  resilience?: Partial<ResilienceSettings>;
  random?: () => number;
  logCapBytes?: number;
}

export interface AssembledExecutor {
  executor: Executor;
  guards: ExecutionGuards;
  resources?: ResourceMonitor;
  /** Reads the guards' settings again (after the person changed them). */
  configureGuards(): void;
  /** Kills what runs and records nothing more (see Executor.abandon), then lets go of the guards. */
  dispose(): void;
}

export function executorSettingsFrom(settings: SettingsSource): ExecutorSettings {
  return {
    concurrency: readSetting(settings, 'executor.concurrency'),
    checkpointEvery: readSetting(settings, 'executor.checkpointEvery'),
    checkpointBeforeLm: readSetting(settings, 'lm.checkpointBefore'),
  };
}

export function budgetSettingsFrom(settings: SettingsSource): Pick<ErrorBudgetSettings, 'limit' | 'perType'> {
  return {
    limit: readSetting(settings, 'guards.errorBudget'),
    perType: readSetting(settings, 'guards.errorBudgetPerType'),
  };
}

/** The same assembly with a test's own guards or none. */
export type TestExecutor = Omit<AssembledExecutor, 'guards'> & { guards?: ExecutionGuards };

export function assembleExecutor(core: ExecutorCore, host: ExecutorHost): AssembledExecutor;
export function assembleExecutor(core: ExecutorCore, host: TestExecutorHost): TestExecutor;
export function assembleExecutor(
  core: ExecutorCore,
  host: ExecutorHost | TestExecutorHost,
): AssembledExecutor | TestExecutor {
  const assembled =
    host.guards === undefined || host.guards === 'assembled'
      ? assembleGuards(core, host.guardQuestions, host)
      : undefined;
  const guards = assembled ?? (host.guards instanceof ExecutionGuards ? host.guards : undefined);
  const hooks: ExecutionHooks | undefined =
    guards ?? (typeof host.guards === 'object' && host.guards !== null ? host.guards : undefined);
  if (guards && host.rules) guards.setRules(host.rules);
  const folders = [core.store.folder, host.workspace];
  const resources = host.resources ? new ResourceMonitor(host.resources, [...new Set(folders)], core.clock) : undefined;
  const executor = new Executor({
    store: core.store,
    tasks: core.tasks,
    sessions: core.sessions,
    clock: core.clock,
    logger: host.logger,
    workspace: host.workspace,
    ports: host.ports,
    ...(hooks ? { hooks } : {}),
    // Each task's own file changes, for its pull-request commit. A task waits only for the files to be
    // read (git add and write-tree on a private index); the record is written in the background.
    ...(host.recordTaskFiles !== false && core.files ? { taskFiles: core.files } : {}),
    settings: () => executorSettingsFrom(host.settings),
    // a host without a model leaves `lm` tasks for one that has it (they wait, like a person's to-dos)
    ...(host.cannotRun ? { cannotRun: host.cannotRun } : {}),
    ...(host.resilience ? { resilience: host.resilience } : {}),
    ...(host.random ? { random: host.random } : {}),
    ...(host.logCapBytes !== undefined ? { logCapBytes: host.logCapBytes } : {}),
  });
  return {
    executor,
    ...(guards ? { guards } : {}),
    ...(resources ? { resources } : {}),
    configureGuards: () => guards?.configureBudget(budgetSettingsFrom(host.settings)),
    dispose() {
      executor.dispose();
      assembled?.dispose(); // a test's own guards are the test's to dispose
    },
  };
}

function assembleGuards(core: ExecutorCore, questions: GuardQuestions, host: ExecutorHostPorts): ExecutionGuards {
  const { graph } = core;
  return new ExecutionGuards({
    store: core.store,
    clock: core.clock,
    logger: host.logger,
    questions,
    degradations: core.degradations,
    budget: budgetSettingsFrom(host.settings),
    impact: watched => {
      // a graph not built yet cannot tell an impact: the task is not read for it
      const task = graph?.isBuilt && core.tasks.get(watched.id);
      return task ? taskImpact(task, graphImpact(graph)) : undefined;
    },
  });
}
