import * as assert from 'assert';
import { task } from '../fakes/taskOf';
import { groupTasks } from '../../../src/vscode/taskGroups';
import type { Phase } from '../../../src/core/tasks/model';

describe('task groups in the Tasks view', () => {
  it('groups by status with ready and waiting apart, leaving empty groups out', () => {
    const shell = { kind: 'shell', command: 'npm test' } as const;
    const tasks = [
      task('a', { status: 'done' }),
      task('b', { dependsOn: ['a'], action: shell }),
      task('c', { dependsOn: ['b'] }),
      task('d', { status: 'failed' }),
    ];
    const groups = groupTasks(tasks, [], 'status');
    assert.deepStrictEqual(
      groups.map(g => [g.label, g.tasks.map(t => t.id)]),
      [
        ['Ready', ['b']],
        ['Waiting for dependencies', ['c']],
        ['Failed', ['d']],
        ['Done', ['a']],
      ],
    );
  });

  it('starts a long list of to-dos collapsed, so the groups after it (Failed, Done) stay in sight; a short one open', () => {
    const shell = { kind: 'shell', command: 'npm test' } as const;
    const todos = (n: number) => Array.from({ length: n }, (_, i) => task(`todo${i}`));
    const rest = [task('f', { status: 'failed', action: shell }), task('d', { status: 'done', action: shell })];
    const many = groupTasks([...todos(60), ...rest], [], 'status');
    assert.deepStrictEqual(
      many.map(g => [g.label, g.tasks.length, g.expanded]),
      [
        ['Waiting for you', 60, false],
        ['Failed', 1, true],
        ['Done', 1, false],
      ],
    );
    const few = groupTasks([...todos(5), ...rest], [], 'status');
    assert.equal(few[0].expanded, true);
    const ready = groupTasks(
      Array.from({ length: 40 }, (_, i) => task(`r${i}`, { action: shell })),
      [],
      'status',
    );
    assert.deepStrictEqual(
      ready.map(g => [g.label, g.expanded]),
      [['Ready', false]],
    );
  });

  it('groups by phase in plan order, subtasks under their parent, loose tasks last', () => {
    const phases: Phase[] = [
      { id: 'p2', title: 'Second', position: 1 },
      { id: 'p1', title: 'First', position: 0 },
    ].sort((a, b) => a.position - b.position);
    const tasks = [
      task('x', { phaseId: 'p2' }),
      task('y', { phaseId: 'p1' }),
      task('y1', { phaseId: 'p1', parentId: 'y' }),
      task('z'),
    ];
    const groups = groupTasks(tasks, phases, 'phase');
    assert.deepStrictEqual(
      groups.map(g => [g.label, g.tasks.map(t => t.id)]),
      [
        ['First', ['y']],
        ['Second', ['x']],
        ['Other tasks', ['z']],
      ],
    );
  });
});
