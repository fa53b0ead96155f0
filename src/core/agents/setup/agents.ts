// The agents Set Up Agents knows: where each keeps its MCP servers, in which form, and which file of
// instructions it reads. Pure: the VS Code command reads the files, runs these merges and writes.
import * as path from 'path';
import { mergeClaudeHooks } from './claudeHooks';
import { mergeCodexServer } from './codexToml';
import { mergeInstructions } from './instructions';
import { mergeJsonServer } from './jsonConfig';
import { continuumLaunch, type McpLaunch } from './launch';
import type { MergeOutcome } from './outcome';

/** The name of Continuum's server in every agent's configuration. */
export const serverName = 'continuum';

export type AgentId = 'claude-code' | 'cursor' | 'vscode' | 'cline' | 'gemini' | 'codex';

export interface Places {
  /** The workspace folder (absolute). */
  workspace: string;
  /** The user's home folder. */
  home: string;
  /** The absolute path of the extension's dist/cli.js. */
  cliPath: string;
  /** The store's folder (the MCP server and the hooks run the CLI on it). */
  store: string;
  /** Cline's settings folder (…/globalStorage/saoudrizwan.claude-dev/settings) when Cline is installed, else undefined. */
  clineSettings?: string;
  platform: NodeJS.Platform;
}

export interface Agent {
  id: AgentId;
  label: string;
  /** Where its server goes, for the pick. */
  where: string;
  /** Its instructions file (relative to the workspace). */
  instructions: 'AGENTS.md' | 'CLAUDE.md';
}

export const agents: readonly Agent[] = [
  { id: 'claude-code', label: 'Claude Code', where: '.mcp.json', instructions: 'CLAUDE.md' },
  {
    id: 'vscode',
    label: 'VS Code (MCP)',
    where: ".vscode/mcp.json — Copilot has Continuum's tools without it; with it, it uses the server's instead",
    instructions: 'AGENTS.md',
  },
  { id: 'cursor', label: 'Cursor', where: '.cursor/mcp.json', instructions: 'AGENTS.md' },
  { id: 'cline', label: 'Cline', where: "Cline's cline_mcp_settings.json", instructions: 'AGENTS.md' },
  { id: 'gemini', label: 'Gemini CLI', where: '.gemini/settings.json', instructions: 'AGENTS.md' },
  { id: 'codex', label: 'Codex', where: '~/.codex/config.toml', instructions: 'AGENTS.md' },
];

/** One file Set Up Agents changes: where, why, and how to merge Continuum's part into its text. */
export interface PlannedFile {
  file: string;
  /** What goes in, as the summary says it: "Continuum's MCP server for Claude Code". */
  purpose: string;
  merge(text: string | undefined): MergeOutcome;
}

/** What cannot be written, with the text the person can paste themselves. */
export interface ManualStep {
  purpose: string;
  reason: string;
  snippet: string;
}

export interface SetupPlan {
  files: PlannedFile[];
  manual: ManualStep[];
}

function jsonServerEntry(id: AgentId, launch: McpLaunch): Record<string, unknown> {
  if (id === 'vscode') return { type: 'stdio', command: launch.command, args: launch.args };
  if (id === 'claude-code') return { type: 'stdio', command: launch.command, args: launch.args };
  return { command: launch.command, args: launch.args };
}

/** The files to change for the agents picked (each file once), and the steps left to the person. */
export function planSetup(picked: readonly AgentId[], places: Places, options: { claudeHooks: boolean }): SetupPlan {
  const launch = continuumLaunch({ cliPath: places.cliPath, workspace: places.workspace, store: places.store });
  const inWorkspace = (...p: string[]) => path.join(places.workspace, ...p);
  const files: PlannedFile[] = [];
  const manual: ManualStep[] = [];
  const json = (id: AgentId, label: string, file: string, key: string) =>
    files.push({
      file,
      purpose: `Continuum's MCP server for ${label}`,
      merge: text => mergeJsonServer(text, file, key, serverName, jsonServerEntry(id, launch)),
    });
  for (const agent of agents.filter(a => picked.includes(a.id))) {
    switch (agent.id) {
      case 'claude-code':
        json(agent.id, agent.label, inWorkspace('.mcp.json'), 'mcpServers');
        break;
      case 'vscode':
        json(agent.id, agent.label, inWorkspace('.vscode', 'mcp.json'), 'servers');
        break;
      case 'cursor':
        json(agent.id, agent.label, inWorkspace('.cursor', 'mcp.json'), 'mcpServers');
        break;
      case 'gemini':
        json(agent.id, agent.label, inWorkspace('.gemini', 'settings.json'), 'mcpServers');
        break;
      case 'cline':
        if (places.clineSettings)
          json(agent.id, agent.label, path.join(places.clineSettings, 'cline_mcp_settings.json'), 'mcpServers');
        else
          manual.push({
            purpose: `Continuum's MCP server for ${agent.label}`,
            reason:
              "Cline's settings folder was not found (is the Cline extension installed in this VS Code?). Paste this into Cline's MCP settings (MCP Servers → Configure):",
            snippet: JSON.stringify({ mcpServers: { [serverName]: jsonServerEntry(agent.id, launch) } }, null, 2),
          });
        break;
      case 'codex': {
        const file = path.join(places.home, '.codex', 'config.toml');
        files.push({
          file,
          purpose: `Continuum's MCP server for ${agent.label}`,
          merge: text => mergeCodexServer(text, file, serverName, launch),
        });
        break;
      }
    }
  }
  for (const name of ['CLAUDE.md', 'AGENTS.md'] as const) {
    const readers = agents.filter(a => picked.includes(a.id) && a.instructions === name).map(a => a.label);
    if (!readers.length) continue;
    const file = inWorkspace(name);
    files.push({
      file,
      purpose: `instructions for ${readers.join(', ')}`,
      merge: text => mergeInstructions(text, file),
    });
  }
  if (options.claudeHooks && picked.includes('claude-code')) {
    const file = inWorkspace('.claude', 'settings.json');
    files.push({
      file,
      purpose:
        "Claude Code's session hooks (the briefing at start, resume, /clear and compaction; a checkpoint before compaction)",
      merge: text =>
        mergeClaudeHooks(text, file, {
          cliPath: places.cliPath,
          store: places.store,
          workspace: places.workspace,
          platform: places.platform,
        }),
    });
  }
  return { files, manual };
}
