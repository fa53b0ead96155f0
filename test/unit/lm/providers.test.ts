// The CLI's model providers against a local server speaking the real OpenAI and Anthropic shapes:
// streamed text and tool calls, tool results sent back, errors classified (a 429's Retry-After kept).
import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { ModelError, type ModelRequest } from '../../../src/core/lm/model';
import { lmTools } from '../../../src/core/lm/tools';
import { anthropicModel } from '../../../src/node/lm/anthropic';
import { howToConfigure, modelFromEnvironment } from '../../../src/node/lm/config';
import { openAiModel } from '../../../src/node/lm/openai';
import { startFakeProvider, type FakeProvider, type Reply } from './fakeProvider';

const conversation: ModelRequest = {
  system: 'Be brief.',
  tools: lmTools,
  messages: [
    { role: 'user', content: 'Task: Fix the build\n\nMake it compile.' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'c1', name: 'read_file', input: { path: 'a.ts' } },
        { id: 'c2', name: 'list_files', input: {} },
      ],
    },
    { role: 'tool', toolCallId: 'c1', name: 'read_file', content: 'const x = 1' },
    { role: 'tool', toolCallId: 'c2', name: 'list_files', content: 'a.ts', isError: false },
  ],
};

const signal = () => new AbortController().signal;

describe('the model providers', function () {
  this.timeout(20_000);
  let server: FakeProvider;
  let next: Reply;

  beforeEach(async () => {
    next = { text: 'Done.' };
    server = await startFakeProvider(() => next);
  });
  afterEach(() => server.close());

  describe('OpenAI-compatible chat completions', () => {
    const model = () => openAiModel({ baseUrl: `${server.url}/v1`, model: 'small-model', apiKey: 'sk-test-secret' });

    it('streams an answer with text and tool calls whose arguments arrive in pieces, and the usage', async () => {
      next = {
        text: 'Let me look.',
        calls: [{ name: 'edit_file', input: { path: 'a.ts', oldText: 'x', newText: 'y' } }],
        usage: { input: 321, output: 45 },
      };
      const r = await model().send(conversation, signal());
      assert.strictEqual(r.text, 'Let me look.');
      assert.deepStrictEqual(
        r.toolCalls.map(c => [c.name, c.input]),
        [['edit_file', { path: 'a.ts', oldText: 'x', newText: 'y' }]],
      );
      assert.match(r.toolCalls[0].id, /^call_/);
      assert.deepStrictEqual(r.usage, { inputTokens: 321, outputTokens: 45 });
      assert.strictEqual(r.stop, 'tool_use');
    });

    it('sends the conversation in its shape: system first, tool calls with JSON arguments, tool results by id, the tools as functions', async () => {
      await model().send(conversation, signal());
      const sent = server.requests[0];
      assert.strictEqual(sent.headers.authorization, 'Bearer sk-test-secret');
      const messages = sent.body.messages as Array<Record<string, unknown>>;
      assert.deepStrictEqual(
        messages.map(m => m.role),
        ['system', 'user', 'assistant', 'tool', 'tool'],
      );
      assert.deepStrictEqual(messages[2].tool_calls, [
        { id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } },
        { id: 'c2', type: 'function', function: { name: 'list_files', arguments: '{}' } },
      ]);
      assert.deepStrictEqual(messages[3], { role: 'tool', tool_call_id: 'c1', content: 'const x = 1' });
      assert.strictEqual(sent.body.stream, true);
      assert.deepStrictEqual(
        (sent.body.tools as Array<{ function: { name: string } }>).map(t => t.function.name),
        lmTools.map(t => t.name),
      );
    });

    it('says a finished answer ended, and one cut at the length limit ran out of tokens', async () => {
      assert.strictEqual((await model().send(conversation, signal())).stop, 'end');
      next = { text: 'and so', stop: 'length' };
      assert.strictEqual((await model().send(conversation, signal())).stop, 'max_tokens');
    });

    it('turns a 429 into a rate limit with the Retry-After it gave', async () => {
      next = { status: 429, retryAfter: '2', message: 'Rate limit reached' };
      const err = await model()
        .send(conversation, signal())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err instanceof ModelError);
      assert.strictEqual(err.kind, 'rate-limited');
      assert.strictEqual(err.retryAfterMs, 2000);
      assert.ok(err.transient);
      assert.match(err.message, /429: Rate limit reached/);
    });

    it('turns a 401 into an error that is not retried and never shows the key', async () => {
      next = { status: 401, message: 'Incorrect API key provided' };
      const err = await model()
        .send(conversation, signal())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err instanceof ModelError);
      assert.strictEqual(err.kind, 'auth');
      assert.ok(!err.transient);
      assert.doesNotMatch(err.message, /sk-test-secret/);
      assert.match(err.message, /Check the API key/);
    });
  });

  describe('Anthropic messages', () => {
    const model = () => anthropicModel({ baseUrl: server.url, model: 'claude-test', apiKey: 'ant-secret' });

    it('streams text and tool_use blocks whose input arrives as partial JSON, and the usage', async () => {
      next = {
        text: 'Reading.',
        calls: [
          { name: 'read_file', input: { path: 'src/a.ts' } },
          { name: 'list_files', input: { path: 'src' } },
        ],
        usage: { input: 50, output: 7 },
      };
      const r = await model().send(conversation, signal());
      assert.strictEqual(r.text, 'Reading.');
      assert.deepStrictEqual(
        r.toolCalls.map(c => [c.name, c.input]),
        [
          ['read_file', { path: 'src/a.ts' }],
          ['list_files', { path: 'src' }],
        ],
      );
      assert.match(r.toolCalls[0].id, /^toolu_/);
      assert.deepStrictEqual(r.usage, { inputTokens: 50, outputTokens: 7 });
      assert.strictEqual(r.stop, 'tool_use');
    });

    it('sends tool calls as tool_use blocks and their results together as tool_result blocks of one user message', async () => {
      await model().send(conversation, signal());
      const sent = server.requests[0];
      assert.strictEqual(sent.headers['x-api-key'], 'ant-secret');
      assert.strictEqual(sent.headers['anthropic-version'], '2023-06-01');
      assert.strictEqual(sent.body.system, 'Be brief.');
      assert.ok(typeof sent.body.max_tokens === 'number');
      const messages = sent.body.messages as Array<{ role: string; content: unknown }>;
      assert.deepStrictEqual(
        messages.map(m => m.role),
        ['user', 'assistant', 'user'],
      );
      assert.deepStrictEqual(messages[1].content, [
        { type: 'tool_use', id: 'c1', name: 'read_file', input: { path: 'a.ts' } },
        { type: 'tool_use', id: 'c2', name: 'list_files', input: {} },
      ]);
      assert.deepStrictEqual(messages[2].content, [
        { type: 'tool_result', tool_use_id: 'c1', content: 'const x = 1' },
        { type: 'tool_result', tool_use_id: 'c2', content: 'a.ts' },
      ]);
      assert.deepStrictEqual(
        (sent.body.tools as Array<{ name: string; input_schema: unknown }>).map(t => t.name),
        lmTools.map(t => t.name),
      );
    });

    it('turns a 429 into a rate limit with the Retry-After it gave', async () => {
      next = { status: 429, retryAfter: '7' };
      const err = await model()
        .send(conversation, signal())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err instanceof ModelError);
      assert.strictEqual(err.kind, 'rate-limited');
      assert.strictEqual(err.retryAfterMs, 7000);
    });
  });

  it('says a server that cannot be reached is a network problem, which passes on its own', async () => {
    const closed = http.createServer();
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise(r => closed.close(r));
    const err = await openAiModel({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' })
      .send(conversation, signal())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err instanceof ModelError);
    assert.strictEqual(err.kind, 'network');
    assert.match(err.message, /could not be reached \(ECONNREFUSED\)/);
  });

  it('says a stream cut off in the middle is a network problem', async () => {
    const cut = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"index":0,"delta":{"content":"hal');
      setTimeout(() => res.destroy(), 20);
    });
    await new Promise<void>(r => cut.listen(0, '127.0.0.1', r));
    try {
      const err = await openAiModel({
        baseUrl: `http://127.0.0.1:${(cut.address() as AddressInfo).port}/v1`,
        model: 'm',
      })
        .send(conversation, signal())
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      assert.ok(err instanceof ModelError, String(err));
      assert.strictEqual(err.kind, 'network');
    } finally {
      cut.closeAllConnections();
      await new Promise(r => cut.close(r));
    }
  });
});

describe('choosing the CLI model from the environment', () => {
  it('says how to configure one when none is chosen', () => {
    assert.deepStrictEqual(modelFromEnvironment({}), { missing: howToConfigure });
    assert.match(howToConfigure, /CONTINUUM_LM_PROVIDER.*CONTINUUM_LM_MODEL.*CONTINUUM_LM_API_KEY/);
  });

  it('names what is wrong with a half-made choice', () => {
    assert.match(
      (modelFromEnvironment({ CONTINUUM_LM_PROVIDER: 'gemini' }) as { problem: string }).problem,
      /'openai' .* or 'anthropic'/,
    );
    assert.match(
      (modelFromEnvironment({ CONTINUUM_LM_PROVIDER: 'openai' }) as { problem: string }).problem,
      /CONTINUUM_LM_MODEL/,
    );
    assert.match(
      (modelFromEnvironment({ CONTINUUM_LM_PROVIDER: 'openai', CONTINUUM_LM_MODEL: 'gpt' }) as { problem: string })
        .problem,
      /needs an API key/,
    );
    assert.match(
      (
        modelFromEnvironment({
          CONTINUUM_LM_PROVIDER: 'anthropic',
          CONTINUUM_LM_MODEL: 'c',
          CONTINUUM_LM_BASE_URL: 'ftp://x',
        }) as { problem: string }
      ).problem,
      /not an http/,
    );
  });

  it('needs no key for a local OpenAI-compatible server, and lets flags win over the environment', () => {
    const local = modelFromEnvironment({
      CONTINUUM_LM_PROVIDER: 'openai',
      CONTINUUM_LM_MODEL: 'llama3',
      CONTINUUM_LM_BASE_URL: 'http://localhost:11434/v1',
    });
    assert.strictEqual('model' in local && local.model.name, 'llama3 at localhost:11434');
    const flagged = modelFromEnvironment(
      { CONTINUUM_LM_PROVIDER: 'openai', CONTINUUM_LM_MODEL: 'llama3', MY_KEY: 'k' },
      { provider: 'anthropic', model: 'claude', keyEnv: 'MY_KEY' },
    );
    assert.strictEqual('model' in flagged && flagged.model.name, 'claude at api.anthropic.com');
  });
});
