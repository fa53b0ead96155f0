// The knowledge graph's commands: build (with a cancellable progress notification), analyze into
// the context, generate tasks from the gaps, and the affected/dependency pickers.
import * as vscode from 'vscode';
import type { Continuum } from '../../core/continuum';
import { analyzeGraph, proposeTasks } from '../../core/graph/analysis';
import type { BuildSummary } from '../../core/graph/knowledgeGraph';
import type { Component } from '../../core/graph/model';
import { inert } from '../../shared/text';
import type { Handler } from '../commands/context';
import type { GraphNode } from './graphTree';
import { componentIcon, componentLabel } from './graphText';
import { componentPickText } from './graphPickText';
import { setting } from '../settings';

/** Builds (or brings up to date) the graph of the open folders, with progress and Cancel. */
export async function buildGraph(core: Continuum): Promise<BuildSummary & { progressReports: number }> {
  const folders = vscode.workspace.workspaceFolders?.filter(f => f.uri.scheme === 'file') ?? [];
  if (!folders.length) throw new Error('Open a folder first: the knowledge graph is built from the workspace’s files.');
  const exclude = setting('graph.exclude');
  let progressReports = 0;
  const summary = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'Continuum: building the knowledge graph',
      cancellable: true,
    },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      return core.graph.build({
        roots: folders.map(f => f.uri.fsPath),
        exclude,
        signal: controller.signal,
        onProgress: ({ done, total }) => {
          progressReports++;
          const share = total ? (done / total) * 100 : 100;
          progress.report({ message: `${done}/${total} files`, increment: share - reported });
          reported = share;
        },
      });
    },
  );
  return { ...summary, progressReports };
}

function describeBuild(s: BuildSummary): string {
  if (s.cancelled)
    return `Knowledge graph build cancelled after ${s.parsed} file(s); the next build continues from there.`;
  const extras = [
    s.failed ? `${s.failed} did not parse` : '',
    s.skipped ? `${s.skipped} too large, skipped` : '',
    s.removed ? `${s.removed} removed` : '',
  ].filter(Boolean);
  return `Knowledge graph: ${s.files} files (${s.parsed} parsed, ${s.files - s.parsed} unchanged) in ${(s.durationMs / 1000).toFixed(1)} s${extras.length ? `; ${extras.join(', ')}` : ''}.`;
}

const build: Handler = async (ctx, core) => {
  const summary = await buildGraph(core);
  void ctx
    .prompts()
    .notify(summary.failed || summary.cancelled ? 'warning' : 'info', `Continuum: ${describeBuild(summary)}`);
  return summary;
};

/** Builds the graph when needed, then saves the analysis as a new context version. */
async function analyze(core: Continuum) {
  const summary = await buildGraph(core);
  if (summary.cancelled) return undefined;
  const analysis = analyzeGraph(core.graph.index());
  const version = await core.context.updateAnalysis(analysis, 'user');
  return { version, analysis };
}

const analyzeWorkspace: Handler = async (ctx, core) => {
  const result = await analyze(core);
  if (!result) return undefined;
  const counts = new Map<string, number>();
  for (const g of result.analysis.gaps) counts.set(g.kind, (counts.get(g.kind) ?? 0) + 1);
  const gaps = [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no gaps';
  const choice = await ctx
    .prompts()
    .notify(
      'info',
      `Continuum: analysis saved as context version ${result.version}: ${result.analysis.features.length} modules with a public surface; ${gaps}.`,
      'Generate Tasks',
    );
  if (choice === 'Generate Tasks') await vscode.commands.executeCommand('continuum.generateTasksFromCodebase');
  return { version: result.version, gaps: result.analysis.gaps.length, features: result.analysis.features.length };
};

const generateTasks: Handler = async (ctx, core) => {
  const result = await analyze(core);
  if (!result) return undefined;
  const existing = new Set(core.tasks.list().flatMap(t => (t.key ? [t.key] : [])));
  const proposals = proposeTasks(result.analysis.gaps, existing);
  if (!proposals.length) {
    void ctx
      .prompts()
      .notify('info', 'Continuum: every gap the analysis found already has a task; nothing new to propose.');
    return { created: 0 };
  }
  const chosen = await ctx.prompts().pickMany(
    proposals.map(p => ({
      label: inert(p.task.title, 120),
      description: `${p.gap.kind} · ${p.task.priority}`,
      detail: inert(p.gap.description, 200),
      picked: p.gap.kind !== 'untested-module',
      value: p,
    })),
    {
      title: `Generate tasks from the codebase: ${proposals.length} gap(s) without a task`,
      placeHolder: 'Untick what should not become a task',
    },
  );
  if (!chosen?.length) return { created: 0 };
  const created = await core.tasks.createMany(
    chosen.map(p => p.task),
    'user',
  );
  void ctx.prompts().notify('info', `Continuum: created ${created.length} task(s) from the codebase.`);
  return { created: created.length };
};

/** The component an argument names (a view node or an id), else the symbol under the cursor, else the active file. */
function componentFromArg(core: Continuum, arg: unknown): Component | undefined {
  if (typeof arg === 'string') {
    const fileId = core.graph.fileIdOf(arg);
    return core.graph.getComponent(arg) ?? (fileId === undefined ? undefined : core.graph.fileComponent(fileId));
  }
  if (typeof arg === 'object' && arg !== null && 'component' in arg)
    return (arg as Extract<GraphNode, { kind: 'component' }>).component;
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const fileId = core.graph.fileIdOf(editor.document.uri.fsPath);
  if (!fileId || !core.graph.getComponent(fileId)) return fileId ? core.graph.fileComponent(fileId) : undefined; // a stylesheet or JSON file: its asset node
  const position = editor.selection.active;
  const wordRange = editor.document.getWordRangeAtPosition(position);
  const word = wordRange ? editor.document.getText(wordRange) : undefined;
  const index = core.graph.index();
  const symbols = index.childrenOf(fileId).flatMap(c => [c, ...index.childrenOf(c.id)]);
  return (
    symbols.find(c => c.name === word && c.line === position.line + 1) ??
    symbols.find(c => c.name === word) ??
    (position.line === 0 && position.character === 0
      ? index.getComponent(fileId)
      : index.componentAt(fileId, position.line + 1))
  );
}

async function ensureBuilt(core: Continuum): Promise<boolean> {
  if (core.graph.isBuilt) return true;
  return !(await buildGraph(core)).cancelled;
}

async function openComponent(core: Continuum, c: Component): Promise<void> {
  const path = c.file ? core.graph.pathOf(c.file) : undefined;
  if (!path) return;
  const line = Math.max(0, (c.line ?? 1) - 1);
  await vscode.window.showTextDocument(vscode.Uri.file(path), {
    selection: new vscode.Range(line, 0, line, 0),
    preview: true,
  });
}

type Lister = (core: Continuum, c: Component) => Array<{ component: Component; detail?: string }>;

function pickerCommand(what: string, list: Lister): Handler {
  return async (ctx, core, arg) => {
    if (!(await ensureBuilt(core))) return undefined;
    const target = componentFromArg(core, arg);
    if (!target) {
      void ctx
        .prompts()
        .notify(
          'info',
          `Continuum: open a file of the workspace (or select a component in the Knowledge Graph view) to see its ${what}.`,
        );
      return undefined;
    }
    const found = list(core, target);
    if (!found.length) {
      void ctx
        .prompts()
        .notify('info', `Continuum: ${inert(componentLabel(target))} has no ${what} in the knowledge graph.`);
      return { target: target.id, items: [] };
    }
    const picked = await ctx.prompts().pick(
      found.map(f => ({
        label: `$(${componentIcon(f.component.kind).id}) ${componentPickText(f.component).label}`,
        description: componentPickText(f.component).description,
        detail: f.detail,
        value: f.component,
      })),
      {
        title: `${what[0].toUpperCase()}${what.slice(1)} of ${componentLabel(target)} (${found.length})`,
        placeHolder: 'Pick one to open it',
        matchOnDescription: true,
      },
    );
    if (picked) await openComponent(core, picked);
    return { target: target.id, items: found.map(f => f.component.id), opened: picked?.id };
  };
}

export const graphCommands: Record<string, Handler> = {
  'continuum.buildKnowledgeGraph': build,
  'continuum.analyzeWorkspace': analyzeWorkspace,
  'continuum.generateTasksFromCodebase': generateTasks,
  'continuum.showAffectedComponents': pickerCommand('affected components', (core, c) =>
    core.graph.findAffectedComponents(c.id).map(a => ({
      component: a.component,
      detail: `${a.depth === 1 ? 'directly' : `${a.depth} steps away`}, through ${a.via}`,
    })),
  ),
  'continuum.graph.showDependencies': pickerCommand('dependencies', (core, c) =>
    core.graph.getDependencies(c.id).map(component => ({ component })),
  ),
  'continuum.graph.showDependents': pickerCommand('dependents', (core, c) =>
    core.graph.getDependents(c.id).map(component => ({ component })),
  ),
  'continuum.graph.showAffected': pickerCommand('affected components', (core, c) =>
    core.graph.findAffectedComponents(c.id).map(a => ({
      component: a.component,
      detail: `${a.depth === 1 ? 'directly' : `${a.depth} steps away`}, through ${a.via}`,
    })),
  ),
};
