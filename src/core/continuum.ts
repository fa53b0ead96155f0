// Opens the store and builds the managers on it: the one place the core is assembled, used by
// the VS Code layer and the CLI alike.
import { ContextManager } from './context/contextManager';
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
  clock: Clock;
  close(): Promise<void>;
}

export interface OpenContinuumOptions extends OpenStoreOptions {
  ids?: IdFactory;
  heartbeatMs?: number;
  staleAfterMs?: number;
  /** Parses files for the knowledge graph (a worker thread in VS Code and the CLI). */
  graphParser?: () => GraphParser;
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
  const sessions = new SessionManager(store, clock, { heartbeatMs: options.heartbeatMs, staleAfterMs: options.staleAfterMs ?? 0, ids, logger: options.logger });
  const context = new ContextManager(store, clock);
  const graph = new KnowledgeGraph(store, options.graphParser ?? noGraphParser, clock, options.logger);
  if (!store.readOnly) await sessions.recoverInterrupted();
  return { store, tasks, sessions, context, graph, clock, close: () => { graph.dispose(); return store.close(); } };
}
