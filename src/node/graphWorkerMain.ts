// The knowledge graph's worker thread (bundled on its own as dist/graphWorkerMain.js, started through
// dist/graphWorker.js): scans and parses off the extension host's event loop. ts-morph is loaded here and only here.
import * as fs from 'fs';
import { parentPort } from 'worker_threads';
import { ParseSession } from '../core/graph/parseSession';
import type { SourceTree } from '../core/graph/scan';
import type { WorkerReply, WorkerRequest } from './graphWorkerProtocol';
import { phaseClock } from './graphWorkerTimes';

const nodeTree: SourceTree = {
  list(dir) {
    try {
      return fs
        .readdirSync(dir, { withFileTypes: true })
        .map(e => ({ name: e.name, kind: e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other' }));
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  },
  read(path) {
    try {
      return fs.readFileSync(path, 'utf8');
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  },
  size(path) {
    try {
      const stat = fs.statSync(path);
      return stat.isFile() ? stat.size : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  },
};

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM';
}

const port = parentPort;
if (!port) throw new Error('graphWorker.js runs as a worker thread of Continuum; it cannot be started on its own.');
const session = new ParseSession(nodeTree, phaseClock());
const post = (reply: WorkerReply) => port.postMessage(reply);

port.on('message', (request: WorkerRequest) => {
  try {
    if (request.kind === 'build') {
      const reply = session.build(request.request, batch => post({ id: request.id, kind: 'batch', batch }));
      post({ id: request.id, kind: 'built', reply: reply! });
    } else if (request.kind === 'prepare') {
      session.prepare({ ...request.settings, maxFileBytes: 0 });
    } else if (request.kind === 'read') {
      const parsed = session.read(request.request, batch => post({ id: request.id, kind: 'batch', batch }));
      post({ id: request.id, kind: 'read', parsed: parsed! });
    } else {
      post({ id: request.id, kind: 'updated', reply: session.update(request.request) });
    }
  } catch (err) {
    post({ id: request.id, kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
