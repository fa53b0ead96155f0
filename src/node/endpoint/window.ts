// What a VS Code window does with the endpoint: when it holds the store it serves the other
// processes (agents' MCP servers, other windows' tools); when it opened the store read-only because
// an agent's MCP server holds it, it asks that server to hand the store over (a window runs tasks
// and shows them live, an MCP server does neither), then opens the store again, now holding it.
// A window or a CLI run that holds the store refuses, and this window stays read-only.
import type { Continuum } from '../../core/continuum';
import type { Logger } from '../../core/ports';
import { endpointAddress } from './address';
import { connectEndpoint } from './client';
import { serveHolder, type HolderServices } from './holder';
import { describeKind, type HolderEndpoint } from './server';

export type HandoverOutcome =
  | { handedOver: true }
  | { handedOver: false; why: string };

/** Asks the store's holder to hand the store over to this process. */
export async function askToHandOver(storeFolder: string): Promise<HandoverOutcome> {
  const client = await connectEndpoint(endpointAddress(storeFolder), 'vscode');
  if (!client) return { handedOver: false, why: 'the process holding the store does not serve other processes (an older Continuum, or a CLI command)' };
  try {
    if (!client.holder.handsOver) return { handedOver: false, why: `it is held by ${describeKind(client.holder.kind)} (pid ${client.holder.pid}), which keeps it` };
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
