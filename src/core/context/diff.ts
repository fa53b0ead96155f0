// What changed between two JSON values (two context versions): the paths that were added,
// removed or changed, with the values before and after. Pure.
//
// Objects are compared key by key. Arrays of objects that all carry a unique string `id` (or,
// failing that, `name`) are matched on it, so a note keeps its path when others are inserted before
// it: `notes[id=n1].title`. Other arrays are compared position by position when they hold objects,
// and as one value when they hold plain values (tags, file lists).

export interface DiffEntry {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ContextDiff {
  added: DiffEntry[];
  removed: DiffEntry[];
  changed: DiffEntry[];
}

export function diffValues(before: unknown, after: unknown, root = ''): ContextDiff {
  const diff: ContextDiff = { added: [], removed: [], changed: [] };
  walk(before, after, root, diff);
  return diff;
}

export function isEmptyDiff(diff: ContextDiff): boolean {
  return !diff.added.length && !diff.removed.length && !diff.changed.length;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function walk(before: unknown, after: unknown, path: string, diff: ContextDiff): void {
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(before)) {
      if (before[key] === undefined) continue;
      if (after[key] === undefined) diff.removed.push({ path: child(path, key), before: before[key] });
      else walk(before[key], after[key], child(path, key), diff);
    }
    for (const key of Object.keys(after)) {
      if (after[key] !== undefined && before[key] === undefined)
        diff.added.push({ path: child(path, key), after: after[key] });
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && (before.some(isObject) || after.some(isObject))) {
    const key = identityKey(before, after);
    if (key) walkKeyed(before as JsonObject[], after as JsonObject[], key, path, diff);
    else walkIndexed(before, after, path, diff);
    return;
  }
  if (!deepEqual(before, after)) diff.changed.push({ path, before, after });
}

/** `id` or `name`, when every element on both sides is an object with a unique string value for it. */
function identityKey(before: unknown[], after: unknown[]): string | undefined {
  for (const key of ['id', 'name']) {
    if (
      [before, after].every(list => {
        const values = list.map(item => (isObject(item) ? item[key] : undefined));
        return values.every(v => typeof v === 'string') && new Set(values).size === values.length;
      })
    )
      return key;
  }
  return undefined;
}

function walkKeyed(before: JsonObject[], after: JsonObject[], key: string, path: string, diff: ContextDiff): void {
  const old = new Map(before.map(item => [item[key] as string, item]));
  const next = new Map(after.map(item => [item[key] as string, item]));
  const at = (id: string) => `${path}[${key}=${id}]`;
  for (const [id, item] of old) {
    const match = next.get(id);
    if (match === undefined) diff.removed.push({ path: at(id), before: item });
    else walk(item, match, at(id), diff);
  }
  for (const [id, item] of next) {
    if (!old.has(id)) diff.added.push({ path: at(id), after: item });
  }
}

function walkIndexed(before: unknown[], after: unknown[], path: string, diff: ContextDiff): void {
  const shared = Math.min(before.length, after.length);
  for (let i = 0; i < shared; i++) walk(before[i], after[i], `${path}[${i}]`, diff);
  for (let i = shared; i < before.length; i++) diff.removed.push({ path: `${path}[${i}]`, before: before[i] });
  for (let i = shared; i < after.length; i++) diff.added.push({ path: `${path}[${i}]`, after: after[i] });
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!deepEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}
