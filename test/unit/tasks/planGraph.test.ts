import { strict as assert } from 'node:assert';
import { parsePlan, parsePlanInSlices } from '../../../src/core/tasks/plan';
import { parseBlocks, splitBlocks } from '../../../src/core/tasks/plan-markdown';
import { expandDependencies, findPlanCycle, tasksByPhase } from '../../../src/core/tasks/planGraph';

function run<T>(steps: Generator<void, T>): T {
  for (;;) {
    const s = steps.next();
    if (s.done) return s.value;
  }
}

describe('plan graph', () => {
  const plan = parsePlan(
    [
      '## Phase 1: A',
      '- [ ] 1.1 a',
      '  - [ ] a1',
      '### 1.2 Sub',
      '- [ ] 1.2.1 b',
      '## Phase 2: B',
      '- [ ] 2.1 c',
      '  Depends on: Phase 1',
      '- [ ] 2.2 d',
      '  Depends on: 2.1',
    ].join('\n'),
    'g.md',
  );
  const members = tasksByPhase(plan.phases, plan.tasks);

  it('lists every task under a phase, its sub-phases included, in plan order', () => {
    assert.deepEqual(members.get('g.md#p1'), ['g.md#p1/1.1', 'g.md#p1/1.1/a1', 'g.md#p1.2/1.2.1']);
    assert.deepEqual(members.get('g.md#p1.2'), ['g.md#p1.2/1.2.1']);
  });

  it('expands a dependency on a phase into its tasks, never the task itself nor its parents', () => {
    const c = plan.tasks.find(t => t.title === 'c')!;
    assert.deepEqual(expandDependencies(c, members), ['g.md#p1/1.1', 'g.md#p1/1.1/a1', 'g.md#p1.2/1.2.1']);
    const self = { ...c, dependsOnKeys: ['g.md#p2'] };
    assert.deepEqual(
      expandDependencies(self, members, () => ['g.md#p2/2.2']),
      [],
    );
  });

  it('finds no cycle in a graph without one, and a cycle through a phase when there is one', () => {
    assert.equal(run(findPlanCycle(plan.phases, plan.tasks, k => members.get(k) ?? [])), undefined);
    const a = plan.tasks.find(t => t.title === 'a')!;
    const looped = plan.tasks.map(t => (t === a ? { ...t, dependsOnKeys: ['g.md#p2/2.2'] } : t));
    assert.deepEqual(run(findPlanCycle(plan.phases, looped, k => members.get(k) ?? [])), [
      'g.md#p1/1.1',
      'g.md#p2/2.2',
      'g.md#p2/2.1',
      'g.md#p1',
      'g.md#p1/1.1',
    ]);
  });

  it('finds a cycle of one task depending on itself through its own phase', () => {
    const t = { ...plan.tasks[0], dependsOnKeys: ['g.md#p1'] };
    assert.deepEqual(run(findPlanCycle(plan.phases, [t, ...plan.tasks.slice(1)], k => members.get(k) ?? [])), [
      'g.md#p1/1.1',
      'g.md#p1',
      'g.md#p1/1.1',
    ]);
  });
});

describe('parsing a long plan in pieces', () => {
  const lines: string[] = [];
  for (let p = 1; p <= 30; p++) {
    lines.push(`## Phase ${p}: Part ${p}`, 'Some text.', '');
    for (let i = 1; i <= 20; i++) lines.push(`- [ ] ${p}.${i} item`, i % 7 === 0 ? '  Priority: high' : '  more text');
    lines.push('```sh', '# not a heading', '- [ ] not an item', '```', '');
  }

  it('cuts only where a top-level block starts, never inside a fenced code block (a list may become two lists)', () => {
    const pieces = [...splitBlocks(lines, 50)];
    assert.ok(pieces.length > 5, `${pieces.length} pieces`);
    const whole = parseBlocks(lines.join('\n'));
    const joined = pieces.flatMap(p => parseBlocks(p.text, p.firstLine).children);
    const shape = (nodes: typeof whole.children) =>
      nodes.flatMap(n =>
        (n.type === 'bullet_list' ? n.children : [n]).map(b => [b.type, b.line, b.content || b.children[0]?.content]),
      );
    assert.deepEqual(shape(joined), shape(whole.children));
  });

  it('gives the same plan in slices as at once', async () => {
    const text = lines.join('\n');
    const sliced = await parsePlanInSlices(text, 'p.md', () => new Promise(r => setImmediate(r)), { sliceMs: 0 });
    assert.deepEqual(sliced, parsePlan(text, 'p.md'));
    assert.equal(sliced.tasks.length, 600);
    assert.ok(!sliced.phases.some(p => p.title === 'not a heading'));
  });
});
