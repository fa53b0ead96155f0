// An agent's world for the tool tests: a whole core on an in-memory store with a fake clock, and
// a ToolContext for each agent that calls.
import { callAgentTool, type ToolContext, type ToolResult, type VerifyPort } from '../../../src/core/agents/index';
import { openContinuum, type Continuum } from '../../../src/core/continuum';
import { sequentialIds } from '../../../src/core/ids';
import { inProcessParser } from '../../../src/core/graph/inProcessParser';
import { InMemoryFileSystemHost } from 'ts-morph';
import { memoryTree } from '../graph/world';
import { FakeClock } from '../fakes/fakeClock';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';

export interface AgentWorld {
  core: Continuum;
  clock: FakeClock;
  /** A context for the agent `name` (id `<name>#1` unless given). */
  as(name: string, options?: Partial<Omit<ToolContext, 'core' | 'agent'>> & { id?: string }): ToolContext;
  /** Calls a tool as `ctx`'s agent; resolves with the structured answer and the text. */
  call<S = Record<string, unknown>>(ctx: ToolContext, tool: string, input?: unknown): Promise<ToolResult<S>>;
  close(): Promise<void>;
}

/** `sources`: files of a workspace at /ws whose knowledge graph the core can build (in-process). */
export async function makeAgentWorld(sources: Record<string, string> = {}): Promise<AgentWorld> {
  const clock = new FakeClock();
  const host = new InMemoryFileSystemHost();
  for (const [path, text] of Object.entries(sources)) host.writeFileSync(`/ws/${path}`, text);
  const core = await openContinuum({
    folder: '/store',
    fs: new MemoryFileSystem(),
    clock,
    ids: sequentialIds(),
    idleCompactMs: 0,
    graphParser: () => inProcessParser(memoryTree(host)),
  });
  return {
    core,
    clock,
    as: (name, options = {}) => {
      const { id, ...rest } = options;
      return { core, agent: { id: id ?? `${name}#1`, name }, trusted: true, ...rest };
    },
    call: async <S>(ctx: ToolContext, tool: string, input: unknown = {}) =>
      (await callAgentTool(ctx, tool, input)) as ToolResult<S>,
    close: () => core.close(),
  };
}

/** A verify port that answers as told and remembers what it ran. */
export function fakeVerify(
  passed: boolean,
  output = passed ? 'ok' : '1 failing\nAssertionError: expected 2 to equal 3',
): VerifyPort & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    run: taskId => {
      ran.push(taskId);
      return Promise.resolve({ passed, output });
    },
  };
}
