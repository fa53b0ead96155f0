import * as assert from 'assert';
import { codexServerTable, mergeCodexServer, SetupError } from '../../../../src/core/agents/setup';

const launch = { command: 'node', args: ['/ext/dist/cli.js', 'mcp', '--workspace', '/work/app'] };
const ours = codexServerTable('continuum', launch);

const config = `# Codex settings
model = "o4-mini"
approval_policy = "on-request"

[mcp_servers.github]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-github"]

[mcp_servers.github.env]
GITHUB_TOKEN = "x"

[profiles.fast]
model = "gpt-5"
notes = """
[mcp_servers.continuum]
this is text in a multi-line string, not a table
"""
`;

describe('merging the MCP server into Codex config.toml', () => {
  it('appends its table and leaves every other line as it was', () => {
    const out = mergeCodexServer(config, 'config.toml', 'continuum', launch);
    assert.strictEqual(out.kind, 'write');
    if (out.kind !== 'write') return;
    assert.ok(out.text.startsWith(config.trimEnd()), out.text);
    assert.ok(out.text.endsWith(`\n\n${ours}\n`), out.text);
    assert.match(
      ours,
      /^\[mcp_servers\.continuum\]\ncommand = "node"\nargs = \["\/ext\/dist\/cli\.js", "mcp", "--workspace", "\/work\/app"\]$/,
    );
  });

  it('creates the file with the table alone', () => {
    assert.deepStrictEqual(mergeCodexServer(undefined, 'config.toml', 'continuum', launch), {
      kind: 'write',
      text: `${ours}\n`,
    });
  });

  it('escapes backslashes and quotes of Windows paths as TOML strings', () => {
    const table = codexServerTable('continuum', { command: 'node', args: ['C:\\Users\\a "b"\\cli.js'] });
    assert.match(table, /args = \["C:\\\\Users\\\\a \\"b\\"\\\\cli\.js"\]/);
  });

  it('says unchanged when its table is there as written', () => {
    const text = `${config}\n${ours}\n\n[profiles.slow]\nmodel = "x"\n`;
    assert.deepStrictEqual(mergeCodexServer(text, 'config.toml', 'continuum', launch), { kind: 'unchanged' });
  });

  it('replaces only its own table and sub-tables when it differs (a conflict), keeping what follows', () => {
    const text = `${config}\n[mcp_servers.continuum]\ncommand = "node"\nargs = [\n  "/old/cli.js",\n  "mcp",\n]\n\n[mcp_servers.continuum.env]\nA = "1"\n\n# the next one\n[mcp_servers.other]\ncommand = "o"\n`;
    const out = mergeCodexServer(text, 'config.toml', 'continuum', launch);
    assert.strictEqual(out.kind, 'conflict');
    if (out.kind !== 'conflict') return;
    assert.match(out.existing, /\/old\/cli\.js[\s\S]*A = "1"/);
    assert.strictEqual(out.text, `${config}\n${ours}\n\n# the next one\n[mcp_servers.other]\ncommand = "o"\n`);
  });

  it('refuses a server defined as an inline table or with dotted keys, and gives the table to paste', () => {
    for (const text of [
      '[mcp_servers]\ncontinuum = { command = "node", args = [] }\n',
      'mcp_servers.continuum.command = "node"\n',
      'mcp_servers = { other = { command = "x" } }\n',
    ]) {
      assert.throws(
        () => mergeCodexServer(text, 'config.toml', 'continuum', launch),
        (e: unknown) => e instanceof SetupError && e.message.includes(ours),
        text,
      );
    }
  });

  it('refuses a server whose tables are apart', () => {
    const text =
      '[mcp_servers.continuum]\ncommand = "node"\n\n[other]\na = 1\n\n[mcp_servers.continuum.env]\nB = "2"\n';
    assert.throws(() => mergeCodexServer(text, 'config.toml', 'continuum', launch), /in pieces/);
  });
});
