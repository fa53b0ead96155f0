// From the graph to the project context and to tasks: the codebase's structure, the features it
// offers (modules and their public surface), and the gaps an agent or a person should look at.
// Pure functions of the index.
import { createHash } from 'crypto';
import type { Analysis, Feature, Gap } from '../context/model';
import type { NewTask } from '../tasks/validation';
import type { GraphIndex } from './graphIndex';
import { packagePrefix } from './model';
import type { Priority } from '../tasks/model';

/** At most this many gaps of one kind go into the context (the rest are counted in the structure). */
export const maxGapsPerKind = 200;
const maxFeatures = 300;

const testFile = /(^|\/)(tests?|__tests__|spec|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

export function isTestFile(id: string): boolean {
  return testFile.test(id);
}

export function analyzeGraph(index: GraphIndex): Analysis {
  const files = index.fileIds().map(id => index.file(id)!);
  const tests = files.filter(f => isTestFile(f.id));
  const sources = files.filter(f => !isTestFile(f.id) && !f.id.endsWith('.d.ts'));
  const stats = index.getStatistics();

  const folders = new Map<string, { files: number; lines: number }>();
  for (const f of files) {
    const top = f.id.includes('/') ? f.id.slice(0, f.id.indexOf('/')) : '.';
    const entry = folders.get(top) ?? { files: 0, lines: 0 };
    entry.files++;
    entry.lines += f.facts.lines;
    folders.set(top, entry);
  }
  const imported = new Set(files.flatMap(f => index.moduleRelationsOf(f.id).map(r => r.to)));
  // modules nothing imports that offer something: what the outside world (or a runtime) loads
  const entryPoints = sources
    .filter(
      f =>
        !imported.has(f.id) &&
        (f.facts.declarations.some(d => d.exported) || f.facts.imports.some(i => i.kind === 'reexport')),
    )
    .map(f => f.id)
    .slice(0, 50);
  const externalUse = new Map<string, number>();
  for (const f of files) {
    for (const r of index.moduleRelationsOf(f.id)) {
      if (!r.to.startsWith(packagePrefix)) continue;
      const name = r.to.slice(packagePrefix.length);
      externalUse.set(name, (externalUse.get(name) ?? 0) + 1);
    }
  }

  const gaps = [
    ...todoGaps(index),
    ...failureGaps(index),
    ...cycleGaps(index),
    ...unresolvedGaps(index),
    ...untestedGaps(
      index,
      sources.map(f => f.id),
      tests.length,
    ),
  ];
  const byKind = new Map<string, number>();
  for (const g of gaps) byKind.set(g.kind, (byKind.get(g.kind) ?? 0) + 1);
  const taken = new Map<string, number>();
  const kept = gaps.filter(g => {
    const n = (taken.get(g.kind) ?? 0) + 1;
    taken.set(g.kind, n);
    return n <= maxGapsPerKind;
  });

  const structure = {
    files: files.length,
    lines: files.reduce((n, f) => n + f.facts.lines, 0),
    testFiles: tests.length,
    folders: Object.fromEntries([...folders].sort((a, b) => b[1].files - a[1].files)),
    packages: index.projectConfig.packages.map(p => ({ name: p.name, folder: p.dir || '.' })),
    entryPoints,
    externalPackages: [...externalUse]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30)
      .map(([name, importers]) => ({ name, importers })),
    components: stats.components,
    mostDependedOn: stats.mostDependedOn,
    largestModules: stats.largestModules,
    gapCounts: Object.fromEntries(byKind),
  };
  return {
    structure,
    features: features(
      index,
      sources.map(f => f.id),
    ),
    gaps: kept,
  };
}

function features(index: GraphIndex, sources: string[]): Feature[] {
  const ranked = sources
    .map(id => ({
      id,
      exports: index.file(id)!.facts.declarations.filter(d => d.exported && !d.parent),
      dependents: index.getDependents(id).length,
    }))
    .filter(m => m.exports.length)
    .sort((a, b) => b.dependents - a.dependents || a.id.localeCompare(b.id))
    .slice(0, maxFeatures);
  return ranked.map(m => ({
    name: m.id,
    description: `exports ${m.exports
      .slice(0, 12)
      .map(d => `${d.kind} ${d.name}`)
      .join(
        ', ',
      )}${m.exports.length > 12 ? `, and ${m.exports.length - 12} more` : ''}; used by ${m.dependents} module(s)`,
    files: [m.id],
  }));
}

function todoGaps(index: GraphIndex): Gap[] {
  return index.fileIds().flatMap(id =>
    index.file(id)!.facts.todos.map(t => ({
      kind: t.tag.toLowerCase(),
      description: `${t.tag}: ${t.text || '(no text)'}`,
      file: id,
      line: t.line,
    })),
  );
}

function failureGaps(index: GraphIndex): Gap[] {
  return index
    .fileIds()
    .map(id => index.file(id)!)
    .filter(f => f.status !== 'parsed')
    .map(f =>
      f.status === 'failed'
        ? {
            kind: 'parse-failure',
            description: `Does not parse (${f.error ?? 'syntax error'}); only its imports are known`,
            file: f.id,
            ...lineOf(f.error),
          }
        : { kind: 'skipped-file', description: `Not analysed: ${f.error ?? 'too large'}`, file: f.id },
    );
}

function lineOf(error: string | undefined): { line?: number } {
  const m = /^line (\d+):/.exec(error ?? '');
  return m ? { line: Number(m[1]) } : {};
}

function cycleGaps(index: GraphIndex): Gap[] {
  return index.findCycles().map(cycle => ({
    kind: 'import-cycle',
    description: `Import cycle: ${[...cycle, cycle[0]].join(' → ')}`,
    file: cycle[0],
  }));
}

function unresolvedGaps(index: GraphIndex): Gap[] {
  return index.unresolvedImports().map(u => ({
    kind: 'unresolved-import',
    description: `Import '${u.specifier}' does not resolve to a file`,
    file: u.file,
    line: u.line,
  }));
}

function untestedGaps(index: GraphIndex, sources: string[], testCount: number): Gap[] {
  if (!testCount) return [];
  const reached = new Set<string>();
  for (const id of index.fileIds().filter(isTestFile)) {
    for (const c of index.getDependencies(id, { recursive: false })) reached.add(c.id);
  }
  return sources
    .filter(id => !reached.has(id) && index.file(id)!.facts.declarations.some(d => d.exported))
    .map(id => ({ kind: 'untested-module', description: `No test imports ${id}`, file: id }));
}

/** A proposed task for a gap; its key is stable, so proposing again finds the tasks already made. */
export interface TaskProposal {
  key: string;
  task: NewTask;
  gap: Gap;
}

const priorityOf: Record<string, Priority> = {
  fixme: 'high',
  'parse-failure': 'high',
  'import-cycle': 'normal',
  'unresolved-import': 'normal',
  todo: 'normal',
  hack: 'normal',
  'untested-module': 'low',
  'skipped-file': 'low',
};

/** A task per gap, leaving out the gaps whose task already exists (by key). */
export function proposeTasks(gaps: readonly Gap[], existingKeys: ReadonlySet<string> = new Set()): TaskProposal[] {
  const seen = new Set<string>(existingKeys);
  const proposals: TaskProposal[] = [];
  for (const gap of gaps) {
    const hash = createHash('sha1').update(`${gap.kind}\0${gap.description}`).digest('hex').slice(0, 10);
    const key = `gap:${gap.file ?? ''}:${gap.line ?? 0}:${hash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const where = gap.file ? `${gap.file}${gap.line ? `:${gap.line}` : ''}` : 'the workspace';
    proposals.push({
      key,
      gap,
      task: {
        key,
        title: titleOf(gap).slice(0, 500),
        description: `${gap.description}\n\nLocation: ${where}\nFound by Continuum: Analyze Workspace (${gap.kind}).`,
        priority: priorityOf[gap.kind] ?? 'normal',
        action: { kind: 'manual' },
      },
    });
  }
  return proposals;
}

function titleOf(gap: Gap): string {
  const where = gap.file ? `${gap.file}${gap.line ? `:${gap.line}` : ''}` : '';
  switch (gap.kind) {
    case 'todo':
    case 'fixme':
    case 'hack':
      return `${gap.description} (${where})`;
    case 'parse-failure':
      return `Fix the syntax error in ${where}`;
    case 'import-cycle':
      return `Break the ${gap.description.charAt(0).toLowerCase()}${gap.description.slice(1)}`;
    case 'unresolved-import':
      return `${gap.description} (${where})`;
    case 'untested-module':
      return `Add tests for ${gap.file}`;
    default:
      return `${gap.description}${where ? ` (${where})` : ''}`;
  }
}
