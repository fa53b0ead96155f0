// A `continuum run` (or resume) holding the store serves agents' MCP servers while it runs: they
// reach the store through it. It keeps the store when a VS Code window asks (it runs tasks).
import { callAgentTool } from '../../core/agents';
import { executorVerifyPort } from '../../core/agents/verify';
import type { Continuum } from '../../core/continuum';
import type { Logger } from '../../core/ports';
import { nodeProcesses } from '../processes';
import { serveHolder } from './holder';
import type { HolderEndpoint } from './server';

const terminalLogger: Logger = {
  info: () => undefined,
  warn: message => console.error(`continuum: ${message}`),
  error: (message, err) =>
    console.error(`continuum: ${message}${err ? `: ${(err as Error)?.message ?? String(err)}` : ''}`),
};

/**
 * Serves the run's store to other processes; undefined (after saying why) when it cannot. An
 * agent's done runs the task's verify command in `workspace`, under the executor's rules.
 */
export async function serveRunToAgents(core: Continuum, workspace?: string): Promise<HolderEndpoint | undefined> {
  if (core.store.readOnly) return undefined;
  try {
    return await serveHolder(core, {
      kind: 'cli',
      callTool: callAgentTool,
      logger: terminalLogger,
      ...(workspace
        ? {
            toolContext: () => ({
              trusted: true,
              verify: executorVerifyPort(core, { workspace, processes: nodeProcesses, trusted: () => true }),
            }),
          }
        : {}),
    });
  } catch (err) {
    terminalLogger.warn(`agents cannot reach the store through this run (${(err as Error).message}); the run goes on`);
    return undefined;
  }
}
