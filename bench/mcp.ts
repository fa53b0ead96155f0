// What an agent waits for: each tool called from another process. The bench process is the agent
// (an SDK client over stdio) of a `continuum mcp` process that is a client of the holder (another
// `continuum mcp`), as a second agent's is: the briefing (a read) is answered from that server's
// read replica, over stdio alone; next task and update task (writes) also cross the holder's
// socket, and resolve once the replica has read them back. Then four agents claim tasks as fast as
// they can: claims per second, and how many tasks were handed to two of them (must be 0). Each tool's
// first 10 calls are not timed: the processes' code is compiled on them (the first call took 30-40 ms).
//
//   npm run bench:mcp             last line: one JSON object
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { openContinuum } from '../src/core/continuum';
import { nodeFileSystem } from '../src/node/fileSystem';
import { buildCli, startMcp, until, type McpProcess } from '../test/unit/cli/mcpProcess';
import { percentile, realDiskFolder, round } from './lib/stats';

const calls = Number(process.env.BENCH_MCP_CALLS ?? 200);
const claimers = 4;
const claimsEach = Number(process.env.BENCH_MCP_CLAIMS ?? 150);

async function timed(
  p: McpProcess,
  name: string,
  args: (i: number) => Record<string, unknown>,
  n: number,
): Promise<{ ms: number[]; results: CallToolResult[] }> {
  const ms: number[] = [];
  const results: CallToolResult[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = (await p.client.callTool({ name, arguments: args(i) })) as CallToolResult;
    ms.push(performance.now() - t);
    if (r.isError) throw new Error(`${name} failed: ${(r.content[0] as { text: string }).text}`);
    results.push(r);
  }
  return { ms, results };
}

async function main(): Promise<void> {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-bench-mcp-bin-'));
  const cli = buildCli(bin);
  const { folder: work, fsType } = realDiskFolder('continuum-bench-mcp-');
  const store = path.join(work, 'store');
  const seed = await openContinuum({ folder: store, fs: nodeFileSystem });
  await seed.tasks.createMany(
    Array.from({ length: calls + claimers * claimsEach + 50 }, (_, i) => ({
      title: `task ${i}`,
      description: `Do part ${i} of the work.`,
    })),
  );
  await seed.close();

  const started: McpProcess[] = [];
  try {
    const holder = await startMcp(cli, ['--store', store], 'holder');
    started.push(holder);
    await until('the holder to serve', () => fs.existsSync(path.join(store, 'endpoint.json')));
    const agent = await startMcp(cli, ['--store', store], 'bench agent');
    started.push(agent);
    if (!/held by pid \d+; reads are answered from a replica here/.test(agent.stderr()))
      throw new Error(`the agent's server is not a client of the holder with a replica:\n${agent.stderr()}`);

    const { tools } = await agent.client.listTools();
    const toolsListTokens = Math.ceil(JSON.stringify({ tools }).length / 4);
    await timed(agent, 'continuum_briefing', () => ({}), 10); // warm-up
    const briefing = await timed(agent, 'continuum_briefing', () => ({ detail: 'concise' }), calls);
    await timed(agent, 'continuum_next_task', () => ({}), 10); // warm-up, as for the briefing
    const next = await timed(agent, 'continuum_next_task', () => ({}), calls);
    const ids = next.results
      .map(r => (r.structuredContent as { task?: { id: string } }).task?.id)
      .filter((id): id is string => !!id);
    await timed(agent, 'continuum_update_task', i => ({ taskId: ids[i], progress: 10, note: 'warm-up' }), 10);
    const update = await timed(
      agent,
      'continuum_update_task',
      i => ({ taskId: ids[i % ids.length], progress: 50, note: `step ${i}` }),
      calls,
    );

    // four agents, each its own continuum mcp process, claiming as fast as they can
    const agents: McpProcess[] = [];
    for (let i = 0; i < claimers; i++) {
      const a = await startMcp(cli, ['--store', store], `claimer ${i + 1}`);
      started.push(a);
      agents.push(a);
    }
    const holders = new Map<string, string[]>();
    const t = performance.now();
    await Promise.all(
      agents.map(async (a, i) => {
        for (let k = 0; k < claimsEach; k++) {
          const r = (await a.client.callTool({ name: 'continuum_next_task', arguments: {} })) as CallToolResult;
          const id = (r.structuredContent as { task?: { id: string } } | undefined)?.task?.id;
          if (r.isError || !id)
            throw new Error(`claimer ${i + 1} got no task: ${(r.content[0] as { text: string }).text}`);
          holders.set(id, [...(holders.get(id) ?? []), `claimer ${i + 1}`]);
        }
      }),
    );
    const claimSeconds = (performance.now() - t) / 1000;
    const claims = claimers * claimsEach;
    const doubleClaims = [...holders.values()].filter(h => h.length > 1).length;

    const row = (name: string, ms: number[]) => {
      const p50 = round(percentile(ms, 50), 2);
      const p99 = round(percentile(ms, 99), 2);
      console.log(
        `${name.padEnd(22)} p50 ${String(p50).padStart(7)} ms   p99 ${String(p99).padStart(7)} ms   (${ms.length} calls)`,
      );
      return [p50, p99];
    };
    console.log(
      `continuum mcp, each call from another process: reads on its replica, writes through the holder (store on ${fsType}; load ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')})`,
    );
    console.log(
      `tools/list (lean)      ${tools.length} tools, ${toolsListTokens} tokens (JSON chars / 4; target ≤ 3,000)`,
    );
    const [b50, b99] = row('continuum_briefing', briefing.ms);
    const [n50, n99] = row('continuum_next_task', next.ms);
    const [u50, u99] = row('continuum_update_task', update.ms);
    console.log(
      `claims, ${claimers} agents at once  ${round(claims / claimSeconds, 1)} per second (${claims} claims), ${doubleClaims} tasks given to two agents`,
    );
    console.log(
      JSON.stringify({
        bench: 'mcp',
        fsType,
        tools_list_tokens: toolsListTokens,
        briefing_p50_ms: b50,
        briefing_p99_ms: b99,
        next_task_p50_ms: n50,
        next_task_p99_ms: n99,
        update_task_p50_ms: u50,
        update_task_p99_ms: u99,
        claims_per_s: round(claims / claimSeconds, 1),
        double_claims: doubleClaims,
        load: os.loadavg()[0],
      }),
    );
  } finally {
    for (const p of started.reverse()) await p.close();
    fs.rmSync(bin, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();
