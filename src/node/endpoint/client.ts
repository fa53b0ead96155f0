// A client's side of the endpoint: one connection to the holder, requests matched to answers by id.
// When the connection closes, every call still waiting fails with HolderGoneError: it may or may
// not have happened, and only the caller can tell whether it is safe to try again.
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { endpointAddress, readAnnouncement, type EndpointAddress } from './address';
import { helloNonce, isTokenProof, readEndpointToken, tokenFile, tokenProof } from './token';
import {
  EndpointError,
  HolderGoneError,
  encode,
  lineSplitter,
  maxAnswerBytes,
  maxRequestBytes,
  protocolVersion,
  type Answer,
  type Notice,
  type HelloResult,
  type HolderKind,
  type MethodName,
  type Methods,
} from './protocol';

export interface EndpointClient {
  /** Who holds the store, as it said in answer to hello. */
  readonly holder: HelloResult;
  call<M extends MethodName>(method: M, params: Methods[M]['params']): Promise<Methods[M]['result']>;
  /** Fires once, when the connection closed (the holder exited, died or handed over, or close() was called). */
  onClose(listener: () => void): void;
  readonly closed: boolean;
  /** The holder said, before closing, that it handed the store over to a VS Code window. */
  readonly handedOver: boolean;
  close(): void;
}

/**
 * The holder refused this process, which could not prove it knows the store's token (so it is not,
 * as far as the holder can tell, the same user); or the process at the endpoint could not prove it
 * knows the token (so it is not the store's holder).
 */
export class NotSameUserError extends Error {
  override readonly name = 'NotSameUserError';
}

/**
 * Connects to the holder and says hello, proving it knows the store's token (read by `token` once
 * connected: the holder writes it before it listens) and checking the holder's proof of it.
 * Resolves undefined when nobody listens there (no socket, or a socket left by a holder that
 * died): the caller may try to take the store itself. Rejects with NotSameUserError when either
 * side cannot prove it knows the token.
 */
export async function connectEndpoint(
  address: EndpointAddress,
  kind: HolderKind,
  token: () => string | undefined | Promise<string | undefined>,
  timeoutMs = 2_000,
): Promise<EndpointClient | undefined> {
  const socket = await new Promise<net.Socket | undefined>((resolve, reject) => {
    const s = net.createConnection(address.path);
    const timer = setTimeout(() => {
      s.destroy();
      resolve(undefined);
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET' || err.code === 'EPIPE')
        resolve(undefined);
      else reject(new Error(`Connecting to the store's holder at ${address.path} failed: ${err.message}`));
    });
  });
  if (!socket) return undefined;
  const client = new SocketClient(socket);
  let sent: string | undefined;
  try {
    sent = await token();
    const nonce = helloNonce();
    const proof = sent === undefined ? {} : { nonce, proof: tokenProof(sent, 'client', nonce) };
    const holder = await withTimeout(
      client.call('hello', { protocol: protocolVersion, pid: process.pid, kind, ...proof }),
      timeoutMs,
    );
    if (sent === undefined || !isTokenProof(sent, 'holder', nonce, holder.proof))
      throw new NotSameUserError(
        `The process listening at ${address.path} (pid ${String(holder.pid)}) could not prove it holds Continuum's store (it does not know the store's ${tokenFile}), so this process does not use it: another user's process may be in the endpoint's place. Close it, or restart the process that holds the store.`,
      );
    client.holder = holder;
    return client;
  } catch (err) {
    client.close();
    if (err instanceof HolderGoneError || err instanceof TimeoutError) return undefined; // it went away while greeting: as if nobody listened
    if (err instanceof EndpointError && err.code === 'unauthorized') {
      // a newer holder replaced the token between its reading and the hello: as if nobody listened (the caller tries again)
      const now = await token();
      if (now !== undefined && now !== sent) return undefined;
      throw new NotSameUserError(
        `Continuum could not connect to the process holding its store: this process could not prove it is the same user (${sent === undefined ? `it cannot read the store's ${tokenFile}` : `the store's ${tokenFile} it read was not the holder's`}). Run Continuum as the user who owns the store, or check the store folder's permissions. The holder said: ${err.message}`,
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * Connects to whoever holds the store in `storeFolder`: at the address its holder announced in the
 * store folder (endpoint.json), then at the one this process computes. They differ when the socket
 * lives in the temporary folder (a store on a long path) and the two processes were started with
 * different TMPDIRs, as an agent's MCP server often is. An announced socket that is not this user's
 * own is not used.
 */
export async function connectToHolder(
  storeFolder: string,
  kind: HolderKind,
  timeoutMs = 2_000,
): Promise<EndpointClient | undefined> {
  const computed = endpointAddress(storeFolder);
  const announced = announcedAddress(storeFolder);
  const token = () => readEndpointToken(storeFolder);
  if (announced && announced.path !== computed.path) {
    const client = await connectEndpoint(announced, kind, token, timeoutMs).catch(() => undefined);
    if (client) return client;
  }
  return connectEndpoint(computed, kind, token, timeoutMs);
}

/**
 * The socket the store's holder said it listens on (readAnnouncement), when that is this user's own
 * socket; undefined leaves the computed address alone.
 */
function announcedAddress(storeFolder: string): EndpointAddress | undefined {
  const said = readAnnouncement(storeFolder)?.path;
  if (typeof said !== 'string' || !said) return undefined;
  if (process.platform === 'win32') return said.startsWith('\\\\.\\pipe\\') ? { path: said } : undefined;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(said, { throwIfNoEntry: false });
  } catch {
    return undefined; // not this user's to look at: not a socket to use
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (!stat?.isSocket() || (uid !== undefined && stat.uid !== uid)) return undefined;
  return { path: said, folder: path.dirname(said) };
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError()), ms);
    promise.then(
      v => {
        clearTimeout(timer);
        resolve(v);
      },
      err => {
        clearTimeout(timer);
        reject(err as Error);
      },
    );
  });
}

class SocketClient implements EndpointClient {
  holder!: HelloResult;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; what: string }>();
  private readonly closeListeners: Array<() => void> = [];
  closed = false;
  handedOver = false;

  constructor(private readonly socket: net.Socket) {
    socket.on(
      'data',
      lineSplitter(
        maxAnswerBytes,
        line => this.receive(line),
        () => socket.destroy(),
      ),
    );
    socket.on('error', () => undefined); // 'close' follows and says what matters: the holder is gone
    socket.on('close', () => this.gone());
  }

  call<M extends MethodName>(method: M, params: Methods[M]['params']): Promise<Methods[M]['result']> {
    const what =
      method === 'tool.call' ? `the call to ${(params as Methods['tool.call']['params']).tool}` : `'${method}'`;
    if (this.closed) return Promise.reject(new HolderGoneError(what));
    const id = this.nextId++;
    const line = encode({ id, method, params });
    if (Buffer.byteLength(line) > maxRequestBytes)
      return Promise.reject(
        new EndpointError(`${what} is larger than ${maxRequestBytes} bytes; send less.`, 'too-large'),
      );
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, what });
      this.socket.write(line);
    });
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(line: string): void {
    let answer: Answer | Notice;
    try {
      answer = JSON.parse(line) as Answer | Notice;
    } catch {
      return void this.socket.destroy(); // a holder that answers garbage is treated as gone
    }
    if ('notice' in answer) {
      if (answer.notice === 'handed-over') this.handedOver = true;
      return;
    }
    const waiter = this.waiting.get(answer.id);
    if (!waiter) return;
    this.waiting.delete(answer.id);
    if ('error' in answer) waiter.reject(new EndpointError(answer.error.message, answer.error.code));
    else waiter.resolve(answer.result);
  }

  private gone(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, w] of this.waiting) w.reject(new HolderGoneError(w.what));
    this.waiting.clear();
    for (const l of this.closeListeners) l();
  }
}
