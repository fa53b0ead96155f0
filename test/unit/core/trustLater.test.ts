// A folder trusted after Continuum opened: checkpoints gain their files half at once, and Health
// stops saying that no trusted folder is open (no reload needed).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';

describe('trusting the workspace folder after the store opened', () => {
  it('gives checkpoints their files and clears the state-only report', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-trust-'));
    const folder = path.join(root, 'project');
    fs.mkdirSync(folder);
    execFileSync('git', ['init', '-q', folder]);
    fs.writeFileSync(path.join(folder, 'a.txt'), 'hello\n');
    const core = await openContinuum({ folder: path.join(root, 'store'), fs: nodeFileSystem, idleCompactMs: 0 });
    try {
      assert.equal(core.files, undefined, 'untrusted: task state only');
      assert.deepStrictEqual(
        core.degradations.degradations().map(d => d.capability),
        ['checkpoint'],
      );

      core.useWorkspaceFolder(folder);

      assert.ok(core.files, 'checkpoints now hold the files');
      assert.deepStrictEqual(core.degradations.degradations(), [], 'Health no longer says no trusted folder is open');
      const checkpoint = await core.sessions.createCheckpoint({ trigger: 'manual', note: 'after trust' });
      const record = await core.files.filesFor(checkpoint.id);
      assert.ok(record?.commit, 'the checkpoint has a snapshot of the files');
      core.useWorkspaceFolder(folder); // again: nothing changes
      assert.ok(core.files);
    } finally {
      await core.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
