// The store's snapshot copy in a real worker thread, as the tests start it: the TypeScript source,
// loaded through tsx. STORE_SNAPSHOT_COPY=worker runs the store's other tests with it as well.
import * as path from 'path';
import { workerSnapshotCopies } from '../../../src/node/storeWorker';

export const testSnapshotCopies = workerSnapshotCopies(path.join(__dirname, '../../../src/node/storeWorkerMain.ts'));

/** The copy when STORE_SNAPSHOT_COPY=worker asks for it, else none (the store exports on its own thread). */
export const snapshotCopiesFromEnvironment =
  process.env.STORE_SNAPSHOT_COPY === 'worker' ? { snapshots: testSnapshotCopies } : {};
