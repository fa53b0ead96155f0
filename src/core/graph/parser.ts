// The port between the knowledge graph (on the extension host's thread) and whatever parses files:
// a worker thread in VS Code and the CLI (src/node/graphWorkerParser.ts), the same code in-process
// in unit tests (inProcessParser.ts). Messages are plain data.
import type { FileFacts, FileRecord, ProjectConfig } from './model';

export interface ScanSettings {
  /** Absolute folders of the workspace, with `/` separators. */
  roots: string[];
  /** Extra patterns to leave out, gitignore syntax, relative to each root (`continuum.graph.exclude`). */
  exclude: string[];
  /** Files larger than this are skipped and listed, not parsed. */
  maxFileBytes: number;
}

/** What a scan of the workspace needs: the folders, and what to leave out. */
export type ScanFolders = Pick<ScanSettings, 'roots' | 'exclude'>;

export const defaultMaxFileBytes = 1024 * 1024;

/** A stored file: its id, content hash, and stamp when it has one. */
export type KnownFile = [id: string, hash: string, stamp?: string];

export interface BuildRequest extends ScanSettings {
  /**
   * Content hashes already stored, by file id, with the file's stamp when it was hashed (SourceTree.stat):
   * files with the same stamp are not read again, and files with the same hash are not parsed again.
   */
  known: KnownFile[];
  /**
   * Several readers share the build (the scan's files, in order, in chunks of a batch each): each
   * claims the next chunk to read by adding 1 to `next[0]` (shared memory, so readers on other threads
   * share it too). The others are sent a ReadRequest.
   */
  share?: { next: Int32Array };
}

/** A reader's share of a build that another reader scanned (see BuildRequest.share). */
export interface ReadRequest extends Omit<BuildRequest, 'roots' | 'exclude'> {
  /** The scan's files (ids and absolute paths, in scan order). */
  present: string[];
  paths: string[];
  config: ProjectConfig;
  share: { next: Int32Array };
}

/**
 * A file the parser read: its record with the facts as the JSON text the store keeps, made once in
 * the parser's thread (rather than the facts cloned across threads and stringified again on the
 * caller's, which is the extension host's).
 */
export interface ParsedFile extends Omit<FileRecord, 'facts'> {
  factsJson: string;
  /** The file's stamp when it was read (SourceTree.stat), when it has one. */
  stamp?: string;
}

/** The record of a parsed file, with its facts read back from their JSON (as a reload reads them from the store). */
export function fileRecordOf({ factsJson, stamp: _stamp, ...file }: ParsedFile): FileRecord {
  return { ...file, facts: JSON.parse(factsJson) as FileFacts };
}

export interface ParseBatch {
  /** New or changed files, parsed. */
  records: ParsedFile[];
  /** Unchanged files (the same hash) whose stamp is new: id and stamp. */
  restamped?: Array<[string, string]>;
  /** Which chunk of the scan's files (of `batchSize` each, in order) this batch is. */
  chunk?: number;
  /** Files of the scan up to the end of this batch's chunk. */
  done: number;
  total: number;
  /**
   * In a build's first batch (before any file is read): what the scan found, as the reply will say
   * it, so that the caller can resolve each batch's imports while the parser reads on.
   */
  scanned?: Omit<BuildReply, 'phases'> & {
    /** With BuildRequest.share: the absolute paths of `present`, for the other readers. */
    paths?: string[];
  };
}

export interface BuildReply {
  /** Every file id the scan found (changed or not): stored files missing here were deleted. */
  present: string[];
  config: ProjectConfig;
  /** When each phase of the parser's work ended, if it was given a clock (CONTINUUM_GRAPH_TIMES). */
  phases?: PhaseMark[];
}

/** The end of a phase of work: wall-clock time (ms since the epoch) and the CPU time its thread had used by then (ms). */
export interface PhaseMark {
  phase: string;
  at: number;
  cpuMs: number;
}

/** Now, as a PhaseMark counts it. */
export type PhaseClock = () => Omit<PhaseMark, 'phase'>;

export interface UpdateRequest extends ScanSettings {
  /** Absolute paths that were created, changed, deleted or renamed (both names). */
  paths: string[];
}

export interface UpdateReply {
  records: ParsedFile[];
  /** Ids of files that no longer exist or are now excluded. */
  deleted: string[];
  /** Present when one of the paths was a tsconfig.json or package.json: resolution must start again. */
  config?: ProjectConfig;
}

export interface GraphParser {
  /** Scans the roots and parses what changed, reporting batches as they are done. Rejects with a CancelledError when `signal` aborts. */
  build(request: BuildRequest, onBatch: (batch: ParseBatch) => void, signal?: AbortSignal): Promise<BuildReply>;
  update(request: UpdateRequest): Promise<UpdateReply>;
  dispose(): void;
}

export class CancelledError extends Error {
  constructor() {
    super(
      'The knowledge graph build was cancelled; what was parsed so far is kept, and the next build continues from there.',
    );
    this.name = 'CancelledError';
  }
}
