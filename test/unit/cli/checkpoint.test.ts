// `continuum checkpoint` as Claude Code's PreCompact hook runs it (Set Up Agents writes that hook):
// the bundled CLI, a real child process on a real store.
import * as assert from 'assert';
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { nodeLock } from '../../../src/node/lock';
import { bundleForNode } from '../fakes/bundledCli';
import { callAgentTool } from '../../../src/core/agents/index';
import { silentLogger } from '../../../src/core/ports';
import { serveHolder } from '../../../src/node/endpoint/holder';

describe('continuum checkpoint', function () {
  this.timeout(120_000);
  let work: string;
  let cli: string;
  let store: string;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-cli-checkpoint-'));
    const bin = path.join(work, 'bin');
    cli = bundleForNode(bin);
    store = path.join(work, 'store');
    const core = await openContinuum({ folder: store, fs: nodeFileSystem });
    await core.tasks.create({ title: 'Half done' });
    await core.close();
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  // the holder answers in this process: the CLI must not block its event loop
  const runAsync = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>(resolve =>
      execFile(process.execPath, [cli, 'checkpoint', '--store', store, ...args], { cwd: work }, (err, stdout, stderr) =>
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      ),
    );
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, 'checkpoint', '--store', store, ...args], { cwd: work, encoding: 'utf8' });

  it('saves a checkpoint with the note, named after the agent whose hook asked, and says so', async () => {
    const r = run('--note', 'before the conversation was compacted', '--agent', 'Claude Code');
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /checkpoint/i);
    const core = await openContinuum({ folder: store, fs: nodeFileSystem });
    try {
      assert.deepStrictEqual(
        core.sessions.listCheckpoints().map(c => c.note),
        ['Claude Code: before the conversation was compacted'],
      );
    } finally {
      await core.close();
    }
  });

  it('exits 1 (which does not stop a compaction) and saves nothing while another process holds the store read-only here', async () => {
    const holder = await openContinuum({ folder: store, fs: nodeFileSystem, lock: nodeLock() });
    try {
      const r = run('--note', 'refused');
      assert.strictEqual(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /read-only here .*no checkpoint was saved/);
      assert.ok(!holder.sessions.listCheckpoints().some(c => c.note === 'refused'));
    } finally {
      await holder.close();
    }
  });

  it('saves the checkpoint in the process that holds the store when it serves the endpoint, as a VS Code window does', async () => {
    const holder = await openContinuum({ folder: store, fs: nodeFileSystem, lock: nodeLock() });
    const endpoint = await serveHolder(holder, { kind: 'vscode', logger: silentLogger, callTool: callAgentTool });
    try {
      const r = await runAsync('--note', 'while the editor is open', '--agent', 'Claude Code');
      assert.strictEqual(r.status, 0, r.stdout + r.stderr);
      assert.ok(
        holder.sessions.listCheckpoints().some(c => c.note === 'Claude Code: while the editor is open'),
        JSON.stringify(holder.sessions.listCheckpoints().map(c => c.note)),
      );
    } finally {
      await endpoint.close();
      await holder.close();
    }
  });

  it('says what is wrong with its options', () => {
    const r = spawnSync(process.execPath, [cli, 'checkpoint', '--note'], { encoding: 'utf8' });
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /--note needs a value/);
  });
});
