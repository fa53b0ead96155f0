// What both providers share: a POST with fetch that turns HTTP and network failures into classified
// ModelErrors (never with a key in the message), and a reader of server-sent events.
import { ModelError, modelErrorKind, parseRetryAfter } from '../../core/lm/model';

export interface ServerEvent {
  event: string;
  data: string;
}

/** POSTs `body` as JSON; resolves to a 2xx response, or throws a ModelError saying what the provider said. */
export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  who: string,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new ModelError(
      `${who} could not be reached (${cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))}). Check that it runs and the base URL is right.`,
      'network',
    );
  }
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  let said = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    said = (typeof parsed.error === 'string' ? parsed.error : parsed.error?.message) ?? parsed.message ?? said;
  } catch {
    // not JSON: its text is what the provider said
  }
  const kind = modelErrorKind(response.status);
  const advice =
    kind === 'auth'
      ? ' Check the API key (CONTINUUM_LM_API_KEY) and that it may use this model.'
      : kind === 'bad-request' && response.status === 404
        ? ' Check the base URL and the model name.'
        : '';
  throw new ModelError(
    `${who} answered ${response.status}${said ? `: ${said}` : ''}.${advice}`,
    kind,
    parseRetryAfter(response.headers.get('retry-after'), Date.now()),
    response.status,
  );
}

/** The events of a text/event-stream body, as they arrive. */
export async function* serverEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(buffer[nl] === '\r' ? nl + 2 : nl + 1);
        if (line === '') {
          if (data.length) yield { event, data: data.join('\n') };
          event = 'message';
          data = [];
        } else if (line.startsWith(':')) {
          // a comment (keep-alive)
        } else {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
      }
      if (done) break;
    }
    if (data.length) yield { event, data: data.join('\n') };
  } finally {
    reader.releaseLock();
  }
}

/** A streamed body that ended in the middle: the connection dropped, which passes on its own. */
export function cutOff(who: string, err: unknown): ModelError {
  return new ModelError(
    `${who}'s answer was cut off (${err instanceof Error ? err.message : String(err)}).`,
    'network',
  );
}

/** Tool-call arguments as the model wrote them: JSON, or the raw text when it is not (the tool then says its input is not valid). */
export function parseArguments(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unparsed: text };
  }
}
