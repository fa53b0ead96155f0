// The store's snapshot copy (src/core/store/snapshotCopy.ts) in a worker thread: one worker per
// store this process writes, started when the store opens and ended when it closes. It holds a
// second copy of the database (its memory is about the size of state.db).
import { Worker } from 'worker_threads';
import type {
  OpenedSnapshot,
  SnapshotCopy,
  SnapshotCopyBase,
  SnapshotCopyFactory,
  WrittenSnapshot,
} from '../core/store/snapshotCopy';
import { joinRecords } from '../core/store/records';
import type { StoreWorkerReply, StoreWorkerRequest } from './storeWorkerProtocol';

/**
 * `workerFile`: the bundled worker (dist/storeWorker.js), or its TypeScript source for tests and
 * benchmarks (loaded through tsx, a development dependency).
 */
/** How long the store's changes wait to go to the worker together (see WorkerSnapshotCopy.apply). */
const sendEveryMs = 50;

export function workerSnapshotCopies(workerFile: string): SnapshotCopyFactory {
  return base => new WorkerSnapshotCopy(workerFile, base);
}

class WorkerSnapshotCopy implements SnapshotCopy {
  readonly checked: Promise<string>;
  readonly opened: Promise<OpenedSnapshot | string | undefined>;
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve(answer: WrittenSnapshot | string): void; reject(err: Error): void }
  >();
  private nextId = 1;
  /** Changes applied to the store and not yet sent to the worker (see apply), and the last one's number. */
  private readonly unsent: Uint8Array[] = [];
  private unsentUpTo = 0;
  /** Why the worker can no longer answer; every later request fails with it. */
  private failure: Error | undefined;
  private settleChecked!: (result: string) => void;
  private checkFailed!: (err: Error) => void;
  private settleOpened: (result: OpenedSnapshot | string) => void = () => undefined;
  private openFailed: (err: Error) => void = () => undefined;

  constructor(workerFile: string, base: SnapshotCopyBase) {
    this.checked = new Promise((resolve, reject) => {
      this.settleChecked = resolve;
      this.checkFailed = reject;
    });
    this.checked.catch(() => undefined); // the store hears of it; nobody else need
    this.opened =
      'snapshotFile' in base
        ? new Promise((resolve, reject) => {
            this.settleOpened = resolve;
            this.openFailed = reject;
          })
        : Promise.resolve(undefined);
    this.opened.catch(() => undefined); // likewise
    // A plain bundled script: none of the host's Node options (loaders, inspector flags) apply to
    // it. The TypeScript source (tests and benchmarks only) is loaded through tsx's require hook.
    this.worker = workerFile.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(workerFile)});`, { eval: true, execArgv: [] })
      : new Worker(workerFile, { execArgv: [] });
    this.worker.unref(); // a store left open does not keep the process alive for its copy
    this.worker.on('message', (reply: StoreWorkerReply) => this.receive(reply));
    this.worker.on('error', err => this.fail(new Error(`The store's snapshot worker failed: ${err.message}`)));
    this.worker.on('exit', code => this.fail(new Error(`The store's snapshot worker stopped (exit code ${code}).`)));
    // The bytes are the store's to give (it read them for this): their buffer is moved, not copied
    // (tens of megabytes on a large store), with the snapshot file's header before them.
    const bytes = 'snapshotFile' in base ? base.snapshotFile : base.database;
    const transfer = bytes && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
    if ('snapshotFile' in base) this.post({ kind: 'loadFile', snapshotFile: base.snapshotFile }, transfer);
    else this.post({ kind: 'load', database: base.database, seq: base.seq, check: base.check }, transfer);
  }

  /**
   * The store's changes reach the worker together, at most every `sendEveryMs`: a message per change
   * cost more of this thread than the change itself (a task's run makes several, a model's turn one).
   * The copy is needed only for a snapshot, and every other request sends what is pending first.
   */
  apply(journal: Uint8Array, upTo: number): void {
    this.unsent.push(journal);
    this.unsentUpTo = upTo;
    if (this.unsent.length === 1) setTimeout(() => this.sendChanges(), sendEveryMs).unref();
  }

  /** Gives the worker the changes not sent yet, as one journal whose buffer moves to it. */
  private sendChanges(): void {
    if (!this.unsent.length) return;
    // a copy even of a single record: its buffer moves to the worker, and the store keeps the record
    const journal = joinRecords(this.unsent.splice(0), true);
    this.post({ kind: 'apply', journal, upTo: this.unsentUpTo }, [journal.buffer as ArrayBuffer]);
  }

  snapshot(seq: number, withBackup = false): Promise<WrittenSnapshot> {
    return this.ask<WrittenSnapshot>(id => this.post({ kind: 'snapshot', id, seq, backup: withBackup }));
  }

  checkBackup(raw: Uint8Array, latestSchemaVersion: number): Promise<string> {
    const transfer = raw.buffer instanceof ArrayBuffer ? [raw.buffer] : [];
    return this.ask<string>(id => this.post({ kind: 'checkBackup', id, raw, latestSchemaVersion }, transfer));
  }

  private ask<T extends WrittenSnapshot | string>(send: (id: number) => void): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: answer => resolve(answer as T), reject });
      send(id);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error("The store's snapshot copy was closed."));
    await this.worker.terminate();
  }

  private post(request: StoreWorkerRequest, transfer: ArrayBuffer[] = []): void {
    if (request.kind !== 'apply') this.sendChanges(); // every request sees the changes made before it
    if (!this.failure) this.worker.postMessage(request, transfer);
  }

  private receive(reply: StoreWorkerReply): void {
    if (reply.kind === 'checked') {
      this.settleChecked(reply.result);
      return;
    }
    if (reply.kind === 'opened') {
      this.settleOpened(reply.result);
      return;
    }
    if (reply.kind === 'error' && reply.id === undefined) {
      this.fail(new Error(`The store's snapshot copy failed: ${reply.message}`));
      return;
    }
    const pending = this.pending.get(reply.id!);
    if (!pending) return;
    this.pending.delete(reply.id!);
    if (reply.kind === 'snapshot')
      pending.resolve({ snapshot: reply.snapshot, ...(reply.backup ? { backup: reply.backup } : {}) });
    else if (reply.kind === 'backupChecked') pending.resolve(reply.result);
    else pending.reject(new Error(reply.message));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.checkFailed(this.failure); // when the check has not answered yet: it never will
    this.openFailed(this.failure); // likewise
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(this.failure);
  }
}
