// The knowledge graph's worker thread (bundled on its own as dist/graphWorkerMain.js, started through
// dist/graphWorker.js): scans and parses off the extension host's event loop. ts-morph's TypeScript is
// loaded here and only here, and only when a file first needs the parser (most are read from tokens).
import { parentPort, workerData } from 'worker_threads';
import { ParseSession } from '../core/graph/parseSession';
import type { GraphWorkerData, WorkerReply, WorkerRequest } from './graphWorkerProtocol';
import { phaseClock } from './graphWorkerTimes';
import { nodeSourceTree } from './graphWorkerTree';

const port = parentPort;
if (!port) throw new Error('graphWorker.js runs as a worker thread of Continuum; it cannot be started on its own.');
const data = (workerData ?? {}) as GraphWorkerData;
// a worker that remembers folders builds again and again: it also watches them
const remember = data.rememberFolders === true;
const tree = nodeSourceTree({ rememberFolders: remember, watchFolders: remember });
const session = new ParseSession(tree, phaseClock());
/** Whether TypeScript (dist/typescript.js, beside this bundle) has been loaded by now. */
const typescriptLoaded = () => Object.keys(require.cache).some(file => /[\\/]typescript\.js$/.test(file));
const post = (reply: WorkerReply) =>
  port.postMessage(reply.kind === 'batch' || !typescriptLoaded() ? reply : { ...reply, typescript: true });

// each request waits for the end of the event loop's poll phase: the folder watches have reported
// by then every change made before the request was sent
port.on('message', (request: WorkerRequest) => setImmediate(() => tree.request(request.kind, () => handle(request))));
post({ id: 0, kind: 'ready' });

function handle(request: WorkerRequest): void {
  try {
    if (request.kind === 'build') {
      const reply = session.build(request.request, batch => post({ id: request.id, kind: 'batch', batch }));
      post({ id: request.id, kind: 'built', reply: reply! });
    } else if (request.kind === 'prepare') {
      session.prepare(request.settings);
    } else if (request.kind === 'read') {
      const parsed = session.read(request.request, batch => post({ id: request.id, kind: 'batch', batch }));
      post({ id: request.id, kind: 'read', parsed: parsed! });
    } else {
      post({ id: request.id, kind: 'updated', reply: session.update(request.request) });
    }
  } catch (err) {
    post({ id: request.id, kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
}
