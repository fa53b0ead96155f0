// The task model as the rest of Continuum sees it.

export const taskStatuses = ['pending', 'running', 'done', 'failed', 'blocked', 'skipped', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/** In order of urgency; stored as its index (0 = critical). */
export const priorities = ['critical', 'high', 'normal', 'low'] as const;
export type Priority = (typeof priorities)[number];

/** Every kind of action, once: the schema (validation.ts), the executor's registry (execution/actions) and the rules follow it. */
export const actionKinds = ['shell', 'vscodeTask', 'manual', 'lm'] as const;
export type ActionKind = (typeof actionKinds)[number];

/**
 * What a task does when the executor runs it (src/core/execution/actions). `verify` is a command
 * that must exit 0 before the task counts as done; `rerunnable: false` makes a resume ask before
 * running again a step that was cut off. An `lm` task is done by a language model with tools: its
 * instructions are the task's title and description plus `acceptance`; its limits default to the
 * `continuum.lm.*` settings; `rerunnable` says whether a command the model ran may run again after
 * an interruption (default: no, a resume asks).
 */
export type TaskAction =
  | {
      kind: 'shell';
      command: string;
      args?: string[];
      shell?: boolean;
      cwd?: string;
      env?: Record<string, string>;
      timeoutMs?: number;
      verify?: string;
      rerunnable?: boolean;
    }
  | {
      kind: 'vscodeTask';
      label: string;
      timeoutMs?: number;
      verify?: string;
      rerunnable?: boolean;
      /** Run instead when the host has no such task (a degradation, shown in Health). */ shellEquivalent?: string;
    }
  | { kind: 'manual'; verify?: string }
  | {
      kind: 'lm';
      acceptance?: string;
      verify?: string;
      maxTurns?: number;
      maxTokens?: number;
      maxWallMs?: number;
      timeoutMs?: number;
      rerunnable?: boolean;
      /** Command lines the model may run without asking (the person wrote them here); others are confirmed. */ allowCommands?: string[];
    };

// every kind in the list has its action shape and every shape's kind is in the list: adding one without the other fails to compile
const _kindsMatch: [ActionKind, TaskAction['kind']] = ['' as TaskAction['kind'], '' as ActionKind];
void _kindsMatch;

export interface Task {
  id: string;
  /** Stable key of a task imported from a plan; re-import updates the task with the same key. */
  key?: string;
  title: string;
  description: string;
  status: TaskStatus;
  priority: Priority;
  progress: number;
  attempts: number;
  maxAttempts: number;
  deadline?: number;
  capabilities: string[];
  action?: TaskAction;
  result?: string;
  error?: string;
  phaseId?: string;
  parentId?: string;
  number?: string;
  /** As written in its plan ("1.5 hours"). */
  estimate?: string;
  dependsOn: string[];
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  completedAt?: number;
}

export interface Phase {
  id: string;
  key?: string;
  title: string;
  number?: string;
  position: number;
  source?: string;
  /** The phase it sits in ("2 Health Monitoring" for "2.1 Health Check System"). */
  parentId?: string;
  /** Written under its heading; its tasks without a priority of their own have it. */
  priority?: Priority;
  estimate?: string;
  status?: 'done' | 'in progress' | 'pending';
  /** Testing / acceptance bullets under its heading. */
  notes?: string[];
  /** Plan keys of the tasks and phases it waits for, as written under its heading. */
  dependsOnKeys?: string[];
}
