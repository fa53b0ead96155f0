// package.json's contributes.languageModelTools is what VS Code shows and validates against; the
// agent tools' code is what runs. They are the same list with the same schemas, or this fails.
// After changing a tool: UPDATE_MANIFEST=1 npx mocha --no-config -n import=tsx --extension ts test/unit/vscode/agentToolManifest.test.ts
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { leanAgentTools } from '../../../src/core/agents';
import { languageModelToolContribution, toolReferenceName } from '../../../src/vscode/agents/toolManifest';
import { callWrites, declaredTools } from '../../../src/vscode/agents/declaredTools';

const file = path.resolve(__dirname, '../../../package.json');
const text = fs.readFileSync(file, 'utf8');
const manifest = JSON.parse(text) as { contributes: { languageModelTools?: unknown[] } };
const expected = leanAgentTools.map(languageModelToolContribution);

describe('the language-model tools in package.json', () => {
  before(() => {
    if (process.env.UPDATE_MANIFEST !== '1') return;
    manifest.contributes.languageModelTools = expected;
    fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  });

  it('are the lean agent tools, each with the name, descriptions and input schema of its code', () => {
    assert.ok(expected.length > 0);
    assert.deepStrictEqual(
      manifest.contributes.languageModelTools,
      expected,
      'package.json differs from the tools: run this test with UPDATE_MANIFEST=1 and review the diff',
    );
  });

  it('can each be referenced in chat as #continuum…, and say whether they write', () => {
    for (const tool of expected) {
      assert.match(tool.toolReferenceName, /^continuum[A-Z][A-Za-z]+$/);
      assert.ok(tool.tags.includes('read') !== tool.tags.includes('write'), tool.name);
      assert.strictEqual(tool.inputSchema.type, 'object', `${tool.name}'s input is an object`);
      assert.strictEqual(
        tool.when,
        '!continuum.mcpServerInVSCode',
        'off while .vscode/mcp.json starts the MCP server, so Copilot never sees a tool twice',
      );
    }
    assert.strictEqual(toolReferenceName('continuum_next_task'), 'continuumNextTask');
  });

  it('are what the extension registers at activation (read from package.json)', () => {
    assert.deepStrictEqual(
      declaredTools(manifest).map(t => t.name),
      leanAgentTools.map(t => t.name),
    );
  });

  it('ask a person first only for calls that write: reading actions of a mixed tool need no confirmation', () => {
    const byName = new Map(declaredTools(manifest).map(t => [t.name, t]));
    const writes = (name: string, input: unknown) => callWrites(byName.get(name)!, input);
    assert.strictEqual(writes('continuum_briefing', {}), false);
    assert.strictEqual(writes('continuum_graph', { file: 'a.ts' }), false);
    assert.strictEqual(writes('continuum_update_task', { taskId: 't', status: 'done' }), true);
    assert.strictEqual(writes('continuum_context', {}), false, 'read is its default action');
    assert.strictEqual(writes('continuum_context', { action: 'add', title: 'x', body: 'y' }), true);
    assert.strictEqual(writes('continuum_known_errors', { error: 'boom' }), false);
    assert.strictEqual(writes('continuum_known_errors', { action: 'record', error: 'boom', worked: true }), true);
  });
});
