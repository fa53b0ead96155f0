import { SessionManager, type SessionManagerOptions } from '../../../src/core/sessions/sessionManager';
import type { Store } from '../../../src/core/store/types';
import type { FakeClock } from '../fakes/fakeClock';
import { counterIds, openTestStore } from '../context/openTestStore';

export interface TestTask {
  id: string;
  title?: string;
  status?: string;
  priority?: number;
  deadline?: number;
  dependsOn?: string[];
}

let seq = 0;

/** Inserts tasks straight into the tasks table (the task manager is not needed here). */
export async function insertTasks(store: Store, clock: FakeClock, tasks: TestTask[]): Promise<void> {
  await store.write(w => {
    for (const t of tasks) {
      w.run(
        'INSERT INTO tasks (id, seq, title, status, priority, deadline, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          t.id,
          ++seq,
          t.title ?? `Task ${t.id}`,
          t.status ?? 'pending',
          t.priority ?? 2,
          t.deadline ?? null,
          clock.now(),
          clock.now(),
        ],
      );
    }
    for (const t of tasks) {
      for (const dep of t.dependsOn ?? [])
        w.run('INSERT INTO task_deps (task_id, depends_on) VALUES (?, ?)', [t.id, dep]);
    }
  });
}

export async function setStatus(
  store: Store,
  id: string,
  status: string,
  extra: { progress?: number; attempts?: number } = {},
): Promise<void> {
  await store.write(w => {
    w.run(
      'UPDATE tasks SET status = ?, progress = coalesce(?, progress), attempts = coalesce(?, attempts) WHERE id = ?',
      [status, extra.progress ?? null, extra.attempts ?? null, id],
    );
  });
}

export function statusOf(store: Store, id: string): string | undefined {
  return store.get<{ status: string }>('SELECT status FROM tasks WHERE id = ?', [id])?.status;
}

export async function setup(
  options: SessionManagerOptions = {},
): Promise<{ store: Store; clock: FakeClock; sessions: SessionManager }> {
  const { store, clock } = await openTestStore();
  return { store, clock, sessions: new SessionManager(store, clock, { ids: counterIds(), ...options }) };
}
