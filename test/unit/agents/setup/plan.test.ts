import * as assert from 'assert';
import * as path from 'path';
import { parse } from 'jsonc-parser';
import { planSetup, type Places } from '../../../../src/core/agents/setup';

const places: Places = {
  workspace: '/work/app',
  home: '/home/me',
  cliPath: '/ext/dist/cli.js',
  store: '/storage/ws1',
  platform: 'linux',
};
const rel = (f: string) => path.relative('/', f);

describe('planning Set Up Agents', () => {
  it("writes each picked agent's own file, AGENTS.md once for all that read it, and CLAUDE.md for Claude Code", () => {
    const plan = planSetup(['claude-code', 'cursor', 'vscode', 'gemini', 'codex'], places, { claudeHooks: false });
    assert.deepStrictEqual(
      plan.files.map(f => rel(f.file)),
      [
        'work/app/.mcp.json',
        'work/app/.vscode/mcp.json',
        'work/app/.cursor/mcp.json',
        'work/app/.gemini/settings.json',
        'home/me/.codex/config.toml',
        'work/app/CLAUDE.md',
        'work/app/AGENTS.md',
      ],
    );
    assert.match(plan.files.at(-1)!.purpose, /VS Code \(MCP\), Cursor, Gemini CLI, Codex/);
    assert.deepStrictEqual(plan.manual, []);
  });

  it("starts the server with node on PATH, the extension's CLI, the workspace and the window's store; VS Code's entry says stdio", () => {
    const plan = planSetup(['vscode', 'cursor'], places, { claudeHooks: false });
    const written = (i: number) => {
      const o = plan.files[i].merge(undefined);
      return parse(o.kind === 'write' ? o.text : '') as Record<string, Record<string, unknown>>;
    };
    // the store named: a window opened with its own user-data folder (npm start, code-server --user-data-dir)
    // keeps it where `--workspace` alone would not find it
    const args = ['/ext/dist/cli.js', 'mcp', '--workspace', '/work/app', '--store', places.store];
    assert.deepStrictEqual(written(0).servers.continuum, { type: 'stdio', command: 'node', args });
    assert.deepStrictEqual(written(1).mcpServers.continuum, { command: 'node', args });
  });

  it("writes Cline's settings only where Cline keeps them, otherwise gives the snippet to paste", () => {
    const without = planSetup(['cline'], places, { claudeHooks: false });
    assert.deepStrictEqual(
      without.files.map(f => rel(f.file)),
      ['work/app/AGENTS.md'],
    );
    assert.strictEqual(without.manual.length, 1);
    assert.deepStrictEqual(
      (JSON.parse(without.manual[0].snippet) as { mcpServers: Record<string, unknown> }).mcpServers.continuum,
      { command: 'node', args: ['/ext/dist/cli.js', 'mcp', '--workspace', '/work/app', '--store', places.store] },
    );
    const withCline = planSetup(
      ['cline'],
      { ...places, clineSettings: '/gs/saoudrizwan.claude-dev/settings' },
      { claudeHooks: false },
    );
    assert.strictEqual(rel(withCline.files[0].file), 'gs/saoudrizwan.claude-dev/settings/cline_mcp_settings.json');
  });

  it("adds Claude Code's hooks only when asked and Claude Code is picked", () => {
    assert.ok(
      planSetup(['claude-code'], places, { claudeHooks: true }).files.some(
        f => rel(f.file) === 'work/app/.claude/settings.json',
      ),
    );
    assert.ok(!planSetup(['claude-code'], places, { claudeHooks: false }).files.some(f => f.file.includes('.claude')));
    assert.ok(!planSetup(['cursor'], places, { claudeHooks: true }).files.some(f => f.file.includes('.claude')));
  });
});
