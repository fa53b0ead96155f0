// The MCP face of the agent tools, in one process: an SDK client over the SDK's in-memory
// transport, a real store on disk. The real `continuum mcp` process is tested in test/unit/cli/mcp.test.ts.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AgentToolError } from '../../../src/core/agents/tool';
import { openContinuum } from '../../../src/core/continuum';
import { silentLogger } from '../../../src/core/ports';
import { connectOrHold, type StoreConnection } from '../../../src/node/endpoint/connection';
import { agentIdentity, createContinuumMcpServer } from '../../../src/node/endpoint/mcpServer';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { currentOwner } from '../../../src/node/lockOwner';
import { callTestTool, testTools } from './testTools';

describe('the MCP server over the agent tools', function () {
  this.timeout(30_000);
  let work: string;
  let connection: StoreConnection;
  let client: Client;

  beforeEach(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-mcps-'));
    const store = path.join(work, 'store');
    connection = await connectOrHold({
      storeFolder: store,
      kind: 'mcp',
      handsOver: true,
      callTool: callTestTool,
      logger: silentLogger,
      open: lock => openContinuum({ folder: store, fs: nodeFileSystem, lock, owner: currentOwner('test') }),
    });
    const server = createContinuumMcpServer(connection, { tools: testTools, version: '0.0.0' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    client = new Client({ name: 'Claude Code', version: '2.0.1' });
    await client.connect(b);
  });
  afterEach(async () => {
    await client.close();
    await connection.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('lists every tool with its title, input schema and read-only/destructive hints', async () => {
    const { tools } = await client.listTools();
    assert.deepStrictEqual(
      tools.map(t => t.name),
      testTools.map(t => t.name),
    );
    const add = tools.find(t => t.name === 'test_add_task')!;
    assert.deepStrictEqual(add.annotations, {
      title: 'Add a task',
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: false,
    });
    assert.deepStrictEqual(Object.keys(add.inputSchema.properties ?? {}), ['title']);
    assert.strictEqual(tools.find(t => t.name === 'test_count')!.annotations?.readOnlyHint, true);
  });

  it('answers a call with structured content and a short summary, as the agent named by its clientInfo', async () => {
    const result = (await client.callTool({
      name: 'test_add_task',
      arguments: { title: 'write the docs' },
    })) as CallToolResult;
    assert.ok(!result.isError);
    assert.deepStrictEqual(result.content, [{ type: 'text', text: 'added write the docs' }]);
    assert.strictEqual((result.structuredContent as { by: string }).by, 'Claude Code');
  });

  it('gives an invalid input back as an isError result naming the field', async () => {
    const result = (await client.callTool({ name: 'test_add_task', arguments: { title: 42 } })) as CallToolResult;
    assert.strictEqual(result.isError, true);
    assert.match((result.content[0] as { text: string }).text, /title/);
  });

  it("gives a tool's refusal back as an isError result with the tool's message", async () => {
    const refusing = testTools.find(t => t.name === 'test_count')!;
    const original = refusing.run;
    refusing.run = () => Promise.reject(new AgentToolError('Nothing to count here: add a task first.'));
    try {
      const result = (await client.callTool({ name: 'test_count', arguments: {} })) as CallToolResult;
      assert.strictEqual(result.isError, true);
      assert.deepStrictEqual(result.content, [{ type: 'text', text: 'Nothing to count here: add a task first.' }]);
    } finally {
      refusing.run = original;
    }
  });

  it('offers the briefing, the ready tasks and the context as resources, and a resume prompt', async () => {
    await client.callTool({ name: 'test_add_task', arguments: { title: 'ready one' } });
    const { resources } = await client.listResources();
    assert.deepStrictEqual(resources.map(r => r.uri).sort(), [
      'continuum://briefing',
      'continuum://context',
      'continuum://tasks/ready',
    ]);
    const ready = await client.readResource({ uri: 'continuum://tasks/ready' });
    assert.deepStrictEqual(
      (JSON.parse((ready.contents[0] as { text: string }).text) as { ready: Array<{ title: string }> }).ready.map(
        t => t.title,
      ),
      ['ready one'],
    );
    const briefing = await client.readResource({ uri: 'continuum://briefing' });
    assert.deepStrictEqual(JSON.parse((briefing.contents[0] as { text: string }).text), { tasks: 1 });
    const prompt = await client.getPrompt({ name: 'resume' });
    assert.match((prompt.messages[0].content as { text: string }).text, /briefed/);
  });

  it('names an agent by its client and session, trimmed, with a fallback name', () => {
    assert.deepStrictEqual(agentIdentity({ name: 'Cursor', version: '1.2' }, 'ab12'), {
      id: 'Cursor#ab12',
      name: 'Cursor',
      version: '1.2',
    });
    assert.deepStrictEqual(agentIdentity(undefined, 'ab12'), { id: 'an MCP client#ab12', name: 'an MCP client' });
  });
});
