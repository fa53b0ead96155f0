// A writer for lock.test.ts: opens the store at argv[2] with the real lock (stale after argv[3]
// ms), then writes k<n> = <n> one after another, printing a line for each acknowledged one. When
// the store says the lock was lost it prints that and exits 3: the stop a host makes.
import { openStore } from '../../../src/core/store/store';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { nodeLock } from '../../../src/node/lock';
import { currentOwner } from '../../../src/node/lockOwner';
import type { Migration } from '../../../src/core/store/schema';

const kv: Migration[] = [
  { version: 1, description: 'kv', sql: 'CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);' },
];
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const staleMs = Number(process.argv[3]);
  const store = await openStore({
    folder: process.argv[2],
    fs: nodeFileSystem,
    lock: nodeLock({ staleMs, updateMs: staleMs / 3 }),
    owner: currentOwner('lock test writer'),
    migrations: kv,
    idleCompactMs: 0,
    compactAfterRecords: 50,
  });
  store.onDidLoseLock(reason => {
    say({ t: 'lost', reason });
    process.exitCode = 3;
    void store.close().finally(() => process.exit(3));
  });
  say({ t: 'ready', readOnly: store.readOnly });
  for (let n = 0; ; n++) {
    try {
      await store.write(w => w.run('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', [`k${n}`, String(n)]));
      say({ t: 'ack', n });
    } catch (err) {
      say({ t: 'refused', n, name: (err as Error).name });
      return;
    }
    await new Promise(r => setTimeout(r, 5));
  }
}

void main();
