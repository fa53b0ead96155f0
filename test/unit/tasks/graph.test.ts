import * as assert from 'assert';
import { cycleThrough, describeCycle, findCycle } from '../../../src/core/tasks/graph';

const graph = (edges: Record<string, string[]>) => (id: string) => edges[id] ?? [];

describe('task graph helpers', () => {
  it('finds the cycle a new edge would close, from the new edge back to its start', () => {
    assert.deepStrictEqual(cycleThrough('a', 'b', graph({ b: ['c'], c: ['a'] })), ['a', 'b', 'c', 'a']);
  });

  it('finds no cycle when the new edge keeps the graph acyclic', () => {
    assert.strictEqual(cycleThrough('a', 'b', graph({ b: ['c'], c: [], a: ['c'] })), undefined);
  });

  it('finds a cycle anywhere in a whole graph', () => {
    const cycle = findCycle(['x', 'a'], graph({ x: [], a: ['b'], b: ['c'], c: ['b'] }));
    assert.deepStrictEqual(cycle, ['b', 'c', 'b']);
  });

  it('handles a long chain without recursion limits', () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 100_000; i++) edges[`n${i}`] = [`n${i + 1}`];
    assert.strictEqual(findCycle(['n0'], graph(edges)), undefined);
    edges.n100000 = ['n0'];
    assert.strictEqual(findCycle(['n0'], graph(edges))?.length, 100_002);
  });

  it('describes a cycle with titles', () => {
    assert.strictEqual(
      describeCycle(['a', 'b', 'a'], id => id.toUpperCase()),
      "'A' → 'B' → 'A'",
    );
  });
});
