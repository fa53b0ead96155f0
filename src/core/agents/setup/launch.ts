// How an agent starts Continuum's MCP server: `node <launcher> mcp --workspace <folder> --store <the
// window's store>`, the launcher (launcher.ts) running the installed extension's dist/cli.js. The node that runs VS Code's extension host is VS Code's own binary
// and cannot be started by an agent, so the command is `node` from the agent's PATH and the CLI's
// absolute path. The store is named because `--workspace` alone finds it only under the usual
// user-data folders, not a window's own (`npm start`, code-server --user-data-dir).

export interface McpLaunch {
  command: string;
  args: string[];
}

export interface LaunchInputs {
  /** The absolute path of the CLI to start: the launcher in the global storage (launcher.ts), or a dist/cli.js. */
  cliPath: string;
  /** The absolute path of the workspace folder: the files checkpoints and verify commands work on. */
  workspace: string;
  /** The store folder of the window that set the agents up. */
  store: string;
}

export function continuumLaunch(inputs: LaunchInputs): McpLaunch {
  return { command: 'node', args: [inputs.cliPath, 'mcp', '--workspace', inputs.workspace, '--store', inputs.store] };
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
