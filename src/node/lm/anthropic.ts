// An Anthropic Messages API client: streamed answers (server-sent events) with tool_use blocks;
// tool results go back as tool_result blocks in a user message.
import type { ChatMessage, ModelPort, ModelRequest, ModelResponse, ToolCall } from '../../core/lm/model';
import { ModelError } from '../../core/lm/model';
import { cutOff, parseArguments, postJson, serverEvents } from './http';

export interface AnthropicOptions {
  /** https://api.anthropic.com (without /v1). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Output tokens per answer (the API needs a number); default 8192. */
  maxOutputTokens?: number;
}

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };

/** The conversation in Anthropic's shape: tool results of one turn together in one user message. */
export function anthropicMessages(
  messages: readonly ChatMessage[],
): Array<{ role: 'user' | 'assistant'; content: string | Block[] }> {
  const out: Array<{ role: 'user' | 'assistant'; content: string | Block[] }> = [];
  for (const m of messages) {
    if (m.role === 'user') {
      out.push({ role: 'user', content: m.content });
    } else if (m.role === 'assistant') {
      const blocks: Block[] = [];
      if (m.content.trim()) blocks.push({ type: 'text', text: m.content });
      for (const c of m.toolCalls ?? [])
        blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input ?? {} });
      out.push({ role: 'assistant', content: blocks.length ? blocks : [{ type: 'text', text: '(nothing)' }] });
    } else {
      const result: Block = {
        type: 'tool_result',
        tool_use_id: m.toolCallId,
        content: m.content,
        ...(m.isError ? { is_error: true } : {}),
      };
      const last = out.at(-1);
      if (
        last &&
        last.role === 'user' &&
        Array.isArray(last.content) &&
        last.content.every(b => b.type === 'tool_result')
      )
        last.content.push(result);
      else out.push({ role: 'user', content: [result] });
    }
  }
  return out;
}

interface StreamEvent {
  type: string;
  index?: number;
  message?: { usage?: { input_tokens?: number; output_tokens?: number } };
  content_block?: { type: string; id?: string; name?: string; text?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string };
  usage?: { output_tokens?: number; input_tokens?: number };
  error?: { type?: string; message?: string };
}

export function anthropicModel(o: AnthropicOptions): ModelPort {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/v1/messages`;
  const who = `The Anthropic API (${o.model} at ${new URL(url).origin})`;
  return {
    name: `${o.model} at ${new URL(url).host}`,
    async send(request: ModelRequest, signal): Promise<ModelResponse> {
      const response = await postJson(
        url,
        { 'anthropic-version': '2023-06-01', ...(o.apiKey ? { 'x-api-key': o.apiKey } : {}) },
        {
          model: o.model,
          system: request.system,
          max_tokens: request.maxOutputTokens ?? o.maxOutputTokens ?? 8192,
          messages: anthropicMessages(request.messages),
          ...(request.tools.length
            ? {
                tools: request.tools.map(t => ({
                  name: t.name,
                  description: t.description,
                  input_schema: t.inputSchema,
                })),
              }
            : {}),
          stream: true,
        },
        signal,
        who,
      );
      if (!response.body) throw new ModelError(`${who} sent an empty answer.`, 'unavailable');
      const blocks: Array<{ type: string; text: string; id?: string; name?: string }> = [];
      let stop: string | undefined;
      const usage = { inputTokens: 0, outputTokens: 0 };
      try {
        for await (const e of serverEvents(response.body)) {
          const event = JSON.parse(e.data) as StreamEvent;
          if (event.type === 'error') {
            const kind =
              event.error?.type === 'overloaded_error'
                ? 'unavailable'
                : event.error?.type === 'rate_limit_error'
                  ? 'rate-limited'
                  : 'unavailable';
            throw new ModelError(
              `${who} reported ${event.error?.type ?? 'an error'}: ${event.error?.message ?? ''}`,
              kind,
            );
          }
          if (event.type === 'message_start') {
            usage.inputTokens = event.message?.usage?.input_tokens ?? 0;
            usage.outputTokens = event.message?.usage?.output_tokens ?? 0;
          } else if (event.type === 'content_block_start' && event.index !== undefined && event.content_block) {
            blocks[event.index] = {
              type: event.content_block.type,
              text: event.content_block.text ?? '',
              ...(event.content_block.id ? { id: event.content_block.id } : {}),
              ...(event.content_block.name ? { name: event.content_block.name } : {}),
            };
          } else if (event.type === 'content_block_delta' && event.index !== undefined && blocks[event.index]) {
            blocks[event.index].text += event.delta?.text ?? event.delta?.partial_json ?? '';
          } else if (event.type === 'message_delta') {
            if (event.delta?.stop_reason) stop = event.delta.stop_reason;
            if (event.usage?.output_tokens !== undefined) usage.outputTokens = event.usage.output_tokens;
          } else if (event.type === 'message_stop') {
            break;
          }
        }
      } catch (err) {
        if (err instanceof ModelError || signal.aborted) throw err;
        throw cutOff(who, err);
      }
      const text = blocks
        .filter(b => b?.type === 'text')
        .map(b => b.text)
        .join('');
      const toolCalls: ToolCall[] = blocks
        .filter(b => b?.type === 'tool_use')
        .map((b, i) => ({ id: b.id ?? `toolu_${i}`, name: b.name ?? '', input: parseArguments(b.text) }));
      return {
        text,
        toolCalls,
        usage,
        stop: stop === 'tool_use' || toolCalls.length ? 'tool_use' : stop === 'max_tokens' ? 'max_tokens' : 'end',
      };
    },
  };
}
