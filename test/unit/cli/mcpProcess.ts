// Builds the CLI for the MCP tests and starts `continuum mcp` processes with SDK clients on them.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { bundleForNode } from '../fakes/bundledCli';

/** Bundles the CLI into `bin` (with sql.js's WebAssembly beside it); returns the script to run. */
export const buildCli = (bin: string): string => bundleForNode(bin);

export interface McpProcess {
  client: Client;
  transport: StdioClientTransport;
  pid: number;
  stderr(): string;
  close(): Promise<void>;
}

/** Starts `continuum mcp ARGS` and connects an SDK client to it as `clientName`. */
export async function startMcp(
  cli: string,
  args: readonly string[],
  clientName = 'Test Agent',
  cwd?: string,
): Promise<McpProcess> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cli, 'mcp', ...args],
    stderr: 'pipe',
    ...(cwd ? { cwd } : {}),
  });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const client = new Client({ name: clientName, version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (e) {
    throw new Error(`continuum mcp did not start: ${(e as Error).message}\n${err}`, { cause: e });
  }
  return {
    client,
    transport,
    pid: transport.pid!,
    stderr: () => err,
    close: () => client.close().catch(() => undefined),
  };
}

export async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
}

/** Whether the process is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
