// Builders shared by the unit tests: a real store on an in-memory file system, with a fake clock.
import type { Store } from '../../src/core/store/types';
import { sequentialIds } from '../../src/core/ids';
import { TaskManager } from '../../src/core/tasks/taskManager';
import { MemoryFileSystem } from './fakes/memoryFileSystem';
import { FakeClock } from './fakes/fakeClock';
import { openTestStore } from './context/openTestStore';

export interface TestWorld {
  fs: MemoryFileSystem;
  clock: FakeClock;
  store: Store;
  tasks: TaskManager;
}

export async function makeWorld(fs = new MemoryFileSystem(), clock = new FakeClock()): Promise<TestWorld> {
  const { store } = await openTestStore(fs, clock);
  return { fs, clock, store, tasks: new TaskManager(store, clock, sequentialIds()) };
}
