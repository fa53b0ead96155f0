// Every command, once: the ids here and in package.json's contributes.commands must match (an
// integration test compares them). Handlers are thin; each gets the open core.
import * as vscode from 'vscode';
import { inert } from '../shared/text';
import type { CommandContext, Handler } from './commands/context';
import { StoreHeldElsewhere } from './host';
import { graphCommands } from './graph/graphCommands';
import { graphStatusLine } from './graph/graphText';
import { sessionCommands } from './commands/sessionCommands';
import { checkpointCommands } from './checkpoints/checkpointCommands';
import { executionCommands } from './execution/executionCommands';
import { guardCommands } from './guards/guardCommands';
import { pullRequestCommands } from './pullRequests/pullRequestCommands';
import { stateCommands } from './commands/stateCommands';
import { taskCommands } from './commands/taskCommands';
import { activeSession } from './sessionText';
import { setUpAgents } from './agents/setUpAgents';
import { planFromGoal } from './plans/planFromGoal';
import { lmCommands } from './lm/lmCommands';

const showStatus: Handler = async (ctx, core) => {
  const stats = core.tasks.statistics();
  const session = activeSession(core);
  const health = core.store.health();
  const lines = [
    `${stats.counts.done}/${stats.total} tasks done (${stats.completionPercent}%)`,
    session
      ? `session '${inert(session.name, 60)}' ${session.status}: ${core.sessions.describeResume(session.id)}`
      : 'no session',
    health.readOnly ? `read-only: ${health.readOnlyReason}` : '',
    graphStatusLine(core.graph),
  ].filter(Boolean);
  const choice = await ctx.prompts().notify('info', `Continuum: ${lines.join(' · ')}`, 'Open Tasks');
  if (choice) await vscode.commands.executeCommand('continuum.tasks.focus');
  return { stats, session, readOnly: health.readOnly };
};

export const commandTable: Record<string, Handler> = {
  'continuum.showStatus': showStatus,
  ...taskCommands,
  'continuum.planFromGoal': planFromGoal,
  ...sessionCommands,
  ...checkpointCommands,
  ...stateCommands,
  ...graphCommands,
  ...executionCommands,
  ...guardCommands,
  ...pullRequestCommands,
  ...lmCommands,
  'continuum.setUpAgents': setUpAgents,
};

/**
 * Commands that only the process holding the store runs (they run tasks, write files, or write more
 * than the named operations a client window sends): in a window that is another process's client,
 * they first take the store over (ContinuumHost.holdFor), by their titles. Pause and Cancel Session
 * are not among them: they reach a session where it runs (ContinuumHost.controlSession).
 */
export const runWhereHeld: Readonly<Record<string, string>> = {
  'continuum.startSession': 'Start Session',
  'continuum.resumeSession': 'Resume Session',
  'continuum.restoreCheckpoint': 'Restore Checkpoint',
  'continuum.createBranchAtCheckpoint': 'Create Branch at Checkpoint',
  'continuum.importState': 'Import State',
  'continuum.buildKnowledgeGraph': 'Build Knowledge Graph',
  'continuum.createPullRequest': 'Create Pull Request',
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(commandTable).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        const held = Object.hasOwn(runWhereHeld, id) ? runWhereHeld[id] : undefined;
        if (!held) return await handler(ctx, await ctx.host.open(), ...args);
        const core = await ctx.host.holdFor(held);
        // while it runs, this window does not give the store to another that asks for it
        return await ctx.host.whileHolding(held, () => handler(ctx, core, ...args));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (err instanceof StoreHeldElsewhere) {
          // not a failure: the work is elsewhere, and the message says where and what to do
          ctx.output.info(`${id}: ${message}`);
          void ctx.prompts().notify('warning', `Continuum: ${inert(message, 500)}`);
          return undefined;
        }
        ctx.output.error(`${id}: ${err instanceof Error ? (err.stack ?? message) : message}`);
        void ctx.prompts().notify('error', `Continuum: ${inert(message, 500)}`);
        return undefined;
      }
    }),
  );
}
