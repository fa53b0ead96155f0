// A scripted language model and an in-memory workspace for `lm` task tests.
import * as path from 'path';
import type { WorkspaceFilesPort } from '../../../src/core/lm/files';
import type { LmHost } from '../../../src/core/lm/host';
import type { ModelPort, ModelRequest, ModelResponse, ToolCall } from '../../../src/core/lm/model';

/** One scripted answer: a response, an error to throw once, or 'block' (once: waits until aborted). */
export type Turn =
  Partial<ModelResponse> | Error | 'block' | ((request: ModelRequest) => Partial<ModelResponse> | Error);

let nextId = 1;

export function call(name: string, input: unknown): ToolCall {
  return { id: `call_${nextId++}`, name, input };
}

export function says(text: string, ...toolCalls: ToolCall[]): Partial<ModelResponse> {
  return { text, toolCalls, stop: toolCalls.length ? 'tool_use' : 'end' };
}

/**
 * Answers requests from its script by turn: the n-th request of a conversation (counted by the
 * assistant messages it already holds) gets the n-th turn. Every request is kept, so a test can
 * count requests per turn.
 */
export class ScriptedModel implements ModelPort {
  readonly name = 'scripted model';
  readonly requests: ModelRequest[] = [];
  /** Turns answered more than once (a kill's re-ask shows here). */
  readonly perTurn = new Map<number, number>();

  constructor(
    private readonly turns: Turn[],
    private readonly tokensPerTurn = 10,
  ) {}

  async send(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse> {
    this.requests.push(request);
    const n = request.messages.filter(m => m.role === 'assistant').length + 1;
    this.perTurn.set(n, (this.perTurn.get(n) ?? 0) + 1);
    let turn = this.turns[n - 1];
    if (turn === undefined) throw new Error(`the script has no turn ${n}`);
    if (turn === 'block') {
      this.turns.splice(n - 1, 1); // blocks once, as an error answers once
      return new Promise((_, reject) => {
        const stop = () => reject(new Error('aborted'));
        if (signal.aborted) stop();
        else signal.addEventListener('abort', stop, { once: true });
      });
    }
    if (typeof turn === 'function') turn = turn(request);
    if (turn instanceof Error) {
      // an error turn answers once; the next request of the same turn gets what follows it
      this.turns.splice(n - 1, 1);
      throw turn;
    }
    return {
      text: '',
      toolCalls: [],
      stop: 'end',
      usage: { inputTokens: this.tokensPerTurn / 2, outputTokens: this.tokensPerTurn / 2 },
      ...turn,
    };
  }
}

/** Files by absolute path, with optional symbolic links (link path → target path). */
export class MemoryWorkspace implements WorkspaceFilesPort {
  readonly files = new Map<string, string>();
  readonly links = new Map<string, string>();
  readonly writes: string[] = [];
  /** Called with each write before it resolves; may block (to stand for a kill after the write). */
  onWrite: ((p: string) => Promise<void>) | undefined;

  constructor(
    readonly root: string,
    files: Record<string, string> = {},
  ) {
    for (const [rel, text] of Object.entries(files)) this.files.set(path.join(root, rel), text);
  }

  text(rel: string): string | undefined {
    return this.files.get(path.join(this.root, rel));
  }

  async realPath(p: string): Promise<string | undefined> {
    for (const [link, target] of this.links) {
      if (p === link || p.startsWith(link + path.sep)) return target + p.slice(link.length);
    }
    if (p === this.root || this.files.has(p) || [...this.files.keys()].some(f => f.startsWith(p + path.sep))) return p;
    return undefined;
  }

  async readText(p: string): Promise<string | undefined> {
    return this.files.get((await this.realPath(p)) ?? p);
  }

  async writeText(p: string, text: string): Promise<void> {
    this.files.set(p, text);
    this.writes.push(path.relative(this.root, p));
    await this.onWrite?.(p);
  }

  async entries(dir: string): Promise<Array<{ name: string; folder: boolean }>> {
    const out = new Map<string, boolean>();
    for (const f of this.files.keys()) {
      if (!f.startsWith(dir + path.sep)) continue;
      const rest = f.slice(dir.length + 1).split(path.sep);
      out.set(rest[0], rest.length > 1 || out.get(rest[0]) === true);
    }
    return [...out].map(([name, folder]) => ({ name, folder }));
  }
}

export function lmHost(model: ModelPort, files: WorkspaceFilesPort, more: Partial<LmHost> = {}): LmHost {
  return {
    model,
    files,
    limits: { turns: 20, tokens: 1_000_000, wallMs: 600_000 },
    approveCommand: async () => ({ run: false, why: 'nobody is here to confirm it (test)' }),
    ...more,
  };
}
