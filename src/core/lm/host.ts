// What a host gives `lm` tasks: a model, the workspace's files, the limits a task has when it sets
// none, and who approves a command the model wants to run. A host without a model gives none and
// lists 'model' among what it lacks: its `lm` tasks wait (see the action registry's `needs`).
import { readSetting, type SettingsSource } from '../settings';
import type { WorkspaceFilesPort } from './files';
import type { ModelPort } from './model';

export interface LmLimits {
  /** Model requests per run of a task. */
  turns: number;
  /** Input plus output tokens per run of a task. */
  tokens: number;
  /** Wall time of a run of a task, from its first model request. */
  wallMs: number;
}

export type CommandApproval = { run: true } | { run: false; why: string };

export interface LmHost {
  model: ModelPort;
  files: WorkspaceFilesPort;
  limits: LmLimits;
  /**
   * A command the model wants to run that the task does not allow by name: run it or not. Must not
   * throw; without a person to ask, the answer is no, with why (the model is told, and goes on).
   */
  approveCommand(taskTitle: string, command: string): Promise<CommandApproval>;
  /**
   * Whether a model is there now (VS Code's models come and go as extensions sign in and out).
   * While it says no, runs leave lm tasks alone, as a host without a model does; they start as soon
   * as it says yes again (see Executor.lookAgain). Absent: always there.
   */
  available?(): boolean;
}

/** The limits of a task that sets none, from the continuum.lm.* settings. */
export function lmLimitsFrom(settings: SettingsSource): LmLimits {
  return {
    turns: readSetting(settings, 'lm.maxTurns'),
    tokens: readSetting(settings, 'lm.maxTokens'),
    wallMs: readSetting(settings, 'lm.maxMinutes') * 60_000,
  };
}
