// `continuum graph build` while another process holds the store (a VS Code window, an agent's MCP
// server, a `continuum run`): the build runs there, on the holder's own graph and worker, and this
// process prints its summary. Opening the store here could only read it.
import type { BuildSummary } from '../core/graph/knowledgeGraph';
import { buildLine, buildRoots } from './graph';
import { connectToHolder } from '../node/endpoint/client';
import { EndpointError, HolderGoneError } from '../node/endpoint/protocol';
import { describeKind } from '../node/endpoint/server';

export class HolderBuildError extends Error {}

/**
 * The summary of the build the store's holder ran for `roots`; undefined when no process serves
 * the store's endpoint (the caller opens the store itself). `say` hears who builds it.
 */
export async function buildThroughHolder(
  store: string,
  roots: string[],
  say: (line: string) => void,
): Promise<BuildSummary | undefined> {
  const client = await connectToHolder(store, 'cli');
  if (!client) return undefined;
  const who = `${describeKind(client.holder.kind)} (pid ${client.holder.pid})`;
  say(`the store is held by ${who}: the graph is built there`);
  try {
    const { value } = await client.call('store.call', { op: 'graph.build', args: [{ roots }] });
    return value as BuildSummary;
  } catch (err) {
    if (err instanceof HolderGoneError)
      throw new HolderBuildError(
        `${who} went away during the build; what it stored is kept. Run \`continuum graph build\` again.`,
      );
    if (err instanceof EndpointError) throw new HolderBuildError(`${who} could not build the graph: ${err.message}`);
    throw err;
  } finally {
    client.close();
  }
}

/**
 * `graph build OPERANDS` in the store's holder, when one serves it: prints who builds and the
 * summary, and resolves true. False when nobody serves the store (the caller opens it itself).
 */
export async function builtByHolder(store: string, operands: readonly string[]): Promise<boolean> {
  const summary = await buildThroughHolder(store, buildRoots(operands), line => console.error(`continuum: ${line}`));
  if (summary) console.log(buildLine(summary));
  return summary !== undefined;
}
