// How an agent starts Continuum's MCP server: `node <extension>/dist/cli.js mcp --workspace <folder>`.
// The node that runs VS Code's extension host is VS Code's own binary and cannot be started by an
// agent, so the command is `node` from the agent's PATH and the CLI's absolute path.

export interface McpLaunch {
  command: string;
  args: string[];
}

export interface LaunchInputs {
  /** The absolute path of the extension's dist/cli.js. */
  cliPath: string;
  /** The absolute path of the workspace folder whose store the server serves. */
  workspace: string;
}

export function continuumLaunch(inputs: LaunchInputs): McpLaunch {
  return { command: 'node', args: [inputs.cliPath, 'mcp', '--workspace', inputs.workspace] };
}

/** One word for a shell command line: quoted unless it is plainly safe (POSIX sh, or cmd-style double quotes on Windows). */
export function shellWord(word: string, platform: NodeJS.Platform): string {
  if (/^[\w@%+=:,./\\-]+$/.test(word)) return word;
  if (platform === 'win32') return `"${word.replace(/"/g, '""')}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line for hooks that run through a shell. */
export function commandLine(words: string[], platform: NodeJS.Platform): string {
  return words.map(w => shellWord(w, platform)).join(' ');
}
