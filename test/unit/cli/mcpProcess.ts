// Builds the CLI for the MCP tests and starts `continuum mcp` processes with SDK clients on them.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { openContinuum, type Continuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
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

/** The pid of the process serving the store, as its endpoint file says; undefined while none does. */
export function holderPid(store: string): number | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(store, 'endpoint.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

export interface McpSuite {
  /** The suite's own temporary folder. */
  readonly work: string;
  readonly cli: string;
  /** This case's store folder, new for each case and seeded. */
  readonly store: string;
  /** Starts `continuum mcp --store <this case's store> ARGS`; stopped after the case. */
  start(args?: readonly string[], clientName?: string, cwd?: string): Promise<McpProcess>;
}

/**
 * The mocha hooks an MCP suite shares: the CLI built once, a new store for each case seeded by
 * `seed`, and every server started in a case closed after it (woken first if a case stopped it,
 * killed if it does not exit).
 */
export function mcpSuite(prefix: string, seed: (core: Continuum) => Promise<unknown>): McpSuite {
  let work = '';
  let cli = '';
  let store = '';
  const started: McpProcess[] = [];
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    cli = buildCli(bin);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));
  beforeEach(async () => {
    store = path.join(fs.mkdtempSync(path.join(work, 'case-')), 'store');
    const core = await openContinuum({ folder: store, fs: nodeFileSystem });
    await seed(core);
    await core.close();
  });
  afterEach(async () => {
    for (const p of started.splice(0)) {
      if (alive(p.pid)) process.kill(p.pid, 'SIGCONT');
      await p.close();
      if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
    }
  });
  return {
    get work() {
      return work;
    },
    get cli() {
      return cli;
    },
    get store() {
      return store;
    },
    async start(args = [], clientName, cwd) {
      const p = await startMcp(cli, ['--store', store, ...args], clientName, cwd);
      started.push(p);
      return p;
    },
  };
}
