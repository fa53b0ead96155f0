// What package.json's contributes.languageModelTools says about each agent tool, derived from the
// tool itself (its zod input schema becomes the JSON schema), so the manifest and the code cannot
// drift: test/unit/vscode/agentToolManifest.test.ts compares them. No vscode import.
import { z } from 'zod/v4';
import type { AgentTool } from '../../core/agents/tool';

export interface LanguageModelToolContribution {
  name: string;
  toolReferenceName: string;
  displayName: string;
  userDescription: string;
  modelDescription: string;
  canBeReferencedInPrompt: boolean;
  /** Off while the workspace's .vscode/mcp.json starts Continuum's MCP server: Copilot then uses the server's tools, not both. */
  when: string;
  icon: string;
  tags: string[];
  inputSchema: Record<string, unknown>;
}

/** `continuum_next_task` → `continuumNextTask`, what a person types after `#` in chat. */
export function toolReferenceName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The tool's input as a JSON schema (the draft VS Code validates against, without the $schema key). */
export function inputJsonSchema(tool: AgentTool): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.input, { target: 'draft-7', io: 'input' }) as Record<
    string,
    unknown
  >;
  return schema;
}

export function languageModelToolContribution(tool: AgentTool): LanguageModelToolContribution {
  return {
    name: tool.name,
    toolReferenceName: toolReferenceName(tool.name),
    displayName: `Continuum: ${tool.title}`,
    userDescription: tool.description.split(/(?<=\.)\s/)[0],
    modelDescription: tool.description,
    canBeReferencedInPrompt: true,
    when: '!continuum.mcpServerInVSCode',
    icon: '$(history)',
    tags: ['continuum', tool.readOnly ? 'read' : 'write', ...(tool.destructive ? ['destructive'] : [])],
    inputSchema: inputJsonSchema(tool),
  };
}
