// Everything agents reach in a VS Code window, registered once from activate(): the language-model
// tools and the @continuum chat participant, both on the window's core. (Set Up Agents is in the
// command table.) The MCP server is not offered through mcpServerDefinitionProviders: Copilot gets
// the tools from here, and would otherwise see each of them twice; and when the person sets the MCP
// server up for VS Code (.vscode/mcp.json), these tools step aside (mcpInVSCode.ts).
import * as vscode from 'vscode';
import type { ContinuumHost } from '../host';
import { registerChatParticipant } from './chatParticipant';
import { declaredTools } from './declaredTools';
import { registerLanguageModelTools } from './languageModelTools';
import { watchMcpServerInVSCode } from './mcpInVSCode';
import { writeCliLauncher } from './cliLauncher';
import type { Logger } from '../../core/ports';

export function registerAgents(
  context: vscode.ExtensionContext,
  host: ContinuumHost,
  logger: Logger,
): vscode.Disposable[] {
  const open = () => host.open();
  // the tools' code (and zod) loads on the first call, not while the extension activates
  const tools = () => import('../../core/agents');
  // agents' configurations start the CLI through it: kept naming this version's CLI after an update
  void writeCliLauncher(host.launcherPlace).catch((err: unknown) =>
    logger.warn(
      `the CLI launcher for agents could not be written: ${err instanceof Error ? err.message : String(err)}`,
    ),
  );
  return [
    watchMcpServerInVSCode(logger),
    ...registerLanguageModelTools(declaredTools(context.extension.packageJSON), (agent, name, input, signal) =>
      host.callTool(agent, name, input, signal),
    ),
    registerChatParticipant(
      {
        open,
        briefing: async ctx => {
          const { briefingMarkdown, briefingOf } = await tools();
          return briefingMarkdown(briefingOf(ctx.core, ctx.agent, 'concise'));
        },
      },
      host.extensionUri,
    ),
  ];
}
