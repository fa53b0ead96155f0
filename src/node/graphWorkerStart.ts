// Starting the knowledge graph's worker thread (dist/graphWorker.js): shared by its parser port and by
// `continuum graph build`, which starts it the moment it finds nobody holding the store, before the
// graph's own CLI has loaded (see graphBuildMain.ts). Its own module so that the 8 KB bundle that asks
// the holder first does not carry the parser port.
import { Worker } from 'worker_threads';
import type { ScanFolders } from '../core/graph/parser';
import type { GraphWorkerData, WorkerRequest } from './graphWorkerProtocol';

/**
 * A new worker. A plain bundled script: none of the host's Node options (loaders such as tsx,
 * inspector flags) apply to it. V8's default young generation: a build reads files from tokens and
 * leaves little garbage, so the 16 MB one that kept syntax trees from piling up only cost time now
 * (measured on PatternFly's 3,176 files: the worker 8 % faster, the process's peak the same, 220–237 MB).
 */
export function startGraphWorker(workerFile: string, data: GraphWorkerData): Worker {
  return new Worker(workerFile, { execArgv: [], workerData: data });
}

/** Asks `worker` to scan `settings`' folders now, ahead of the build that will ask for them (no reply). */
export function scanAhead(worker: Worker, settings: ScanFolders): void {
  worker.postMessage({ id: 0, kind: 'prepare', settings } satisfies WorkerRequest);
}
