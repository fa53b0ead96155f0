// A lock holder for lock.test.ts: takes the lock at argv[2] (nodeLock, defaults), says "held", and
// on a line on standard input asks whether it still holds it, says the answer, releases it and exits.
import { nodeLock } from '../../../src/node/lock';
import { currentOwner } from '../../../src/node/lockOwner';

async function main(): Promise<void> {
  const lock = await nodeLock().acquire(process.argv[2], currentOwner('lock test holder'));
  if (!('verify' in lock)) throw new Error(`the lock is held by ${JSON.stringify(lock.heldBy)}`);
  process.stdout.write('held\n');
  process.stdin.once('data', () => {
    void (async () => {
      process.stdout.write(`${JSON.stringify({ lost: await lock.verify() })}\n`);
      await lock.release();
      process.exit(0);
    })();
  });
}

main().catch(err => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
