// The Tasks view's phase groups for a nested plan (src/vscode/taskGroups.ts is pure).
import * as assert from 'assert';
import { groupTasks } from '../../../src/vscode/taskGroups';
import type { Phase, Task } from '../../../src/core/tasks/model';

function task(id: string, patch: Partial<Task> = {}): Task {
  return { id, title: id, description: '', status: 'pending', priority: 'normal', progress: 0, attempts: 0, maxAttempts: 3, capabilities: [], dependsOn: [], createdAt: 0, updatedAt: 0, ...patch };
}

describe('phase groups of a nested plan', () => {
  it('lists phases in plan order with their numbers, each with its parent phase and depth', () => {
    const phases: Phase[] = [
      { id: 'p1', title: 'Foundation', number: '1', position: 0 },
      { id: 'p11', title: 'Pool', number: '1.1', position: 1, parentId: 'p1' },
      { id: 'p2', title: 'Health Monitoring', number: '2', position: 2 },
      { id: 'p21', title: 'Health Check System', number: '2.1', position: 3, parentId: 'p2' },
      { id: 'p22', title: 'Empty', number: '2.2', position: 4, parentId: 'p2' },
    ];
    const tasks = [task('a', { phaseId: 'p11' }), task('b', { phaseId: 'p21' }), task('b1', { phaseId: 'p21', parentId: 'b' }), task('c', { phaseId: 'p2' })];
    const groups = groupTasks(tasks, phases, 'phase');
    assert.deepStrictEqual(groups.map(g => [g.label, g.depth, g.parentGroupId, g.tasks.map(t => t.id)]), [
      ['1 Foundation', 0, undefined, []],
      ['1.1 Pool', 1, 'p1', ['a']],
      ['2 Health Monitoring', 0, undefined, ['c']],
      ['2.1 Health Check System', 1, 'p2', ['b']],
    ]);
  });
});
