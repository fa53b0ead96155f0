// What a VS Code window does with the endpoint: when it holds the store it serves the other
// processes (agents' MCP servers, other windows' tools); when it opened the store read-only because
// an agent's MCP server holds it, it asks that server to hand the store over (a window runs tasks
// and shows them live, an MCP server does neither), then opens the store again, now holding it.
// A window or a CLI run that holds the store refuses, and this window stays read-only.
import { callAgentTool } from '../../core/agents';
import type { Continuum } from '../../core/continuum';
import type { Logger } from '../../core/ports';
import { endpointAddress } from './address';
import { connectEndpoint } from './client';
import { serveHolder, type HolderServices } from './holder';
import { describeKind, type HolderEndpoint } from './server';

export type HandoverOutcome = { handedOver: true } | { handedOver: false; why: string };

/** Asks the store's holder to hand the store over to this process; never rejects. */
export async function askToHandOver(storeFolder: string): Promise<HandoverOutcome> {
  let client;
  try {
    client = await connectEndpoint(endpointAddress(storeFolder), 'vscode');
  } catch (err) {
    return { handedOver: false, why: (err as Error).message };
  }
  if (!client)
    return {
      handedOver: false,
      why: 'the process holding the store does not serve other processes (an older Continuum, or a CLI command)',
    };
  try {
    if (!client.holder.handsOver)
      return {
        handedOver: false,
        why: `it is held by ${describeKind(client.holder.kind)} (pid ${client.holder.pid}), which keeps it`,
      };
    await client.call('handover', {});
    return { handedOver: true };
  } catch (err) {
    return { handedOver: false, why: `the holder did not hand it over: ${(err as Error).message}` };
  } finally {
    client.close();
  }
}

export interface WindowHolderOptions extends HolderServices {
  logger: Logger;
}

/** Serves this window's store to other processes until the returned endpoint is closed (with the store). */
export function serveWindow(core: Continuum, options: WindowHolderOptions): Promise<HolderEndpoint> {
  return serveHolder(core, { ...options, kind: 'vscode' });
}

export interface WindowEndpointOptions extends HolderServices {
  logger: Logger;
}

/**
 * A window's endpoint for as long as it holds `core`: serves it when the window holds the store
 * (not when it opened read-only), and stops when the window loses the store's lock or the
 * returned disposable is disposed (before the store closes).
 */
export function attachWindowEndpoint(core: Continuum, options: WindowEndpointOptions): { dispose(): Promise<void> } {
  if (core.store.readOnly) return { dispose: async () => undefined };
  let disposed = false;
  const serving = serveWindow(core, options).then(
    endpoint => {
      options.logger.info(`agents: serving this window's store to other processes at ${endpoint.address.path}`);
      if (disposed) void endpoint.close(0);
      return endpoint;
    },
    err => {
      options.logger.error(
        'agents: serving the store to other processes failed; agents cannot reach it through this window',
        err,
      );
      return undefined;
    },
  );
  /** Lets the calls in flight finish, then closes every connection: the clients take the store over once the window lets it go. */
  const stop = async () => {
    if (disposed) return;
    disposed = true;
    await (await serving)?.close();
  };
  core.store.onDidLoseLock(() => void stop());
  return { dispose: stop };
}

/** The window's endpoint with Continuum's own tools, run with the window's workspace trust. */
export function serveAgentsFromWindow(
  core: Continuum,
  options: { logger: Logger; trusted(): boolean },
): { dispose(): Promise<void> } {
  return attachWindowEndpoint(core, {
    logger: options.logger,
    callTool: callAgentTool,
    toolContext: () => ({ trusted: options.trusted() }),
  });
}
