// The agent tools package.json declares (contributes.languageModelTools): what the window registers
// at activation, without loading the tools' code. No vscode import.

/** What package.json declares of a tool that matters when registering it (see toolManifest.ts). */
export interface DeclaredTool {
  name: string;
  displayName: string;
  /** 'read' or 'write', and 'destructive' for a tool that can overwrite what a person made. */
  tags: string[];
}

export function declaredTools(packageJSON: unknown): DeclaredTool[] {
  const tools = (packageJSON as { contributes?: { languageModelTools?: DeclaredTool[] } }).contributes?.languageModelTools ?? [];
  return tools.filter(t => t.name.startsWith('continuum_'));
}
