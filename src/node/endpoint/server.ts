// The holder's side of the endpoint: listens on the store's socket, answers `hello`, runs tool calls
// on the holder's core, reads resources, and hands the store over when asked (if this holder does).
// An answer to a call that wrote is sent only after its store.write resolved, which is after the
// journal record was fdatasync'ed: an acknowledged write is on disk.
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as net from 'net';
import * as path from 'path';
import { AgentToolError } from '../../core/agents/tool';
import type { Logger } from '../../core/ports';
import { ReadOnlyStoreError } from '../../core/store/types';
import { announcementFile, bindName, endpointAddress, prepareEndpointFolder, type EndpointAddress } from './address';
import { isTokenProof, tokenFile, tokenProof, writeEndpointToken } from './token';
import {
  HolderGoneError,
  describeKind,
  isHolderKind,
  encode,
  lineSplitter,
  maxAnswerBytes,
  maxRequestBytes,
  protocolVersion,
  type Answer,
  type ErrorCode,
  type HandoverParams,
  type HelloResult,
  type HolderKind,
  type MethodName,
  type ResourceReadResult,
  type SessionControlParams,
  type SessionControlResult,
  type StoreCallParams,
  type StoreCallResult,
  type ToolCallParams,
  type ToolCallResult,
} from './protocol';

export interface HolderHandlers {
  callTool(params: ToolCallParams): Promise<ToolCallResult>;
  readResource(uri: string): Promise<ResourceReadResult>;
  /** Runs a client window's named write on the holder's core (absent: this holder takes none). */
  callOperation?(params: StoreCallParams): Promise<StoreCallResult>;
  /**
   * Called once every call in flight has finished and no new one will start: release the store
   * (close it, which gives the lock back), for `to` (what the asking process said it is, when it
   * said). Absent when this holder does not hand over.
   */
  handOver?(to: HolderKind | undefined): Promise<void>;
  /**
   * Present on a holder that hands the store over only to a window that asks in order to run
   * something (a VS Code window), and only while this says nothing: why it cannot now, to the
   * person who asked to run `what` (a session runs here). Absent: it hands over to any window
   * that asks (an agent's MCP server).
   */
  busy?(what: string): string | undefined;
  /** Pauses, stops or cancels a session this holder runs (absent: it runs none a window can control). */
  controlSession?(params: SessionControlParams): Promise<SessionControlResult>;
}

export interface ServeOptions {
  storeFolder: string;
  kind: HolderKind;
  handlers: HolderHandlers;
  logger: Logger;
}

export interface HolderEndpoint {
  readonly address: EndpointAddress;
  /**
   * Resolves once the endpoint closed after a handover: with true when the store was released, with
   * false when releasing it failed (the process holding this endpoint must find or take the store again).
   */
  readonly handedOver: Promise<boolean>;
  /**
   * Stops taking calls, lets those in flight finish (up to `graceMs`), then closes every
   * connection: a client still waiting is told the holder stopped.
   */
  close(graceMs?: number): Promise<void>;
}

export async function serveEndpoint(options: ServeOptions): Promise<HolderEndpoint> {
  const address = endpointAddress(options.storeFolder);
  await prepareEndpointFolder(address);
  // before anyone can connect: a client reads the token once it has reached this holder's socket
  const token = await writeEndpointToken(options.storeFolder);
  // Bound under a name of its own, then renamed into place (see bindName).
  const bindPath = address.folder
    ? path.join(address.folder, bindName(process.pid, randomBytes(4).toString('hex')))
    : address.path;
  const sockets = new Set<net.Socket>();
  const inFlight = new Set<Promise<unknown>>();
  let accepting = true;
  let handingOver = false;
  let handedOverResolve!: (released: boolean) => void;
  const handedOver = new Promise<boolean>(r => {
    handedOverResolve = r;
  });
  const hello: HelloResult = {
    protocol: protocolVersion,
    pid: process.pid,
    kind: options.kind,
    handsOver: !!options.handlers.handOver && !options.handlers.busy,
    handsOverToRun: !!options.handlers.handOver,
  };

  const server = net.createServer(socket => {
    if (!accepting) return void socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', err => options.logger.warn(`endpoint: a client's connection failed: ${err.message}`));
    let greeted = false;
    /** What the process at the other end said it is, in its hello (who a handover goes to). */
    let peer: HolderKind | undefined;
    const answer = (message: Answer) => {
      if (socket.destroyed) return;
      let line = encode(message);
      if (Buffer.byteLength(line) > maxAnswerBytes) {
        line = encode({
          id: message.id,
          error: {
            code: 'too-large',
            message: `The answer is larger than ${maxAnswerBytes} bytes; ask for less (a concise briefing, fewer tasks).`,
          },
        });
      }
      socket.write(line);
    };
    const fail = (id: number, code: ErrorCode, message: string) => answer({ id, error: { code, message } });
    socket.on(
      'data',
      lineSplitter(
        maxRequestBytes,
        line => {
          if (socket.writableEnded) return; // refused (or closing): nothing more it sends is run
          let request: { id?: unknown; method?: unknown; params?: unknown };
          try {
            request = JSON.parse(line) as typeof request;
          } catch {
            fail(0, 'bad-request', 'A request line is not JSON.');
            return void socket.end();
          }
          const id = typeof request?.id === 'number' ? request.id : 0;
          const method = request?.method;
          const params = request?.params;
          if (
            !id ||
            typeof method !== 'string' ||
            typeof params !== 'object' ||
            params === null ||
            Array.isArray(params)
          ) {
            return fail(id, 'bad-request', 'A request needs a numeric id, a method and an object of params.');
          }
          if (method === 'hello') {
            const theirs = (params as { protocol?: unknown }).protocol;
            if (theirs !== protocolVersion) {
              fail(
                id,
                'protocol',
                `This store's holder (pid ${process.pid}) speaks endpoint protocol ${protocolVersion} and the client ${String(theirs)}: update Continuum so both are the same version.`,
              );
              return void socket.end();
            }
            const { nonce, proof } = params as { nonce?: unknown; proof?: unknown };
            if (!isTokenProof(token, 'client', nonce, proof)) {
              options.logger.warn(
                `endpoint: refused a connection whose hello did not prove it knows this store's token (${tokenFile}): not this user's process, or one that cannot read the store`,
              );
              fail(
                id,
                'unauthorized',
                `This store's holder (pid ${process.pid}) refused the connection: the hello did not prove it knows the token in ${path.join(options.storeFolder, tokenFile)}, which only the store's owner can read.`,
              );
              return void socket.end();
            }
            greeted = true;
            const kind = (params as { kind?: unknown }).kind;
            peer = typeof kind === 'string' && isHolderKind(kind) ? kind : undefined;
            return answer({ id, result: { ...hello, proof: tokenProof(token, 'holder', nonce as string) } });
          }
          if (!greeted) return fail(id, 'protocol', 'Say hello first (with the protocol version).');
          if (!isMethod(method)) return fail(id, 'bad-request', `Unknown method '${method}'.`);
          if (method === 'handover') return void handover(id, params as HandoverParams, peer);
          if (!accepting || handingOver)
            return fail(
              id,
              'closing',
              'This holder is handing the store over or closing; the call was not started: send it to the next holder.',
            );
          const run =
            method === 'tool.call'
              ? runTool(params)
              : method === 'store.call'
                ? runOperation(params)
                : method === 'session.control'
                  ? controlSession(params)
                  : options.handlers.readResource(String((params as { uri?: unknown }).uri));
          const settled = run.then(
            result => answer({ id, result }),
            err => answer({ id, error: describeError(err, options.logger) }),
          );
          inFlight.add(settled);
          void settled.finally(() => inFlight.delete(settled));
        },
        () => {
          fail(0, 'too-large', `A request line is longer than ${maxRequestBytes} bytes; the connection is closed.`);
          socket.end();
        },
      ),
    );

    async function handover(id: number, params: HandoverParams, to: HolderKind | undefined): Promise<void> {
      if (!options.handlers.handOver)
        return fail(
          id,
          'refused',
          `This store is held by ${describeKind(options.kind)} (pid ${process.pid}), which does not hand it over.`,
        );
      const busy = options.handlers.busy;
      if (busy) {
        if (typeof params.toRun !== 'string')
          return fail(
            id,
            'refused',
            `This store is held by ${describeKind(options.kind)} (pid ${process.pid}), which hands it over only to a window that wants to run something.`,
          );
        const why = busy(params.toRun);
        if (why) return fail(id, 'refused', `${why} (pid ${process.pid}).`);
      }
      if (handingOver) return fail(id, 'closing', 'This holder is already handing the store over.');
      handingOver = true;
      try {
        await Promise.allSettled([...inFlight]);
        // The endpoint's name and announcement go while this process still holds the lock: once it
        // lets go of the store, the next holder may put its own in their place at any moment, and
        // removing "ours" then could remove theirs (a check of the file and its removal are two steps).
        await unpublish();
        await options.handlers.handOver(to);
      } catch (err) {
        fail(id, 'internal', `Handing the store over failed: ${(err as Error).message}`);
        // nobody can find this endpoint any more: it closes, and the store's connection looks for a holder again
        options.logger.error('endpoint: handing the store over failed; this endpoint closes', err);
        await close(0);
        handedOverResolve(false);
        return;
      }
      answer({ id, result: { released: true } });
      for (const s of sockets) if (!s.destroyed) s.write(encode({ notice: 'handed-over' }));
      await close(0);
      handedOverResolve(true);
    }
  });

  async function runTool(params: object): Promise<ToolCallResult> {
    const p = params as Partial<ToolCallParams>;
    if (typeof p.tool !== 'string' || !p.agent || typeof p.agent.id !== 'string' || typeof p.agent.name !== 'string') {
      throw new BadRequest('tool.call needs a tool name and an agent {id, name}.');
    }
    return options.handlers.callTool({ tool: p.tool, agent: p.agent, input: p.input ?? {} });
  }

  async function controlSession(params: object): Promise<SessionControlResult> {
    const p = params as Partial<SessionControlParams>;
    if (typeof p.sessionId !== 'string' || !['pause', 'stop', 'cancel'].includes(p.action as string))
      throw new BadRequest("session.control needs a session id and an action: 'pause', 'stop' or 'cancel'.");
    const control = options.handlers.controlSession;
    if (!control) return { done: false };
    return control({ sessionId: p.sessionId, action: p.action as SessionControlParams['action'] });
  }

  async function runOperation(params: object): Promise<StoreCallResult> {
    const p = params as Partial<StoreCallParams>;
    const call = options.handlers.callOperation;
    if (!call) throw new BadRequest('This holder takes no store operations.');
    if (typeof p.op !== 'string' || !Array.isArray(p.args))
      throw new BadRequest('store.call needs an operation name and a list of arguments.');
    try {
      return await call({ op: p.op, args: p.args });
    } catch (err) {
      // The operation refused (a task that does not exist, a change that makes no sense …): its
      // message says why, for the person in the client window.
      if (err instanceof ReadOnlyStoreError || err instanceof HolderGoneError) throw err;
      throw new OperationRefused((err as Error)?.message ?? String(err));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bindPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', err => options.logger.error('endpoint: the server failed', err));
  let socketIno: number | undefined;
  if (address.folder) {
    await fsp.chmod(bindPath, 0o600);
    // Only the lock's holder gets here, so a socket already in place is a dead holder's.
    await fsp.rename(bindPath, address.path);
    socketIno = (await fsp.stat(address.path)).ino;
  }
  const announcement = path.join(options.storeFolder, announcementFile);
  await fsp
    .writeFile(
      announcement,
      JSON.stringify({ path: address.path, pid: process.pid, kind: options.kind, protocol: protocolVersion }, null, 1),
      { mode: 0o600 },
    )
    .catch(err => options.logger.warn(`endpoint: could not write ${announcement}: ${(err as Error).message}`));

  let unpublishing: Promise<void> | undefined;
  /** Stops listening and removes the socket's name and the announcement, if they are still this endpoint's. */
  function unpublish(): Promise<void> {
    unpublishing ??= (async () => {
      accepting = false;
      server.close();
      await removeSocketIfOurs(address.path, socketIno);
      await removeAnnouncementIfOurs(announcement);
    })();
    return unpublishing;
  }

  let closing: Promise<void> | undefined;
  function close(graceMs = 5_000): Promise<void> {
    closing ??= (async () => {
      accepting = false;
      server.close();
      if (inFlight.size && graceMs > 0) {
        // not unref'd: a process shutting down must stay alive until its endpoint has closed
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise(r => {
            timer = setTimeout(r, graceMs);
          }),
        ]);
        clearTimeout(timer);
      }
      for (const s of sockets) s.end();
      // a client that does not close its end within a moment is cut off
      await new Promise(r => setTimeout(r, 20));
      for (const s of sockets) s.destroy();
      await unpublish();
    })();
    return closing;
  }

  return { address, handedOver, close };
}

class BadRequest extends Error {}
class OperationRefused extends Error {}

function isMethod(method: string): method is MethodName {
  return (
    method === 'hello' ||
    method === 'tool.call' ||
    method === 'resource.read' ||
    method === 'store.call' ||
    method === 'session.control' ||
    method === 'handover'
  );
}

function describeError(err: unknown, logger: Logger): { code: ErrorCode; message: string } {
  if (err instanceof AgentToolError) return { code: 'tool', message: err.message };
  if (err instanceof BadRequest) return { code: 'bad-request', message: err.message };
  if (err instanceof OperationRefused) return { code: 'operation', message: err.message };
  if (err instanceof ReadOnlyStoreError)
    return { code: 'not-saved', message: `${err.message} Nothing of this call was saved.` };
  logger.error('endpoint: a call failed', err);
  return { code: 'internal', message: (err as Error)?.message ?? String(err) };
}

/** Removes the socket unless a newer holder has put its own in place since. */
async function removeSocketIfOurs(socket: string, ino: number | undefined): Promise<void> {
  if (ino === undefined) return;
  try {
    if ((await fsp.stat(socket)).ino === ino) await fsp.rm(socket, { force: true });
  } catch {
    // already gone
  }
}

async function removeAnnouncementIfOurs(file: string): Promise<void> {
  try {
    const now = JSON.parse(await fsp.readFile(file, 'utf8')) as { pid?: number };
    if (now.pid === process.pid) await fsp.rm(file, { force: true });
  } catch {
    // gone already, or rewritten by the next holder (unreadable mid-write): either way not ours to remove
  }
}
