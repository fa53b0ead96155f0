// An OpenAI-compatible chat-completions client (OpenAI, Ollama, LM Studio, vLLM …): streamed
// answers (server-sent events) with tool calls, usage from the last chunk when the server gives it.
import type { ChatMessage, ModelPort, ModelRequest, ModelResponse, ToolCall } from '../../core/lm/model';
import { ModelError } from '../../core/lm/model';
import { cutOff, parseArguments, postJson, serverEvents } from './http';

export interface OpenAiOptions {
  /** Up to and including /v1: https://api.openai.com/v1, http://localhost:11434/v1 … */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; none for a local server that needs none. Never logged. */
  apiKey?: string;
}

interface Chunk {
  choices?: Array<{
    delta?: {
      content?: string | null;
      tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

export function openAiMessages(request: ModelRequest): unknown[] {
  const out: unknown[] = [{ role: 'system', content: request.system }];
  for (const m of request.messages) out.push(openAiMessage(m));
  return out;
}

function openAiMessage(m: ChatMessage): unknown {
  if (m.role === 'user') return { role: 'user', content: m.content };
  if (m.role === 'tool') return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  return {
    role: 'assistant',
    content: m.content || null,
    ...(m.toolCalls?.length
      ? {
          tool_calls: m.toolCalls.map(c => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: JSON.stringify(c.input ?? {}) },
          })),
        }
      : {}),
  };
}

export function openAiModel(o: OpenAiOptions): ModelPort {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const who = `The model server (${o.model} at ${new URL(url).origin})`;
  return {
    name: `${o.model} at ${new URL(url).host}`,
    async send(request, signal): Promise<ModelResponse> {
      const response = await postJson(
        url,
        o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {},
        {
          model: o.model,
          messages: openAiMessages(request),
          ...(request.tools.length
            ? {
                tools: request.tools.map(t => ({
                  type: 'function',
                  function: { name: t.name, description: t.description, parameters: t.inputSchema },
                })),
              }
            : {}),
          ...(request.maxOutputTokens ? { max_tokens: request.maxOutputTokens } : {}),
          stream: true,
          stream_options: { include_usage: true },
        },
        signal,
        who,
      );
      if (!response.body) throw new ModelError(`${who} sent an empty answer.`, 'unavailable');
      let text = '';
      const calls: Array<{ id: string; name: string; args: string }> = [];
      let finish: string | undefined;
      let usage = { inputTokens: 0, outputTokens: 0 };
      try {
        for await (const e of serverEvents(response.body)) {
          if (e.data === '[DONE]') break;
          const chunk = JSON.parse(e.data) as Chunk;
          if (chunk.error)
            throw new ModelError(`${who} reported an error: ${chunk.error.message ?? 'unknown'}`, 'unavailable');
          if (chunk.usage)
            usage = { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0 };
          for (const choice of chunk.choices ?? []) {
            if (choice.delta?.content) text += choice.delta.content;
            for (const d of choice.delta?.tool_calls ?? []) {
              const c = (calls[d.index] ??= { id: '', name: '', args: '' });
              if (d.id) c.id = d.id;
              if (d.function?.name) c.name += d.function.name;
              if (d.function?.arguments) c.args += d.function.arguments;
            }
            if (choice.finish_reason) finish = choice.finish_reason;
          }
        }
      } catch (err) {
        if (err instanceof ModelError || signal.aborted) throw err;
        throw cutOff(who, err);
      }
      const toolCalls: ToolCall[] = calls
        .filter(Boolean)
        .map((c, i) => ({ id: c.id || `call_${i}`, name: c.name, input: parseArguments(c.args) }));
      return {
        text,
        toolCalls,
        usage,
        stop: toolCalls.length ? 'tool_use' : finish === 'length' ? 'max_tokens' : 'end',
      };
    },
  };
}
