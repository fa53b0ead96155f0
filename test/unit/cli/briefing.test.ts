// `continuum briefing` as an agent's session hook runs it: the CLI bundled as it ships, a real child
// process on a real store, markdown by default and JSON on request (issue 16).
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { callAgentTool } from '../../../src/core/agents/index';
import type { Briefing } from '../../../src/core/agents/briefing';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { bundleForNode } from '../fakes/bundledCli';

describe('continuum briefing', function () {
  this.timeout(120_000);
  let work: string;
  let cli: string;
  let store: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-cli-briefing-'));
    const bin = path.join(work, 'bin');
    cli = bundleForNode(bin);
    store = path.join(work, 'store');
    const core = await openContinuum({ folder: store, fs: nodeFileSystem });
    await core.context.addNote({ title: 'Use pnpm', body: 'Decided: pnpm workspaces.', tags: ['decision'] }, 'user');
    await core.tasks.createMany([
      { title: 'Set up the database', priority: 'high' },
      { title: 'Write the <b>login</b> page' },
    ]);
    await callAgentTool(
      { core, agent: { id: 'claude#1', name: 'Claude Code' }, trusted: true },
      'continuum_next_task',
      {},
    );
    await core.close();
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, 'briefing', '--store', store, ...args], { cwd: work, encoding: 'utf8' });

  it('prints the briefing as markdown: notes, the task an agent holds and who, what is ready next', () => {
    const r = run();
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^# Continuum briefing/);
    assert.match(r.stdout, /\*\*Use pnpm\*\* \[decision\]: Decided\\: pnpm workspaces\\\./); // stored text escaped: inert markdown
    assert.match(r.stdout, /## Tasks agents hold\n- Set up the database .* held by Claude Code · lease until /);
    assert.match(r.stdout, /## Ready next\n1\. Write the \\<b\\>login\\<\/b\\> page/);
  });

  it('prints one JSON object with --format json, detailed with --detail detailed', () => {
    const r = run('--format', 'json', '--detail', 'detailed');
    assert.strictEqual(r.status, 0, r.stderr);
    const b = JSON.parse(r.stdout) as Briefing;
    assert.strictEqual(b.detail, 'detailed');
    assert.deepStrictEqual(
      b.held.map(t => [t.title, t.heldBy]),
      [['Set up the database', 'Claude Code']],
    );
    assert.deepStrictEqual(
      b.ready.map(t => t.title),
      ['Write the <b>login</b> page'],
    );
  });

  it('finds the store VS Code uses for a workspace folder given with --workspace, or the current folder', () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-briefing-ws-'));
    try {
      // a workspace that names its store in its settings, as continuum.storagePath does
      fs.mkdirSync(path.join(project, '.vscode'));
      fs.writeFileSync(
        path.join(project, '.vscode', 'settings.json'),
        JSON.stringify({ 'continuum.storagePath': store }),
      );
      for (const r of [
        spawnSync(process.execPath, [cli, 'briefing', '--workspace', project], { encoding: 'utf8' }),
        spawnSync(process.execPath, [cli, 'briefing'], { cwd: project, encoding: 'utf8' }),
      ]) {
        assert.strictEqual(r.status, 0, r.stderr);
        assert.match(r.stdout, /Set up the database/);
      }
      const both = spawnSync(process.execPath, [cli, 'briefing', '--workspace', project, '--store', store], {
        encoding: 'utf8',
      });
      assert.strictEqual(both.status, 2);
      assert.match(both.stderr, /give --workspace or --store, not both/);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it('says what is wrong with its options', () => {
    const r = run('--format', 'html');
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /--format takes markdown or json, not 'html'/);
  });
});
