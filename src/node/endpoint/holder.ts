// What a process that holds the store does for the others: runs their tool calls on its core (with
// its own trust and verify port) and reads the resources agents ask for. Used by every kind of
// holder: an MCP server that took the store, a VS Code window, a CLI run.
import type { AgentIdentity, ToolContext, ToolResult } from '../../core/agents/tool';
import type { Continuum } from '../../core/continuum';
import type { Logger } from '../../core/ports';
import { LockLostError } from '../../core/store/types';
import { runOperation } from './operations';
import {
  HolderGoneError,
  type ResourceReadResult,
  type SessionControlParams,
  type SessionControlResult,
  type StoreCallResult,
} from './protocol';
import { serveEndpoint, type HolderEndpoint } from './server';
import type { HolderKind } from './protocol';

/** Runs one agent tool by name on raw input (validating it): `callAgentTool` from src/core/agents. */
export type AgentToolCaller = (ctx: ToolContext, tool: string, input: unknown) => Promise<ToolResult>;

export interface HolderServices {
  callTool: AgentToolCaller;
  /** What the holder lends a tool besides its core and the agent (default: trusted, no verify port). */
  toolContext?(core: Continuum): Pick<ToolContext, 'trusted' | 'verify'>;
  /** Told of each call another process makes on this holder (the daemon's idle clock). */
  activity?(): void;
}

export const resourceUris = {
  briefing: 'continuum://briefing',
  readyTasks: 'continuum://tasks/ready',
  context: 'continuum://context',
} as const;

/** The tool whose answer is the briefing resource (its input defaults to a concise briefing). */
export const briefingTool = 'continuum_briefing';

const resourceAgent: AgentIdentity = { id: 'continuum-resources', name: 'Continuum resources' };

/** What a tool is lent on `core`: the host's trust and verify port (default: trusted, no verify port). */
export function toolContextOn(
  core: Continuum,
  services: HolderServices,
  agent: AgentIdentity,
  signal?: AbortSignal,
): ToolContext {
  const lent = services.toolContext?.(core) ?? { trusted: true };
  return { core, agent, ...lent, ...(signal ? { signal } : {}) };
}

export async function runToolOn(
  core: Continuum,
  services: HolderServices,
  agent: AgentIdentity,
  tool: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<ToolResult> {
  try {
    return await services.callTool(toolContextOn(core, services, agent, signal), tool, input);
  } catch (err) {
    // This process lost the store's lock mid-call: its journal record may have reached the disk
    // before the loss was noticed, so the call may or may not have happened.
    if (err instanceof LockLostError || (err instanceof Error && err.cause instanceof LockLostError))
      throw new HolderGoneError(`the call to ${tool}`, { cause: err });
    throw err;
  }
}

/** Runs a client window's write on this holder's core; a lost lock means it may or may not have happened. */
export async function runOperationOn(core: Continuum, op: string, args: unknown[]): Promise<StoreCallResult> {
  try {
    return await runOperation(core, op, args);
  } catch (err) {
    if (err instanceof LockLostError || (err instanceof Error && err.cause instanceof LockLostError))
      throw new HolderGoneError(`'${op}'`, { cause: err });
    throw err;
  }
}

/** The resources every holder serves: the briefing, the ready tasks, the project's context. */
export async function readResourceOn(
  core: Continuum,
  services: HolderServices,
  uri: string,
): Promise<ResourceReadResult> {
  if (uri === resourceUris.briefing) {
    const result = await runToolOn(core, services, resourceAgent, briefingTool, {});
    return { mimeType: 'application/json', text: JSON.stringify(result.structured) };
  }
  if (uri === resourceUris.readyTasks) {
    const ready = core.tasks.readyTasks(50).map(t => ({
      id: t.id,
      title: t.title,
      priority: t.priority,
      capabilities: t.capabilities,
      dependsOn: t.dependsOn,
    }));
    return { mimeType: 'application/json', text: JSON.stringify({ ready }) };
  }
  if (uri === resourceUris.context) {
    const current = core.context.current();
    return { mimeType: 'application/json', text: JSON.stringify(current ?? { version: 0, context: null }) };
  }
  throw new Error(`There is no Continuum resource '${uri}'; there are ${Object.values(resourceUris).join(', ')}.`);
}

export interface ServeHolderOptions extends HolderServices {
  kind: HolderKind;
  logger: Logger;
  /** Releases the store when a VS Code window asks for it (absent: this holder refuses). */
  handOver?(to: HolderKind | undefined): Promise<void>;
  /** Hands over only to a window that asks to run something, and only while this says nothing (see HolderHandlers.busy). */
  busy?(what: string): string | undefined;
  /** Pauses, stops or cancels a session this process runs, asked by another window (see HolderHandlers.controlSession). */
  controlSession?(params: SessionControlParams): Promise<SessionControlResult>;
  /** Calls run by this process itself, which a handover also waits for. */
  localCalls?: () => Promise<unknown>;
}

/** Serves the endpoint for a core this process holds (writable: it has the store's lock). */
export function serveHolder(core: Continuum, options: ServeHolderOptions): Promise<HolderEndpoint> {
  const handOver = options.handOver;
  return serveEndpoint({
    storeFolder: core.store.folder,
    kind: options.kind,
    logger: options.logger,
    handlers: {
      // the change the call saved last: a client's replica reads up to it before its call resolves
      callTool: async p => {
        options.activity?.();
        return { ...(await runToolOn(core, options, p.agent, p.tool, p.input)), seq: core.store.seq };
      },
      readResource: uri => {
        options.activity?.();
        return readResourceOn(core, options, uri);
      },
      callOperation: async p => {
        options.activity?.();
        try {
          return await runOperationOn(core, p.op, p.args);
        } finally {
          options.activity?.(); // a long call (a whole graph build) ends the idle time, not only starts it
        }
      },
      ...(handOver
        ? {
            handOver: async to => {
              await options.localCalls?.();
              await handOver(to);
            },
          }
        : {}),
      ...(options.busy ? { busy: options.busy } : {}),
      ...(options.controlSession ? { controlSession: options.controlSession } : {}),
    },
  });
}
