// No import circles in src/: a module and the modules it imports form a tree a reader can follow from
// the bottom up (STYLE.md: a folder is a room with one purpose). Type-only imports count too: they
// tie two modules' designs together just the same. Read with TypeScript's own pre-processor.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const src = path.resolve(__dirname, '../../../src');

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap(e => {
    const full = path.join(folder, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find(f => fs.existsSync(f));
}

/** The import graph of src/ (relative imports, static and type-only; dynamic `import()` excluded: it is how cycles are deliberately broken at run time). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, false);
    graph.set(
      file,
      info.importedFiles.map(i => resolveImport(file, i.fileName)).filter((f): f is string => f !== undefined),
    );
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(path.relative(src, w));
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the modules of src/', () => {
  it('import each other without circles', () => {
    assert.deepStrictEqual(cycles(importGraph()), []);
  });

  it('finds a circle when there is one (the check itself)', () => {
    const graph = new Map(
      [
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
        ['d', ['a']],
      ].map(([k, v]) => [path.join(src, k as string), (v as string[]).map(x => path.join(src, x))]),
    );
    assert.deepStrictEqual(cycles(graph), [['a', 'b', 'c']]);
  });
});
