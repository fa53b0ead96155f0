// Copilot must not see every Continuum tool twice: once as this extension's language-model tools and
// once from Continuum's MCP server. When the workspace's .vscode/mcp.json starts Continuum's MCP
// server (Set Up Agents' "VS Code (MCP)"), the context key `continuum.mcpServerInVSCode` turns the
// language-model tools off (their `when` in package.json) and Copilot uses the server's.
import * as vscode from 'vscode';
import { hasJsonServer, serverName } from '../../core/agents/setup';
import type { Logger } from '../../core/ports';

export const mcpInVSCodeKey = 'continuum.mcpServerInVSCode';

export function watchMcpServerInVSCode(logger: Logger): vscode.Disposable {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return new vscode.Disposable(() => undefined);
  const file = vscode.Uri.joinPath(folder.uri, '.vscode', 'mcp.json');
  let shown: boolean | undefined;
  const update = async () => {
    let configured = false;
    try {
      configured = hasJsonServer(
        new TextDecoder().decode(await vscode.workspace.fs.readFile(file)),
        'servers',
        serverName,
      );
    } catch (err) {
      if (!(err instanceof vscode.FileSystemError && err.code === 'FileNotFound'))
        logger.error("reading .vscode/mcp.json failed; Continuum's language-model tools stay on", err);
    }
    if (configured === shown) return;
    shown = configured;
    await vscode.commands.executeCommand('setContext', mcpInVSCodeKey, configured);
  };
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.vscode/mcp.json'));
  const changed = () => void update();
  watcher.onDidCreate(changed);
  watcher.onDidChange(changed);
  watcher.onDidDelete(changed);
  void update();
  return watcher;
}
