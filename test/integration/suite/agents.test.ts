// Agents in a real extension host: Set Up Agents writes merged configurations; the @continuum chat
// participant answers, its model being a scripted provider from a test-only extension
// (test/integration/model-provider, loaded by the runner beside Continuum), not a hook in the product.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContinuumApi } from '../../../src/vscode/activate';
import type { SetupReport } from '../../../src/vscode/agents/setUpAgents';
import { ScriptedPrompter } from './prompter';
import { poller } from './wait';

const until = poller(20000);

suite('Agents', () => {
  let api: ContinuumApi;
  const prompter = new ScriptedPrompter();
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const written: string[] = [];

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    api.testing.setPrompter(prompter);
    await api.ready();
  });
  suiteTeardown(async () => {
    api.testing.setPrompter(undefined);
    for (const f of written) fs.rmSync(path.join(root(), f), { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Set Up Agents merges the MCP server into existing configurations, asks before replacing a continuum entry, and writes the instructions block', async () => {
    written.push('.mcp.json', '.cursor', 'CLAUDE.md', 'AGENTS.md', '.claude');
    fs.writeFileSync(path.join(root(), '.mcp.json'), '{\n  // ours\n  "mcpServers": {\n    "github": { "command": "npx", "args": ["gh"] }\n  }\n}\n');
    fs.mkdirSync(path.join(root(), '.cursor'), { recursive: true });
    fs.writeFileSync(path.join(root(), '.cursor', 'mcp.json'), '{ "mcpServers": { "continuum": { "command": "node", "args": ["/old/cli.js"] } } }\n');
    fs.writeFileSync(path.join(root(), 'AGENTS.md'), '# Agents\n\nRun npm test before committing.\n');
    prompter.keepInPickMany = item => ['claude-code', 'cursor'].includes(item.value as string);
    prompter.picks.push(/Add session hooks/);
    prompter.answers.push((message, actions) => (/\.cursor\/mcp\.json already has/.test(message) ? actions.find(a => a === 'Keep') : undefined));
    const report = await vscode.commands.executeCommand<SetupReport>('continuum.setUpAgents');
    assert.ok(report, 'the command returns what it did');
    assert.deepStrictEqual(report.written.sort(), ['.claude/settings.json', '.mcp.json', 'AGENTS.md', 'CLAUDE.md'].map(f => f.replace(/\//g, path.sep)).sort());
    assert.deepStrictEqual(report.kept, [path.join('.cursor', 'mcp.json')]);
    const mcp = fs.readFileSync(path.join(root(), '.mcp.json'), 'utf8');
    assert.match(mcp, /\/\/ ours/);
    assert.match(mcp, /"github"/);
    const cli = vscode.extensions.getExtension('continuum.continuum')!.extensionUri.fsPath;
    assert.ok(mcp.includes(JSON.stringify(path.join(cli, 'dist', 'cli.js'))), mcp);
    assert.match(fs.readFileSync(path.join(root(), '.cursor', 'mcp.json'), 'utf8'), /\/old\/cli\.js/, 'kept as the person chose');
    assert.match(fs.readFileSync(path.join(root(), 'AGENTS.md'), 'utf8'), /^# Agents\n\nRun npm test before committing\.\n\n<!-- continuum:start -->[\s\S]*continuum_briefing[\s\S]*<!-- continuum:end -->\n$/);
    assert.match(fs.readFileSync(path.join(root(), '.claude', 'settings.json'), 'utf8'), /"SessionStart"[\s\S]*briefing --format markdown[\s\S]*"PreCompact"/);
    const summary = await until('the summary', () => prompter.notifications.find(n => /^Continuum set up Claude Code, Cursor: wrote/.test(n)));
    assert.match(summary, /kept as they were: \.cursor/);

    // a second run changes nothing and says so
    prompter.picks.push(/Add session hooks/);
    const again = await vscode.commands.executeCommand<SetupReport>('continuum.setUpAgents');
    assert.deepStrictEqual(again.written, []);
    assert.strictEqual(again.unchanged.length, 4);
    prompter.keepInPickMany = () => true;
  });
});
