// The independent tracks of a session's task graph: groups of tasks linked by dependencies (in
// either direction), so that no task of one track waits for a task of another. Tracks can run side
// by side; within a track the order is the dependencies' order. Pure.

export interface TrackTask {
  id: string;
  title: string;
  dependsOn: readonly string[];
}

export interface Track {
  /** The track's tasks, each after the tasks it depends on, otherwise in the order given. */
  tasks: TrackTask[];
}

/** Tracks of `tasks` (given in store order). Dependencies on tasks outside the list are ignored. */
export function independentTracks(tasks: readonly TrackTask[]): Track[] {
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  const parent = tasks.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (const [i, t] of tasks.entries()) {
    for (const dep of t.dependsOn) {
      const j = index.get(dep);
      if (j === undefined) continue;
      const a = find(i);
      const b = find(j);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const groups = new Map<number, TrackTask[]>();
  for (const [i, t] of tasks.entries()) {
    const root = find(i);
    const group = groups.get(root) ?? [];
    group.push(t);
    groups.set(root, group);
  }
  return [...groups.values()].map(group => ({ tasks: topological(group) }));
}

/** Dependencies first; ties in the order given. The graph is a DAG (the task graph refuses cycles). */
function topological(group: TrackTask[]): TrackTask[] {
  const ids = new Set(group.map(t => t.id));
  const placed = new Set<string>();
  const out: TrackTask[] = [];
  while (out.length < group.length) {
    const next = group.find(t => !placed.has(t.id) && t.dependsOn.every(d => !ids.has(d) || placed.has(d)));
    if (!next) {
      // only reachable with a cycle: keep the rest in the given order rather than loop
      out.push(...group.filter(t => !placed.has(t.id)));
      break;
    }
    placed.add(next.id);
    out.push(next);
  }
  return out;
}

/** "3 independent tracks: 'A' → 'B'; 'C'; 'D' → 'E'", at most `max` tasks named per track. */
export function describeTracks(tracks: readonly Track[], max = 4): string {
  if (!tracks.length) return 'no tasks';
  const one = (t: Track) =>
    t.tasks
      .slice(0, max)
      .map(x => `'${x.title}'`)
      .join(' → ') + (t.tasks.length > max ? ` → … (${t.tasks.length} tasks)` : '');
  return `${tracks.length} independent track${tracks.length === 1 ? '' : 's'}: ${tracks.map(one).join('; ')}`;
}
