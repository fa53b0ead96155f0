// One process's way to the store when several want it: it holds the store (and serves the others
// through the endpoint) or it is a client of the process that does. When the holder goes, the
// clients race for the store's lock — the lock decides — and the winner opens the store and serves;
// the others connect to it, retrying with backoff and jitter. A call in flight when the holder went
// fails with HolderGoneError (it may or may not have happened) and is never resent by itself;
// a call the holder refused before starting it (it was handing over) is sent to the next holder.
// A client that keeps a read replica answers reads there, without the holder, and a write it sent
// resolves once the replica has read the change the holder saved (read-your-writes).
import { AgentToolError, type AgentIdentity, type ToolContext, type ToolResult } from '../../core/agents/tool';
import type { Continuum } from '../../core/continuum';
import type { LockPort, Logger } from '../../core/ports';
import { nodeLock } from '../lock';
import { connectToHolder, type EndpointClient } from './client';
import { readResourceOn, runOperationOn, runToolOn, serveHolder, toolContextOn, type HolderServices } from './holder';
import { forwardWrites } from './operations';
import {
  describeKind,
  EndpointError,
  type HelloResult,
  type HolderKind,
  type ResourceReadResult,
  type SessionControlParams,
  type SessionControlResult,
} from './protocol';
import type { HolderEndpoint } from './server';

export type StoreRole = 'holder' | 'client' | 'connecting' | 'closed';

export interface ConnectOrHoldOptions extends HolderServices {
  storeFolder: string;
  kind: HolderKind;
  /** Whether this process gives the store to a VS Code window that asks for it (an MCP server does: it runs no tasks). */
  handsOver: boolean;
  /**
   * Once this process has handed the store over and answered the process that asked (`released`:
   * it let go of the store). The daemon ends then; others go on as clients.
   */
  afterHandover?(released: boolean): void;
  /** Opens the store taking `lock`; the core comes back read-only when another live process holds it. */
  open(lock: LockPort): Promise<Continuum>;
  lock?: LockPort;
  logger: Logger;
  /** How long a call waits for some process to hold the store before it fails (default 30 s). */
  waitForHolderMs?: number;
  /** After handing the store over, how long to only connect (not race for the lock), so the window that asked gets it (default 15 s). */
  handoverGraceMs?: number;
  /**
   * Opens a read replica of the store (read-only, following the journal) for while this process
   * is a client: a VS Code window or an agent's MCP server reads it, and sends its writes to the
   * holder. Absent: a client keeps no replica and sends every call to the holder.
   */
  replica?(): Promise<Continuum>;
  /**
   * Whether a tool call only reads (`callOnlyReads` from src/core/agents): while this process is
   * a client with a replica, such a call and the resources run on the replica. Absent: every tool
   * call goes to the holder.
   */
  readsOnly?(ctx: ToolContext, tool: string, input: unknown): boolean;
  /** Asks a holder that hands the store over (an agent's MCP server) to hand it to this process (a VS Code window does). */
  asksForHandover?: boolean;
  /**
   * A VS Code window: while it holds the store, it hands it to another window that asks in order to
   * run `what`, something only the holder runs (see `takeOver`), unless this says why not (a session runs here).
   */
  busy?(what: string): string | undefined;
  /** A VS Code window: pauses, stops or cancels a session it runs, for a person in another window. */
  controlSession?(params: SessionControlParams): Promise<SessionControlResult>;
}

export type TakeOverOutcome = { held: true } | { held: false; why: string };

export interface StoreConnection {
  readonly role: StoreRole;
  /** The core, while this process holds the store. */
  readonly core: Continuum | undefined;
  /** Who holds the store, while this process is its client. */
  readonly holder: HelloResult | undefined;
  /** The read replica (with its writes sent to the holder), while this process is a client that keeps one. */
  readonly replica: Continuum | undefined;
  /**
   * Runs a named write (src/node/endpoint/operations.ts) on the holder's core — here when this
   * process holds the store — and resolves once this process reads it (read-your-writes).
   */
  callOperation(op: string, args: unknown[]): Promise<unknown>;
  /** Runs an agent tool here (holder) or on the holder; `signal` stops it only where it runs here. */
  callTool(agent: AgentIdentity, tool: string, input: unknown, signal?: AbortSignal): Promise<ToolResult>;
  readResource(uri: string): Promise<ResourceReadResult>;
  onDidChangeRole(listener: (role: StoreRole) => void): void;
  /**
   * Makes this process the holder, to run `what` (e.g. "Start Session"): asks the holder to hand
   * the store over (a window that runs nothing does; an MCP server always does) and takes it.
   * Resolves with why not when the holder refuses or another process took the store first.
   */
  takeOver(what: string): Promise<TakeOverOutcome>;
  /**
   * Pauses, stops or cancels a session where it runs: in this process when it holds the store, else
   * in the holder. `done` is false when no run of it goes on there (the caller then does it itself).
   */
  controlSession(params: SessionControlParams): Promise<SessionControlResult>;
  /** Resolves once this process holds the store or is connected to its holder. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Holds the store or connects to its holder; resolves once one of the two is done. */
export async function connectOrHold(options: ConnectOrHoldOptions): Promise<StoreConnection> {
  const link = new Link(options);
  link.establish(0);
  try {
    await link.ready();
  } catch (err) {
    await link.close(); // stops looking for a holder
    throw err;
  }
  return link;
}

/** Full jitter on an exponential backoff: 25 ms, 50 ms, … up to 1 s. */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(1_000, 25 * 2 ** attempt);
}

class Link implements StoreConnection {
  role: StoreRole = 'connecting';
  core: Continuum | undefined;
  holder: HelloResult | undefined;
  replica: Continuum | undefined;
  private client: EndpointClient | undefined;
  /** The holder this process asked to hand the store over (takeOver): once it has, this process takes it at once. */
  private takingOver: EndpointClient | undefined;
  private endpoint: HolderEndpoint | undefined;
  private establishing: Promise<void> | undefined;
  private readonly listeners: Array<(role: StoreRole) => void> = [];
  private waiters: Array<{ resolve(): void; reject(err: Error): void }> = [];
  private readonly local = new Set<Promise<unknown>>();
  private readonly lock: LockPort;
  /** Why the last try to reach the holder failed (it refused this process, say): what a caller left waiting is told. */
  private lastProblem: string | undefined;

  constructor(private readonly options: ConnectOrHoldOptions) {
    this.lock = options.lock ?? nodeLock();
  }

  onDidChangeRole(listener: (role: StoreRole) => void): void {
    this.listeners.push(listener);
  }

  ready(): Promise<void> {
    if (this.role === 'holder' || this.role === 'client') return Promise.resolve();
    if (this.role === 'closed') return Promise.reject(new Error('The connection to the store was closed.'));
    const ms = this.options.waitForHolderMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter(w => w !== waiter);
        reject(
          new Error(
            this.lastProblem ??
              `No process has served Continuum's store in ${this.options.storeFolder} for ${Math.round(ms / 1000)} s, and this one could not take it (another process holds its lock without serving agents, e.g. an older Continuum or a CLI command). Try again once it has finished.`,
          ),
        );
      }, ms);
      timer.unref();
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async callTool(agent: AgentIdentity, tool: string, input: unknown, signal?: AbortSignal): Promise<ToolResult> {
    for (;;) {
      // a read runs on the replica, even while the holder is busy, stopped or being replaced
      const replica = this.replica;
      if (replica && this.options.readsOnly) {
        const ctx = toolContextOn(replica, this.options, agent, signal);
        if (this.options.readsOnly(ctx, tool, input)) return this.options.callTool(ctx, tool, input);
      }
      await this.ready();
      const core = this.core;
      if (this.role === 'holder' && core)
        return this.trackLocal(runToolOn(core, this.options, agent, tool, input, signal));
      const client = this.client;
      if (!client) continue;
      try {
        const { seq, ...result } = await client.call('tool.call', { tool, agent, input });
        if (seq !== undefined) await this.readUpTo(seq);
        return result;
      } catch (err) {
        if (err instanceof EndpointError && err.code === 'closing') {
          await this.holderChanged(client);
          continue; // not started there: the next holder runs it
        }
        throw asLocalError(err);
      }
    }
  }

  async callOperation(op: string, args: unknown[]): Promise<unknown> {
    for (;;) {
      await this.ready();
      const core = this.core;
      if (this.role === 'holder' && core) return (await this.trackLocal(runOperationOn(core, op, args))).value;
      const client = this.client;
      if (!client) continue;
      let answer;
      try {
        answer = await client.call('store.call', { op, args });
      } catch (err) {
        if (err instanceof EndpointError && err.code === 'closing') {
          await this.holderChanged(client);
          continue; // not started there: the next holder runs it
        }
        if (err instanceof EndpointError && err.code === 'operation') throw new Error(err.message, { cause: err });
        throw asLocalError(err);
      }
      await this.readUpTo(answer.seq);
      return answer.value;
    }
  }

  async readResource(uri: string): Promise<ResourceReadResult> {
    for (;;) {
      const replica = this.replica;
      if (replica && this.options.readsOnly) return readResourceOn(replica, this.options, uri);
      await this.ready();
      const core = this.core;
      if (this.role === 'holder' && core) return this.trackLocal(readResourceOn(core, this.options, uri));
      const client = this.client;
      if (!client) continue;
      try {
        return await client.call('resource.read', { uri });
      } catch (err) {
        if (err instanceof EndpointError && err.code === 'closing') {
          await this.holderChanged(client);
          continue;
        }
        throw asLocalError(err);
      }
    }
  }

  async close(): Promise<void> {
    if (this.role === 'closed') return;
    this.setRole('closed');
    for (const w of this.waiters) w.reject(new Error('The connection to the store was closed.'));
    this.waiters = [];
    this.client?.close();
    this.client = undefined;
    await this.endpoint?.close();
    await Promise.allSettled([...this.local]);
    const core = this.core;
    this.core = undefined;
    await core?.close();
    const replica = this.replica;
    this.replica = undefined;
    await replica?.close();
  }

  /** Starts looking for a holder (or taking the store) unless that is already under way. */
  establish(graceUntil: number): void {
    this.establishing ??= this.search(graceUntil)
      .catch(err => {
        this.options.logger.error('endpoint: finding or taking the store failed', err);
        for (const w of this.waiters) w.reject(err as Error);
        this.waiters = [];
      })
      .finally(() => {
        this.establishing = undefined;
      });
  }

  private async search(graceUntil: number): Promise<void> {
    const askedBefore = new Set<number>();
    for (let attempt = 0; this.role === 'connecting'; attempt++) {
      const client = await connectToHolder(this.options.storeFolder, this.options.kind).catch(err => {
        const message = (err as Error).message;
        if (message !== this.lastProblem) this.options.logger.warn(`endpoint: ${message}`);
        this.lastProblem = message;
        return undefined;
      });
      if (this.role !== 'connecting') return client?.close();
      if (client && client.holder.handsOver && !askedBefore.has(client.holder.pid) && this.asksForHandover(client)) {
        // an agent's MCP server holds the store: it gives it to a window, which then takes the lock;
        // the daemon gives it to anyone who would hold it
        askedBefore.add(client.holder.pid);
        try {
          await client.call('handover', {});
          this.options.logger.info(
            `endpoint: ${describeKind(client.holder.kind)} (pid ${client.holder.pid}) handed the store over to this process`,
          );
        } catch (err) {
          this.options.logger.warn(`endpoint: the holder did not hand the store over: ${(err as Error).message}`);
        } finally {
          client.close();
        }
        graceUntil = 0;
        continue;
      }
      if (client) return this.becomeClient(client);
      if (Date.now() >= graceUntil && (await this.tryToHold())) return;
      await new Promise(r => setTimeout(r, backoffMs(Math.min(attempt, 6))));
    }
  }

  /**
   * Whether to ask `client`'s holder for the store rather than be its client: a window asks what
   * hands the store over; every other process asks the daemon (which only keeps the store warm for
   * `graph build`: it steps aside for anything that would hold it), except another daemon.
   */
  private asksForHandover(client: EndpointClient): boolean {
    if (this.options.asksForHandover) return true;
    return client.holder.kind === 'daemon' && this.options.kind !== 'daemon';
  }

  /** Opens the store with its lock; false when another live process holds it. */
  private async tryToHold(): Promise<boolean> {
    // Another holder: stop the open at the lock, before it reads the whole store read-only. And
    // note a lock lost while the store opens (another process broke it as it was being taken):
    // the store says so only through an event fired before this process could listen to it.
    let lost = false;
    const observed: LockPort = {
      acquire: async (path, owner) => {
        const got = await this.lock.acquire(path, owner);
        if ('heldBy' in got) throw new HeldElsewhere();
        got.onLost(() => {
          lost = true;
        });
        return {
          onLost: listener => got.onLost(listener),
          release: () => got.release(),
          verify: async () => {
            const why = await got.verify();
            if (why !== undefined) lost = true;
            return why;
          },
        };
      },
    };
    let core: Continuum;
    try {
      core = await this.options.open(observed);
    } catch (err) {
      if (err instanceof HeldElsewhere) return false;
      throw err;
    }
    if (lost || this.role !== 'connecting') {
      if (lost)
        this.options.logger.warn(
          "endpoint: another process took the store's lock while this one was opening it; connecting to that one instead",
        );
      await core.close();
      return false;
    }
    await this.becomeHolder(core);
    return true;
  }

  private async becomeHolder(core: Continuum): Promise<void> {
    this.core = core;
    core.store.onDidLoseLock(reason => void this.stepDown(core, reason));
    if (!core.store.readOnly) {
      // A store that opened read-only for another reason (a read-only disk) is used here alone.
      const endpoint = await serveHolder(core, {
        ...this.options,
        ...(this.options.handsOver || this.options.busy
          ? { handOver: to => this.release(core, to), localCalls: () => Promise.allSettled([...this.local]) }
          : {}),
      });
      if (this.core !== core) return void endpoint.close(0); // lost the lock (or closed) meanwhile
      this.endpoint = endpoint;
      void endpoint.handedOver.then(released => {
        if (this.endpoint === endpoint) this.endpoint = undefined;
        this.options.afterHandover?.(released);
        // released: leave the lock to the window that asked for a moment; not released (closing the
        // store failed): nobody was given it, so find or take it again at once
        if (this.role === 'connecting')
          this.establish(released ? Date.now() + (this.options.handoverGraceMs ?? 15_000) : 0);
      });
    }
    this.options.logger.info(
      `endpoint: this process holds the store in ${this.options.storeFolder}${core.store.readOnly ? ' (read-only)' : ''}`,
    );
    this.setRole('holder');
    const replica = this.replica;
    this.replica = undefined;
    await replica?.close().catch(err => this.options.logger.error('endpoint: closing the read replica failed', err));
  }

  /** A VS Code window (`to`) asked for the store: stop using it here and let go of it (the endpoint has finished its calls). */
  private async release(core: Continuum, to: HolderKind | undefined): Promise<void> {
    this.setRole('connecting');
    await Promise.allSettled([...this.local]);
    if (this.core === core) this.core = undefined;
    await core.close();
    this.options.logger.info(
      `endpoint: handed the store over to ${to ? describeKind(to) : 'the process that asked for it'}`,
    );
  }

  async controlSession(params: SessionControlParams): Promise<SessionControlResult> {
    for (;;) {
      await this.ready();
      if (this.role === 'holder') return (await this.options.controlSession?.(params)) ?? { done: false };
      const client = this.client;
      if (!client) continue;
      try {
        return await client.call('session.control', params);
      } catch (err) {
        if (err instanceof EndpointError && err.code === 'closing') {
          await this.holderChanged(client);
          continue; // the next holder runs no session of the old one's: it answers done: false
        }
        throw asLocalError(err);
      }
    }
  }

  async takeOver(what: string): Promise<TakeOverOutcome> {
    if (this.role === 'holder') return { held: true };
    const client = this.client;
    if (this.role !== 'client' || !client)
      return {
        held: false,
        why: `Continuum is still finding the process that holds the store: ${what} again in a moment.`,
      };
    if (!client.holder.handsOver && !client.holder.handsOverToRun)
      return {
        held: false,
        why: `The store is held by ${describeKind(client.holder.kind)} (pid ${client.holder.pid}), which keeps it until it ends: ${what} there, or here once it has ended.`,
      };
    this.takingOver = client;
    try {
      await client.call('handover', { toRun: what });
    } catch (err) {
      this.takingOver = undefined;
      return { held: false, why: (err as Error).message };
    }
    this.options.logger.info(
      `endpoint: pid ${client.holder.pid} handed the store over to this process, to run ${what}`,
    );
    // the holder closes every connection once it has released the store; this process then takes it at once
    await this.holderChanged(client);
    await this.ready();
    if ((this.role as StoreRole) === 'holder') return { held: true };
    return {
      held: false,
      why: `Another process took the store first (pid ${this.holder?.pid ?? 'unknown'}): ${what} again.`,
    };
  }

  private async stepDown(core: Continuum, reason: string): Promise<void> {
    if (this.core !== core) return;
    this.options.logger.warn(
      `endpoint: ${reason}; this process stops holding the store and connects to the one that does`,
    );
    this.core = undefined;
    this.setRole('connecting');
    await this.endpoint?.close(0);
    this.endpoint = undefined;
    await core
      .close()
      .catch(err => this.options.logger.error('endpoint: closing the store after losing its lock failed', err));
    this.establish(0);
  }

  private async becomeClient(client: EndpointClient): Promise<void> {
    if (this.options.replica && !this.replica) {
      try {
        this.replica = forwardWrites(await this.options.replica(), (op, args) => this.callOperation(op, args));
      } catch (err) {
        client.close();
        throw err;
      }
      if (this.role !== 'connecting') {
        client.close();
        return;
      }
    }
    this.client = client;
    this.holder = client.holder;
    this.lastProblem = undefined;
    client.onClose(() => {
      if (this.client !== client) return;
      this.client = undefined;
      this.holder = undefined;
      if (this.role === 'closed') return;
      this.setRole('connecting');
      // the holder gave the store to a VS Code window: leave the lock to that window for a moment,
      // unless this is the window that asked for it
      const asked = this.takingOver === client;
      if (asked) this.takingOver = undefined;
      this.establish(client.handedOver && !asked ? Date.now() + (this.options.handoverGraceMs ?? 15_000) : 0);
    });
    this.options.logger.info(
      `endpoint: the store is held by pid ${client.holder.pid} (${client.holder.kind}); this process is its client`,
    );
    this.setRole('client');
  }

  /** Read-your-writes: the caller reads its replica next, which must hold what the holder just saved. */
  private async readUpTo(seq: number): Promise<void> {
    const replica = this.replica;
    if (replica && !(await replica.store.catchUp(seq)))
      this.options.logger.warn(`endpoint: change #${seq} was saved by the holder but this process has not read it yet`);
  }

  /** Waits until `client` is no longer the one in use (it closed and the search began). */
  private async holderChanged(client: EndpointClient): Promise<void> {
    if (this.client === client) await new Promise<void>(r => client.onClose(r));
  }

  private trackLocal<T>(run: Promise<T>): Promise<T> {
    this.local.add(run);
    void run.finally(() => this.local.delete(run)).catch(() => undefined);
    return run;
  }

  private setRole(role: StoreRole): void {
    if (this.role === role) return;
    this.role = role;
    if (role === 'holder' || role === 'client') {
      for (const w of this.waiters) w.resolve();
      this.waiters = [];
    }
    for (const l of this.listeners) l(role);
  }
}

class HeldElsewhere extends Error {}

/** An answer's error as this process would have thrown it, had it run the call itself. */
function asLocalError(err: unknown): unknown {
  if (err instanceof EndpointError && err.code === 'tool') return new AgentToolError(err.message);
  return err;
}
