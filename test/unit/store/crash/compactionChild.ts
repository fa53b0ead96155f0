// A child for the compaction kills (./compactionKills.ts): opens the kv store in argv[2], writes
// argv[4] keys named <argv[5]>-<i> (a line per acknowledged one), then compacts and SIGKILLs
// itself just before the compaction's argv[3]-th change to the disk. Exits 0 when the compaction
// had fewer changes than that (every boundary was tried). In mode 'fill' (argv[3] = 'fill') it
// writes 16 KB values until the disk refuses one, then exits 0.
import * as path from 'path';
import type { FileSystemPort } from '../../../../src/core/ports';
import { openStore } from '../../../../src/core/store/store';
import { nodeFileSystem } from '../../../../src/node/fileSystem';
import { workerSnapshotCopies } from '../../../../src/node/storeWorker';
import { nodeLock } from '../../../../src/node/lock';
import { currentOwner } from '../../../../src/node/lockOwner';
import { kvMigrations } from './compactionKills';

const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

let armed = false;
let countdown = 0;
const step = () => {
  if (armed && countdown-- === 0) process.kill(process.pid, 'SIGKILL');
};
const killingFs: FileSystemPort = {
  ...nodeFileSystem,
  async writeFileAtomic(file, data) {
    step();
    return nodeFileSystem.writeFileAtomic(file, data);
  },
  async remove(file) {
    step();
    return nodeFileSystem.remove(file);
  },
  async openAppendOnly(file) {
    const inner = await nodeFileSystem.openAppendOnly(file);
    return {
      append: async data => {
        step();
        return inner.append(data);
      },
      close: () => inner.close(),
    };
  },
};

async function main(): Promise<void> {
  const [folder, killAt, count, prefix] = process.argv.slice(2);
  const store = await openStore({
    folder,
    fs: killingFs,
    lock: nodeLock(),
    owner: currentOwner('compaction kill child'),
    migrations: kvMigrations,
    idleCompactMs: 0,
    compactAfterRecords: 1e9,
    compactAfterBytes: 1e12,
    snapshots: workerSnapshotCopies(path.join(__dirname, 'storeWorker.js')),
  });
  if (store.readOnly) throw new Error(`opened read-only: ${store.health().readOnlyReason}`);
  if (store.health().recovery.length) throw new Error(`needed recovery: ${store.health().recovery.join(' | ')}`);
  if (killAt === 'fill') {
    const value = 'x'.repeat(16 * 1024);
    for (let i = 0; ; i++) {
      try {
        await store.write(w => w.run('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', [`${prefix}-${i}`, value]));
      } catch (err) {
        say({ t: 'refused', error: (err as Error).message });
        await store.close().catch(() => undefined); // the disk is full: closing may fail too
        return;
      }
      say({ t: 'ack', k: `${prefix}-${i}` });
    }
  }
  // A store that replayed a journal when it opened compacts behind the open; the compaction counted
  // below must be one of its own, with every step still ahead of it, not the end of that one.
  await store.compact();
  for (let i = 0; i < Number(count); i++) {
    await store.write(w => w.run('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', [`${prefix}-${i}`, String(i)]));
    say({ t: 'ack', k: `${prefix}-${i}` });
  }
  armed = true;
  countdown = Number(killAt);
  await store.compact();
  say({ t: 'compacted' });
  await store.close();
}

main().then(
  () => process.exit(0),
  err => {
    say({ t: 'error', error: (err as Error).stack ?? String(err) });
    process.exit(1);
  },
);
