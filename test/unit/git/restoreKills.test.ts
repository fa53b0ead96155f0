// System tier: a restore killed (SIGKILL, a real child process) at each of its step boundaries,
// then a second restore. Nothing the checkpoint never saw is destroyed, the branch never moves,
// and the second restore finishes the job.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { openContinuum } from '../../../src/core/continuum';
import type { RestoreStep } from '../../../src/core/git/checkpointFiles';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { cleanup, fingerprint, git, makeRepo, read, tempDir, write } from './realRepo';

const steps: RestoreStep[] = ['files saved', 'state saved', 'backup linked', 'files removed', 'files written'];
const child = path.join(__dirname, 'restoreChild.ts');

/** What no snapshot saw, or git ignores: a restore must leave each byte of it. */
const personal: Record<string, string> = {
  'mine.txt': "a person's file, made after the last snapshot\n",
  'ignored/new.txt': 'ignored, made after the checkpoint\n',
  'ignored/cache.txt': 'ignored\n',
  'debug.log': 'ignored log\n',
  out: 'an untracked file where the checkpoint had a folder\n',
  'vendor/lib/lib.js': 'module.exports = 1;\n',
};

function runChild(
  storeDir: string,
  root: string,
  checkpointId: string,
  killAt: RestoreStep,
): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, storeDir, root, checkpointId, killAt], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) =>
      code ? reject(new Error(`the restoring child failed: ${stderr}`)) : resolve(signal ?? code),
    );
  });
}

function assertNothingDestroyed(root: string, before: Record<string, string>, elsewhere: string, when: string): void {
  for (const [file, content] of Object.entries(personal)) assert.equal(read(root, file), content, `${file} ${when}`);
  assert.ok(lstatSync(path.join(root, 'link')).isSymbolicLink(), `the link ${when}`);
  assert.equal(readlinkSync(path.join(root, 'link')), elsewhere);
  assert.deepEqual(fingerprint(root), before, `HEAD, index, branches, stash ${when}`);
  assert.equal(git(root, 'symbolic-ref', 'HEAD').trim(), 'refs/heads/main');
}

describe('a restore killed at each step boundary, then restored again (system tier: real git, real SIGKILL)', function () {
  this.timeout(180_000);
  for (const killAt of steps) {
    it(`killed after '${killAt}': nothing the checkpoint never saw is destroyed, the branch never moves, and a second restore finishes`, async () => {
      const root = makeRepo();
      const storeDir = tempDir('store');
      const elsewhere = tempDir('elsewhere');
      try {
        let core = await openContinuum({ folder: storeDir, fs: nodeFileSystem, workspaceFolder: root });
        const sessionId = (await core.sessions.create({ name: 'killed restore', taskIds: [] })).id;
        write(root, 'out/a.txt', 'in the checkpoint\n');
        const { checkpoint } = await core.files!.createCheckpoint({ sessionId, trigger: 'manual' });
        write(root, 'src/a.ts', 'agent edit\n');
        write(root, 'seen.ts', 'made by the agent, seen by a snapshot\n');
        rmSync(path.join(root, 'out'), { recursive: true });
        await core.files!.createCheckpoint({ sessionId, trigger: 'every-n-tasks' }, 'executor');
        for (const [file, content] of Object.entries(personal)) write(root, file, content);
        symlinkSync(elsewhere, path.join(root, 'link'));
        await core.close();
        const before = fingerprint(root);

        assert.equal(await runChild(storeDir, root, checkpoint.id, killAt), 'SIGKILL');
        assertNothingDestroyed(root, before, elsewhere, `after a kill at '${killAt}'`);

        core = await openContinuum({ folder: storeDir, fs: nodeFileSystem, workspaceFolder: root });
        await core.files!.restore(checkpoint.id, 'both');
        await core.close();
        assertNothingDestroyed(root, before, elsewhere, 'after the second restore');
        assert.equal(read(root, 'src/a.ts'), 'export const a = 1;\n');
        assert.ok(!existsSync(path.join(root, 'seen.ts')), 'the file a snapshot saw created is removed');
        assert.equal(read(elsewhere, 'a.txt'), undefined, 'nothing written through the link');
      } finally {
        cleanup(root, storeDir, elsewhere);
      }
    });
  }
});
