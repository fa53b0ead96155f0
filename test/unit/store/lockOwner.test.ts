// Whether a lock's owner still exists, with real processes: a store's lock named by a process that
// died is taken at once, also when nobody reaped it yet (a zombie, as under a container's first
// process that reaps no orphans: a killed holder there stayed "alive" until its lock went stale).
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { currentOwner, ownerIsGone } from '../../../src/node/lockOwner';

describe('a store lock owner (real processes)', () => {
  it('is there while it runs, gone once killed, even before anyone reaps it', async function () {
    if (process.platform !== 'linux') this.skip();
    // a zombie whose parent something else killed meanwhile is reaped at once (this machine reuses
    // pids within minutes, and other tests kill processes): then another one is made
    for (let attempt = 1; attempt <= 3; attempt++) {
      // sh starts a sleep in the background, says its pid, and becomes another sleep, which never
      // reaps it: killed, the first sleep stays a zombie until the second one ends
      const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
      try {
        const pid = await new Promise<number>(resolve =>
          parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
        );
        const owner = { description: 'a test holder', pid, host: os.hostname(), since: Date.now() };
        assert.strictEqual(ownerIsGone(owner), false, 'a running process is there');
        process.kill(pid, 'SIGKILL');
        const until = Date.now() + 5_000;
        while (stateOf(pid) !== 'Z' && stateOf(pid) !== undefined && Date.now() < until)
          await new Promise(resolve => setTimeout(resolve, 20));
        if (stateOf(pid) !== 'Z') continue;
        const gone = ownerIsGone(owner);
        if (stateOf(pid) !== 'Z') continue; // reaped during the check: it proves nothing
        assert.strictEqual(gone, true, 'a killed, unreaped process is gone');
        return;
      } finally {
        parent.kill('SIGKILL');
      }
    }
    assert.fail('three times, no killed process stayed a zombie long enough to check');
  });

  it('this process and processes on other machines are never taken for gone', () => {
    assert.strictEqual(ownerIsGone(currentOwner('this process')), false);
    assert.strictEqual(
      ownerIsGone({ description: 'elsewhere', pid: 1 << 22, host: `${os.hostname()}-other`, since: 0 }),
      false,
    );
  });
});

/** The process's state letter in /proc (Z: a zombie), or undefined once it is gone. */
function stateOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
