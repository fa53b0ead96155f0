// A child process that restores a checkpoint (tasks and files), for restoreKillHarness.ts (argv:
// store folder, workspace, checkpoint id, and the step boundary to SIGKILL itself at, or '' to
// run until its parent kills it). Prints "open" once the store is open and "restored" at the end.
import { openContinuum } from '../../../src/core/continuum';
import type { RestoreStep } from '../../../src/core/git/checkpointFiles';
import { nodeFileSystem } from '../../../src/node/fileSystem';

async function main(): Promise<void> {
  const [folder, workspaceFolder, checkpointId, killAt] = process.argv.slice(2);
  const core = await openContinuum({ folder, fs: nodeFileSystem, workspaceFolder });
  process.stdout.write('open\n');
  await core.files!.restore(checkpointId, 'both', 'user', {
    onStep: (step: RestoreStep) => {
      if (step === killAt) process.kill(process.pid, 'SIGKILL');
    },
  });
  await core.close();
  process.stdout.write('restored\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
