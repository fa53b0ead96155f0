// A local HTTP server that speaks the OpenAI chat-completions and the Anthropic messages shapes,
// streamed as server-sent events the way both services stream: a fake only of the remote endpoint.
// It answers from a script by conversation (the task's title) and turn (assistant messages so far,
// plus one), and counts the requests per turn.
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface ScriptedCall {
  name: string;
  input: unknown;
}

export type Reply =
  | { text?: string; calls?: ScriptedCall[]; usage?: { input: number; output: number }; stop?: 'length' }
  | { status: number; retryAfter?: string; message?: string };

export type Script = (conversation: string, turn: number, body: Record<string, unknown>) => Reply;

export interface ReceivedRequest {
  api: 'openai' | 'anthropic';
  conversation: string;
  turn: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FakeProvider {
  url: string;
  requests: ReceivedRequest[];
  /** Requests per "conversation#turn". */
  perTurn(): Map<string, number>;
  close(): Promise<void>;
}

/** The first line of the first user message ("Task: …"), which names the conversation. */
function conversationOf(messages: Array<{ role: string; content: unknown }>): string {
  const first = messages.find(m => m.role === 'user');
  const text = typeof first?.content === 'string' ? first.content : '';
  return text.split('\n')[0].replace(/^Task: /, '');
}

let ids = 0;

export async function startFakeProvider(script: Script): Promise<FakeProvider> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      raw += c;
    });
    req.on('end', () => {
      const api = req.url?.endsWith('/chat/completions')
        ? 'openai'
        : req.url?.endsWith('/v1/messages')
          ? 'anthropic'
          : undefined;
      if (!api || req.method !== 'POST') {
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      const messages = body.messages as Array<{ role: string; content: unknown }>;
      const conversation = conversationOf(messages);
      const turn = messages.filter(m => m.role === 'assistant').length + 1;
      requests.push({ api, conversation, turn, headers: req.headers, body });
      const reply = script(conversation, turn, body);
      if ('status' in reply) {
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          ...(reply.retryAfter ? { 'retry-after': reply.retryAfter } : {}),
        });
        res.end(
          JSON.stringify(
            api === 'openai'
              ? { error: { message: reply.message ?? 'refused' } }
              : { type: 'error', error: { type: 'rate_limit_error', message: reply.message ?? 'refused' } },
          ),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const events = api === 'openai' ? openAiEvents(reply, body) : anthropicEvents(reply, body);
      for (const e of events) res.write(e);
      res.end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    perTurn() {
      const m = new Map<string, number>();
      for (const r of requests) m.set(`${r.conversation}#${r.turn}`, (m.get(`${r.conversation}#${r.turn}`) ?? 0) + 1);
      return m;
    },
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Splits a string in two, so every value arrives in more than one chunk as real streams do. */
const halves = (s: string): [string, string] => [s.slice(0, Math.ceil(s.length / 2)), s.slice(Math.ceil(s.length / 2))];

function openAiEvents(reply: Extract<Reply, { text?: string }>, body: Record<string, unknown>): string[] {
  const id = `chatcmpl-${++ids}`;
  const chunk = (choice: unknown, usage?: unknown) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model: body.model, choices: choice ? [choice] : [], ...(usage ? { usage } : {}) })}\n\n`;
  const out = [chunk({ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null })];
  if (reply.text)
    for (const part of halves(reply.text)) out.push(chunk({ index: 0, delta: { content: part }, finish_reason: null }));
  (reply.calls ?? []).forEach((c, index) => {
    const [a, b] = halves(JSON.stringify(c.input));
    out.push(
      chunk({
        index: 0,
        delta: {
          tool_calls: [
            { index, id: `call_${ids}_${index}`, type: 'function', function: { name: c.name, arguments: a } },
          ],
        },
        finish_reason: null,
      }),
    );
    out.push(chunk({ index: 0, delta: { tool_calls: [{ index, function: { arguments: b } }] }, finish_reason: null }));
  });
  out.push(chunk({ index: 0, delta: {}, finish_reason: reply.calls?.length ? 'tool_calls' : (reply.stop ?? 'stop') }));
  out.push(
    chunk(undefined, {
      prompt_tokens: reply.usage?.input ?? 100,
      completion_tokens: reply.usage?.output ?? 20,
      total_tokens: (reply.usage?.input ?? 100) + (reply.usage?.output ?? 20),
    }),
  );
  out.push('data: [DONE]\n\n');
  return out;
}

function anthropicEvents(reply: Extract<Reply, { text?: string }>, body: Record<string, unknown>): string[] {
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const out = [
    event('message_start', {
      message: {
        id: `msg_${++ids}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [],
        stop_reason: null,
        usage: { input_tokens: reply.usage?.input ?? 100, output_tokens: 1 },
      },
    }),
    ': ping\n\n',
  ];
  let index = 0;
  if (reply.text) {
    out.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const part of halves(reply.text))
      out.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: part } }));
    out.push(event('content_block_stop', { index }));
    index++;
  }
  for (const c of reply.calls ?? []) {
    out.push(
      event('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: `toolu_${ids}_${index}`, name: c.name, input: {} },
      }),
    );
    for (const part of halves(JSON.stringify(c.input)))
      out.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }));
    out.push(event('content_block_stop', { index }));
    index++;
  }
  out.push(
    event('message_delta', {
      delta: {
        stop_reason: reply.calls?.length ? 'tool_use' : reply.stop === 'length' ? 'max_tokens' : 'end_turn',
        stop_sequence: null,
      },
      usage: { output_tokens: reply.usage?.output ?? 20 },
    }),
  );
  out.push(event('message_stop', {}));
  return out;
}
