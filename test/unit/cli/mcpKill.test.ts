// Three `continuum mcp` clients write (add tasks, claim tasks) while the process holding the store is
// SIGKILLed at a random moment, round after round: every acknowledged call is in the store
// afterwards, a surviving process takes the store over each time, and no task is ever claimed by two
// agents. CONTINUUM_MCP_KILL_ROUNDS sets the rounds (default 4; the soak is 50).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { alive, buildCli, holderPid, startMcp, until, type McpProcess } from './mcpProcess';

const rounds = Number(process.env.CONTINUUM_MCP_KILL_ROUNDS ?? 4);

interface Writer {
  name: string;
  mcp: McpProcess;
  stopped: boolean;
  done: Promise<void>;
}

describe('continuum mcp while its holder is killed', function () {
  this.timeout(120_000 + rounds * 30_000);
  let work: string;
  let cli: string;
  let store: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-mcpkill-'));
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    cli = buildCli(bin);
    store = path.join(work, 'store');
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it(`keeps every acknowledged write and never gives a task to two agents, over ${rounds} rounds of SIGKILL`, async () => {
    const seed = await openContinuum({ folder: store, fs: nodeFileSystem });
    await seed.tasks.createMany(Array.from({ length: 400 }, (_, i) => ({ title: `seeded ${i}` })));
    await seed.close();

    const acknowledged: string[] = [];
    const maybe: string[] = [];
    const claims = new Map<string, string>(); // task id → agent that was told it holds it
    const doubleClaims: string[] = [];
    const unexpected: string[] = [];
    let n = 0;

    const startWriter = async (name: string): Promise<Writer> => {
      const mcp = await startMcp(cli, ['--store', store], name);
      const writer: Writer = { name, mcp, stopped: false, done: Promise.resolve() };
      writer.done = (async () => {
        while (!writer.stopped) {
          const title = `${name} write ${n++}`;
          let result: CallToolResult;
          try {
            result = (await mcp.client.callTool({
              name: 'continuum_add_tasks',
              arguments: { tasks: [{ title }] },
            })) as CallToolResult;
          } catch {
            if (!writer.stopped && alive(mcp.pid)) maybe.push(title); // its own process was killed mid-call
            return;
          }
          const said = (result.content[0] as { text: string }).text;
          if (!result.isError) acknowledged.push(title);
          else if (/may or may not have happened/.test(said)) maybe.push(title);
          else unexpected.push(`${title}: ${said}`);
          let claim: CallToolResult;
          try {
            claim = (await mcp.client.callTool({ name: 'continuum_next_task', arguments: {} })) as CallToolResult;
          } catch {
            return;
          }
          const task = (claim.structuredContent as { task?: { id: string } } | undefined)?.task;
          if (!claim.isError && task) {
            const before = claims.get(task.id);
            if (before && before !== name) doubleClaims.push(`${task.id}: ${before} and ${name}`);
            claims.set(task.id, name);
          }
        }
      })();
      return writer;
    };

    const writers: Writer[] = [];
    let holder = await startMcp(cli, ['--store', store], 'holder 0');
    await until('the first process to hold the store', () => holderPid(store) === holder.pid);
    for (let i = 1; i <= 3; i++) writers.push(await startWriter(`agent ${i}`));
    const holders = [holder.pid];

    for (let round = 1; round <= rounds; round++) {
      await new Promise(r => setTimeout(r, 100 + Math.random() * 600));
      const killed = holder.pid;
      process.kill(killed, 'SIGKILL');
      const before = acknowledged.length;
      await until(
        `round ${round}: a surviving process to hold the store`,
        () => {
          const pid = holderPid(store);
          return pid !== undefined && pid !== killed && alive(pid);
        },
        30_000,
      );
      const nowPid = holderPid(store)!;
      const next = writers.find(w => w.mcp.pid === nowPid);
      assert.ok(next, `round ${round}: the new holder (pid ${nowPid}) is one of the clients`);
      holders.push(nowPid);
      await until(`round ${round}: writes to go on after the takeover`, () => acknowledged.length > before + 3, 30_000);
      // the new holder leaves the writers; a fresh client takes its place
      next.stopped = true;
      writers.splice(writers.indexOf(next), 1);
      holder = next.mcp;
      writers.push(await startWriter(`agent ${round + 3}`));
    }

    for (const w of writers) w.stopped = true;
    await Promise.all(writers.map(w => w.done));
    for (const p of [holder, ...writers.map(w => w.mcp)]) {
      await p.close();
      if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
    }
    await until('every server to exit', () => [holder, ...writers.map(w => w.mcp)].every(p => !alive(p.pid)));

    const core = await openContinuum({ folder: store, fs: nodeFileSystem });
    try {
      const titles = new Set(core.tasks.list().map(t => t.title));
      const lost = acknowledged.filter(t => !titles.has(t));
      assert.deepStrictEqual(lost, [], `${lost.length} acknowledged writes are missing`);
      assert.deepStrictEqual(doubleClaims, [], 'no task was claimed by two agents');
      assert.deepStrictEqual(unexpected, [], 'every failed call said it may or may not have happened');
      assert.strictEqual(new Set(holders).size, rounds + 1, 'a different process held the store after each kill');
      assert.ok(acknowledged.length > rounds * 3, `${acknowledged.length} acknowledged writes`);
      console.log(
        `      ${rounds} rounds: ${acknowledged.length} acknowledged writes, all kept; ${maybe.length} unanswered (may or may not have happened); ${claims.size} claims, none doubled`,
      );
    } finally {
      await core.close();
    }
  });
});
