// Graceful degradation: each capability has an ordered list of ways to provide it, best first. When
// one fails the next is used, and the step down is recorded with how much is lost, so Health can
// say what runs in a reduced form and why.

import { Emitter, type Event } from '../../events';

export type DegradationLevel = 'full' | 'minor' | 'moderate' | 'severe' | 'minimal';

export interface Capability {
  id: string;
  /** What a user calls it: "pull requests". */
  title: string;
  /** Ways to provide it, best first; the first one is full service. */
  ways: ReadonlyArray<{ name: string; level: DegradationLevel; note?: string }>;
}

export interface Degradation {
  capability: string;
  title: string;
  using: string;
  level: DegradationLevel;
  reason: string;
  at: number;
  note?: string;
}

export const builtInCapabilities: Capability[] = [
  {
    id: 'graph',
    title: 'knowledge graph',
    ways: [
      { name: 'syntax-tree parse', level: 'full' },
      { name: 'import scan', level: 'moderate', note: 'only import edges, no classes or calls' },
    ],
  },
  {
    id: 'checkpoint',
    title: 'checkpoints',
    ways: [
      { name: 'state and file snapshot', level: 'full' },
      {
        name: 'state only',
        level: 'severe',
        note: 'files are not saved: a restore brings back tasks and sessions only',
      },
    ],
  },
  {
    id: 'pullRequest',
    title: 'pull requests',
    ways: [
      { name: 'pull request', level: 'full' },
      { name: 'push only', level: 'minor', note: 'open the pull request yourself' },
      { name: 'local branch', level: 'moderate', note: 'push the branch yourself' },
    ],
  },
  {
    id: 'vscodeTask',
    title: 'VS Code tasks',
    ways: [
      { name: 'tasks.json task', level: 'full' },
      { name: 'shell equivalent', level: 'minor', note: 'its output is in the task log, not a terminal' },
    ],
  },
  {
    id: 'lm',
    title: 'language-model tasks',
    ways: [
      { name: 'language model', level: 'full' },
      { name: 'no language model', level: 'moderate', note: 'lm tasks wait until there is one' },
    ],
  },
];

export class DegradationRegistry {
  private readonly capabilities = new Map<string, Capability>();
  private readonly current = new Map<string, Degradation>();
  private readonly degraded = new Emitter<Degradation>();
  /** Fires when a capability steps down to a way it was not using yet (not when the same step is reported again). */
  readonly onDidDegrade: Event<Degradation> = this.degraded.event;

  constructor(
    capabilities: readonly Capability[] = builtInCapabilities,
    private readonly now: () => number = Date.now,
  ) {
    for (const c of capabilities) this.capabilities.set(c.id, c);
  }

  /** The next way down from what `capability` uses now, recorded with `reason`; undefined when nothing is left. */
  stepDown(capabilityId: string, reason: string): Degradation | undefined {
    const c = this.require(capabilityId);
    const usingIndex = c.ways.findIndex(w => w.name === (this.current.get(capabilityId)?.using ?? c.ways[0].name));
    const next = c.ways[usingIndex + 1];
    if (!next) return undefined;
    return this.use(capabilityId, next.name, reason);
  }

  /** Records that `capability` now runs through the way named `wayName`. */
  use(capabilityId: string, wayName: string, reason: string): Degradation {
    const c = this.require(capabilityId);
    const way = c.ways.find(w => w.name === wayName);
    if (!way)
      throw new Error(`'${wayName}' is not a way to provide ${c.title}; known: ${c.ways.map(w => w.name).join(', ')}.`);
    if (way === c.ways[0]) {
      this.current.delete(capabilityId);
      return { capability: c.id, title: c.title, using: way.name, level: 'full', reason, at: this.now() };
    }
    const before = this.current.get(capabilityId);
    if (before?.using === way.name && before.reason === reason) return before;
    const d: Degradation = {
      capability: c.id,
      title: c.title,
      using: way.name,
      level: way.level,
      reason,
      at: before?.using === way.name ? before.at : this.now(),
      ...(way.note ? { note: way.note } : {}),
    };
    this.current.set(capabilityId, d);
    if (before?.using !== way.name) this.degraded.fire(d);
    return d;
  }

  /** Back to full service. */
  restore(capabilityId: string): void {
    this.current.delete(capabilityId);
  }

  /** What runs in reduced form now, worst first. */
  degradations(): Degradation[] {
    const rank: Record<DegradationLevel, number> = { full: 0, minor: 1, moderate: 2, severe: 3, minimal: 4 };
    return [...this.current.values()].sort((a, b) => rank[b.level] - rank[a.level]);
  }

  /** The overall level: the worst of every capability's. */
  overall(): DegradationLevel {
    return this.degradations()[0]?.level ?? 'full';
  }

  private require(id: string): Capability {
    const c = this.capabilities.get(id);
    if (!c) throw new Error(`Unknown capability '${id}'.`);
    return c;
  }
}
