// The agent tools as VS Code language-model tools: the same implementation the MCP server runs
// (callAgentTool where the store is held: this window, or the process this window is a client of),
// so Copilot's agent mode and `#continuum…` references in chat reach the store without an MCP server. Tools that write ask the person first
// (prepareInvocation); in an untrusted workspace they refuse (ToolContext.trusted).
// The tools are registered from package.json's declarations (which a unit test keeps equal to the
// code's); their implementation and zod load on the first call, not while the extension activates.
import * as vscode from 'vscode';
import { AgentToolError, type AgentIdentity, type ToolResult } from '../../core/agents/tool';
import { callWrites, type DeclaredTool } from './declaredTools';
import { mdBlock } from '../../core/agents/markdown';

/** How a call runs: where the store is held, with that process's trust and verify-on-done (ContinuumHost.callTool). */
export type ToolCall = (agent: AgentIdentity, name: string, input: unknown, signal: AbortSignal) => Promise<ToolResult>;

/** Who calls through VS Code's chat: one identity per window (the tool API does not say which conversation). */
export const copilotIdentity = (): AgentIdentity => ({
  id: `vscode-chat:${vscode.env.sessionId}`,
  name: 'Copilot',
  version: vscode.version,
});

/** Tool results as the model reads them: the short summary, then the structured data as JSON. */
export function toolResultFor(result: ToolResult): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([
    new vscode.LanguageModelTextPart(result.summary),
    new vscode.LanguageModelTextPart(JSON.stringify(result.structured)),
  ]);
}

/** The confirmation a person sees before a tool that writes runs: what it does, and its input verbatim. */
export function confirmationFor(tool: DeclaredTool, input: unknown): vscode.PreparedToolInvocation {
  const warning = tool.tags.includes('destructive')
    ? '**This can overwrite or remove something a person made.**\n\n'
    : '';
  const message = new vscode.MarkdownString(
    `${warning}An agent asks to run **${tool.displayName}** with:\n\n${mdBlock(JSON.stringify(input, null, 2), 'json')}`,
  );
  return {
    invocationMessage: `${tool.displayName}…`,
    confirmationMessages: { title: `${tool.displayName}?`, message },
  };
}

export function registerLanguageModelTools(tools: DeclaredTool[], call: ToolCall): vscode.Disposable[] {
  return tools.map(tool =>
    vscode.lm.registerTool<object>(tool.name, {
      prepareInvocation: options =>
        callWrites(tool, options.input)
          ? confirmationFor(tool, options.input)
          : { invocationMessage: `${tool.displayName}…` },
      invoke: async (options, token) => {
        const abort = new AbortController();
        const cancelled = token.onCancellationRequested(() => abort.abort());
        try {
          return toolResultFor(await call(copilotIdentity(), tool.name, options.input, abort.signal));
        } catch (err) {
          // VS Code gives a thrown error's message to the model: the tool's own words say what to do next
          if (err instanceof AgentToolError) throw new Error(err.message, { cause: err });
          throw err;
        } finally {
          cancelled.dispose();
        }
      },
    }),
  );
}
