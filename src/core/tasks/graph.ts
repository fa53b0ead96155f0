// Pure graph helpers over task dependencies ("a depends on b" is an edge a → b).

/**
 * A cycle that the edge from → to would close, as the list of ids from `from` back to `from`,
 * or undefined. `dependenciesOf` gives a task's current dependencies.
 */
export function cycleThrough(
  from: string,
  to: string,
  dependenciesOf: (id: string) => readonly string[],
): string[] | undefined {
  if (from === to) return [from, from];
  // Depth-first search from `to` along dependencies; reaching `from` closes a cycle.
  const parent = new Map<string, string>([[to, '']]);
  const stack = [to];
  while (stack.length) {
    const id = stack.pop()!;
    for (const next of dependenciesOf(id)) {
      if (parent.has(next)) continue;
      parent.set(next, id);
      if (next === from) {
        const chain: string[] = []; // id, its parent, …, to
        for (let at = id; at !== ''; at = parent.get(at)!) chain.push(at);
        return [from, ...chain.reverse(), from];
      }
      stack.push(next);
    }
  }
  return undefined;
}

/** The first cycle in a whole graph (for batch imports), as ids ending where they start. */
export function findCycle(
  ids: Iterable<string>,
  dependenciesOf: (id: string) => readonly string[],
): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 finished
  for (const root of ids) {
    if (state.has(root)) continue;
    const path: string[] = [];
    const iters: Array<Iterator<string>> = [];
    const enter = (id: string) => {
      state.set(id, 1);
      path.push(id);
      iters.push(dependenciesOf(id)[Symbol.iterator]());
    };
    enter(root);
    while (iters.length) {
      const step = iters[iters.length - 1].next();
      if (step.done) {
        state.set(path.pop()!, 2);
        iters.pop();
        continue;
      }
      const next = step.value;
      const s = state.get(next);
      if (s === 1) return [...path.slice(path.indexOf(next)), next];
      if (s === undefined) enter(next);
    }
  }
  return undefined;
}

/** "'A' → 'B' → 'A'" */
export function describeCycle(cycle: readonly string[], titleOf: (id: string) => string): string {
  return cycle.map(id => `'${titleOf(id)}'`).join(' → ');
}
