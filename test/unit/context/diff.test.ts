import * as assert from 'assert';
import { diffValues, isEmptyDiff } from '../../../src/core/context/diff';

describe('context diff', () => {
  it('reports nothing for equal values', () => {
    const value = { a: 1, b: [{ id: 'x', t: 'y' }], c: ['p', 'q'] };
    assert.ok(isEmptyDiff(diffValues(value, structuredClone(value))));
  });

  it('reports added, removed and changed object fields with their values', () => {
    const diff = diffValues({ a: 1, b: 2, nested: { c: 'old' } }, { a: 1, nested: { c: 'new' }, d: true });
    assert.deepStrictEqual(diff, {
      added: [{ path: 'd', after: true }],
      removed: [{ path: 'b', before: 2 }],
      changed: [{ path: 'nested.c', before: 'old', after: 'new' }],
    });
  });

  it('matches array elements on their id, so an insertion does not shift the others', () => {
    const before = {
      notes: [
        { id: 'n1', title: 'One' },
        { id: 'n2', title: 'Two' },
      ],
    };
    const after = {
      notes: [
        { id: 'n0', title: 'Zero' },
        { id: 'n1', title: 'One' },
        { id: 'n2', title: 'Two!' },
      ],
    };
    const diff = diffValues(before, after);
    assert.deepStrictEqual(diff.added, [{ path: 'notes[id=n0]', after: { id: 'n0', title: 'Zero' } }]);
    assert.deepStrictEqual(diff.changed, [{ path: 'notes[id=n2].title', before: 'Two', after: 'Two!' }]);
    assert.deepStrictEqual(diff.removed, []);
  });

  it('matches array elements on their name when they have no id', () => {
    const diff = diffValues({ features: [{ name: 'login' }, { name: 'signup' }] }, { features: [{ name: 'signup' }] });
    assert.deepStrictEqual(diff.removed, [{ path: 'features[name=login]', before: { name: 'login' } }]);
  });

  it('compares arrays of objects without identity position by position', () => {
    const diff = diffValues({ gaps: [{ kind: 'todo' }] }, { gaps: [{ kind: 'bug' }, { kind: 'todo' }] });
    assert.deepStrictEqual(diff.changed, [{ path: 'gaps[0].kind', before: 'todo', after: 'bug' }]);
    assert.deepStrictEqual(diff.added, [{ path: 'gaps[1]', after: { kind: 'todo' } }]);
  });

  it('compares arrays of plain values as one value', () => {
    const diff = diffValues({ tags: ['a', 'b'] }, { tags: ['b'] });
    assert.deepStrictEqual(diff.changed, [{ path: 'tags', before: ['a', 'b'], after: ['b'] }]);
  });

  it('reports a change of type as a change of the whole value', () => {
    const diff = diffValues({ structure: { files: 3 } }, { structure: 'unknown' });
    assert.deepStrictEqual(diff.changed, [{ path: 'structure', before: { files: 3 }, after: 'unknown' }]);
  });
});
