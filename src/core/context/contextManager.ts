// The project context on the store. Every change saves a new version (a new row in
// context_versions); earlier versions are never modified, so the history can be listed, compared
// and exported.
import { randomUUID } from 'crypto';
import { Emitter } from '../events';
import type { Clock, IdFactory } from '../ports';
import type { Actor, Store, StoreReader } from '../store/types';
import { deepEqual, diffValues, type ContextDiff } from './diff';
import {
  ContextError,
  contextExportFormat,
  emptyContext,
  parseContextExport,
  validateContext,
  type Analysis,
  type Completion,
  type ContextExport,
  type ContextVersion,
  type ContextVersionInfo,
  type Note,
  type ProjectContext,
} from './model';

/** Changes `draft` in place, or returns the top-level parts to replace (or both). Must be synchronous. */
export type ContextChange = (draft: ProjectContext) => void | Partial<ProjectContext>;

export type NewNote = Omit<Note, 'id'> & { id?: string };
export type NotePatch = Partial<Omit<Note, 'id'>>;

interface VersionRow {
  version: number;
  created_at: number;
  actor: string;
  summary: string;
  data: string;
}

const randomIds: IdFactory = prefix => `${prefix}-${randomUUID()}`;

export class ContextManager {
  private readonly changed = new Emitter<{ version: number }>();
  /** Fires after a new version was saved. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly newId: IdFactory = randomIds,
  ) {}

  // ---- reading ----

  /** The newest version, or `undefined` before the first update. */
  current(): ContextVersion | undefined {
    const row = this.store.get<VersionRow>('SELECT * FROM context_versions ORDER BY version DESC LIMIT 1');
    return row && toVersion(row);
  }

  version(n: number): ContextVersion | undefined {
    const row = this.store.get<VersionRow>('SELECT * FROM context_versions WHERE version = ?', [n]);
    return row && toVersion(row);
  }

  /** The versions, newest first, without their contents. */
  history(limit = 50): ContextVersionInfo[] {
    return this.store
      .all<Omit<VersionRow, 'data'>>(
        'SELECT version, created_at, actor, summary FROM context_versions ORDER BY version DESC LIMIT ?',
        [limit],
      )
      .map(row => ({ version: row.version, createdAt: row.created_at, actor: row.actor, summary: row.summary }));
  }

  /** What changed from version `a` to version `b`. Version 0 is the empty context before the first update. */
  diff(a: number, b: number): ContextDiff {
    return diffValues(this.contextAt(a), this.contextAt(b));
  }

  export(): ContextExport {
    const current = this.current();
    return {
      format: contextExportFormat,
      formatVersion: 1,
      exportedAt: this.clock.now(),
      ...(current ? { version: current.version } : {}),
      context: current?.context ?? emptyContext(),
    };
  }

  // ---- changing ----

  /**
   * Applies `change` to a copy of the newest version and saves the result as a new version.
   * Resolves to the new version number once it is on disk; when the change leaves the context as it
   * was, nothing is saved and the current version number is returned.
   */
  update(change: ContextChange, summary: string, actor: Actor): Promise<number> {
    return this.save(
      base => {
        const draft = structuredClone(base());
        const returned: unknown = change(draft);
        if (isThenable(returned))
          throw new ContextError(
            'update() needs a synchronous change function: do the awaiting first, then change the draft.',
          );
        return returned ? { ...draft, ...(returned as Partial<ProjectContext>) } : draft;
      },
      summary,
      actor,
    );
  }

  updateAnalysis(partial: Partial<Analysis>, actor: Actor = 'system'): Promise<number> {
    const parts = Object.keys(partial).join(', ') || 'nothing';
    return this.update(
      draft => {
        draft.analysis = { ...draft.analysis, ...partial };
      },
      `Updated the analysis (${parts})`,
      actor,
    );
  }

  /** Adds a note (an id is made when none is given) and resolves to the new version and the note's id. */
  async addNote(note: NewNote, actor: Actor = 'user'): Promise<{ version: number; id: string }> {
    const id = note.id ?? this.newId('note');
    const version = await this.update(
      draft => {
        if (draft.notes.some(n => n.id === id))
          throw new ContextError(
            `A note with the id "${id}" already exists; use updateNote() to change it, or choose another id.`,
          );
        draft.notes.push({ ...note, id });
      },
      `Added note "${note.title}"`,
      actor,
    );
    return { version, id };
  }

  updateNote(id: string, patch: NotePatch, actor: Actor = 'user'): Promise<number> {
    return this.update(
      draft => {
        const note = findNote(draft, id);
        Object.assign(note, patch, { id });
      },
      `Updated note "${patch.title ?? this.noteTitle(id)}"`,
      actor,
    );
  }

  removeNote(id: string, actor: Actor = 'user'): Promise<number> {
    return this.update(
      draft => {
        const note = findNote(draft, id);
        draft.notes = draft.notes.filter(n => n !== note);
      },
      `Removed note "${this.noteTitle(id)}"`,
      actor,
    );
  }

  /** Replaces the completion fields given; the others keep their values. */
  setCompletion(completion: Partial<Completion>, actor: Actor = 'system'): Promise<number> {
    const percent = completion.percent === undefined ? '' : ` (${completion.percent}%)`;
    return this.update(
      draft => {
        draft.completion = { ...draft.completion, ...completion };
      },
      `Updated the completion state${percent}`,
      actor,
    );
  }

  /**
   * Saves the context of an export (see `export()`) as a new version. The input is checked first:
   * bad input is refused with an error naming the problem's path, and nothing is changed.
   */
  async import(data: unknown, actor: Actor): Promise<number> {
    const context = parseContextExport(data, 'Could not import the context; nothing was changed');
    const from = isRecord(data) && typeof data.version === 'number' ? ` (version ${data.version} of the export)` : '';
    return this.save(() => context, `Imported the context${from}`, actor);
  }

  // ---- helpers ----

  /** Saves what `next` makes of the newest version (read only when `next` asks for it) as a new version. */
  private async save(next: (base: () => ProjectContext) => unknown, summary: string, actor: Actor): Promise<number> {
    if (!summary.trim()) throw new ContextError('Say what changed: update() needs a summary for the context history.');
    const doing = `Could not save the context ("${summary}"); nothing was changed`;
    const result = await this.store.write(w => {
      const row = w.get<VersionRow>('SELECT version, data FROM context_versions ORDER BY version DESC LIMIT 1');
      let base: ProjectContext | undefined;
      const readBase = () => (base ??= row ? parseData(row) : emptyContext());
      const context = validateContext(next(readBase), doing);
      if (row && base && deepEqual(base, context)) return { version: row.version, saved: false };
      const version = (row?.version ?? 0) + 1;
      w.run('INSERT INTO context_versions (version, created_at, actor, summary, data) VALUES (?, ?, ?, ?, ?)', [
        version,
        this.clock.now(),
        actor,
        summary,
        JSON.stringify(context),
      ]);
      return { version, saved: true };
    }, actor);
    if (result.saved) this.changed.fire({ version: result.version });
    return result.version;
  }

  private contextAt(n: number): ProjectContext {
    if (n === 0) return emptyContext();
    const found = this.version(n);
    if (!found) {
      const newest = this.current()?.version;
      throw new ContextError(
        `There is no context version ${n}; ${newest ? `the versions are 1 to ${newest}` : 'the context has not been saved yet'}.`,
      );
    }
    return found.context;
  }

  private noteTitle(id: string): string {
    return this.current()?.context.notes.find(n => n.id === id)?.title ?? id;
  }
}

function findNote(context: ProjectContext, id: string): Note {
  const note = context.notes.find(n => n.id === id);
  if (!note) {
    const ids = context.notes
      .slice(0, 10)
      .map(n => `"${n.id}"`)
      .join(', ');
    throw new ContextError(
      `No note has the id "${id}"; ${ids ? `the notes' ids are ${ids}${context.notes.length > 10 ? ', …' : ''}` : 'there are no notes yet'}.`,
    );
  }
  return note;
}

function toVersion(row: VersionRow): ContextVersion {
  return {
    version: row.version,
    createdAt: row.created_at,
    actor: row.actor,
    summary: row.summary,
    context: parseData(row),
  };
}

function parseData(row: Pick<VersionRow, 'version' | 'data'>): ProjectContext {
  try {
    return JSON.parse(row.data) as ProjectContext;
  } catch (err) {
    throw new ContextError(
      `Context version ${row.version} is damaged and cannot be read (${(err as Error).message}). Import a context export to save a good version over it.`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}

function isThenable(value: unknown): boolean {
  return isRecord(value) && typeof value.then === 'function';
}

/** The number of the newest context version; undefined before the first. Reads only (a checkpoint saves it). */
export function latestContextVersion(r: StoreReader): number | undefined {
  return r.get<{ v: number | null }>('SELECT max(version) AS v FROM context_versions')?.v ?? undefined;
}
