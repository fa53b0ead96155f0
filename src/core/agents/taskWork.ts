// What an agent needs to work on a task, in one answer: what to do and how it is checked, what its
// dependencies produced, the files it names and what depends on them, and the errors seen on it.
import type { Continuum } from '../continuum';
import { ErrorLearning } from '../execution/guards/learning';
import type { Task } from '../tasks/model';
import { describeFix, signatureOf, type FixLine } from './briefing';
import { clip, workKindOf } from './common';

export interface DependencyWork {
  id: string;
  title: string;
  status: string;
  result?: string;
  /** Agents' and people's notes on it, newest first. */
  notes: string[];
}

export interface TaskWork {
  id: string;
  title: string;
  description: string;
  status: string;
  priority: string;
  progress: number;
  kind: string;
  number?: string;
  phase?: string;
  /** Acceptance and testing notes written under its phase in the plan. */
  acceptance: string[];
  /** The command that must pass before the task counts as done (run by continuum_update_task status done). */
  verify?: string;
  /** What it runs, when it is a command. */
  command?: string;
  dependencies: DependencyWork[];
  /** Paths the task's title or description names. */
  files: string[];
  /** Components that may be affected by changing those files; or why there are none. */
  affected: { components: Array<{ file: string; affected: string[] }> } | { unavailable: string };
  /** Errors this task ran into before, with the fixes known for them. */
  knownErrors: Array<{ error: string; occurrences: number; fixes: FixLine[] }>;
  /** Notes on the task itself, newest first. */
  notes: string[];
  claim?: { agentName: string; leaseUntil: number };
}

export const noGraphMessage =
  'No knowledge graph is built for this store yet: in VS Code run "Continuum: Build Knowledge Graph", or `continuum graph build FOLDER --store DIR` in a terminal.';

const pathPattern =
  /(?:^|[\s`'"(])((?:\.{0,2}\/)?(?:[\w.@-]+\/)*[\w@-][\w.@-]*\.[A-Za-z][A-Za-z0-9]{0,5})(?=$|[\s`'",;:)]|[.!?](?:$|\s))/g;

/** Relative paths named in a text ("src/app.ts", "README.md"), at most `max`, in order of appearance. */
export function filesNamedIn(text: string, max = 20): string[] {
  const found = new Set<string>();
  for (const m of text.slice(0, 20_000).matchAll(pathPattern)) {
    const p = m[1].replace(/^\.\//, '');
    if (/^\d+(\.\d+)*$/.test(p) || /^(?:e\.g|i\.e|etc)\.?/i.test(p) || !/[/.]/.test(p)) continue;
    if (
      !p.includes('/') &&
      !/\.(?:[jt]sx?|mjs|cjs|json|md|css|scss|html|vue|svelte|py|go|rs|java|yml|yaml|toml)$/i.test(p)
    )
      continue;
    found.add(p);
    if (found.size >= max) break;
  }
  return [...found];
}

/** Notes recorded on a task (events of kind 'note'), newest first. */
export function taskNotes(core: Continuum, taskId: string, max: number): string[] {
  return core.tasks
    .events(taskId, 200)
    .filter(e => e.kind === 'note' && typeof e.detail.note === 'string')
    .slice(0, max)
    .map(e => `${e.agent ?? e.actor}: ${e.detail.note as string}`);
}

export function affectedByFiles(core: Continuum, files: readonly string[]): TaskWork['affected'] {
  if (!files.length) return { components: [] };
  if (!core.graph.isBuilt) return { unavailable: noGraphMessage };
  const components: Array<{ file: string; affected: string[] }> = [];
  for (const file of files.slice(0, 5)) {
    if (!core.graph.fileComponent(file)) continue; // a file the graph does not know: nothing to say about it
    components.push({
      file,
      affected: core.graph
        .findAffectedComponents(file)
        .slice(0, 15)
        .map(a => a.component.id),
    });
  }
  return { components };
}

export function taskWork(core: Continuum, task: Task): TaskWork {
  const phase = task.phaseId ? core.tasks.phases().find(p => p.id === task.phaseId) : undefined;
  const dependencies = task.dependsOn
    .map(id => core.tasks.get(id))
    .filter((t): t is Task => !!t)
    .map(d => ({
      id: d.id,
      title: d.title,
      status: d.status,
      ...(d.result ? { result: clip(d.result, 2000) } : {}),
      notes: taskNotes(core, d.id, 3).map(n => clip(n, 1000)),
    }));
  const files = filesNamedIn(`${task.title}\n${task.description}`);
  const learning = new ErrorLearning(core.store, core.clock);
  const knownErrors = task.error
    ? [task.error].map(error => {
        const signature = signatureOf(error);
        const known = learning.known(signature);
        return {
          error: clip(error, 2000),
          occurrences: known?.occurrences ?? 1,
          fixes: learning
            .fixesFor(signature)
            .slice(0, 3)
            .map(f => ({ fix: describeFix(f.fix), successRate: f.successRate, tries: f.tries })),
        };
      })
    : [];
  const action = task.action;
  const claim = core.tasks.claimOf(task.id);
  return {
    id: task.id,
    title: task.title,
    description: clip(task.description, 20_000),
    status: task.status,
    priority: task.priority,
    progress: task.progress,
    kind: workKindOf(task),
    ...(task.number ? { number: task.number } : {}),
    ...(phase ? { phase: phase.title } : {}),
    acceptance: phase?.notes ?? [],
    ...(action?.verify ? { verify: action.verify } : {}),
    ...(action?.kind === 'shell' ? { command: [action.command, ...(action.args ?? [])].join(' ') } : {}),
    dependencies,
    files,
    affected: affectedByFiles(core, files),
    knownErrors,
    notes: taskNotes(core, task.id, 5).map(n => clip(n, 1000)),
    ...(claim ? { claim: { agentName: claim.agentName, leaseUntil: claim.leaseUntil } } : {}),
  };
}

/** The task as plain text for a model that reads only a tool's text (stored strings stay as they are: text, not markup). */
export function taskWorkText(work: TaskWork): string {
  const lines = [
    `Task ${work.id}: ${work.title} (${work.status}, ${work.priority}, ${work.kind}${work.progress ? `, ${work.progress}%` : ''})`,
  ];
  if (work.phase) lines.push(`Phase: ${work.phase}`);
  if (work.description) lines.push('', clip(work.description, 4000));
  if (work.acceptance.length)
    lines.push('', 'Acceptance:', ...work.acceptance.slice(0, 20).map(a => `- ${clip(a, 300, true)}`));
  if (work.verify) lines.push('', `Verify (must pass before done): ${work.verify}`);
  if (work.command) lines.push(`Command: ${work.command}`);
  if (work.dependencies.length) {
    lines.push('', 'Dependencies:');
    for (const d of work.dependencies) {
      lines.push(`- ${d.title} (${d.status})${d.result ? `: ${clip(d.result, 500, true)}` : ''}`);
      for (const n of d.notes) lines.push(`  - note ${clip(n, 300, true)}`);
    }
  }
  if (work.files.length) lines.push('', `Files: ${work.files.join(', ')}`);
  if ('unavailable' in work.affected) lines.push(`Affected components: ${work.affected.unavailable}`);
  else
    for (const a of work.affected.components)
      lines.push(`Affected by ${a.file}: ${a.affected.length ? a.affected.join(', ') : 'nothing else'}`);
  for (const e of work.knownErrors) {
    lines.push('', `Failed before: ${clip(e.error, 500, true)}`);
    for (const f of e.fixes)
      lines.push(`- known fix: ${f.fix} (worked ${Math.round(f.successRate * 100)}% over ${f.tries} tries)`);
  }
  if (work.notes.length) lines.push('', 'Notes:', ...work.notes.map(n => `- ${clip(n, 300, true)}`));
  return lines.join('\n');
}
