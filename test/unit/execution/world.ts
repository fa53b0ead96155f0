// An executor on a real store (in-memory file system, fake clock) with fake processes, for tests.
import { assembleExecutor } from '../../../src/core/execution/assemble';
import type { Executor } from '../../../src/core/execution/executor';
import type { ExecutionGuards } from '../../../src/core/execution/guards/guards';
import type { ExecutionHooks } from '../../../src/core/execution/hooks';
import type {
  ExecutionQuestions,
  ExecutorPorts,
  ExecutorSettings,
  InterruptedStepChoice,
  OrphanChoice,
} from '../../../src/core/execution/ports';
import type { ResilienceSettings } from '../../../src/core/execution/resilience';
import { sequentialIds } from '../../../src/core/ids';
import type { CheckpointFiles } from '../../../src/core/git/checkpointFiles';
import { SessionManager } from '../../../src/core/sessions/sessionManager';
import type { TaskAction } from '../../../src/core/tasks/model';
import type { NewTask } from '../../../src/core/tasks/validation';
import { makeWorld, type TestWorld } from '../helpers';
import { FakeProcesses, MemoryTaskLogs, fakeHostTasks } from '../fakes/fakeProcesses';

export const fastResilience: Partial<ResilienceSettings> = { baseDelayMs: 1, maxDelayMs: 10, halfOpenAfterMs: 200 };

export class ScriptedQuestions implements ExecutionQuestions {
  confirmations: string[] = [];
  confirm = true;
  interrupted: string[] = [];
  interruptedAnswer: InterruptedStepChoice = 'rerun';
  async confirmPlanCommands(plan: string, commands: readonly string[]): Promise<boolean> {
    this.confirmations.push(`${plan}: ${commands.join(' | ')}`);
    return this.confirm;
  }
  async interruptedStep(title: string, step: string): Promise<InterruptedStepChoice> {
    this.interrupted.push(`${title}/${step}`);
    return this.interruptedAnswer;
  }
  orphans: string[] = [];
  orphanAnswer: OrphanChoice = 'stop';
  async orphanedStep(title: string, step: string, pid: number): Promise<OrphanChoice> {
    this.orphans.push(`${title}/${step}/${pid}`);
    return this.orphanAnswer;
  }
}

/** What a test sets of its executor; the rest is the world's (fake processes, scripted questions, trust). */
export interface TestExecutorOptions {
  workspace?: string;
  ports?: ExecutorPorts;
  /** Read at each run's start, as the executor reads its settings (default: concurrency 2, no every-N checkpoints). */
  settings?: () => Partial<ExecutorSettings>;
  /** The test's own guards; without them the executor runs bare (assembleExecutor's `guards: 'none'`). */
  hooks?: ExecutionGuards | ExecutionHooks;
  /** Records each task's files at its start and end (the executor's taskFiles). */
  taskFiles?: CheckpointFiles;
  cannotRun?: ReadonlyArray<TaskAction['kind']>;
  resilience?: Partial<ResilienceSettings>;
  logCapBytes?: number;
  random?: () => number;
}

export interface ExecWorld extends TestWorld {
  sessions: SessionManager;
  processes: FakeProcesses;
  logs: MemoryTaskLogs;
  questions: ScriptedQuestions;
  trusted: { value: boolean };
  executor: Executor;
  newExecutor(options?: TestExecutorOptions): Executor;
  /** The world's ports (fake processes, its logs and questions, a trusted workspace) with `more`, e.g. a model. */
  portsWith(more: Partial<ExecutorPorts>): ExecutorPorts;
  /** Creates the tasks, a session over them, and runs it to its end. */
  session(taskIds: string[]): Promise<string>;
  shell(title: string, command: string, more?: Partial<NewTask>): Promise<string>;
}

export async function makeExecWorld(options: TestExecutorOptions = {}, base?: TestWorld): Promise<ExecWorld> {
  const world = base ?? (await makeWorld());
  const sessions = new SessionManager(world.store, world.clock, { ids: sequentialIds() });
  const processes = new FakeProcesses();
  const logs = new MemoryTaskLogs();
  const questions = new ScriptedQuestions();
  const trusted = { value: true };
  // the one assembly every host uses (src/core/execution/assemble.ts), with the test's guards or none
  const newExecutor = (more: TestExecutorOptions = {}) => {
    const o: TestExecutorOptions = { ...options, ...more };
    const settings: () => Partial<ExecutorSettings> = o.settings ?? (() => ({ concurrency: 2, checkpointEvery: 0 }));
    return assembleExecutor(
      { store: world.store, tasks: world.tasks, sessions, clock: world.clock, files: o.taskFiles },
      {
        workspace: o.workspace ?? '/work/ws',
        ports: o.ports ?? {
          processes,
          hostTasks: fakeHostTasks(processes),
          trust: { isTrusted: () => trusted.value },
          logs,
          questions,
        },
        settings: key =>
          key === 'executor.concurrency'
            ? settings().concurrency
            : key === 'executor.checkpointEvery'
              ? settings().checkpointEvery
              : key === 'lm.checkpointBefore'
                ? settings().checkpointBeforeLm
                : undefined,
        guards: o.hooks ?? 'none',
        resilience: o.resilience ?? fastResilience,
        random: o.random ?? (() => 0.5),
        ...(o.cannotRun ? { cannotRun: o.cannotRun } : {}),
        ...(o.logCapBytes !== undefined ? { logCapBytes: o.logCapBytes } : {}),
      },
    ).executor;
  };
  const executor = newExecutor();
  return {
    ...world,
    sessions,
    processes,
    logs,
    questions,
    trusted,
    executor,
    newExecutor,
    portsWith: more => ({
      processes,
      hostTasks: fakeHostTasks(processes),
      trust: { isTrusted: () => true },
      logs,
      questions,
      ...more,
    }),
    async session(taskIds) {
      const s = await sessions.create({ name: 'test session', taskIds });
      return s.id;
    },
    async shell(title, command, more = {}) {
      return (await world.tasks.create({ title, action: { kind: 'shell', command }, ...more })).id;
    },
  };
}

/** Polls until `probe` holds (the executor works asynchronously). */
export async function until(what: string, probe: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 2));
  }
}
