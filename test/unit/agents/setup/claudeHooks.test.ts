import * as assert from 'assert';
import { parse } from 'jsonc-parser';
import { continuumHooks, mergeClaudeHooks } from '../../../../src/core/agents/setup';

const inputs = {
  cliPath: '/ext/dist/cli.js',
  store: '/storage/ws 1',
  workspace: '/work/my app',
  platform: 'linux' as const,
};

const settings = `{
  // the team's settings
  "permissions": { "allow": ["Bash(npm test)"] },
  "hooks": {
    "SessionStart": [
      { "matcher": "startup", "hooks": [{ "type": "command", "command": "echo hello" }] }
    ]
  }
}
`;

type Settings = {
  permissions: unknown;
  hooks: Record<string, Array<{ matcher: string; hooks: Array<{ command: string }> }>>;
};

describe("Claude Code's session hooks", () => {
  it('run the briefing on startup, resume, clear and compaction, and a checkpoint before compaction, with quoted paths', () => {
    const [start, compact] = continuumHooks(inputs);
    assert.strictEqual(start.event, 'SessionStart');
    assert.strictEqual(start.group.matcher, 'startup|resume|clear|compact');
    assert.strictEqual(
      start.group.hooks[0].command,
      "node /ext/dist/cli.js briefing --format markdown --store '/storage/ws 1'",
    );
    assert.strictEqual(compact.event, 'PreCompact');
    assert.strictEqual(
      compact.group.hooks[0].command,
      "node /ext/dist/cli.js checkpoint --store '/storage/ws 1' --workspace '/work/my app' --agent 'Claude Code' --note 'before the conversation was compacted'",
    );
  });

  it("are added beside the person's own hooks, keeping comments and other settings", () => {
    const out = mergeClaudeHooks(settings, '.claude/settings.json', inputs);
    assert.strictEqual(out.kind, 'write');
    if (out.kind !== 'write') return;
    assert.match(out.text, /\/\/ the team's settings/);
    const value = parse(out.text) as Settings;
    assert.deepStrictEqual(value.permissions, { allow: ['Bash(npm test)'] });
    assert.deepStrictEqual(
      value.hooks.SessionStart.map(g => g.matcher),
      ['startup', 'startup|resume|clear|compact'],
    );
    assert.strictEqual(value.hooks.PreCompact.length, 1);
    assert.deepStrictEqual(
      mergeClaudeHooks(out.text, '.claude/settings.json', inputs),
      { kind: 'unchanged' },
      'a second run changes nothing',
    );
  });

  it('treat an earlier Continuum hook with another path as a conflict, and can add the missing one without replacing it', () => {
    const old = JSON.stringify({
      hooks: {
        SessionStart: [
          {
            matcher: 'startup',
            hooks: [{ type: 'command', command: 'node /old/dist/cli.js briefing --format markdown --workspace /w' }],
          },
        ],
      },
    });
    const out = mergeClaudeHooks(old, '.claude/settings.json', inputs);
    assert.strictEqual(out.kind, 'conflict');
    if (out.kind !== 'conflict') return;
    assert.match(out.existing, /\/old\/dist\/cli\.js/);
    const replaced = parse(out.text) as Settings;
    assert.strictEqual(replaced.hooks.SessionStart.length, 1);
    assert.match(replaced.hooks.SessionStart[0].hooks[0].command, /\/ext\/dist\/cli\.js/);
    const kept = parse(out.otherwise!) as Settings;
    assert.match(kept.hooks.SessionStart[0].hooks[0].command, /\/old\/dist\/cli\.js/);
    assert.strictEqual(kept.hooks.PreCompact.length, 1);
  });

  it('refuse hooks that are not in the documented shape', () => {
    assert.throws(
      () => mergeClaudeHooks('{ "hooks": { "SessionStart": {} } }', 's.json', inputs),
      /"hooks\.SessionStart" in s\.json is not a list/,
    );
    assert.throws(() => mergeClaudeHooks('{ "hooks": [] }', 's.json', inputs), /"hooks" in s\.json is not an object/);
    assert.throws(() => mergeClaudeHooks('{ "hooks": ', 's.json', inputs), /not valid JSON/);
  });
});
