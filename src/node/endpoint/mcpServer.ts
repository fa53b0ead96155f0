// Continuum as an MCP server: every agent tool becomes an MCP tool (its zod schema as the input
// schema, structured content plus a one-line summary, read-only/destructive hints), a tool's
// refusal becomes an `isError` result that says what to do, and the briefing, the ready tasks and
// the project's context are offered as resources, with a `resume` prompt. Calls go through the
// store connection: run here when this process holds the store, sent to the holder otherwise.
import { randomUUID } from 'crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AgentToolError, type AgentIdentity, type AgentTool } from '../../core/agents/tool';
import type { StoreConnection } from './connection';
import { briefingTool, resourceUris } from './holder';
import { HolderGoneError } from './protocol';

export interface McpServerOptions {
  tools: readonly AgentTool[];
  version: string;
}

/** Who this connection's agent is: its clientInfo, and an id for this MCP session. */
export function agentIdentity(
  clientInfo: { name?: string; version?: string } | undefined,
  sessionId: string,
): AgentIdentity {
  const name = (clientInfo?.name ?? '').trim().slice(0, 100) || 'an MCP client';
  return {
    id: `${name}#${sessionId}`,
    name,
    ...(clientInfo?.version ? { version: String(clientInfo.version).slice(0, 50) } : {}),
  };
}

export function createContinuumMcpServer(connection: StoreConnection, options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: 'continuum', title: 'Continuum', version: options.version },
    {
      instructions:
        "Continuum keeps this project's task list, progress, context and checkpoints across conversations. Start with continuum_briefing; take work with the next-task tool and report progress and completion with the update tool.",
    },
  );
  const sessionId = randomUUID().slice(0, 8);
  const agent = () => agentIdentity(server.server.getClientVersion(), sessionId);

  for (const tool of options.tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        annotations: {
          title: tool.title,
          readOnlyHint: tool.readOnly,
          destructiveHint: tool.destructive,
          openWorldHint: false,
        },
      },
      async (input: unknown): Promise<CallToolResult> => {
        try {
          const result = await connection.callTool(agent(), tool.name, input);
          const structured = result.structured;
          return {
            content: [{ type: 'text', text: result.summary }],
            ...(structured !== undefined
              ? { structuredContent: isRecord(structured) ? structured : { result: structured } }
              : {}),
          };
        } catch (err) {
          if (err instanceof AgentToolError || err instanceof HolderGoneError)
            return { isError: true, content: [{ type: 'text', text: err.message }] };
          return {
            isError: true,
            content: [
              { type: 'text', text: `Continuum could not run ${tool.name}: ${(err as Error)?.message ?? String(err)}` },
            ],
          };
        }
      },
    );
  }

  const resources: Array<[string, string, string, string]> = [
    [
      'briefing',
      resourceUris.briefing,
      'Briefing',
      "Where the work stands: the project, the session, this agent's tasks, the next ready tasks.",
    ],
    [
      'ready-tasks',
      resourceUris.readyTasks,
      'Ready tasks',
      'Tasks whose dependencies are done, highest priority first.',
    ],
    [
      'context',
      resourceUris.context,
      'Project context',
      "The project's current context: analysis, notes and decisions.",
    ],
  ];
  for (const [name, uri, title, description] of resources) {
    server.registerResource(name, uri, { title, description, mimeType: 'application/json' }, async () => {
      const read = await connection.readResource(uri);
      return { contents: [{ uri, mimeType: read.mimeType, text: read.text }] };
    });
  }

  server.registerPrompt(
    'resume',
    {
      title: 'Resume the work',
      description: 'Continue where the work stopped: the briefing, then the next task.',
    },
    async () => {
      let briefing: string;
      try {
        briefing = (await connection.callTool(agent(), briefingTool, { detail: 'detailed' })).summary;
      } catch (err) {
        briefing = `(the briefing could not be read: ${(err as Error).message})`;
      }
      return {
        messages: [
          {
            role: 'user',
            content: {
              type: 'text',
              text: `Resume the work on this project with Continuum. Where it stands:\n\n${briefing}\n\nContinue the task you hold, or take the next one with the next-task tool; report progress with the update tool, and mark a task done only when its acceptance is met (its verify command runs).`,
            },
          },
        ],
      };
    },
  );
  return server;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
