// An agent's `continuum mcp` that does not hold the store keeps a read replica (system tier: real
// processes over stdio, driven by the SDK's client): its reads are answered there, without the
// holder; its writes go to the holder and resolve once the replica has read them; and when the
// holder is killed it takes the store over with every acknowledged write.
import * as assert from 'assert';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { alive, holderPid, mcpSuite, until, type McpProcess } from './mcpProcess';

const text = (r: CallToolResult) => (r.content[0] as { text?: string })?.text ?? '';

describe("continuum mcp's read replica (system: real processes)", function () {
  this.timeout(120_000);
  const suite = mcpSuite('continuum-mcprep-', async core => {
    await core.tasks.createMany([{ title: 'write the parser', priority: 'high' }, { title: 'document the parser' }]);
    await core.context.addNote({ title: 'Use pnpm', body: 'We decided on pnpm.', tags: ['decision'] }, 'user');
  });

  /** A holder (`continuum mcp` A), then an agent's server that is its client (B). */
  const holderAndClient = async () => {
    const holder = await suite.start(['--tools', 'full'], 'Holder Agent');
    await until('the holder to serve the store', () => holderPid(suite.store) === holder.pid);
    const client = await suite.start(['--tools', 'full'], 'Client Agent');
    const says = new RegExp(`held by pid ${holder.pid}; reads are answered from a replica here`);
    await until(`the client to say it keeps a replica (${client.stderr()})`, () => says.test(client.stderr()));
    return { holder, client };
  };

  const call = async (p: McpProcess, name: string, args: Record<string, unknown> = {}, timeout = 60_000) =>
    (await p.client.callTool({ name, arguments: args }, undefined, { timeout })) as CallToolResult;

  it('answers every read while the holder is stopped (SIGSTOP): they run on its replica, not on the holder', async () => {
    const { holder, client } = await holderAndClient();
    process.kill(holder.pid, 'SIGSTOP');
    try {
      // each would wait for the stopped holder (and time out) if it were sent there
      const briefing = await call(client, 'continuum_briefing', { detail: 'detailed' }, 5_000);
      assert.ok(!briefing.isError, text(briefing));
      assert.match(text(briefing), /write the parser/);
      const list = await call(client, 'continuum_list_tasks', {}, 5_000);
      assert.match(text(list), /document the parser/);
      const id = (list.structuredContent as { tasks: Array<{ id: string; title: string }> }).tasks[0].id;
      assert.ok(!(await call(client, 'continuum_get_task', { taskId: id }, 5_000)).isError);
      assert.match(text(await call(client, 'continuum_context', { action: 'read' }, 5_000)), /Use pnpm/);
      const lookup = await call(client, 'continuum_known_errors', { error: 'TypeError: x is undefined' }, 5_000);
      assert.match(text(lookup), /has not been seen before/);
      assert.match(text(await call(client, 'continuum_checkpoint', { action: 'list' }, 5_000)), /No checkpoints yet/);
      const graph = await call(client, 'continuum_graph', { target: 'src/a.ts' }, 5_000);
      assert.match(text(graph), /graph/i, 'answered (no graph is built: it says what to run)');
      const resource = await client.client.readResource({ uri: 'continuum://tasks/ready' }, { timeout: 5_000 });
      assert.match(JSON.stringify(resource.contents), /write the parser/);
      assert.strictEqual(holderPid(suite.store), holder.pid, 'the stopped holder still holds the store');
    } finally {
      process.kill(holder.pid, 'SIGCONT');
    }
    // and a write goes to the holder, which saves it
    const added = await call(client, 'continuum_add_tasks', { tasks: [{ title: 'after the holder woke up' }] });
    assert.ok(!added.isError, text(added));
    assert.match(text(await call(holder, 'continuum_list_tasks')), /after the holder woke up/);
  });

  it('reads its own writes at once: a write, then a read in the same server, sees it', async () => {
    const { client } = await holderAndClient();
    for (let i = 0; i < 5; i++) {
      const added = await call(client, 'continuum_add_tasks', { tasks: [{ title: `round ${i}` }] });
      assert.ok(!added.isError, text(added));
      const id = (added.structuredContent as { created: Array<{ id: string }> }).created[0].id;
      const got = await call(client, 'continuum_get_task', { taskId: id });
      assert.ok(!got.isError, `round ${i}: ${text(got)}`);
      const claimed = await call(client, 'continuum_next_task', { taskId: id });
      assert.ok(!claimed.isError, text(claimed));
      const listed = await call(client, 'continuum_list_tasks', { status: ['running'] });
      assert.match(text(listed), new RegExp(`round ${i} \\(held by Client Agent\\)`));
      const noted = await call(client, 'continuum_context', { action: 'add', title: `note ${i}`, body: 'b' });
      assert.ok(!noted.isError, text(noted));
      assert.match(text(await call(client, 'continuum_context')), new RegExp(`note ${i}`));
    }
  });

  it('takes the store over when the holder is SIGKILLed, with every write it was told was saved', async () => {
    const { holder, client } = await holderAndClient();
    const acknowledged: string[] = [];
    const unsure: string[] = [];
    let stop = false;
    const writing = (async () => {
      for (let i = 0; !stop; i++) {
        const title = `written ${i}`;
        const r = await call(client, 'continuum_add_tasks', { tasks: [{ title }] });
        (r.isError ? unsure : acknowledged).push(title);
      }
    })();
    await until('a few writes through the holder', () => acknowledged.length >= 10);
    process.kill(holder.pid, 'SIGKILL');
    await until('the client to hold the store', () => holderPid(suite.store) === client.pid);
    const before = acknowledged.length;
    await until('writes after the takeover', () => acknowledged.length >= before + 5);
    stop = true;
    await writing;
    assert.ok(unsure.length <= 1, `at most the call in flight at the kill is unsure: ${unsure.join(', ')}`);
    const listed = (await call(client, 'continuum_list_tasks', { limit: 500 })).structuredContent as {
      tasks: Array<{ title: string }>;
    };
    const titles = new Set(listed.tasks.map(t => t.title));
    assert.deepStrictEqual(
      acknowledged.filter(t => !titles.has(t)),
      [],
      'every acknowledged write is in the store',
    );
    // and in the store on disk, as any process opens it
    await client.close();
    await until('the client to stop', () => !alive(client.pid));
    const core = await openContinuum({ folder: suite.store, fs: nodeFileSystem });
    try {
      const stored = new Set(core.tasks.list().map(t => t.title));
      assert.deepStrictEqual(
        acknowledged.filter(t => !stored.has(t)),
        [],
      );
    } finally {
      await core.close();
    }
  });
});
