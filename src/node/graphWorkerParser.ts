// The knowledge graph's parser port over a worker thread. The worker starts on the first request
// and stops after a quiet minute (ts-morph's memory is given back); cancelling a build stops it at
// once, and so does the end of a build: a whole-workspace build leaves the worker's heap full of
// garbage (with syntax trees, measured on 2,770 files: about 55 MB of the process's peak), which a
// fresh worker for the next update (about 0.1–0.3 s to start, off the caller's thread) does not carry.
import { Worker } from 'worker_threads';
import {
  CancelledError,
  type BuildReply,
  type BuildRequest,
  type GraphParser,
  type ParseBatch,
  type UpdateReply,
  type UpdateRequest,
} from '../core/graph/parser';
import type { WorkerReply, WorkerRequest } from './graphWorkerProtocol';

interface Pending {
  resolve(reply: BuildReply | UpdateReply): void;
  reject(err: Error): void;
  onBatch?(batch: ParseBatch): void;
}

export class WorkerGraphParser implements GraphParser {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  /** `workerFile`: the bundled worker (dist/graphWorker.js). */
  constructor(
    private readonly workerFile: string,
    private readonly idleMs = 60_000,
  ) {}

  /** Starts the worker now, so that its loading of TypeScript overlaps whatever the caller does before the first request. */
  warm(): void {
    this.start();
    if (!this.pending.size) this.scheduleIdleStop();
  }

  build(request: BuildRequest, onBatch: (batch: ParseBatch) => void, signal?: AbortSignal): Promise<BuildReply> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    const reply = this.send({ id: this.nextId++, kind: 'build', request }, onBatch) as Promise<BuildReply>;
    if (!signal) return reply;
    const onAbort = () => this.stop(new CancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    return reply.finally(() => signal.removeEventListener('abort', onAbort));
  }

  update(request: UpdateRequest): Promise<UpdateReply> {
    return this.send({ id: this.nextId++, kind: 'update', request }) as Promise<UpdateReply>;
  }

  dispose(): void {
    this.stop(new Error('The knowledge graph was closed.'));
  }

  private send(message: WorkerRequest, onBatch?: (batch: ParseBatch) => void): Promise<BuildReply | UpdateReply> {
    const worker = this.start();
    clearTimeout(this.idleTimer);
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject, onBatch });
      worker.postMessage(message);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // A plain bundled script: none of the host's Node options (loaders such as tsx, inspector flags)
    // apply to it. V8's default young generation: a build reads files from tokens and leaves little
    // garbage, so the 16 MB one that kept syntax trees from piling up only cost time now (measured on
    // PatternFly's 3,176 files: the worker 8 % faster, the process's peak the same, 220–237 MB).
    const worker = new Worker(this.workerFile, { execArgv: [] });
    worker.on('message', (reply: WorkerReply) => this.receive(reply));
    worker.on('error', err =>
      this.stop(
        new Error(
          `The knowledge graph worker failed: ${err.message}. Run the build again; if it keeps failing, see the Continuum output.`,
        ),
      ),
    );
    worker.on('exit', code => {
      if (this.worker === worker) {
        this.worker = undefined;
        this.failAll(
          new Error(`The knowledge graph worker stopped unexpectedly (exit code ${code}). Run the build again.`),
        );
      }
    });
    this.worker = worker;
    return worker;
  }

  private receive(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.kind === 'batch') {
      pending.onBatch?.(reply.batch);
      return;
    }
    this.pending.delete(reply.id);
    const idle = !this.pending.size;
    if (reply.kind === 'built' && idle) this.stop(new Error('built')); // nothing is pending: nobody hears the reason
    if (reply.kind === 'error')
      pending.reject(new Error(`The knowledge graph worker could not finish: ${reply.message}`));
    else pending.resolve(reply.reply);
    if (idle && this.worker) this.scheduleIdleStop();
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(new Error('idle')), this.idleMs);
    this.idleTimer.unref();
  }

  /** Terminates the worker; whatever was still asked of it is rejected with `reason`. */
  private stop(reason: Error): void {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(reason);
    if (worker) void worker.terminate();
  }

  private failAll(reason: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(reason);
  }
}
