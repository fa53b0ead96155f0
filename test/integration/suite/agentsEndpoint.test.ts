// An agent's `continuum mcp` beside a VS Code window, in a real extension host: while the window
// holds the store the agent's server is its client, and its writes appear in the window's tree;
// when the window lets the store go the agent's server takes it over, and when the window opens the
// store again the server hands it back and goes on working as the window's client.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { poller } from './wait';

const until = poller(30000);

suite("Agents' MCP servers and the window", () => {
  let api: ContinuumApi;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
  });

  test("an agent's MCP server works through the window, takes the store when the window lets it go, and hands it back when the window opens it again", async function () {
    this.timeout(120000);
    const core = await api.ready();
    assert.strictEqual(core.store.readOnly, false);
    const cli = path.join(vscode.extensions.getExtension('continuum.continuum')!.extensionPath, 'dist', 'cli.js');
    // the extension host's environment as it is (in desktop VS Code, ELECTRON_RUN_AS_NODE makes its executable a Node)
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'mcp', '--store', core.store.folder],
      stderr: 'pipe',
      env: { ...process.env } as Record<string, string>,
    });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const client = new Client({ name: 'Integration Agent', version: '1.0.0' });
    try {
      await client.connect(transport);
    } catch (err) {
      throw new Error(`continuum mcp did not start: ${(err as Error).message}\n${stderr}`, { cause: err });
    }
    const add = async (title: string) => {
      const r = (await client.callTool({
        name: 'continuum_add_tasks',
        arguments: { tasks: [{ title }] },
      })) as CallToolResult;
      assert.ok(!r.isError, `${(r.content[0] as { text: string }).text}\n${stderr}`);
    };
    try {
      await until("the server to be the window's client", () => /held by pid \d+ \(vscode\)/.test(stderr));
      await add('added by the agent through the window');
      assert.ok(
        core.tasks.list().some(t => t.title === 'added by the agent through the window'),
        "acknowledged: in the window's store already",
      );

      await api.close(); // the window lets the store go (as when it closes)
      await until("the agent's server to hold the store", () => /this process holds the store/.test(stderr));
      await add('added while the agent held the store');

      const again = await api.ready(); // the window opens the store again: the agent's server hands it over
      assert.strictEqual(
        again.store.readOnly,
        false,
        `the window holds the store again (${again.store.health().readOnlyReason ?? ''})\n${stderr}`,
      );
      assert.match(stderr, /handed the store over to a VS Code window/);
      assert.ok(again.tasks.list().some(t => t.title === 'added while the agent held the store'));
      await add('added through the window again');
      assert.ok(again.tasks.list().some(t => t.title === 'added through the window again'));
    } catch (err) {
      throw new Error(`${(err as Error).message}\nthe server said:\n${stderr}`, { cause: err });
    } finally {
      await client.close();
    }
  });
});
