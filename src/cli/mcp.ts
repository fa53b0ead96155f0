// `continuum mcp`: Continuum's agent tools over MCP on standard input and output, the form every
// agent accepts (Claude Code, Cursor, Cline, Gemini CLI, Codex, VS Code). Standard output is the
// protocol: everything this process says for people goes to standard error. The process holds the
// store (and serves other processes) or is a client of the process that holds it, answering reads
// from a replica of the store and sending writes there; it hands the store to a VS Code window
// that asks, and takes it over when its holder goes.
import * as path from 'path';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { agentTools, callAgentTool, callOnlyReads, leanAgentTools } from '../core/agents';
import type { AgentTool } from '../core/agents/tool';
import { executorVerifyPort } from '../core/agents/verify';
import { openContinuum } from '../core/continuum';
import type { Logger } from '../core/ports';
import { connectOrHold, type ConnectOrHoldOptions } from '../node/endpoint/connection';
import type { AgentToolCaller } from '../node/endpoint/holder';
import { createContinuumMcpServer } from '../node/endpoint/mcpServer';
import { storeOfWorkspace } from '../node/endpoint/workspaceStore';
import { nodeFileSystem } from '../node/fileSystem';
import { WorkerGraphParser } from '../node/graphWorkerParser';
import { nodeLock } from '../node/lock';
import { nodeProcesses } from '../node/processes';
import { currentOwner } from '../node/lockOwner';
import { version } from '../../package.json';

export const mcpUsage = `usage: continuum mcp [--workspace DIR] [--store DIR] [--tools lean|full]
  Serves Continuum's tools to an agent over MCP (standard input and output).
  --workspace DIR   the project folder (default: the current folder); without --store, its store is the
                    one VS Code uses for it
  --store DIR       the store folder itself
  --tools lean|full the default set (lean: what most agents need, small in every prompt) or every tool`;

export interface McpToolSet {
  /** Every tool. */
  all: readonly AgentTool[];
  /** The default set. */
  lean: readonly AgentTool[];
  call: AgentToolCaller;
  /** Whether a call only reads, so a client's replica answers it (absent: every call goes to the holder). */
  readsOnly?: ConnectOrHoldOptions['readsOnly'];
}

interface McpArgs {
  store?: string;
  workspace?: string;
  tools: 'lean' | 'full';
  help: boolean;
}

export class McpUsageError extends Error {}

export function parseMcpArgs(argv: readonly string[]): McpArgs {
  const args: McpArgs = { tools: 'lean', help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new McpUsageError(`${a} needs a value.`);
      return v;
    };
    if (a === '--store') args.store = value();
    else if (a === '--workspace') args.workspace = value();
    else if (a === '--tools') {
      const v = value();
      if (v !== 'lean' && v !== 'full') throw new McpUsageError("--tools takes 'lean' or 'full'.");
      args.tools = v;
    } else if (a === '--help' || a === '-h') args.help = true;
    else throw new McpUsageError(`unknown option '${a}'.`);
  }
  return args;
}

/** Why a write is refused on this server's replica (writes go to the holder: none should reach it). */
const replicaReason =
  "another process holds this store; this agent's server reads a live replica of it and sends its changes to that process";

/** Lines for people, on standard error (standard output is the protocol). */
const stderrLogger: Logger = {
  info: message => process.stderr.write(`continuum mcp: ${message}\n`),
  warn: message => process.stderr.write(`continuum mcp: warning: ${message}\n`),
  error: (message, err) =>
    process.stderr.write(`continuum mcp: error: ${message}${err ? `: ${(err as Error)?.stack ?? String(err)}` : ''}\n`),
};

/** Runs the server until standard input closes or SIGTERM/SIGINT; resolves with the exit code. */
export async function mcpCommand(argv: readonly string[], toolSet: McpToolSet): Promise<number> {
  let args: McpArgs;
  try {
    args = parseMcpArgs(argv);
  } catch (err) {
    if (!(err instanceof McpUsageError)) throw err;
    process.stderr.write(`continuum: ${err.message}\n${mcpUsage}\n`);
    return 2;
  }
  if (args.help) {
    process.stderr.write(`${mcpUsage}\n`);
    return 0;
  }
  const workspace = path.resolve(args.workspace ?? process.cwd());
  let storeFolder = args.store ? path.resolve(args.store) : undefined;
  if (!storeFolder) {
    const found = storeOfWorkspace(workspace);
    if (!found.folder) {
      process.stderr.write(`continuum: ${found.problem}\n`);
      return 2;
    }
    storeFolder = found.folder;
  }
  const folder = storeFolder;
  const common = {
    folder,
    fs: nodeFileSystem,
    owner: currentOwner("an agent's MCP server (continuum mcp)"),
    logger: stderrLogger,
    workspaceFolder: workspace,
  };
  const connection = await connectOrHold({
    storeFolder: folder,
    kind: 'mcp',
    handsOver: true,
    logger: stderrLogger,
    callTool: toolSet.call,
    // done runs the task's verify command here, in the workspace this server was started for
    toolContext: core => ({
      trusted: true,
      verify: executorVerifyPort(core, { workspace, processes: nodeProcesses, trusted: () => true }),
    }),
    open: lock =>
      openContinuum({
        ...common,
        lock,
        graphParser: () => new WorkerGraphParser(path.join(__dirname, 'graphWorker.js')),
      }),
    lock: nodeLock(),
    // while another process holds the store, reads are answered here, from a replica that follows its journal
    ...(toolSet.readsOnly
      ? {
          readsOnly: toolSet.readsOnly,
          replica: () => openContinuum({ ...common, readOnly: true, readOnlyReason: replicaReason, followMs: 250 }),
        }
      : {}),
  });
  const tools = args.tools === 'full' ? toolSet.all : toolSet.lean;
  const server = createContinuumMcpServer(connection, { tools, version });
  const transport = new StdioServerTransport();
  let stop!: (code: number) => void;
  const stopped = new Promise<number>(resolve => {
    stop = resolve;
  });
  process.stdin.once('end', () => stop(0));
  process.stdin.once('close', () => stop(0));
  process.once('SIGTERM', () => stop(0));
  process.once('SIGINT', () => stop(130));
  await server.connect(transport);
  stderrLogger.info(
    `serving ${tools.length} tools for the store in ${folder} (${connection.role === 'holder' ? 'this process holds it' : `held by pid ${connection.holder?.pid}${connection.replica ? '; reads are answered from a replica here' : ''}`})`,
  );
  const code = await stopped;
  await server.close().catch(err => stderrLogger.error('closing the MCP connection failed', err));
  await connection.close();
  return code;
}

/** `continuum mcp` with Continuum's own tools. */
export function mcpFromTerminal(argv: readonly string[]): Promise<number> {
  return mcpCommand(argv, { all: agentTools, lean: leanAgentTools, call: callAgentTool, readsOnly: callOnlyReads });
}
