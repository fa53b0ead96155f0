// `continuum mcp` as agents run it: a real process over stdio, driven by the SDK's client and by
// one client no one here wrote (@modelcontextprotocol/inspector-cli). Two servers on one store:
// one holds it and the other is its client; SIGKILL the holder and the client takes over.
import * as assert from 'assert';
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { openContinuum } from '../../../src/core/continuum';
import { askToHandOver } from '../../../src/node/endpoint/window';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { alive, holderPid, mcpSuite, until } from './mcpProcess';

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe('continuum mcp', function () {
  this.timeout(120_000);
  const suite = mcpSuite('continuum-mcp-', core =>
    core.tasks.createMany([{ title: 'write the parser', priority: 'high' }, { title: 'document the parser' }]),
  );

  const start = (args: string[] = [], name?: string) => suite.start(args, name);

  it('lists a lean set of at most 10 tools whose tools/list costs at most 3,000 tokens, each with its hints', async () => {
    const { client } = await start();
    const { tools } = await client.listTools();
    const tokens = Math.ceil(JSON.stringify({ tools }).length / 4);
    assert.ok(tools.length >= 1 && tools.length <= 10, `${tools.length} tools`);
    assert.ok(tokens <= 3_000, `tools/list is ${tokens} tokens`);
    for (const t of tools) {
      assert.match(t.name, /^continuum_/);
      assert.strictEqual(typeof t.annotations?.readOnlyHint, 'boolean', t.name);
      assert.strictEqual(typeof t.annotations?.destructiveHint, 'boolean', t.name);
    }
    assert.ok(tools.some(t => t.name === 'continuum_briefing'));
  });

  it('offers more tools with --tools full than in the lean set', async () => {
    const lean = (await (await start()).client.listTools()).tools.length;
    const full = (await (await start(['--tools', 'full'])).client.listTools()).tools.length;
    assert.ok(full >= lean, `${full} full, ${lean} lean`);
  });

  it('answers a read tool with structured content and a text summary', async () => {
    const { client } = await start();
    const result = (await client.callTool({
      name: 'continuum_briefing',
      arguments: { detail: 'concise' },
    })) as CallToolResult;
    assert.ok(!result.isError, text(result));
    assert.ok(result.structuredContent && typeof result.structuredContent === 'object');
    assert.match(text(result), /write the parser/);
  });

  it("saves a write tool's change in the store before answering", async () => {
    const p = await start();
    const result = (await p.client.callTool({
      name: 'continuum_add_tasks',
      arguments: { tasks: [{ title: 'added by the agent' }] },
    })) as CallToolResult;
    assert.ok(!result.isError, text(result));
    process.kill(p.pid, 'SIGKILL'); // no chance to save anything more after the answer
    await until('the server to die', () => !alive(p.pid));
    const core = await openContinuum({ folder: suite.store, fs: nodeFileSystem });
    try {
      assert.ok(core.tasks.list().some(t => t.title === 'added by the agent'));
    } finally {
      await core.close();
    }
  });

  it("runs a task's verify command on done, and keeps the task open with the output when it fails", async () => {
    const workspace = fs.mkdtempSync(path.join(suite.work, 'ws-'));
    const seeded = await openContinuum({ folder: suite.store, fs: nodeFileSystem });
    const verify = (code: number) =>
      `"${process.execPath}" -e "console.log('verify checked the parser'); process.exit(${code})"`;
    const [failing, passing] = await seeded.tasks.createMany([
      { title: 'make the parser pass', priority: 'critical', action: { kind: 'manual', verify: verify(3) } },
      { title: 'make the printer pass', priority: 'critical', action: { kind: 'manual', verify: verify(0) } },
    ]);
    await seeded.close();
    // started in the workspace (with --store, the current folder is the workspace verify runs in)
    const server = await suite.start([], 'Test Agent', workspace);
    const client = server.client;
    const call = async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult;
    assert.ok(!(await call('continuum_next_task', { taskId: failing.id })).isError);
    const done = await call('continuum_update_task', { taskId: failing.id, status: 'done' });
    const answer = done.structuredContent as { status: string; verify?: { passed: boolean; output: string } };
    assert.strictEqual(answer.verify?.passed, false, text(done));
    assert.match(answer.verify.output, /verify checked the parser/);
    assert.match(answer.verify.output, /exited with code 3/);
    assert.notStrictEqual(answer.status, 'done');
    assert.match(text(done), /Not done: the verify command failed/);

    assert.ok(!(await call('continuum_next_task', { taskId: passing.id })).isError);
    const passed = await call('continuum_update_task', { taskId: passing.id, status: 'done' });
    assert.strictEqual((passed.structuredContent as { status: string }).status, 'done', text(passed));

    await server.close();
    await until('the server to stop', () => !alive(server.pid));
    const core = await openContinuum({ folder: suite.store, fs: nodeFileSystem });
    try {
      assert.notStrictEqual(core.tasks.get(failing.id)?.status, 'done', 'the failing task stays open');
      assert.strictEqual(core.tasks.get(passing.id)?.status, 'done');
    } finally {
      await core.close();
    }
  });

  it('gives an invalid input back as an isError result that names the field', async () => {
    const { client } = await start();
    const result = (await client.callTool({
      name: 'continuum_briefing',
      arguments: { detail: 'everything' },
    })) as CallToolResult;
    assert.strictEqual(result.isError, true);
    assert.match(text(result), /detail/);
  });

  it('runs two servers on one store: one holds it, the other is its client, and both answer', async () => {
    const a = await start([], 'Agent A');
    await until('A to serve the store', () => holderPid(suite.store) === a.pid);
    const b = await start([], 'Agent B');
    assert.match(b.stderr(), new RegExp(`held by pid ${a.pid}`));
    for (const p of [a, b]) {
      const r = (await p.client.callTool({ name: 'continuum_briefing', arguments: {} })) as CallToolResult;
      assert.ok(!r.isError, text(r));
    }
    const r = (await b.client.callTool({
      name: 'continuum_add_tasks',
      arguments: { tasks: [{ title: 'through the holder' }] },
    })) as CallToolResult;
    assert.ok(!r.isError, text(r));
    const seen = (await a.client.callTool({
      name: 'continuum_briefing',
      arguments: { detail: 'detailed' },
    })) as CallToolResult;
    assert.match(JSON.stringify(seen.structuredContent), /through the holder/);
  });

  it('lets the client take the store over when the holder is SIGKILLed, and its next call works', async () => {
    const a = await start([], 'Agent A');
    await until('A to serve the store', () => holderPid(suite.store) === a.pid);
    const b = await start([], 'Agent B');
    process.kill(a.pid, 'SIGKILL');
    await until('B to hold the store', () => holderPid(suite.store) === b.pid);
    const r = (await b.client.callTool({
      name: 'continuum_add_tasks',
      arguments: { tasks: [{ title: 'after the takeover' }] },
    })) as CallToolResult;
    assert.ok(!r.isError, text(r));
    const briefing = (await b.client.callTool({ name: 'continuum_briefing', arguments: {} })) as CallToolResult;
    assert.ok(!briefing.isError, text(briefing));
  });

  it('exits cleanly when its standard input closes, and on SIGTERM', async () => {
    const a = await start();
    const exitedA = new Promise<number | null>(resolve =>
      a.transport['_process']?.once('exit', (code: number | null) => resolve(code)),
    );
    a.transport['_process']?.stdin?.end();
    assert.strictEqual(await exitedA, 0);
    const b = await start();
    const exitedB = new Promise<number | null>(resolve =>
      b.transport['_process']?.once('exit', (code: number | null) => resolve(code)),
    );
    process.kill(b.pid, 'SIGTERM');
    assert.strictEqual(await exitedB, 0);
    assert.ok(!fs.existsSync(path.join(suite.store, 'endpoint.json')), 'the endpoint is gone with the holder');
  });

  it('works as the client of a continuum run that holds the store, which keeps the store when a window asks for it', async () => {
    const seed = await openContinuum({ folder: suite.store, fs: nodeFileSystem });
    await seed.tasks.create({ title: 'a long command', action: { kind: 'shell', command: 'sleep 30' } });
    await seed.close();
    const run = spawn(
      process.execPath,
      [suite.cli, 'run', '--store', suite.store, '--workspace', path.dirname(suite.store), '--yes'],
      {
        stdio: 'ignore',
      },
    );
    try {
      await until('the run to serve the store', () => holderPid(suite.store) === run.pid);
      const agent = await start();
      assert.match(agent.stderr(), new RegExp(`held by pid ${run.pid} \\(cli\\)`));
      const r = (await agent.client.callTool({ name: 'continuum_briefing', arguments: {} })) as CallToolResult;
      assert.ok(!r.isError, text(r));
      const asked = await askToHandOver(suite.store);
      assert.strictEqual(asked.handedOver, false);
      assert.match((asked as { why: string }).why, /a continuum CLI run \(pid \d+\), which keeps it/);
    } finally {
      run.kill('SIGKILL');
    }
  });

  it('works with a client no one here wrote: the MCP inspector lists and calls its tools', async () => {
    // its bin (mcp-inspector-cli) in --cli mode: the launcher, which starts its CLI client
    const inspector = path.join(
      path.dirname(require.resolve('@modelcontextprotocol/inspector-cli/package.json')),
      'build',
      'cli.js',
    );
    const run = (...args: string[]) =>
      new Promise<string>((resolve, reject) => {
        // It looks for its own package.json as '../package.json' from the current folder (a bug of
        // inspector-cli 1.0.3), so it runs from its build folder; the server is given its store.
        execFile(
          process.execPath,
          [inspector, '--cli', process.execPath, suite.cli, 'mcp', '--store', suite.store, ...args],
          { cwd: path.dirname(inspector), timeout: 60_000 },
          (err, stdout, stderr) => {
            if (err) reject(new Error(`${err.message}\n${stderr}`, { cause: err }));
            else resolve(stdout);
          },
        );
      });
    const listed = JSON.parse(await run('--method', 'tools/list')) as { tools: Array<{ name: string }> };
    assert.ok(listed.tools.some(t => t.name === 'continuum_briefing'));
    const called = JSON.parse(
      await run('--method', 'tools/call', '--tool-name', 'continuum_briefing', '--tool-arg', 'detail=concise'),
    ) as CallToolResult;
    assert.ok(!called.isError, JSON.stringify(called));
    assert.match(text(called), /write the parser/);
  });
});
