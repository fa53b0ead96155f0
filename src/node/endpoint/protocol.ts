// The holder's endpoint speaks newline-delimited JSON: one request `{id, method, params}` per line,
// one answer `{id, result}` or `{id, error: {message, code}}` per line. The first request on a
// connection must be `hello`, which checks the protocol version both sides speak, and in which the
// client and the holder each prove that they know the store's token: that they are the same user
// (src/node/endpoint/token.ts). Every line is
// size-limited on both sides, so a confused or hostile peer cannot make a process buffer without end.
import type { AgentIdentity, ToolResult } from '../../core/agents/tool';

/**
 * Bumped whenever a method's shape changes; a client and a holder of different versions refuse each
 * other with a clear message. 2: hello and its answer carry proofs of the store's endpoint token.
 */
export const protocolVersion = 2;

/** A request line may not exceed this (a tool's input has its own, smaller limits). */
export const maxRequestBytes = 1024 * 1024;
/** An answer line may not exceed this (a detailed briefing is far smaller). */
export const maxAnswerBytes = 8 * 1024 * 1024;

/**
 * Which kind of process holds the store: a VS Code window, a CLI run, an agent's MCP server, or
 * the daemon a `continuum graph build` leaves holding it for a while (which steps aside for any of
 * the others).
 */
export type HolderKind = (typeof holderKinds)[number];

const holderKinds = ['vscode', 'cli', 'mcp', 'daemon'] as const;

export function isHolderKind(kind: string): kind is HolderKind {
  return (holderKinds as readonly string[]).includes(kind);
}

/** Who holds a store, in a person's words. */
export function describeKind(kind: HolderKind): string {
  return kind === 'vscode'
    ? 'a VS Code window'
    : kind === 'cli'
      ? 'a continuum CLI run'
      : kind === 'daemon'
        ? "Continuum's daemon"
        : "an agent's MCP server (continuum mcp)";
}

export interface HelloParams {
  protocol: number;
  pid: number;
  kind: HolderKind;
  /** A random nonce for this hello, which both proofs are bound to. */
  nonce?: string;
  /** Proof that the client knows the token the holder wrote into the store folder (endpoint.token): that it is the same user. */
  proof?: string;
}

export interface HelloResult {
  protocol: number;
  pid: number;
  kind: HolderKind;
  /** Whether this holder would hand the store over to a VS Code window (an MCP server runs no tasks, so it does). */
  handsOver: boolean;
  /**
   * Whether this holder hands the store to a window that asks in order to run something only the
   * holder runs (a session, a restore …), while it runs nothing itself: another VS Code window.
   */
  handsOverToRun?: boolean;
  /** Proof that the holder knows the store's token too, for the client's nonce: it is the holder, not a process in its way. */
  proof?: string;
}

export interface HandoverParams {
  /** Asked by a window that wants to run something only the holder runs (absent: a window opening). */
  toRun?: string;
}

export interface ToolCallParams {
  tool: string;
  agent: AgentIdentity;
  input: unknown;
}

/** A tool's answer from the holder, with the holder's last change once the call was saved (absent from an older holder). */
export type ToolCallResult = ToolResult & { seq?: number };

export interface ResourceReadParams {
  uri: string;
}

export interface ResourceReadResult {
  mimeType: string;
  text: string;
}

export interface StoreCallParams {
  /** A named write operation (src/node/endpoint/operations.ts), e.g. 'tasks.setStatus'. */
  op: string;
  args: unknown[];
}

export interface StoreCallResult {
  value: unknown;
  /** The holder's last change once the operation was saved; the client's replica waits for it. */
  seq: number;
}

/** What a window asks of a session that runs in the holding process. */
export type SessionControlAction = 'pause' | 'stop' | 'cancel';

export interface SessionControlParams {
  sessionId: string;
  /** pause: after the running tasks finish; stop: now, killing them (they run again on resume); cancel: end the session. */
  action: SessionControlAction;
}

export interface SessionControlResult {
  /** False when no run of that session is going on in the holder (then the asking window does it itself). */
  done: boolean;
}

export interface Methods {
  hello: { params: HelloParams; result: HelloResult };
  'tool.call': { params: ToolCallParams; result: ToolCallResult };
  'resource.read': { params: ResourceReadParams; result: ResourceReadResult };
  /** A client window's write, run on the holder's core. */
  'store.call': { params: StoreCallParams; result: StoreCallResult };
  /** Pauses, stops or cancels a session the holder runs, for a person in another window. */
  'session.control': { params: SessionControlParams; result: SessionControlResult };
  /** Asks the holder to finish its calls, release the store and become a client. */
  handover: { params: HandoverParams; result: { released: true } };
}
export type MethodName = keyof Methods;

export interface Request<M extends MethodName = MethodName> {
  id: number;
  method: M;
  params: Methods[M]['params'];
}

/**
 * Why a request failed, for the program on the other side:
 * - `tool`: the tool refused the call (its message says what to do) — an MCP `isError` result.
 * - `operation`: a store operation refused (its message says why), as it would have in the client.
 * - `not-saved`: the holder could not save (read-only store, lost lock); nothing of the call was kept.
 * - `closing`: the holder is handing over or closing and did not start the call; send it to the next holder.
 * - `refused`: the holder will not hand over (it runs tasks, or is a window itself); the message says why.
 * - `unauthorized`: the hello did not prove it knows the store's endpoint token; the holder closes the connection.
 * - `bad-request`, `too-large`, `protocol`: the request itself was wrong.
 * - `internal`: anything else; the message says what.
 */
export type ErrorCode =
  | 'tool'
  | 'operation'
  | 'not-saved'
  | 'closing'
  | 'refused'
  | 'unauthorized'
  | 'bad-request'
  | 'too-large'
  | 'protocol'
  | 'internal';

export type Answer = { id: number; result: unknown } | { id: number; error: { message: string; code: ErrorCode } };

/** A line the holder sends unasked: `handed-over` just before it closes every connection after a handover. */
export interface Notice {
  notice: 'handed-over';
}

/** An error answer, as the client raises it. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
  constructor(
    message: string,
    readonly code: ErrorCode,
  ) {
    super(message);
  }
}

/**
 * The holder went away (exited, crashed, handed over) while a call was in flight: it may or may
 * not have happened. A write must not be resent blindly; read first.
 */
export class HolderGoneError extends Error {
  override readonly name = 'HolderGoneError';
  readonly retryable = true;
  constructor(what: string, options?: ErrorOptions) {
    super(
      `The process holding Continuum's store stopped before answering ${what}; the call may or may not have happened — read the current state (for example the briefing) before retrying.`,
      options,
    );
  }
}

/**
 * Splits a stream into lines, refusing any line longer than `limit` bytes: `onLine` gets each
 * complete line, `onTooLong` is called once (and nothing more is read) when the limit is passed.
 */
export function lineSplitter(
  limit: number,
  onLine: (line: string) => void,
  onTooLong: () => void,
): (chunk: Buffer) => void {
  let parts: Buffer[] = [];
  let size = 0;
  let stopped = false;
  return chunk => {
    if (stopped) return;
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      if (size + piece.length > limit) {
        stopped = true;
        return onTooLong();
      }
      const line = parts.length ? Buffer.concat([...parts, piece]).toString('utf8') : piece.toString('utf8');
      parts = [];
      size = 0;
      start = nl + 1;
      if (line.trim()) onLine(line);
      if (stopped) return;
    }
    const rest = chunk.subarray(start);
    if (size + rest.length > limit) {
      stopped = true;
      return onTooLong();
    }
    if (rest.length) {
      parts.push(rest);
      size += rest.length;
    }
  };
}

export function encode(message: Request | Answer | Notice): string {
  return `${JSON.stringify(message)}\n`;
}
