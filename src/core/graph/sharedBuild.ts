// A build shared by several readers (worker threads, on a machine with more than one core): the first
// scans, then every reader claims chunks of the scan's files until none is left. Their batches are
// passed on in chunk order, so the caller sees exactly the batches of a build by one reader.
import type { BuildReply, BuildRequest, ParseBatch, ReadRequest } from './parser';

export interface BuildReader {
  build(request: BuildRequest, onBatch: (batch: ParseBatch) => void): Promise<BuildReply>;
  read(request: ReadRequest, onBatch: (batch: ParseBatch) => void): Promise<unknown>;
}

/** Runs `request` on `first` and `others` together; rejects as soon as one of them fails. */
export function sharedBuild(
  first: BuildReader,
  others: readonly BuildReader[],
  request: BuildRequest,
  onBatch: (batch: ParseBatch) => void,
): Promise<BuildReply> {
  const next = new Int32Array(new SharedArrayBuffer(4));
  const inOrder = chunkOrder(onBatch);
  return new Promise((resolve, reject) => {
    let reply: BuildReply | undefined;
    let running = 1;
    const finished = () => {
      if (--running === 0) resolve(reply!);
    };
    const onFirstBatch = (batch: ParseBatch) => {
      if (!batch.scanned) return inOrder(batch);
      const { paths, ...scanned } = batch.scanned;
      onBatch({ ...batch, scanned });
      if (!paths) throw new Error('The first reader of a shared build sent no paths with its scan.');
      const share: ReadRequest = {
        known: request.known,
        maxFileBytes: request.maxFileBytes,
        present: scanned.present,
        paths,
        config: scanned.config,
        share: { next },
      };
      // the scan's batch comes before the first reader's reply: the others are running before it ends
      for (const reader of others) {
        running++;
        reader.read(share, inOrder).then(finished, reject);
      }
    };
    first.build({ ...request, share: { next } }, onFirstBatch).then(r => {
      reply = r;
      finished();
    }, reject);
  });
}

/** Passes batches on in the order of their chunks (each comes once), holding those that came early. */
export function chunkOrder(onBatch: (batch: ParseBatch) => void): (batch: ParseBatch) => void {
  const early = new Map<number, ParseBatch>();
  let next = 0;
  return batch => {
    early.set(batch.chunk ?? next, batch);
    for (let ready = early.get(next); ready; ready = early.get(next)) {
      early.delete(next++);
      onBatch(ready);
    }
  };
}
