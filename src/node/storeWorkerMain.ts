// The store's snapshot copy in a worker thread (bundled as dist/storeWorker.js): it replays the
// store's journal records into its own sql.js database and exports snapshots from it, so that the
// extension host's thread never runs the export. See src/core/store/snapshotCopy.ts.
import { parentPort } from 'worker_threads';
import { gzipSync } from 'zlib';
import { checkBackup } from '../core/store/backupCheck';
import { backupCompression } from '../core/store/layout';
import { DatabaseCopy, openSnapshotFile } from '../core/store/snapshotCopy';
import type { StoreWorkerReply, StoreWorkerRequest } from './storeWorkerProtocol';

const port = parentPort;
if (!port) throw new Error('storeWorker.js runs as a worker thread of Continuum; it cannot be started on its own.');
const post = (reply: StoreWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

let copy: Promise<DatabaseCopy> | undefined;
let failed: string | undefined;
/** Requests are handled one at a time, in the order they came (loading is asynchronous). */
let queue: Promise<void> = Promise.resolve();

port.on('message', (request: StoreWorkerRequest) => {
  if (request.kind === 'checkBackup') {
    // not the copy's work: a problem with a backup is an answer, never a failure of the copy
    void checkBackup(request.raw, request.latestSchemaVersion).then(result =>
      post({ kind: 'backupChecked', id: request.id, result }),
    );
    return;
  }
  queue = queue
    .then(() => handle(request))
    .catch((err: unknown) => {
      failed ??= err instanceof Error ? err.message : String(err);
      post({ kind: 'error', ...(request.kind === 'snapshot' ? { id: request.id } : {}), message: failed });
    });
});

async function handle(request: StoreWorkerRequest): Promise<void> {
  if (failed) throw new Error(failed);
  if (request.kind === 'load') {
    copy = DatabaseCopy.load({ database: request.database, seq: request.seq });
    const loaded = await copy;
    post({ kind: 'checked', result: request.check ? loaded.check() : 'ok' });
    return;
  }
  if (request.kind === 'loadFile') {
    // The checksum, and the store's copy of the database, cost this thread, not the store's.
    const opened = openSnapshotFile(request.snapshotFile);
    if (typeof opened === 'string') {
      post({ kind: 'opened', result: opened });
      failed = `the snapshot file could not be used (${opened})`;
      return;
    }
    post({ kind: 'opened', result: opened.forStore }, [opened.forStore.database.buffer as ArrayBuffer]);
    copy = DatabaseCopy.load({ database: opened.snapshot.database, seq: opened.snapshot.seq });
    post({ kind: 'checked', result: (await copy).check() });
    return;
  }
  if (request.kind === 'checkBackup') return; // answered as it came (see above)
  if (!copy) throw new Error('the snapshot copy was asked for something before it was loaded');
  const loaded = await copy;
  if (request.kind === 'apply') {
    loaded.apply(request.journal, request.upTo);
    return;
  }
  const snapshot = loaded.snapshot(request.seq);
  // Compressed here, in one go: this thread has nothing else to do meanwhile.
  const backup = request.backup ? new Uint8Array(gzipSync(snapshot, backupCompression)) : undefined;
  post({ kind: 'snapshot', id: request.id, snapshot, ...(backup ? { backup } : {}) }, [
    snapshot.buffer as ArrayBuffer,
    ...(backup ? [backup.buffer as ArrayBuffer] : []),
  ]);
}
