// `continuum graph build` while another process holds the store (a VS Code window, an agent's MCP
// server, a `continuum run`): the build runs there, on the holder's own graph and worker, and this
// process prints its summary. Opening the store here could only read it.
import type { BuildSummary } from '../core/graph/knowledgeGraph';
import { connectToHolder, type EndpointClient } from '../node/endpoint/client';
import { describeKind, EndpointError, HolderGoneError } from '../node/endpoint/protocol';
import { daemonHoldingLock, daemonIsOpening } from './daemonAside';
import { buildLine, buildRoots, type PhaseTimes } from './graph';

/**
 * `graph build OPERANDS` in the store's holder, when one serves it: prints who builds it and the
 * summary, and resolves true. False when nobody serves the store's endpoint (the caller opens the
 * store itself: asking costs 1–2 ms then).
 */
export async function builtByHolder(store: string, operands: readonly string[], times?: PhaseTimes): Promise<boolean> {
  const client = (await connectToHolder(store, 'cli')) ?? (await daemonWhenOpen(store));
  if (!client) {
    // a daemon that holds the store and said where it serves, but does not answer: stopped or stuck
    const stuck = daemonHoldingLock(store);
    if (stuck !== undefined)
      throw new Error(
        `Continuum's daemon (pid ${stuck}) holds the store but does not answer (stopped or stuck). End it with \`kill ${stuck}\` (what it stored is kept), then run this again.`,
      );
    return false;
  }
  times?.('connected to the holder');
  const who = `${describeKind(client.holder.kind)} (pid ${client.holder.pid})`;
  console.error(`continuum: the store is held by ${who}: the graph is built there`);
  try {
    const { value } = await client.call('store.call', { op: 'graph.build', args: [{ roots: buildRoots(operands) }] });
    times?.('the holder built');
    console.log(buildLine(value as BuildSummary));
    return true;
  } catch (err) {
    if (err instanceof HolderGoneError)
      throw new Error(
        `${who} went away during the build; what it stored is kept. Run \`continuum graph build\` again.`,
        { cause: err },
      );
    if (err instanceof EndpointError)
      throw new Error(`${who} could not build the graph: ${err.message}`, { cause: err });
    throw err;
  } finally {
    client.close();
  }
}

/**
 * The daemon's endpoint once it serves, while a daemon is opening the store (one a build just
 * started: the next build can come before it serves); undefined when none is, or it stopped opening.
 */
async function daemonWhenOpen(store: string): Promise<EndpointClient | undefined> {
  const until = Date.now() + 10_000;
  while (daemonIsOpening(store) && Date.now() < until) {
    await new Promise(resolve => setTimeout(resolve, 20));
    const client = await connectToHolder(store, 'cli');
    if (client) return client;
  }
  return undefined;
}
