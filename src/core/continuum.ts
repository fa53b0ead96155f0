// Opens the store and builds the managers on it: the one place the core is assembled, used by
// the VS Code layer and the CLI alike.
import { ContextManager } from './context/contextManager';
import type { Disposable } from './events';
import { DegradationRegistry } from './execution/guards/degradation';
import { reportStateOnlyCheckpoints, watchGraphParsing } from './execution/guards/fallbacks';
import { CheckpointFiles } from './git/checkpointFiles';
import { KnowledgeGraph } from './graph/knowledgeGraph';
import { GraphError } from './graph/model';
import type { GraphParser } from './graph/parser';
import { randomIds } from './ids';
import { systemClock, type Clock, type IdFactory } from './ports';
import { SessionManager } from './sessions/sessionManager';
import { openStore, type OpenStoreOptions } from './store/store';
import type { Store } from './store/types';
import { TaskManager } from './tasks/taskManager';

export interface Continuum {
  store: Store;
  tasks: TaskManager;
  sessions: SessionManager;
  context: ContextManager;
  graph: KnowledgeGraph;
  /** The files half of checkpoints; undefined without a workspace folder (or where git may not run). */
  files?: CheckpointFiles;
  /**
   * Gives checkpoints their files half from now on (once): for a folder that became usable after
   * the store opened, as when the person trusts the workspace. Clears the state-only report.
   */
  useWorkspaceFolder(folder: string): CheckpointFiles;
  /** What runs in a reduced form now (graph parse → import scan, checkpoints without files …), for Health. */
  degradations: DegradationRegistry;
  clock: Clock;
  close(): Promise<void>;
}

export interface OpenContinuumOptions extends OpenStoreOptions {
  ids?: IdFactory;
  heartbeatMs?: number;
  staleAfterMs?: number;
  /** Parses files for the knowledge graph (a worker thread in VS Code and the CLI). */
  graphParser?: () => GraphParser;
  /** The folder whose files checkpoints snapshot (git runs in it: pass it only in a trusted workspace). */
  workspaceFolder?: string;
  /** Workspace snapshots kept per session besides labelled ones. */
  checkpointsKeep?: number;
}

const noGraphParser = (): GraphParser => {
  throw new GraphError('This Continuum host cannot build a knowledge graph (it was opened without a parser).');
};

export async function openContinuum(options: OpenContinuumOptions): Promise<Continuum> {
  const clock = options.clock ?? systemClock;
  const store = await openStore({ ...options, clock });
  const ids = options.ids ?? randomIds;
  const tasks = new TaskManager(store, clock, ids);
  // Holding the store's lock means no other process can be running a session on it, so any
  // session still marked running was left behind by a process that died: interrupted, at once.
  const sessions = new SessionManager(store, clock, {
    heartbeatMs: options.heartbeatMs,
    staleAfterMs: options.staleAfterMs ?? 0,
    ids,
    logger: options.logger,
  });
  const context = new ContextManager(store, clock);
  const graph = new KnowledgeGraph(store, options.graphParser ?? noGraphParser, clock, options.logger);
  const degradations = new DegradationRegistry(undefined, () => clock.now());
  const watches: Disposable[] = [watchGraphParsing(store, listener => graph.onDidChange(listener), degradations)];
  if (options.workspaceFolder === undefined)
    reportStateOnlyCheckpoints(
      degradations,
      'no trusted workspace folder is open, so checkpoints hold the task state only',
    );
  // Opened on the first checkpoint, so git is not asked anything while the store opens.
  const filesOf = (workspaceFolder: string) =>
    new CheckpointFiles(
      store,
      sessions,
      async () => {
        const { WorkspaceSnapshots } = await import('./git/workspaceSnapshots');
        return WorkspaceSnapshots.open(workspaceFolder, store.folder);
      },
      clock,
      {
        keepPerSession: options.checkpointsKeep,
        logger: options.logger,
        snapshots: {
          failed: reason =>
            reportStateOnlyCheckpoints(
              degradations,
              `the last workspace snapshot failed (${reason}), so that checkpoint holds the task state only`,
            ),
          taken: () => degradations.restore('checkpoint'),
        },
      },
    );
  const files = options.workspaceFolder === undefined ? undefined : filesOf(options.workspaceFolder);
  if (!store.readOnly) await sessions.recoverInterrupted();
  const core: Continuum = {
    store,
    tasks,
    sessions,
    context,
    graph,
    clock,
    degradations,
    ...(files ? { files } : {}),
    useWorkspaceFolder: folder => {
      if (core.files) return core.files;
      core.files = filesOf(folder);
      degradations.restore('checkpoint');
      return core.files;
    },
    close: () => {
      for (const w of watches) w.dispose();
      graph.dispose();
      core.files?.dispose();
      return store.close();
    },
  };
  return core;
}
