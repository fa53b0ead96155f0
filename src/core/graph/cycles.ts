// Import cycles: the strongly connected components of the module graph (Tarjan's algorithm,
// iterative so deep graphs cannot overflow the stack), each given as one cycle through its modules.

/** Every group of modules that import each other in a circle, as a cycle path (first module repeated at the end is implied). */
export function findCycles(nodes: readonly string[], edges: (node: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: number; targets: readonly string[] }> = [];
    const open = (node: string) => {
      index.set(node, counter);
      low.set(node, counter++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: 0, targets: edges(node) });
    };
    open(root);
    while (work.length) {
      const top = work[work.length - 1];
      if (top.next < top.targets.length) {
        const t = top.targets[top.next++];
        if (!index.has(t)) open(t);
        else if (onStack.has(t)) low.set(top.node, Math.min(low.get(top.node)!, index.get(t)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const scc: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          scc.push(n);
        } while (n !== top.node);
        const selfLoop = scc.length === 1 && edges(scc[0]).includes(scc[0]);
        if (scc.length > 1 || selfLoop) components.push(cycleThrough(scc, edges));
      }
    }
  }
  return components.sort((a, b) => a[0].localeCompare(b[0]));
}

/** One cycle inside a strongly connected group, starting at its smallest member. */
function cycleThrough(scc: string[], edges: (node: string) => readonly string[]): string[] {
  const members = new Set(scc);
  const start = [...scc].sort()[0];
  // breadth-first from start back to start, inside the group: the shortest cycle through it
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const t of edges(queue[i])) {
      if (!members.has(t)) continue;
      if (t === start) {
        const path = [queue[i]];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return path;
      }
      if (!previous.has(t)) {
        previous.set(t, queue[i]);
        queue.push(t);
      }
    }
  }
  return [start];
}
