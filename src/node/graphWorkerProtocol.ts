// Messages between the knowledge graph (extension host thread) and its worker.
import type {
  BuildReply,
  BuildRequest,
  ParseBatch,
  ReadRequest,
  ScanFolders,
  UpdateReply,
  UpdateRequest,
} from '../core/graph/parser';

export type WorkerRequest =
  | { id: number; kind: 'build'; request: BuildRequest }
  | { id: number; kind: 'read'; request: ReadRequest }
  | { id: number; kind: 'update'; request: UpdateRequest }
  /** Scan ahead of a build (no reply). */
  | { id: number; kind: 'prepare'; settings: ScanFolders };

/** A request's last reply says whether the worker has loaded TypeScript by then (how long it may stay idle). */
export type WorkerReply =
  /** The worker has started and loaded its code (once, before anything else; id 0). */
  | { id: number; kind: 'ready' }
  | { id: number; kind: 'batch'; batch: ParseBatch }
  | ((
      | { id: number; kind: 'built'; reply: BuildReply }
      | { id: number; kind: 'read'; parsed: number }
      | { id: number; kind: 'updated'; reply: UpdateReply }
      | { id: number; kind: 'error'; message: string }
    ) & { typescript?: boolean });

/** What the worker is started with (its workerData). */
export interface GraphWorkerData {
  /** Remember folder listings between builds (nodeSourceTree's rememberFolders). */
  rememberFolders?: boolean;
}
