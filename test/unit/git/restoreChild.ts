// A child process that restores a checkpoint and SIGKILLs itself at one step boundary (argv:
// store folder, workspace, checkpoint id, the step to die at). Used by restoreKills.test.ts.
import { openContinuum } from '../../../src/core/continuum';
import type { RestoreStep } from '../../../src/core/git/checkpointFiles';
import { nodeFileSystem } from '../../../src/node/fileSystem';

async function main(): Promise<void> {
  const [folder, workspaceFolder, checkpointId, killAt] = process.argv.slice(2);
  const core = await openContinuum({ folder, fs: nodeFileSystem, workspaceFolder });
  await core.files!.restore(checkpointId, 'both', 'user', {
    onStep: (step: RestoreStep) => {
      if (step === killAt) process.kill(process.pid, 'SIGKILL');
    },
  });
  await core.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
