// The agent tools package.json declares (contributes.languageModelTools): what the window registers
// at activation, without loading the tools' code. No vscode import.

/** What package.json declares of a tool that matters when registering it (see toolManifest.ts). */
export interface DeclaredTool {
  name: string;
  displayName: string;
  /** 'read' or 'write', and 'destructive' for a tool that can overwrite what a person made. */
  tags: string[];
  inputSchema?: unknown;
}

export function declaredTools(packageJSON: unknown): DeclaredTool[] {
  const tools =
    (packageJSON as { contributes?: { languageModelTools?: DeclaredTool[] } }).contributes?.languageModelTools ?? [];
  return tools.filter(t => t.name.startsWith('continuum_'));
}

/** Actions of a tool that both reads and writes (continuum_context, continuum_known_errors) that only read. */
const readingActions = new Set(['read', 'lookup', 'list', 'get']);

/**
 * Whether a call changes something a person should see first: a tool that only reads never does; a
 * tool with an `action` does only for its writing actions (its schema's default when none is given).
 */
export function callWrites(tool: DeclaredTool, input: unknown): boolean {
  if (tool.tags.includes('read')) return false;
  const schema = tool.inputSchema as { properties?: { action?: { default?: unknown } } } | undefined;
  const given = input && typeof input === 'object' ? (input as { action?: unknown }).action : undefined;
  const action = given ?? schema?.properties?.action?.default;
  return !(typeof action === 'string' && readingActions.has(action));
}
