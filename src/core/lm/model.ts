// What the core needs from a language model: send a conversation with tool definitions, get back
// text, tool calls and the tokens used. Implemented over HTTP providers in the CLI (src/node/lm) and
// later over vscode.lm; tests script it turn by turn. Nothing here may import `vscode`.

/** A call the model asks for; `input` is what it gave, checked by the tool before use. */
export interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface ToolDefinition {
  name: string;
  description: string;
  /** A JSON schema of the input object. */
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  system: string;
  messages: readonly ChatMessage[];
  tools: readonly ToolDefinition[];
  /** Most output tokens for this answer. */
  maxOutputTokens?: number;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ModelResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: ModelUsage;
  /** Why the answer ended: finished, wants its tools, or ran out of output tokens. */
  stop: 'end' | 'tool_use' | 'max_tokens';
}

export interface ModelPort {
  /** The model in a person's words ("gpt-4o-mini at http://localhost:11434/v1"), for logs; never a key. */
  readonly name: string;
  /** Throws a ModelError for anything the provider refused or could not do. */
  send(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse>;
}

/**
 * What went wrong with a model request, in kinds the executor can act on: 'rate-limited',
 * 'unavailable' and 'network' pass on their own (transient: retried, after `retryAfterMs` when the
 * provider said); 'auth', 'bad-request' and 'too-long' will fail the same way again.
 */
export type ModelErrorKind = 'rate-limited' | 'unavailable' | 'network' | 'auth' | 'bad-request' | 'too-long';

export class ModelError extends Error {
  constructor(
    message: string,
    readonly kind: ModelErrorKind,
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }

  get transient(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'unavailable' || this.kind === 'network';
  }
}

/** The kind of error an HTTP status means. Pure. */
export function modelErrorKind(status: number): ModelErrorKind {
  if (status === 429) return 'rate-limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 413) return 'too-long';
  if (status === 408 || status === 409 || status >= 500) return 'unavailable';
  return 'bad-request';
}

/** Retry-After as milliseconds: seconds or an HTTP date; undefined when absent or unreadable. Pure. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
