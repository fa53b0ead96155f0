import * as assert from 'assert';
import { parse } from 'jsonc-parser';
import { hasJsonServer, mergeJsonServer, SetupError } from '../../../../src/core/agents/setup';

const entry = { command: 'node', args: ['/ext/dist/cli.js', 'mcp', '--workspace', '/work/app'] };

const claudeMcpJson = `{
  // servers for this project
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"], // pinned later
      "env": { "GITHUB_TOKEN": "\${GITHUB_TOKEN}" }
    }
  },
  "other": true
}
`;

describe('merging the MCP server into a JSON settings file', () => {
  it('adds the server beside the others and keeps comments and other settings', () => {
    const out = mergeJsonServer(claudeMcpJson, '.mcp.json', 'mcpServers', 'continuum', entry);
    assert.strictEqual(out.kind, 'write');
    const text = out.kind === 'write' ? out.text : '';
    assert.match(text, /\/\/ servers for this project/);
    assert.match(text, /\/\/ pinned later/);
    const value = parse(text) as { mcpServers: Record<string, unknown>; other: boolean };
    assert.deepStrictEqual(Object.keys(value.mcpServers), ['github', 'continuum']);
    assert.deepStrictEqual(value.mcpServers.continuum, entry);
    assert.strictEqual(value.other, true);
    assert.deepStrictEqual((value.mcpServers.github as { env: unknown }).env, { GITHUB_TOKEN: '${GITHUB_TOKEN}' });
  });

  it('creates the file holding only the server when there is none', () => {
    for (const before of [undefined, '', '  \n']) {
      const out = mergeJsonServer(before, '.vscode/mcp.json', 'servers', 'continuum', { type: 'stdio', ...entry });
      assert.strictEqual(out.kind, 'write');
      assert.deepStrictEqual(parse(out.kind === 'write' ? out.text : ''), {
        servers: { continuum: { type: 'stdio', ...entry } },
      });
    }
  });

  it('says unchanged when the same entry is there, whatever its key order', () => {
    const text =
      '{ "mcpServers": { "continuum": { "args": ["/ext/dist/cli.js", "mcp", "--workspace", "/work/app"], "command": "node" } } }';
    assert.deepStrictEqual(mergeJsonServer(text, '.mcp.json', 'mcpServers', 'continuum', entry), { kind: 'unchanged' });
  });

  it('reports a different continuum entry as a conflict, with the replacement ready but not taken', () => {
    const text =
      '{ "mcpServers": { "continuum": { "command": "node", "args": ["/old/cli.js", "mcp"] }, "x": { "command": "y" } } }';
    const out = mergeJsonServer(text, '.mcp.json', 'mcpServers', 'continuum', entry);
    assert.strictEqual(out.kind, 'conflict');
    if (out.kind !== 'conflict') return;
    assert.match(out.existing, /\/old\/cli\.js/);
    const value = parse(out.text) as { mcpServers: Record<string, unknown> };
    assert.deepStrictEqual(value.mcpServers.continuum, entry);
    assert.deepStrictEqual(value.mcpServers.x, { command: 'y' });
  });

  it('keeps CRLF line ends in a file that uses them', () => {
    const out = mergeJsonServer('{\r\n  "mcpServers": {}\r\n}\r\n', '.mcp.json', 'mcpServers', 'continuum', entry);
    assert.ok(out.kind === 'write' && !/[^\r]\n/.test(out.text), JSON.stringify(out));
  });

  it('refuses a malformed file with where the mistake is, writing nothing', () => {
    assert.throws(
      () =>
        mergeJsonServer(
          '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": 1\n}',
          '.cursor/mcp.json',
          'mcpServers',
          'continuum',
          entry,
        ),
      (e: unknown) =>
        e instanceof SetupError &&
        /\.cursor\/mcp\.json is not valid JSON \(.* at line 4, column 5\).*wrote nothing/.test(e.message),
    );
  });

  it('refuses a file whose top or servers key is not an object', () => {
    assert.throws(
      () => mergeJsonServer('[1, 2]', 'f.json', 'mcpServers', 'continuum', entry),
      /does not hold a JSON object/,
    );
    assert.throws(
      () => mergeJsonServer('{ "mcpServers": [] }', 'f.json', 'mcpServers', 'continuum', entry),
      /"mcpServers" in f\.json is not an object/,
    );
  });
});

describe('finding the server in a settings file', () => {
  it('finds it under the servers key, with comments, and not elsewhere', () => {
    assert.strictEqual(
      hasJsonServer('{ // c\n "servers": { "continuum": { "type": "stdio" } } }', 'servers', 'continuum'),
      true,
    );
    assert.strictEqual(hasJsonServer('{ "servers": { "other": {} }, "continuum": {} }', 'servers', 'continuum'), false);
    assert.strictEqual(hasJsonServer('', 'servers', 'continuum'), false);
    assert.strictEqual(
      hasJsonServer('{ "servers": { "continuum": { "type": "stdio" } ', 'servers', 'continuum'),
      true,
      'as far as a half-written file reads',
    );
  });
});
