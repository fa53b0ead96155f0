// The writes a client window makes on the store, as named operations: the client sends the
// operation's name and arguments to the holder, which runs it on its own core (so it is checked
// against the newest state, and saved with fdatasync before it answers) and says which change of
// the journal holds it. The client's call resolves once its replica has applied that change
// (read-your-writes). Reads stay local, on the replica.
import type { Continuum } from '../../core/continuum';
import { ReadOnlyStoreError } from '../../core/store/types';

type Run = (core: Continuum, args: unknown[]) => Promise<unknown>;

/* eslint-disable @typescript-eslint/no-explicit-any */
const operations: Record<string, Run> = {
  'tasks.create': (core, a: any[]) => core.tasks.create(a[0], a[1]),
  'tasks.createMany': (core, a: any[]) => core.tasks.createMany(a[0], a[1], a[2]),
  'tasks.update': (core, a: any[]) => core.tasks.update(a[0], a[1], a[2]),
  'tasks.setStatus': (core, a: any[]) => core.tasks.setStatus(a[0], a[1], a[2], a[3]),
  'tasks.delete': (core, a: any[]) => core.tasks.delete(a[0], a[1]),
  'tasks.importPlan': (core, a: any[]) => {
    const options = (a[1] ?? {}) as { only?: string[]; actor?: any };
    return core.tasks.importPlan(a[0], {
      ...(options.only ? { only: new Set(options.only) } : {}),
      ...(options.actor ? { actor: options.actor } : {}),
    });
  },
  'sessions.createCheckpoint': (core, a: any[]) => core.sessions.createCheckpoint(a[0], a[1]),
  'sessions.fail': (core, a: any[]) => core.sessions.fail(a[0], a[1], a[2]),
  'context.addNote': (core, a: any[]) => core.context.addNote(a[0], a[1]),
  'context.updateAnalysis': (core, a: any[]) => core.context.updateAnalysis(a[0], a[1]),
  // `continuum graph build` while this process holds the store: built here, with the graph's own exclusions
  'graph.build': (core, a: any[]) => {
    const roots: unknown = (a[0] as { roots?: unknown } | undefined)?.roots;
    if (!Array.isArray(roots) || !roots.length || !roots.every(r => typeof r === 'string'))
      throw new UnknownOperationError("'graph.build' needs { roots }: the absolute folders to build the graph of.");
    return core.graph.build({ roots: roots as string[], exclude: core.graph.settings?.exclude ?? [] });
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Which methods of which manager a client sends to the holder. */
const forwarded: Record<'tasks' | 'sessions' | 'context', ReadonlySet<string>> = {
  tasks: new Set(['create', 'createMany', 'update', 'setStatus', 'delete', 'importPlan']),
  sessions: new Set(['createCheckpoint', 'fail']),
  context: new Set(['addNote', 'updateAnalysis']),
};

export interface OperationResult {
  value: unknown;
  /** The journal's last change once the operation was saved: the client waits until its replica has it. */
  seq: number;
}

export class UnknownOperationError extends Error {}

/** Runs a client's operation on the holder's core; resolves once it is saved. */
export async function runOperation(core: Continuum, name: string, args: unknown): Promise<OperationResult> {
  const run = Object.hasOwn(operations, name) ? operations[name] : undefined;
  if (!run) throw new UnknownOperationError(`There is no store operation '${name}'.`);
  if (!Array.isArray(args)) throw new UnknownOperationError(`The arguments of '${name}' must be a list.`);
  const value = await run(core, args);
  return { value: value === undefined ? null : value, seq: core.store.seq };
}

/** An argument as it crosses to the holder: a set becomes a list, an error its message. */
function portable(name: string, args: unknown[]): unknown[] {
  if (name === 'tasks.setStatus' && args.length > 4)
    throw new ReadOnlyStoreError(
      'a status change that writes other records with it (the executor) runs only in the process that holds the store',
    );
  return args.map(a => {
    if (a instanceof Set) return [...(a as Set<unknown>)];
    if (a instanceof Error) return a.message;
    if (name === 'tasks.importPlan' && isRecord(a) && a.only instanceof Set)
      return { ...(a.actor ? { actor: a.actor } : {}), only: [...(a.only as Set<unknown>)] };
    return a;
  });
}

/**
 * Makes the replica core's writes go to the holder: the forwarded methods of its task, session
 * and context managers call `send` instead of writing (which the replica cannot). Everything else
 * reads the replica, and any other write is refused with the replica's read-only reason.
 */
export function forwardWrites(core: Continuum, send: (name: string, args: unknown[]) => Promise<unknown>): Continuum {
  for (const manager of ['tasks', 'sessions', 'context'] as const) {
    const methods = forwarded[manager];
    const target = core[manager] as object;
    (core as unknown as Record<string, unknown>)[manager] = new Proxy(target, {
      get(t, prop, receiver) {
        if (typeof prop === 'string' && methods.has(prop)) {
          const name = `${manager}.${prop}`;
          return async (...args: unknown[]) => send(name, portable(name, args));
        }
        return Reflect.get(t, prop, receiver) as unknown;
      },
    });
  }
  return core;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
