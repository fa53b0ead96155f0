// What the graph worker does, as plain synchronous code: scan the workspace, hash every file, parse
// the ones whose hash is new. The worker (src/node/graphWorkerMain.ts) and the in-process parser used
// by tests both run this.
import { createHash } from 'crypto';
import { Extractor } from './extract';
import type { ProjectConfig } from './model';
import type {
  BuildReply,
  BuildRequest,
  ParseBatch,
  PhaseClock,
  PhaseMark,
  ParsedFile,
  ReadRequest,
  ScanFolders,
  UpdateReply,
  UpdateRequest,
} from './parser';
import { WorkspaceScanner, type ScannedFile, type SourceTree } from './scan';
import type { FileStat } from './sourceTree';
import { normalizePath } from './workspacePaths';

const batchSize = 50;
const configNames = /(^|\/)(tsconfig[^/]*\.json|jsconfig\.json|package\.json|\.gitignore)$/;

function sizeOnly(size: number | undefined): FileStat | undefined {
  return size === undefined ? undefined : { size };
}

interface Scan {
  files: ScannedFile[];
  config: ProjectConfig;
}

function scanKey(settings: ScanFolders): string {
  return JSON.stringify([settings.roots, settings.exclude]);
}

export class ParseSession {
  private readonly extractor = new Extractor();
  private scanner: { key: string; scanner: WorkspaceScanner } | undefined;
  /** A scan made ahead of a build (prepare), for the next build of the same folders. */
  private prepared: { key: string; scan: Scan; marks: PhaseMark[] } | undefined;

  /** `clock`: marks the end of each phase of a build in its reply (CONTINUUM_GRAPH_TIMES). */
  constructor(
    private readonly tree: SourceTree,
    private readonly clock?: PhaseClock,
  ) {}

  /**
   * Scans and parses. `stop()` is asked between files; when it says yes the build ends early (cancelled).
   * With `request.share`, this session reads only its share of the files (see ReadRequest), and the
   * scan's batch also lists their paths, for the other readers.
   */
  build(
    request: BuildRequest,
    onBatch: (batch: ParseBatch) => void,
    stop: () => boolean = () => false,
  ): BuildReply | undefined {
    const phases: PhaseMark[] = [];
    const mark = (phase: string) => {
      if (this.clock) phases.push({ phase, ...this.clock() });
    };
    mark('worker: request received');
    const prepared = this.prepared?.key === scanKey(request) ? this.prepared : undefined;
    this.prepared = undefined;
    if (prepared) phases.unshift(...prepared.marks);
    const { files, config } = prepared?.scan ?? this.scan(request, mark);
    const present = files.map(f => f.id);
    const paths = request.share ? { paths: files.map(f => f.path) } : {};
    onBatch({ records: [], done: 0, total: files.length, scanned: { present, config, ...paths } });
    const parsed = this.readShare({ ...request, files, config }, onBatch, stop);
    if (parsed === undefined) return undefined;
    mark(`worker: read and extracted (${parsed} new or changed)`);
    return { present, config, ...(this.clock ? { phases } : {}) };
  }

  /**
   * Scans ahead of a build (while the caller gets ready to ask for it): the next build of the same
   * folders and exclusions starts from this scan. A scan that fails is dropped: the build scans again,
   * and reports what failed.
   */
  prepare(settings: ScanFolders): void {
    const marks: PhaseMark[] = [];
    const mark = (phase: string) => {
      if (this.clock) marks.push({ phase: `${phase}, ahead of the build`, ...this.clock() });
    };
    this.prepared = undefined;
    mark('worker: asked to scan');
    try {
      this.prepared = { key: scanKey(settings), scan: this.scan(settings, mark), marks };
    } catch {
      // the build will scan again and say what failed
    }
  }

  private scan(settings: ScanFolders, mark: (phase: string) => void): Scan {
    const scanner = this.scannerFor(settings);
    const files = scanner.scan();
    mark(`worker: scanned (${files.length} files)`);
    const config = scanner.projectConfig();
    mark('worker: read the project configuration');
    return { files, config };
  }

  /**
   * Reads a share of a build's files (another session scanned them). Resolves to how many were new or
   * changed; `stop()` as for build.
   */
  read(
    request: ReadRequest,
    onBatch: (batch: ParseBatch) => void,
    stop: () => boolean = () => false,
  ): number | undefined {
    return this.readShare(
      { ...request, files: request.paths.map((path, i) => ({ path, id: request.present[i] })) },
      onBatch,
      stop,
    );
  }

  /**
   * Reads the files in chunks of `batchSize`, one batch per chunk: every chunk, or with a share the
   * chunks this session claims. The batches of the readers of one build, put in chunk order, are the
   * batches of a build by one.
   */
  private readShare(
    request: Omit<ReadRequest, 'paths' | 'present' | 'share'> & {
      files: ReadonlyArray<{ path: string; id: string }>;
      share?: ReadRequest['share'];
    },
    onBatch: (batch: ParseBatch) => void,
    stop: () => boolean,
  ): number | undefined {
    const { files, share } = request;
    let unshared = 0;
    const claim = share ? () => Atomics.add(share.next, 0, 1) : () => unshared++;
    const known = new Map(request.known.map(([id, hash, stamp]) => [id, { hash, stamp }]));
    let parsed = 0;
    for (let chunk = claim(); chunk * batchSize < files.length; chunk = claim()) {
      const records: ParsedFile[] = [];
      const restamped: Array<[string, string]> = [];
      const restamp = (id: string, stamp: string) => restamped.push([id, stamp]);
      const end = Math.min(files.length, (chunk + 1) * batchSize);
      for (let i = chunk * batchSize; i < end; i++) {
        if (stop()) return undefined;
        const record = this.readFile(
          files[i].path,
          files[i].id,
          request.maxFileBytes,
          known.get(files[i].id),
          true,
          restamp,
        );
        if (record) records.push(record);
      }
      parsed += records.length;
      // a chunk of unchanged files says nothing but progress: by one reader, only the last one is sent
      // (a build after an edit went through 64 such chunks on PatternFly, a message to the caller each);
      // with a share, every chunk is, for the order the readers' batches are put in
      if (!share && !records.length && !restamped.length && end < files.length) continue;
      onBatch({
        records,
        ...(restamped.length ? { restamped } : {}),
        chunk,
        done: end,
        total: files.length,
      });
    }
    return parsed;
  }

  update(request: UpdateRequest): UpdateReply {
    const touchesConfig = request.paths.some(p => configNames.test(normalizePath(p)));
    const scanner = this.scannerFor(request);
    // a configuration file or a .gitignore changed: the folders holding them are found again
    if (touchesConfig) scanner.scan();
    const records: ParsedFile[] = [];
    const deleted: string[] = [];
    for (const path of new Set(request.paths.map(normalizePath))) {
      const id = scanner.paths.toId(path);
      if (id === undefined) continue;
      if (!scanner.includes(path) || this.tree.size(path) === undefined) {
        deleted.push(id);
        continue;
      }
      const record = this.readFile(path, id, request.maxFileBytes, undefined, false);
      if (record) records.push(record);
      else deleted.push(id);
    }
    return { records, deleted, ...(touchesConfig ? { config: scanner.projectConfig() } : {}) };
  }

  /**
   * The file's record, or undefined when it is unchanged (the same stamp or hash as `known`) or gone.
   * `quick`: facts from tokens where the file allows (builds); an update parses its files in full, which
   * also checks their syntax. `restamp`: told of an unchanged file whose stamp is not the known one.
   */
  private readFile(
    path: string,
    id: string,
    maxFileBytes: number,
    known: { hash: string; stamp?: string } | undefined,
    quick: boolean,
    restamp?: (id: string, stamp: string) => void,
  ): ParsedFile | undefined {
    const stat = this.tree.stat ? this.tree.stat(path) : sizeOnly(this.tree.size(path));
    if (stat === undefined) return undefined;
    const { size, stamp } = stat;
    if (stamp !== undefined && stamp === known?.stamp) return undefined;
    const unchanged = (hash: string) => {
      if (hash !== known?.hash) return false;
      if (stamp !== undefined) restamp?.(id, stamp);
      return true;
    };
    if (size > maxFileBytes) {
      const hash = `size:${size}`;
      if (unchanged(hash)) return undefined;
      return {
        ...(stamp !== undefined ? { stamp } : {}),
        id,
        hash,
        size,
        status: 'skipped',
        error: `larger than ${Math.round(maxFileBytes / 1024)} KB (${Math.round(size / 1024)} KB); not parsed`,
        factsJson: JSON.stringify({ lines: 0, declarations: [], imports: [], todos: [] }),
      };
    }
    const text = this.tree.read(path);
    if (text === undefined) return undefined;
    const hash = createHash('sha1').update(text).digest('base64');
    if (unchanged(hash)) return undefined;
    const { facts, error } = this.extractor.extract(id, text, { quick });
    return {
      id,
      hash,
      size,
      ...(stamp !== undefined ? { stamp } : {}),
      status: error ? 'failed' : 'parsed',
      ...(error ? { error } : {}),
      factsJson: JSON.stringify(facts),
    };
  }

  /**
   * One scanner for the same folders and exclusions, from build to build: it keeps the .gitignore
   * rules and the project configuration it read, and reads again what changed.
   */
  private scannerFor(settings: ScanFolders): WorkspaceScanner {
    const key = scanKey(settings);
    if (this.scanner?.key !== key) this.scanner = { key, scanner: new WorkspaceScanner(this.tree, settings) };
    return this.scanner.scanner;
  }
}
