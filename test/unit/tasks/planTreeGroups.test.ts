// The Tasks view's phase groups for a nested plan (src/vscode/taskGroups.ts is pure).
import * as assert from 'assert';
import { task } from '../fakes/taskOf';
import { groupTasks, nestGroups } from '../../../src/vscode/taskGroups';
import type { Phase } from '../../../src/core/tasks/model';

describe('phase groups of a nested plan', () => {
  it('lists phases in plan order with their numbers, each with its parent phase and depth', () => {
    const phases: Phase[] = [
      { id: 'p1', title: 'Foundation', number: '1', position: 0 },
      { id: 'p11', title: 'Pool', number: '1.1', position: 1, parentId: 'p1' },
      { id: 'p2', title: 'Health Monitoring', number: '2', position: 2 },
      { id: 'p21', title: 'Health Check System', number: '2.1', position: 3, parentId: 'p2' },
      { id: 'p22', title: 'Empty', number: '2.2', position: 4, parentId: 'p2' },
    ];
    const tasks = [
      task('a', { phaseId: 'p11' }),
      task('b', { phaseId: 'p21' }),
      task('b1', { phaseId: 'p21', parentId: 'b' }),
      task('c', { phaseId: 'p2' }),
    ];
    const groups = groupTasks(tasks, phases, 'phase');
    assert.deepStrictEqual(
      groups.map(g => [g.label, g.depth, g.parentGroupId, g.tasks.map(t => t.id)]),
      [
        ['1 Foundation', 0, undefined, []],
        ['1.1 Pool', 1, 'p1', ['a']],
        ['2 Health Monitoring', 0, undefined, ['c']],
        ['2.1 Health Check System', 1, 'p2', ['b']],
      ],
    );
  });

  it('nests each sub-phase under its phase and counts the tasks below a phase', () => {
    const phases: Phase[] = [
      { id: 'p1', title: 'Foundation', number: '1', position: 0 },
      { id: 'p11', title: 'Pool', number: '1.1', position: 1, parentId: 'p1' },
      { id: 'p111', title: 'Sizing', number: '1.1.1', position: 2, parentId: 'p11' },
      { id: 'p2', title: 'Health', number: '2', position: 3 },
    ];
    const tasks = [
      task('a', { phaseId: 'p11' }),
      task('b', { phaseId: 'p111' }),
      task('c', { phaseId: 'p111' }),
      task('d', { phaseId: 'p2' }),
      task('e'),
    ];
    const tree = nestGroups(groupTasks(tasks, phases, 'phase'));
    assert.deepStrictEqual(
      tree.roots.map(g => g.label),
      ['1 Foundation', '2 Health', 'Other tasks'],
    );
    assert.deepStrictEqual(
      tree.childrenOf('p1').map(g => g.label),
      ['1.1 Pool'],
    );
    assert.deepStrictEqual(
      tree.childrenOf('p11').map(g => g.label),
      ['1.1.1 Sizing'],
    );
    assert.deepStrictEqual([tree.totalOf('p1'), tree.totalOf('p11'), tree.totalOf('p2')], [3, 3, 1]);
  });

  it('keeps flat groups (by status) as they are', () => {
    const tree = nestGroups(groupTasks([task('a'), task('b', { status: 'done' })], [], 'status'));
    assert.ok(tree.roots.length >= 2);
    assert.ok(tree.roots.every(g => tree.childrenOf(g.id).length === 0));
  });
});
