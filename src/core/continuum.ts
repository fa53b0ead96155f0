// Opens the store and builds the managers on it: the one place the core is assembled, used by
// the VS Code layer and the CLI alike.
import { ContextManager } from './context/contextManager';
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
  clock: Clock;
  close(): Promise<void>;
}

export interface OpenContinuumOptions extends OpenStoreOptions {
  ids?: IdFactory;
  heartbeatMs?: number;
  staleAfterMs?: number;
}

export async function openContinuum(options: OpenContinuumOptions): Promise<Continuum> {
  const clock = options.clock ?? systemClock;
  const store = await openStore({ ...options, clock });
  const ids = options.ids ?? randomIds;
  const tasks = new TaskManager(store, clock, ids);
  // Holding the store's lock means no other process can be running a session on it, so any
  // session still marked running was left behind by a process that died: interrupted, at once.
  const sessions = new SessionManager(store, clock, { heartbeatMs: options.heartbeatMs, staleAfterMs: options.staleAfterMs ?? 0, ids, logger: options.logger });
  const context = new ContextManager(store, clock);
  if (!store.readOnly) await sessions.recoverInterrupted();
  return { store, tasks, sessions, context, clock, close: () => store.close() };
}
