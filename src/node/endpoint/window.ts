// What a VS Code window does with the endpoint: when it holds the store it serves the other
// processes (agents' MCP servers, other windows); when an agent's MCP server holds it, it asks that
// server to hand the store over (a window runs tasks and shows them live, an MCP server does
// neither) and takes it; when another window or a CLI run holds it, it is that process's client: a
// full window that reads a live replica and sends its writes to the holder, and takes the store
// over when the holder goes. A future daemon is one more holder that outlives the windows.
import { callAgentTool, callOnlyReads } from '../../core/agents';
import type { AgentIdentity, ToolResult, VerifyPort } from '../../core/agents/tool';
import type { Continuum } from '../../core/continuum';
import type { LockPort, Logger } from '../../core/ports';
import { connectToHolder } from './client';
import { connectOrHold, type StoreConnection, type TakeOverOutcome } from './connection';
import { describeKind, type HelloResult, type SessionControlParams, type SessionControlResult } from './protocol';
import { serveHolder, type HolderServices } from './holder';
import type { HolderEndpoint } from './server';

export type HandoverOutcome = { handedOver: true } | { handedOver: false; why: string };

/** Asks the store's holder to hand the store over to this process; never rejects. */
export async function askToHandOver(storeFolder: string): Promise<HandoverOutcome> {
  let client;
  try {
    client = await connectToHolder(storeFolder, 'vscode');
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

export interface WindowStoreOptions {
  storeFolder: string;
  logger: Logger;
  /** Opens the store taking `lock` (read-only when another live process holds it). */
  open(lock: LockPort): Promise<Continuum>;
  /** Opens a read replica: read-only, following the holder's journal. */
  replica(): Promise<Continuum>;
  /** Opens the store read-only, alone: when the process holding it serves no one (an older Continuum, a CLI command). */
  readOnly(): Promise<Continuum>;
  /** Whether the window's workspace is trusted (the agents' tools it serves run with that trust). */
  trusted(): boolean;
  /** Lent to the tools this window runs for agents on the core it holds (verify-on-done). */
  verify?(core: Continuum): VerifyPort;
  /** How long to wait for a process that holds the store to serve it before opening read-only (default 15 s). */
  waitForHolderMs?: number;
  /**
   * While this window holds the store: why it cannot give it to another window that wants to run
   * `what` (a session runs here), said to the person there; undefined when it can.
   */
  busy?(what: string): string | undefined;
  /** While this window holds the store: pauses, stops or cancels a session it runs, for a person in another window. */
  controlSession?(params: SessionControlParams): Promise<SessionControlResult>;
}

export type WindowRole = 'holder' | 'client' | 'read-only';

/** What a window works on: the store it holds, or the replica of the store another process holds. */
export interface WindowStore {
  /** The core the window shows and writes through: changes when the window takes the store over. */
  readonly core: Continuum;
  readonly role: WindowRole;
  /** Who holds the store, while this window is its client. */
  readonly holder: HelloResult | undefined;
  /** A new core to show (this window took the store over, or became a client again). */
  onDidChangeCore(listener: (core: Continuum) => void): void;
  /**
   * Makes this window the holder, to run `what` (e.g. "Start Session"): the window that holds the
   * store gives it when it runs nothing, an agent's MCP server always. Resolves with why not otherwise.
   */
  takeOver(what: string): Promise<TakeOverOutcome>;
  /**
   * Runs an agent tool (Copilot's language-model tools) where the store is held: here, with this
   * window's trust and verify port, or on the holder, as an agent's MCP server's calls run; a
   * read runs on this window's replica.
   */
  callTool(agent: AgentIdentity, tool: string, input: unknown, signal?: AbortSignal): Promise<ToolResult>;
  /**
   * Pauses, stops or cancels a session where it runs (here, or in the window holding the store).
   * `done` is false when no run of it goes on there: the caller then does it itself.
   */
  controlSession(params: SessionControlParams): Promise<SessionControlResult>;
  close(): Promise<void>;
}

/**
 * Opens the store for a VS Code window. The window holds it (and serves the other processes),
 * or — when another window or a CLI run holds it — is a full client: it reads a replica that
 * follows the holder's journal and sends its writes to the holder; when the holder goes, it takes
 * the store over. An agent's MCP server holding the store hands it to the window. A process that
 * holds the store without serving it leaves the window read-only, as before.
 */
export async function openWindowStore(options: WindowStoreOptions): Promise<WindowStore> {
  let connection: StoreConnection;
  try {
    connection = await connectOrHold({
      storeFolder: options.storeFolder,
      kind: 'vscode',
      handsOver: false,
      asksForHandover: true,
      open: options.open,
      replica: options.replica,
      readsOnly: callOnlyReads,
      callTool: callAgentTool,
      toolContext: core => ({
        trusted: options.trusted(),
        ...(options.verify ? { verify: options.verify(core) } : {}),
      }),
      logger: options.logger,
      waitForHolderMs: options.waitForHolderMs ?? 15_000,
      ...(options.busy ? { busy: options.busy } : {}),
      ...(options.controlSession ? { controlSession: options.controlSession } : {}),
    });
  } catch (err) {
    options.logger.warn(`endpoint: ${(err as Error).message}; this window opens the store read-only`);
    const core = await options.readOnly();
    return {
      core,
      role: 'read-only',
      holder: undefined,
      onDidChangeCore: () => undefined,
      callTool: (agent, tool, input, signal) =>
        callAgentTool({ core, agent, trusted: options.trusted(), ...(signal ? { signal } : {}) }, tool, input),
      takeOver: async () => ({
        held: false,
        why: `This window opened the store read-only: ${core.store.health().readOnlyReason ?? 'another process holds it'}`,
      }),
      controlSession: async () => ({ done: false }),
      close: () => core.close(),
    };
  }
  const listeners: Array<(core: Continuum) => void> = [];
  const coreOf = () => (connection.role === 'holder' ? connection.core : connection.replica);
  let shown = coreOf()!;
  connection.onDidChangeRole(role => {
    if (role !== 'holder' && role !== 'client') return;
    const core = coreOf();
    if (!core || core === shown) return;
    shown = core;
    for (const l of listeners) l(core);
  });
  return {
    get core() {
      return shown;
    },
    get role(): WindowRole {
      return connection.role === 'client' ? 'client' : 'holder';
    },
    get holder() {
      return connection.holder;
    },
    onDidChangeCore: listener => void listeners.push(listener),
    takeOver: what => connection.takeOver(what),
    callTool: (agent, tool, input, signal) => connection.callTool(agent, tool, input, signal),
    controlSession: params => connection.controlSession(params),
    close: () => connection.close(),
  };
}
