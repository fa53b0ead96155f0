import * as assert from 'assert';
import { ContextManager, type ContextChange } from '../../../src/core/context/contextManager';
import { maxContextBytes, maxNoteBytes, type ProjectContext } from '../../../src/core/context/model';
import type { Store } from '../../../src/core/store/types';
import type { FakeClock } from '../fakes/fakeClock';
import { counterIds, openTestStore } from './openTestStore';

async function setup(): Promise<{ store: Store; clock: FakeClock; context: ContextManager }> {
  const { store, clock } = await openTestStore();
  return { store, clock, context: new ContextManager(store, clock, counterIds()) };
}

function versionCount(store: Store): number {
  return store.get<{ n: number }>('SELECT count(*) AS n FROM context_versions')!.n;
}

describe('context manager', () => {
  it('has no current context before the first update', async () => {
    const { context } = await setup();
    assert.strictEqual(context.current(), undefined);
  });

  it('saves every update as a new version and keeps the earlier ones unchanged', async () => {
    const { context, clock } = await setup();
    const v1 = await context.update(
      draft => {
        draft.completion.percent = 10;
      },
      'first',
      'agent',
    );
    clock.advance(1000);
    const v2 = await context.update(
      draft => {
        draft.completion.percent = 20;
      },
      'second',
      'user',
    );
    assert.deepStrictEqual([v1, v2], [1, 2]);
    assert.strictEqual(context.version(1)!.context.completion.percent, 10);
    const current = context.current()!;
    assert.strictEqual(current.version, 2);
    assert.strictEqual(current.context.completion.percent, 20);
    assert.strictEqual(current.actor, 'user');
    assert.strictEqual(current.createdAt, clock.now());
  });

  it('applies a partial object returned by the change function', async () => {
    const { context } = await setup();
    await context.update(() => ({ completion: { summary: 'half way', percent: 50 } }), 'completion', 'agent');
    assert.deepStrictEqual(context.current()!.context.completion, { summary: 'half way', percent: 50 });
    assert.deepStrictEqual(context.current()!.context.notes, []);
  });

  it('saves nothing when an update changes nothing', async () => {
    const { context, store } = await setup();
    await context.setCompletion({ percent: 5 });
    const again = await context.setCompletion({ percent: 5 });
    assert.strictEqual(again, 1);
    assert.strictEqual(versionCount(store), 1);
  });

  it('lists the history newest first, limited on request', async () => {
    const { context } = await setup();
    await context.addNote({ title: 'Auth', body: 'JWT in cookies' });
    await context.updateAnalysis({ features: [{ name: 'login' }] });
    await context.setCompletion({ percent: 30 });
    assert.deepStrictEqual(
      context.history().map(h => h.summary),
      ['Updated the completion state (30%)', 'Updated the analysis (features)', 'Added note "Auth"'],
    );
    assert.deepStrictEqual(
      context.history(1).map(h => h.version),
      [3],
    );
  });

  it('adds, updates and removes notes by id', async () => {
    const { context } = await setup();
    const { id } = await context.addNote({ title: 'Domain', body: 'An order has lines', tags: ['orders'] });
    assert.strictEqual(id, 'note-1');
    await context.updateNote(id, { body: 'An order has one or more lines' });
    assert.deepStrictEqual(context.current()!.context.notes, [
      { id, title: 'Domain', body: 'An order has one or more lines', tags: ['orders'] },
    ]);
    await context.removeNote(id);
    assert.deepStrictEqual(context.current()!.context.notes, []);
  });

  it('refuses to change a note that does not exist, naming the id', async () => {
    const { context } = await setup();
    await assert.rejects(context.updateNote('nope', { body: 'x' }), /No note has the id "nope"/);
  });

  it('refuses a second note with the same id', async () => {
    const { context } = await setup();
    await context.addNote({ id: 'n', title: 'One', body: '' });
    await assert.rejects(context.addNote({ id: 'n', title: 'Two', body: '' }), /already exists; use updateNote/);
  });

  it('refuses a note body larger than 1 MB with an error saying what to do', async () => {
    const { context, store } = await setup();
    await assert.rejects(
      context.addNote({ title: 'Huge', body: 'x'.repeat(maxNoteBytes + 1) }),
      /context\.notes\[0\]\.body: is larger than 1\.0 MB.*split it/,
    );
    assert.strictEqual(versionCount(store), 0);
  });

  it('refuses a context larger than 16 MB', async () => {
    const { context, store } = await setup();
    const big = Array.from({ length: 17 }, (_, i) => ({ name: `f${i}`, description: 'y'.repeat(1024 * 1024) }));
    await assert.rejects(context.updateAnalysis({ features: big }), /more than the 16\.0 MB it may hold/);
    assert.ok(17 * 1024 * 1024 > maxContextBytes);
    assert.strictEqual(versionCount(store), 0);
  });

  it('refuses an update whose result does not fit the schema, naming the path', async () => {
    const { context } = await setup();
    await assert.rejects(
      context.update(
        draft => {
          (draft.completion as { percent: unknown }).percent = 'lots';
        },
        'bad',
        'agent',
      ),
      /context\.completion\.percent: expected a number, received a string/,
    );
  });

  it('refuses an asynchronous change function', async () => {
    const { context, store } = await setup();
    const change = (async (draft: ProjectContext) => {
      draft.notes = [];
    }) as unknown as ContextChange;
    await assert.rejects(context.update(change, 'async', 'agent'), /synchronous/);
    assert.strictEqual(versionCount(store), 0);
  });

  it('compares two versions', async () => {
    const { context } = await setup();
    await context.addNote({ id: 'n1', title: 'Auth', body: 'old' });
    await context.updateNote('n1', { body: 'new' });
    assert.deepStrictEqual(context.diff(1, 2).changed, [{ path: 'notes[id=n1].body', before: 'old', after: 'new' }]);
    assert.deepStrictEqual(
      context.diff(0, 1).added.map(e => e.path),
      ['notes[id=n1]'],
    );
  });

  it('refuses to compare a version that does not exist', async () => {
    const { context } = await setup();
    await context.setCompletion({ percent: 1 });
    assert.throws(() => context.diff(1, 7), /no context version 7; the versions are 1 to 1/);
  });

  it('tells listeners the new version', async () => {
    const { context } = await setup();
    const seen: number[] = [];
    context.onDidChange(e => seen.push(e.version));
    await context.setCompletion({ percent: 1 });
    await context.setCompletion({ percent: 1 });
    await context.setCompletion({ percent: 2 });
    assert.deepStrictEqual(seen, [1, 2]);
  });

  it('imports its own export as a new version', async () => {
    const source = await setup();
    await source.context.addNote({ id: 'n1', title: 'Auth', body: 'JWT' });
    await source.context.updateAnalysis({
      structure: { packages: ['core'] },
      gaps: [{ kind: 'todo', description: 'tests', file: 'a.ts', line: 3 }],
    });
    const exported = JSON.parse(JSON.stringify(source.context.export())) as unknown;

    const target = await setup();
    await target.context.setCompletion({ percent: 90 });
    const version = await target.context.import(exported, 'user');
    assert.strictEqual(version, 2);
    assert.deepStrictEqual(target.context.current()!.context, source.context.current()!.context);
    assert.match(target.context.current()!.summary, /Imported the context \(version 2 of the export\)/);
    assert.strictEqual(target.context.version(1)!.context.completion.percent, 90);
  });

  it('refuses a bad import with the path of the problem and leaves the store unchanged', async () => {
    const { context, store } = await setup();
    await context.addNote({ id: 'keep', title: 'Keep me', body: '' });
    const exported = context.export();
    const bad = structuredClone(exported) as unknown as { context: { notes: unknown[] } };
    bad.context.notes.push(
      { id: 'a', title: 'a', body: '' },
      { id: 'b', title: 'b', body: '' },
      { id: 'c', title: 42, body: '' },
    );
    await assert.rejects(context.import(bad, 'user'), (err: Error) => {
      assert.match(err.message, /context\.notes\[3\]\.title: expected a string, received a number/);
      assert.match(err.message, /nothing was changed/);
      return true;
    });
    assert.strictEqual(versionCount(store), 1);
    assert.deepStrictEqual(
      context.current()!.context.notes.map(n => n.id),
      ['keep'],
    );
  });

  it('refuses an import that is not a context export', async () => {
    const { context } = await setup();
    await assert.rejects(context.import({ tasks: [] }, 'user'), /format: is not "continuum.context"/);
    await assert.rejects(context.import('hello', 'user'), /expected an object, received a string/);
  });

  it('refuses unknown fields in an import instead of dropping them', async () => {
    const { context } = await setup();
    const data = {
      ...context.export(),
      context: { analysis: { features: [], gaps: [] }, notes: [], completion: {}, extra: 1 },
    };
    await assert.rejects(context.import(data, 'user'), /context: unknown field "extra"/);
  });

  it('refuses duplicate note ids in an import', async () => {
    const { context } = await setup();
    const notes = [
      { id: 'x', title: 'a', body: '' },
      { id: 'x', title: 'b', body: '' },
    ];
    const data = { ...context.export(), context: { analysis: { features: [], gaps: [] }, notes, completion: {} } };
    await assert.rejects(context.import(data, 'user'), /context\.notes\[1\]\.id: duplicate note id "x"/);
  });
});
