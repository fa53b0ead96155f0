// A read replica: a store opened read-only that follows the journal the holder appends to, across
// the holder's compactions and across a new holder's first segment.
import * as assert from 'assert';
import { openStore, type OpenStoreOptions } from '../../../src/core/store/store';
import type { Migration } from '../../../src/core/store/schema';
import { ReadOnlyStoreError, type Store, type StoreChange } from '../../../src/core/store/types';
import { MemoryFileSystem } from '../fakes/memoryFileSystem';
import { FakeClock } from '../fakes/fakeClock';

const folder = '/store';
const kv: Migration[] = [
  { version: 1, description: 'kv', sql: 'CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);' },
];

function options(fs: MemoryFileSystem, extra: Partial<OpenStoreOptions> = {}): OpenStoreOptions {
  return { folder, fs, migrations: kv, idleCompactMs: 0, clock: new FakeClock(), ...extra };
}

function put(store: Store, k: string, v: string): Promise<void> {
  return store.write(w => {
    w.run('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', [k, v]);
  });
}

function value(store: Store, k: string): string | undefined {
  return store.get<{ v: string }>('SELECT v FROM kv WHERE k = ?', [k])?.v;
}

describe('a read replica of the store', () => {
  it('applies each change the holder acknowledges, in order, and announces the tables it changed', async () => {
    const fs = new MemoryFileSystem();
    const holder = await openStore(options(fs));
    await put(holder, 'a', '1');
    const replica = await openStore(options(fs, { readOnly: true, followMs: 60_000 }));
    assert.strictEqual(value(replica, 'a'), '1', 'what was on disk when it opened');
    const seen: StoreChange[] = [];
    replica.onDidChange(c => seen.push(c));

    await put(holder, 'b', '2');
    await put(holder, 'a', '3');
    assert.strictEqual(value(replica, 'b'), undefined, 'nothing is read before it looks');
    assert.strictEqual(await replica.catchUp(holder.seq), true);
    assert.strictEqual(value(replica, 'a'), '3');
    assert.strictEqual(value(replica, 'b'), '2');
    assert.strictEqual(replica.seq, holder.seq);
    assert.deepStrictEqual(
      seen.map(c => [...c.tables]),
      [['kv']],
    );
    await assert.rejects(put(replica, 'c', '4'), ReadOnlyStoreError);
    await replica.close();
    await holder.close();
  });

  it('reads only what the holder appended since its last look, not the whole segment again', async () => {
    const fs = new MemoryFileSystem();
    const holder = await openStore(options(fs));
    const replica = await openStore(options(fs, { readOnly: true, followMs: 60_000 }));
    let bytesRead = 0;
    for (const method of ['readFile', 'readFrom'] as const) {
      const real = fs[method].bind(fs) as (path: string, offset?: number) => Promise<Uint8Array | undefined>;
      (fs as unknown as Record<string, unknown>)[method] = async (path: string, offset?: number) => {
        const data = await real(path, offset);
        if (path.includes('journal')) bytesRead += data?.length ?? 0;
        return data;
      };
    }
    for (let i = 0; i < 200; i++) {
      await put(holder, `k${i}`, 'x'.repeat(200));
      assert.strictEqual(await replica.catchUp(holder.seq), true);
    }
    const journal = (await fs.list(folder)).filter(n => n.includes('journal'));
    let journalBytes = 0;
    for (const n of journal) journalBytes += (await fs.size(`${folder}/${n}`)) ?? 0;
    assert.strictEqual(value(replica, 'k199'), 'x'.repeat(200));
    assert.ok(bytesRead <= journalBytes, `read ${bytesRead} bytes of a ${journalBytes}-byte journal`);
    await replica.close();
    await holder.close();
  });

  it("loads the holder's newer snapshot when a compaction removed the changes it had not read yet", async () => {
    const fs = new MemoryFileSystem();
    const holder = await openStore(options(fs));
    const replica = await openStore(options(fs, { readOnly: true, followMs: 60_000 }));
    await put(holder, 'a', '1');
    await holder.compact(); // the segment holding change #1 (and #2, the schema) is gone
    await put(holder, 'b', '2');
    assert.strictEqual(await replica.catchUp(holder.seq), true);
    assert.strictEqual(value(replica, 'a'), '1');
    assert.strictEqual(value(replica, 'b'), '2');
    await replica.close();
    await holder.close();
  });

  it('follows a new holder that took over, into its own segment', async () => {
    const fs = new MemoryFileSystem();
    const first = await openStore(options(fs));
    await put(first, 'a', '1');
    const replica = await openStore(options(fs, { readOnly: true, followMs: 60_000 }));
    await put(first, 'b', '2');
    // the first holder "dies" without closing; the next one opens, replays and writes on
    const second = await openStore(options(fs, { idleCompactMs: 0 }));
    await put(second, 'c', '3');
    assert.strictEqual(await replica.catchUp(second.seq), true);
    assert.deepStrictEqual(
      ['a', 'b', 'c'].map(k => value(replica, k)),
      ['1', '2', '3'],
    );
    await replica.close();
    await second.close();
  });

  it('says it has not caught up when the change never comes', async () => {
    const fs = new MemoryFileSystem();
    const holder = await openStore(options(fs));
    const replica = await openStore(options(fs, { readOnly: true, followMs: 60_000 }));
    assert.strictEqual(await replica.catchUp(replica.seq + 5, 50), false);
    await replica.close();
    await holder.close();
  });
});
