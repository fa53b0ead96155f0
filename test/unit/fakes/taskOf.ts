// A task as the store would give it, for tests of pure views of tasks: pending, normal priority, no
// dependencies, `patch` applied.
import type { Task } from '../../../src/core/tasks/model';

export function task(id: string, patch: Partial<Task> = {}): Task {
  return {
    id,
    title: id,
    description: '',
    status: 'pending',
    priority: 'normal',
    progress: 0,
    attempts: 0,
    maxAttempts: 3,
    capabilities: [],
    dependsOn: [],
    createdAt: 0,
    updatedAt: 0,
    ...patch,
  };
}
