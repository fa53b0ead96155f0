// The knowledge graph's parser port over a worker thread. The worker starts on the first request
// and stops after a quiet minute once it has loaded TypeScript (ts-morph's memory is given back),
// after ten quiet minutes when it has not (it is small then); cancelling a build stops it at
// once, and so does the end of a build that read many files: a whole-workspace build leaves the worker's heap full of
// garbage (with syntax trees, measured on 2,770 files: about 55 MB of the process's peak), which a
// fresh worker for the next update (about 0.1–0.3 s to start, off the caller's thread) does not carry.
// With more than one reader, a build that reads every file (a new graph) is shared with helper workers
// (sharedBuild.ts): each reads the chunks of files it claims, and the batches come in chunk order.
import type { Worker } from 'worker_threads';
import { sharedBuild } from '../core/graph/sharedBuild';
import {
  CancelledError,
  type BuildReply,
  type BuildRequest,
  type GraphParser,
  type ParseBatch,
  type ReadRequest,
  type ScanFolders,
  type UpdateReply,
  type UpdateRequest,
} from '../core/graph/parser';
import type { WorkerReply, WorkerRequest } from './graphWorkerProtocol';
import { scanAhead, startGraphWorker } from './graphWorkerStart';

type Reply = BuildReply | UpdateReply | number;

interface Pending {
  resolve(reply: Reply): void;
  reject(err: Error): void;
  onBatch?(batch: ParseBatch): void;
  /** Files the request's batches brought so far. */
  read: number;
}

/**
 * A build that read at least this many files stops the worker when it ends (its heap is full of that
 * build's garbage); after a smaller one (a build after a few edits, or one another process asked
 * the holder for) the worker stays for the next, until it has been idle for `idleMs` or `lightIdleMs`.
 */
const stopAfterFiles = 64;

export interface WorkerGraphParserOptions {
  /**
   * How long the worker stays after its last request (ms) once it has loaded TypeScript (whose
   * memory a stop gives back): a minute unless said.
   */
  idleMs?: number;
  /**
   * How long a worker that has not loaded TypeScript stays: ten minutes, or `idleMs` when that is
   * given. It is small then (measured: 11 MB of the process's memory after builds of rxjs's 252 files,
   * 28 MB with what it remembers of PatternFly's 2,272 folders), and a build after an edit took
   * 30–60 ms on it, against 160–200 ms on a new worker (PatternFly, asked through an MCP server).
   */
  lightIdleMs?: number;
  /** How many workers read the files of a build that reads them all (one a core is the most that helps). */
  readers?: number;
  /**
   * Whether the worker remembers folder listings between builds (see nodeSourceTree): yes for a
   * process that builds again (a VS Code window, an agent's MCP server); no for one that builds once.
   */
  rememberFolders?: boolean;
  /**
   * A worker the caller already started (with startGraphWorker and this `rememberFolders`), which
   * becomes this parser's first: `continuum graph build` starts it before the graph's CLI loads.
   */
  started?: Worker;
}

export class WorkerGraphParser implements GraphParser {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly helpers: WorkerGraphParser[] = [];

  private readonly idleMs: number;
  private readonly lightIdleMs: number;
  private readonly rememberFolders: boolean;
  /** The worker has loaded TypeScript. */
  private heavy = false;
  /** Settles once the current worker has said it is ready (started, its code loaded), or has stopped. */
  private ready: Promise<void> = Promise.resolve();
  private onReady: (() => void) | undefined;

  /** `workerFile`: the bundled worker (dist/graphWorker.js). */
  constructor(
    private readonly workerFile: string,
    options: WorkerGraphParserOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 60_000;
    this.lightIdleMs = options.lightIdleMs ?? options.idleMs ?? 10 * 60_000;
    this.rememberFolders = options.rememberFolders ?? true;
    if (options.started) this.adopt(options.started);
    for (let i = 1; i < (options.readers ?? 1); i++)
      this.helpers.push(new WorkerGraphParser(workerFile, { idleMs: this.idleMs, rememberFolders: false }));
  }

  /**
   * Starts the worker now, so that its start overlaps whatever the caller does before the first
   * request; with `helpers`, the helper workers too (when the build will read every file).
   * With `scan`, the worker also scans those folders then, for the next build of them.
   */
  warm(options: { helpers?: boolean; scan?: ScanFolders } = {}): void {
    const worker = this.start();
    if (options.scan) scanAhead(worker, options.scan);
    if (!this.pending.size) this.scheduleIdleStop();
    if (options.helpers) for (const h of this.helpers) h.warm();
  }

  build(request: BuildRequest, onBatch: (batch: ParseBatch) => void, signal?: AbortSignal): Promise<BuildReply> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    // helpers are worth their start-up only when every file is read
    const helpers = request.known.length ? [] : this.helpers;
    const reply = helpers.length
      ? sharedBuild(
          { build: (r, b) => this.buildAlone(r, b), read: (r, b) => this.read(r, b) },
          helpers.map(h => ({ build: (r, b) => h.buildAlone(r, b), read: (r, b) => h.read(r, b) })),
          request,
          onBatch,
        ).catch((err: unknown) => {
          this.stop(err as Error);
          for (const h of helpers) h.stop(err as Error);
          throw err;
        })
      : this.buildAlone(request, onBatch);
    if (!signal) return reply;
    const onAbort = () => {
      this.stop(new CancelledError());
      for (const h of helpers) h.stop(new CancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return reply.finally(() => signal.removeEventListener('abort', onAbort));
  }

  /**
   * Resolves once the worker (started by now, or by warm()) has started and loaded its code, or has
   * stopped; at once when there is none. `continuum graph build` sets V8's flags only then (engine.ts).
   */
  loaded(): Promise<void> {
    return this.ready;
  }

  update(request: UpdateRequest): Promise<UpdateReply> {
    return this.send({ id: this.nextId++, kind: 'update', request }) as Promise<UpdateReply>;
  }

  dispose(): void {
    this.stop(new Error('The knowledge graph was closed.'));
    for (const h of this.helpers) h.dispose();
  }

  private buildAlone(request: BuildRequest, onBatch: (batch: ParseBatch) => void): Promise<BuildReply> {
    return this.send({ id: this.nextId++, kind: 'build', request }, onBatch) as Promise<BuildReply>;
  }

  /** Reads a share of a build another worker scanned; resolves to how many files were new or changed. */
  private read(request: ReadRequest, onBatch: (batch: ParseBatch) => void): Promise<number> {
    return this.send({ id: this.nextId++, kind: 'read', request }, onBatch) as Promise<number>;
  }

  private send(message: WorkerRequest, onBatch?: (batch: ParseBatch) => void): Promise<Reply> {
    const worker = this.start();
    clearTimeout(this.idleTimer);
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject, onBatch, read: 0 });
      worker.postMessage(message);
    });
  }

  private start(): Worker {
    return this.worker ?? this.adopt(startGraphWorker(this.workerFile, { rememberFolders: this.rememberFolders }));
  }

  private adopt(worker: Worker): Worker {
    this.ready = new Promise(resolve => (this.onReady = resolve));
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
    if (reply.kind === 'ready') return this.onReady?.();
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if (reply.kind === 'batch') {
      pending.read += reply.batch.records.length;
      pending.onBatch?.(reply.batch);
      return;
    }
    this.pending.delete(reply.id);
    this.heavy ||= reply.typescript === true;
    const idle = !this.pending.size;
    // nothing is pending: nobody hears the reason
    if ((reply.kind === 'built' || reply.kind === 'read') && idle && pending.read >= stopAfterFiles)
      this.stop(new Error('built'));
    if (reply.kind === 'error')
      pending.reject(new Error(`The knowledge graph worker could not finish: ${reply.message}`));
    else pending.resolve(reply.kind === 'read' ? reply.parsed : reply.reply);
    if (idle && this.worker) this.scheduleIdleStop();
  }

  private scheduleIdleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(new Error('idle')), this.heavy ? this.idleMs : this.lightIdleMs);
    this.idleTimer.unref();
  }

  /** Terminates the worker; whatever was still asked of it is rejected with `reason`. */
  private stop(reason: Error): void {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.heavy = false;
    this.failAll(reason);
    if (worker) void worker.terminate();
  }

  private failAll(reason: Error): void {
    this.onReady?.();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(reason);
  }
}
