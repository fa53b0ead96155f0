// The knowledge graph of the workspace, on the store: built by a parser off the calling thread,
// stored file by file with content hashes (a rebuild parses only what changed), updated per file,
// and queried through an in-memory index loaded on first use.
import { Emitter, type Disposable } from '../events';
import { silentLogger, systemClock, type Clock, type Logger } from '../ports';
import type { Store } from '../store/types';
import { toDot, toJson, toMermaid, type GraphJson, type TextExportOptions } from './exportGraph';
import { changedSurface, countStatuses, GraphIndex, linkImports, type Affected } from './graphIndex';
import {
  addEdges,
  deleteFiles,
  loadEdgesInto,
  loadFiles,
  loadFilesById,
  loadSettings,
  saveEdges,
  saveFiles,
  saveSettings,
  saveStamps,
} from './graphStore';
import {
  assetPrefix,
  GraphError,
  type BuildProgress,
  type Component,
  type FileRecord,
  type GraphStatistics,
  type ProjectConfig,
} from './model';
import { ModuleResolver } from './resolve';
import { StoredHashes } from './storedHashes';
import {
  CancelledError,
  defaultMaxFileBytes,
  fileRecordOf,
  type GraphParser,
  type ParseBatch,
  type PhaseMark,
  type ScanSettings,
} from './parser';
import { workspacePaths } from './workspacePaths';

export interface BuildOptions {
  roots: string[];
  exclude?: string[];
  maxFileBytes?: number;
  signal?: AbortSignal;
  onProgress?(progress: BuildProgress): void;
  /**
   * Called as each phase of the build ends (CONTINUUM_GRAPH_TIMES): with `mark` for the parser's
   * phases, which ended on its own thread, at that time.
   */
  onPhase?(phase: string, mark?: PhaseMark): void;
}

export interface BuildSummary {
  /** Source files in the workspace. */
  files: number;
  /** Files parsed this time (new or changed); the rest had the same content hash. */
  parsed: number;
  failed: number;
  skipped: number;
  removed: number;
  durationMs: number;
  cancelled: boolean;
}

/**
 * A build that stored at least this many files compacts the store afterwards: the next open (the
 * next `continuum graph build`, a window reload) then loads one snapshot instead of replaying a
 * journal record per batch of files.
 */
const compactAfterFiles = 64;

export interface GraphChange {
  /** Files whose components or relations changed. */
  files: string[];
}

export class KnowledgeGraph {
  private readonly changed = new Emitter<GraphChange>();
  readonly onDidChange = this.changed.event;
  private loaded: GraphIndex | undefined;
  /**
   * After a build of a new graph: how to make its index from the files the build received, on the
   * first query (the CLI makes none; linking every file again was a tenth of its build).
   */
  private unlinked: (() => GraphIndex) | undefined;
  private parser: GraphParser | undefined;
  private readonly hashes = new StoredHashes();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly following: Disposable | undefined;

  constructor(
    private readonly store: Store,
    private readonly makeParser: () => GraphParser,
    private readonly clock: Clock = systemClock,
    private readonly logger: Logger = silentLogger,
  ) {
    // A read-only store changes only by following the journal of the process that holds it (a
    // replica): the graph that process built or updated is read again on the next query.
    if (store.readOnly)
      this.following = store.onDidChange(change => {
        if (change.tables.has('graph_files') || change.tables.has('meta')) this.forget();
      });
  }

  // ---- building ----

  /** Builds (or brings up to date) the graph of `roots`. Resolves with `cancelled: true` when the signal aborted; what was parsed is kept. */
  build(options: BuildOptions): Promise<BuildSummary> {
    return this.serial(() => this.doBuild(options));
  }

  /**
   * Brings the graph up to date with files that were created, changed, deleted or renamed (give both
   * names). Does nothing before the first build. Resolves to the files whose relations changed.
   */
  updateFiles(paths: readonly string[]): Promise<string[]> {
    return this.serial(async () => {
      const { settings } = loadSettings(this.store);
      if (!settings || !paths.length) return [];
      const reply = await this.parserNow().update({ ...settings, paths: [...paths] });
      const index = this.index();
      const deleted = reply.deleted.filter(id => index.file(id));
      if (!reply.records.length && !deleted.length && !reply.config) return [];
      const relinked = index.apply(reply.records.map(fileRecordOf), deleted, reply.config);
      await this.remembering(
        this.store.write(w => {
          saveFiles(w, reply.records);
          deleteFiles(w, deleted);
          if (reply.config) saveSettings(w, { config: reply.config });
          saveEdges(w, id => index.moduleRelationsOf(id), relinked);
        }, 'system'),
      );
      this.hashes.saved(reply.records);
      this.hashes.deleted(deleted);
      this.changed.fire({ files: relinked });
      return relinked;
    });
  }

  /** Whether a build has stored anything yet. */
  get isBuilt(): boolean {
    return loadSettings(this.store).builtAt !== undefined;
  }

  /** The folders and settings of the last build. */
  get settings(): ScanSettings | undefined {
    return loadSettings(this.store).settings;
  }

  /** The file id of an absolute path, when it lies in the graph's folders. */
  fileIdOf(absolutePath: string): string | undefined {
    const settings = this.settings;
    return settings ? workspacePaths(settings.roots).toId(absolutePath) : undefined;
  }

  /** The absolute path of a file id. */
  pathOf(fileId: string): string | undefined {
    const settings = this.settings;
    return settings ? workspacePaths(settings.roots).toPath(fileId) : undefined;
  }

  dispose(): void {
    this.following?.dispose();
    this.parser?.dispose();
    this.parser = undefined;
    this.changed.dispose();
  }

  // ---- queries ----

  /** The index the queries run on (loaded from the store on first use). */
  index(): GraphIndex {
    if (!this.loaded && this.unlinked) {
      this.loaded = this.unlinked();
      this.unlinked = undefined;
    }
    if (!this.loaded) {
      const started = this.clock.now();
      const { config } = loadSettings(this.store);
      this.loaded = new GraphIndex(loadFiles(this.store), config);
      if (this.loaded.fileCount)
        this.logger.info(
          `knowledge graph: loaded ${this.loaded.fileCount} files from the store in ${this.clock.now() - started} ms`,
        );
    }
    return this.loaded;
  }

  getComponent(id: string): Component | undefined {
    return this.index().getComponent(id);
  }

  getDependencies(id: string, options: { recursive?: boolean } = {}): Component[] {
    return this.index().getDependencies(this.require(id), options);
  }

  getDependents(id: string, options: { recursive?: boolean } = {}): Component[] {
    return this.index().getDependents(this.require(id), options);
  }

  /** What may break if a component or file (id, or absolute path) changes. */
  findAffectedComponents(idOrFile: string): Affected[] {
    const fileId = this.fileIdOf(idOrFile) ?? idOrFile;
    const id = this.index().getComponent(idOrFile) ? idOrFile : (this.fileComponent(fileId)?.id ?? fileId);
    return this.index().findAffectedComponents(this.require(id));
  }

  /** A file's module, or the asset node of a file that modules import but the graph does not parse (a stylesheet, image, JSON …). */
  fileComponent(fileId: string): Component | undefined {
    return this.index().getComponent(fileId) ?? this.index().getComponent(`${assetPrefix}${fileId}`);
  }

  findCycles(): string[][] {
    return this.index().findCycles();
  }

  getStatistics(): GraphStatistics {
    return this.index().getStatistics();
  }

  search(name: string, limit?: number): Component[] {
    return this.index().search(name, limit);
  }

  exportJson(): GraphJson {
    return toJson(this.index());
  }

  exportMermaid(options?: TextExportOptions): string {
    return toMermaid(this.index(), options);
  }

  exportDot(options?: TextExportOptions): string {
    return toDot(this.index(), options);
  }

  // ---- helpers ----

  /** Drops the index in memory: the next query loads it from the store. */
  private forget(): void {
    this.loaded = undefined;
    this.unlinked = undefined;
  }

  private require(id: string): string {
    if (this.index().getComponent(id)) return id;
    const hint = this.index().fileCount
      ? `search for it by name, or rebuild the graph if the file is new`
      : 'build the knowledge graph first (Continuum: Build Knowledge Graph)';
    throw new GraphError(`The knowledge graph has no component "${id}": ${hint}.`);
  }

  private parserNow(): GraphParser {
    this.parser ??= this.makeParser();
    return this.parser;
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined); // the next job runs whether or not this one failed; the caller still sees the failure
    return run;
  }

  private async doBuild(options: BuildOptions): Promise<BuildSummary> {
    const started = this.clock.now();
    const phase = (name: string) => options.onPhase?.(name);
    const settings: ScanSettings = {
      roots: options.roots,
      exclude: options.exclude ?? [],
      maxFileBytes: options.maxFileBytes ?? defaultMaxFileBytes,
    };
    if (!settings.roots.length)
      throw new GraphError('There is no folder to build a knowledge graph of: open a folder first.');
    if (this.store.readOnly)
      throw new GraphError(
        `The knowledge graph cannot be built here: ${this.store.health().readOnlyReason ?? 'the store is read-only'}`,
      );
    // a build works from the store or from an index it keeps up to date, not from one still to be made
    if (this.unlinked) this.forget();
    const previous = loadSettings(this.store);
    const sameSettings = !!previous.settings && JSON.stringify(previous.settings) === JSON.stringify(settings);
    const known = sameSettings ? this.hashes.list(this.store) : [];
    // a rebuild with the graph not yet in memory (the CLI, a build right after a reload) works from the
    // store: it keeps what the changed files were, for finding whose relations they change
    const fromStore = sameSettings && !this.loaded;
    const replaced: FileRecord[] = [];
    const received: FileRecord[] = [];
    const writes: Array<Promise<void>> = [];
    /**
     * Batches are stored as they come, and the writes awaited together at the end: a write that
     * fails meanwhile (a full disk, a lost lock) is reported then, as the build's failure, rather
     * than left unhandled until the parser has read on (which ended the CLI with a stack trace).
     */
    const storing = (write: Promise<void>) => {
      const stored = this.remembering(write);
      stored.catch(() => undefined);
      writes.push(stored);
    };
    let total = 0;
    /**
     * A new graph (no stored files) resolves each batch's imports as it comes, against the files and
     * configuration the scan found, and stores the module edges with the files: while the parser reads
     * on, rather than all of them after it finished. The index then links with the same resolver.
     */
    let early: { resolver: ModuleResolver; files: ReadonlySet<string>; config: ProjectConfig } | undefined;
    const onBatch = (batch: ParseBatch) => {
      total = batch.total;
      if (batch.scanned && !sameSettings) {
        const files = new Set(batch.scanned.present);
        early = { resolver: new ModuleResolver(files, batch.scanned.config), files, config: batch.scanned.config };
      }
      if (batch.restamped) {
        const stamps = batch.restamped;
        storing(this.store.write(w => saveStamps(w, stamps), 'system'));
        this.hashes.restamped(stamps);
      }
      if (batch.records.length) {
        const records = batch.records.map(fileRecordOf);
        received.push(...records);
        if (fromStore)
          replaced.push(
            ...loadFilesById(
              this.store,
              batch.records.map(f => f.id),
            ),
          );
        // stored as they come: a cancelled build keeps its work, and the next one skips it by hash
        const edges = early && records.flatMap(r => linkImports(r, early!.resolver).relations);
        storing(
          this.store.write(w => {
            saveFiles(w, batch.records);
            if (edges) addEdges(w, edges);
          }, 'system'),
        );
        this.hashes.saved(batch.records);
      }
      // the scan's announcement is progress only when there is nothing to read
      if (!batch.scanned || !batch.total) options.onProgress?.({ done: batch.done, total: batch.total });
    };
    let present: string[] | undefined;
    let config: ProjectConfig | undefined;
    let cancelled = false;
    try {
      if (!sameSettings) {
        await this.remembering(
          this.store.write(w => {
            w.run('DELETE FROM graph_files');
            w.run('DELETE FROM graph_edges');
          }, 'system'),
        );
        this.hashes.cleared();
      }
      phase('asked the parser');
      const reply = await this.parserNow().build({ ...settings, known }, onBatch, options.signal);
      for (const mark of reply.phases ?? []) options.onPhase?.(mark.phase, mark);
      phase('the parser replied');
      present = reply.present;
      config = reply.config;
    } catch (err) {
      if (!(err instanceof CancelledError)) throw err;
      cancelled = true;
      this.parser?.dispose(); // the worker was stopped; the next build starts a new one
      this.parser = undefined;
    } finally {
      await Promise.all(writes);
      phase('stored the files');
    }
    const presentSet = present && new Set(present);
    const finish = async (
      removed: string[],
      relinked: string[],
      statuses: Record<FileRecord['status'], number>,
    ): Promise<BuildSummary> => {
      phase('stored the edges');
      if (relinked.length) this.changed.fire({ files: relinked });
      if (received.length + removed.length >= compactAfterFiles) {
        await this.store.compact();
        phase('compacted the store');
      }
      return {
        files: presentSet ? presentSet.size : total,
        parsed: received.length,
        failed: statuses.failed,
        skipped: statuses.skipped,
        removed: removed.length,
        durationMs: this.clock.now() - started,
        cancelled,
      };
    };
    if (fromStore) {
      const knownIds = new Set(known.map(([id]) => id));
      const removed = presentSet ? [...knownIds].filter(id => !presentSet.has(id)) : [];
      const storedConfig = previous.config ?? { tsconfigs: [], packages: [] };
      const sameConfig = !config || JSON.stringify(config) === JSON.stringify(storedConfig);
      if (sameConfig && !removed.length && received.every(r => knownIds.has(r.id))) {
        // the same files and configuration resolve every other file's imports as before: only the
        // changed files get new module edges, and no file outside them needs loading
        const resolver = new ModuleResolver(knownIds, storedConfig);
        const byId = new Map(received.map(r => [r.id, r]));
        await this.store.write(w => {
          saveEdges(w, id => linkImports(byId.get(id)!, resolver).relations, [...byId.keys()]);
          saveSettings(w, { settings, ...(cancelled ? {} : { builtAt: this.clock.now() }) });
        }, 'system');
        const before = new Map(replaced.map(r => [r.id, r]));
        const relinked = new Set(received.map(r => r.id));
        for (const r of received) {
          const old = before.get(r.id);
          const names = old ? changedSurface(old, r) : undefined;
          if (names?.size !== 0) for (const f of this.storedImportersOf(r.id, names)) relinked.add(f);
        }
        return finish(removed, [...relinked], this.hashes.counts(this.store));
      }
    }
    if (
      early &&
      !cancelled &&
      received.length === early.files.size &&
      received.every(r => early!.files.has(r.id)) &&
      JSON.stringify(config) === JSON.stringify(early.config)
    ) {
      // every file came, and its module edges are stored: the index, made on the first query, links
      // them again with the same resolver (whose answers it keeps); nothing is left to store but the settings
      const { config: earlyConfig, resolver } = early;
      this.unlinked = () => new GraphIndex(received, earlyConfig, resolver);
      await this.store.write(w => {
        saveSettings(w, { settings, config: earlyConfig, builtAt: this.clock.now() });
      }, 'system');
      return finish([], received.map(r => r.id).sort(), countStatuses(received));
    }
    if (!sameSettings) this.loaded = new GraphIndex([], config);
    const index = this.index();
    const removed = presentSet ? index.fileIds().filter(id => !presentSet.has(id)) : [];
    // the same configuration as before needs no new resolution of every import: only the changed files and their importers are relinked
    const newConfig = !sameSettings
      ? (config ?? { tsconfigs: [], packages: [] })
      : config && JSON.stringify(config) !== JSON.stringify(index.projectConfig)
        ? config
        : undefined;
    const relinked = index.apply(received, removed, newConfig);
    phase(`linked (${relinked.length} files)`);
    await this.remembering(
      this.store.write(w => {
        deleteFiles(w, removed);
        saveEdges(w, id => index.moduleRelationsOf(id), relinked);
        saveSettings(w, {
          settings,
          ...(config ? { config } : {}),
          ...(cancelled ? {} : { builtAt: this.clock.now() }),
        });
      }, 'system'),
    );
    this.hashes.deleted(removed);
    return finish(removed, relinked, index.statusCounts());
  }

  /** `write`, after whose failure the stored hashes are read from the store again (what it left is not known). */
  private remembering(write: Promise<void>): Promise<void> {
    return write.catch((err: unknown) => {
      this.hashes.forget();
      throw err;
    });
  }

  /**
   * Files whose stored module edges lead into `fileId` (importers; re-exporting files pass it on), as
   * GraphIndex finds them in memory. With `names`, only importers of one of those names (or of the whole module).
   */
  private storedImportersOf(fileId: string, names: ReadonlySet<string> | undefined): Set<string> {
    const result = new Set<string>();
    const seen = new Set([fileId]);
    let frontier = [fileId];
    while (frontier.length) {
      const next: string[] = [];
      for (const e of loadEdgesInto(this.store, frontier)) {
        if (names && !e.names.some(n => n === '*' || n === 'default' || names.has(n))) continue;
        result.add(e.from);
        if (e.kind === 'reexports' && !seen.has(e.from)) {
          seen.add(e.from);
          next.push(e.from);
        }
      }
      frontier = next;
    }
    result.delete(fileId);
    return result;
  }
}
