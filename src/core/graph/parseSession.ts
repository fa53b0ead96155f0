// What the graph worker does, as plain synchronous code: scan the workspace, hash every file, parse
// the ones whose hash is new. The worker (src/node/graphWorkerMain.ts) and the in-process parser used
// by tests both run this.
import { createHash } from 'crypto';
import { Extractor } from './extract';
import { linkImports } from './graphIndex';
import type { FileFacts, Relation } from './model';
import type {
  BuildReply,
  BuildRequest,
  ParseBatch,
  PhaseClock,
  PhaseMark,
  ParsedFile,
  ScanSettings,
  UpdateReply,
  UpdateRequest,
} from './parser';
import { ModuleResolver } from './resolve';
import { WorkspaceScanner, type SourceTree } from './scan';
import { normalizePath } from './workspacePaths';

const batchSize = 50;
const configNames = /(^|\/)(tsconfig[^/]*\.json|jsconfig\.json|package\.json|\.gitignore)$/;

export class ParseSession {
  private readonly extractor = new Extractor();
  private scanner: { key: string; scanner: WorkspaceScanner } | undefined;

  /** `clock`: marks the end of each phase of a build in its reply (CONTINUUM_GRAPH_TIMES). */
  constructor(
    private readonly tree: SourceTree,
    private readonly clock?: PhaseClock,
  ) {}

  /** Scans and parses. `stop()` is asked between files; when it says yes the build ends early (cancelled). */
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
    const scanner = this.scannerFor(request, true);
    const files = scanner.scan();
    mark(`worker: scanned (${files.length} files)`);
    const present = files.map(f => f.id);
    const config = scanner.projectConfig();
    mark('worker: read the project configuration');
    onBatch({ records: [], done: 0, total: files.length, scanned: { present, config } });
    const known = new Map(request.known);
    const resolver = request.linkEdges ? new ModuleResolver(new Set(present), config) : undefined;
    const link =
      resolver && ((id: string, facts: FileFacts) => edges.push(...linkImports({ id, facts }, resolver).relations));
    let records: ParsedFile[] = [];
    let edges: Relation[] = [];
    let parsed = 0;
    for (let i = 0; i < files.length; i++) {
      if (stop()) return undefined;
      const record = this.read(files[i].path, files[i].id, request.maxFileBytes, known.get(files[i].id), true, link);
      if (record) {
        records.push(record);
        parsed++;
      }
      if (records.length >= batchSize || i === files.length - 1 || (i + 1) % 200 === 0) {
        onBatch({ records, ...(resolver ? { edges } : {}), done: i + 1, total: files.length });
        records = [];
        edges = [];
      }
    }
    mark(`worker: read and extracted (${parsed} new or changed)`);
    return { present, config, ...(this.clock ? { phases } : {}) };
  }

  update(request: UpdateRequest): UpdateReply {
    const touchesConfig = request.paths.some(p => configNames.test(normalizePath(p)));
    const scanner = this.scannerFor(request, touchesConfig);
    const records: ParsedFile[] = [];
    const deleted: string[] = [];
    for (const path of new Set(request.paths.map(normalizePath))) {
      const id = scanner.paths.toId(path);
      if (id === undefined) continue;
      if (!scanner.includes(path) || this.tree.size(path) === undefined) {
        deleted.push(id);
        continue;
      }
      const record = this.read(path, id, request.maxFileBytes, undefined, false);
      if (record) records.push(record);
      else deleted.push(id);
    }
    return { records, deleted, ...(touchesConfig ? { config: scanner.projectConfig() } : {}) };
  }

  /**
   * The file's record, or undefined when it is unchanged (same hash as `knownHash`) or gone. `quick`: facts from
   * tokens where the file allows (builds); an update parses its files in full, which also checks their syntax.
   * `link`: given the facts of the file read.
   */
  private read(
    path: string,
    id: string,
    maxFileBytes: number,
    knownHash: string | undefined,
    quick: boolean,
    link?: (id: string, facts: FileFacts) => void,
  ): ParsedFile | undefined {
    const size = this.tree.size(path);
    if (size === undefined) return undefined;
    if (size > maxFileBytes) {
      const hash = `size:${size}`;
      if (hash === knownHash) return undefined;
      return {
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
    if (hash === knownHash) return undefined;
    const { facts, error } = this.extractor.extract(id, text, { quick });
    link?.(id, facts);
    return {
      id,
      hash,
      size,
      status: error ? 'failed' : 'parsed',
      ...(error ? { error } : {}),
      factsJson: JSON.stringify(facts),
    };
  }

  /** Scanners cache .gitignore rules: kept between updates, made afresh for a build or a changed ignore file. */
  private scannerFor(settings: ScanSettings, fresh: boolean): WorkspaceScanner {
    const key = JSON.stringify([settings.roots, settings.exclude]);
    if (fresh || this.scanner?.key !== key) this.scanner = { key, scanner: new WorkspaceScanner(this.tree, settings) };
    return this.scanner.scanner;
  }
}
