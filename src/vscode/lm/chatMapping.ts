// The core's model request in the shapes of VS Code's language-model API, and VS Code's errors in the
// core's kinds: pure (no `vscode` import) so plain unit tests cover them; chatModel.ts turns the
// turns into LanguageModelChatMessage parts.
import { ModelError, type ModelErrorKind, type ModelRequest, type ToolDefinition } from '../../core/lm/model';

export type ChatPart =
  | { kind: 'text'; text: string }
  | { kind: 'toolCall'; callId: string; name: string; input: object }
  | { kind: 'toolResult'; callId: string; text: string };

/** One LanguageModelChatMessage: VS Code knows only user and assistant messages. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  parts: ChatPart[];
}

/**
 * The request as VS Code's messages: the system prompt opens the first user message (vscode.lm has no
 * system role), tool results go back in a user message after the assistant's calls, and consecutive
 * messages of one role are one message (several results of one turn in one message).
 */
export function chatTurns(request: Pick<ModelRequest, 'system' | 'messages'>): ChatTurn[] {
  const turns: ChatTurn[] = [];
  const add = (role: ChatTurn['role'], parts: ChatPart[]) => {
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else turns.push({ role, parts });
  };
  if (request.system.trim()) add('user', [{ kind: 'text', text: request.system }]);
  for (const m of request.messages) {
    if (m.role === 'user') add('user', [{ kind: 'text', text: m.content }]);
    else if (m.role === 'tool')
      add('user', [{ kind: 'toolResult', callId: m.toolCallId, text: m.isError ? `Error: ${m.content}` : m.content }]);
    else {
      const parts: ChatPart[] = m.content ? [{ kind: 'text', text: m.content }] : [];
      for (const c of m.toolCalls ?? [])
        parts.push({ kind: 'toolCall', callId: c.id, name: c.name, input: objectInput(c.input) });
      // a provider may refuse an empty message; an answer with nothing in it said nothing
      add('assistant', parts.length ? parts : [{ kind: 'text', text: '(no answer)' }]);
    }
  }
  return turns;
}

/** A tool call's input as VS Code's API takes it: an object (anything else the model gave is wrapped). */
function objectInput(input: unknown): object {
  if (input && typeof input === 'object' && !Array.isArray(input)) return input;
  return input === undefined || input === null ? {} : { value: input };
}

/** The `tools` option of sendRequest: LanguageModelChatTool has the same three fields. */
export function chatTools(
  tools: readonly ToolDefinition[],
): Array<{ name: string; description: string; inputSchema: object }> {
  return tools.map(t => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
}

/** All the text of a request, for counting its tokens when the provider reports none. */
export function requestText(request: Pick<ModelRequest, 'system' | 'messages' | 'tools'>): string {
  const parts = chatTurns(request).flatMap(t =>
    t.parts.map(p =>
      p.kind === 'text' ? p.text : p.kind === 'toolResult' ? p.text : `${p.name} ${JSON.stringify(p.input)}`,
    ),
  );
  if (request.tools.length) parts.push(JSON.stringify(chatTools(request.tools)));
  return parts.join('\n');
}

/** What VS Code's LanguageModelError (or any error a provider threw) carries. */
export interface ThrownByModel {
  /** LanguageModelError's code: 'NoPermissions', 'Blocked', 'NotFound', 'Unknown' … ; absent for other errors. */
  code?: string;
  message: string;
  /** The provider's own error, for code 'Unknown'. */
  cause?: unknown;
}

const rateLimited = /rate.?limit|too many requests|\b429\b|quota/i;
const tooLong = /context.?(length|window)|too (long|large)|token limit|maximum.*tokens|prompt.*exceed|\b413\b/i;
const network = /ECONN|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|socket|network|fetch failed/i;

/**
 * The core's ModelError for what a VS Code model threw. NoPermissions and Blocked say how to allow
 * Continuum; NotFound means the model went away (transient: another may be chosen meanwhile). An
 * unknown error is read for the usual signs (a rate limit, a prompt too long, a network failure) and
 * otherwise counted as the model being unavailable, which the executor's retries and error budget
 * handle.
 */
export function modelErrorOf(err: ThrownByModel, modelName: string): ModelError {
  const said = [err.message, causeMessage(err.cause)].filter(Boolean).join(': ') || 'no reason given';
  switch (err.code) {
    case 'NoPermissions':
      return new ModelError(
        `VS Code did not allow Continuum to use ${modelName} (${said}). Allow it when VS Code asks, or in the Accounts menu under Manage Language Model Access, then Retry the task (or run Continuum: Choose Model… to use another).`,
        'auth',
      );
    case 'Blocked':
      return new ModelError(
        `${modelName} refused Continuum's request (${said}): the extension is blocked from using it, for now or for good. Allow Continuum in the Accounts menu under Manage Language Model Access, or run Continuum: Choose Model… to use another model, then Retry the task.`,
        'auth',
      );
    case 'NotFound':
      return new ModelError(
        `${modelName} is no longer available (${said}). Continuum uses another model when one is there; Continuum: Choose Model… picks one.`,
        'unavailable',
      );
    default: {
      const kind: ModelErrorKind = rateLimited.test(said)
        ? 'rate-limited'
        : tooLong.test(said)
          ? 'too-long'
          : network.test(said)
            ? 'network'
            : 'unavailable';
      return new ModelError(`${modelName} failed: ${said}`, kind);
    }
  }
}

function causeMessage(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return typeof cause === 'string' ? cause : '';
}

/** What a chat model is, for choosing one: LanguageModelChat's identifying fields. */
export interface ModelIdentity {
  vendor: string;
  family: string;
  version: string;
  id: string;
  name: string;
}

/** The model to use among `models` (those the vendor/family settings let through): the same one every time for the same list. */
export function chooseModel<M extends ModelIdentity>(models: readonly M[]): M | undefined {
  const key = (m: ModelIdentity) => [m.vendor, m.family, m.version, m.id];
  return [...models].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      const c = ka[i] < kb[i] ? -1 : ka[i] > kb[i] ? 1 : 0;
      if (c) return c;
    }
    return 0;
  })[0];
}

/** A model in a person's words, for logs, messages and the status of lm tasks. */
export function modelLabel(m: Pick<ModelIdentity, 'name' | 'vendor' | 'family'>): string {
  return `${m.name} (${m.vendor}/${m.family})`;
}

/** The selector that vendor/family settings make; empty settings select every model. */
export function modelSelector(vendor: string, family: string): { vendor?: string; family?: string } {
  return { ...(vendor.trim() ? { vendor: vendor.trim() } : {}), ...(family.trim() ? { family: family.trim() } : {}) };
}

/** Why no model is there, in words that say what to do. */
export function noModelReason(
  selector: { vendor?: string; family?: string },
  anyModels: boolean,
  aiFeaturesOff = false,
): string {
  if (aiFeaturesOff && !anyModels)
    return "VS Code's AI features are turned off (setting chat.disableAIFeatures), so no language model is available: turn them on, then run Continuum: Choose Model…";
  if (selector.vendor || selector.family) {
    const named = [
      selector.vendor ? `vendor '${selector.vendor}'` : '',
      selector.family ? `family '${selector.family}'` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    return `no language model of ${named} is available (settings continuum.lm.vendor and continuum.lm.family)${anyModels ? '; other models are: Continuum: Choose Model… picks one of them' : '; install or sign in to a model provider (GitHub Copilot, or any extension that provides chat models), or clear those settings'}`;
  }
  return 'no language model is available in VS Code: install or sign in to a model provider (GitHub Copilot, or any extension that provides chat models), then run Continuum: Choose Model…';
}

/**
 * The one span that differs between `before` and `after` (offsets in each), so an edit replaces only
 * what changed: the editor keeps its cursor and folds elsewhere, and undo restores just that span.
 * Never splits a surrogate pair.
 */
export function changedSpan(
  before: string,
  after: string,
): { start: number; endBefore: number; endAfter: number } | undefined {
  if (before === after) return undefined;
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  if (endBefore < before.length && isLowSurrogate(before.charCodeAt(endBefore))) {
    endBefore++;
    endAfter++;
  }
  return { start, endBefore, endAfter };
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
