// Everything agents reach in a VS Code window, registered once from activate(): the language-model
// tools and the @continuum chat participant, both on the window's core. (Set Up Agents is in the
// command table.) The MCP server is not offered through mcpServerDefinitionProviders: Copilot gets
// the tools from here, and would otherwise see each of them twice.
import * as vscode from 'vscode';
import type { ContinuumHost } from '../host';
import { registerChatParticipant } from './chatParticipant';
import { statusMarkdown } from './chatText';
import { declaredTools, registerLanguageModelTools, type ToolCaller } from './languageModelTools';

export function registerAgents(context: vscode.ExtensionContext, host: ContinuumHost): vscode.Disposable[] {
  const open = () => host.open();
  const load = (): Promise<ToolCaller> => Promise.reject(new Error('Continuum\'s agent tools are not built yet.'));
  void vscode.commands.executeCommand('setContext', 'continuum.agentsAvailable', true);
  return [
    ...registerLanguageModelTools(open, declaredTools(context.extension.packageJSON), load),
    registerChatParticipant({ open, briefing: ctx => Promise.resolve(statusMarkdown(ctx.core)) }, host.extensionUri),
  ];
}
