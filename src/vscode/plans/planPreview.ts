// Import Plan…'s preview, before anything is written: the whole plan as a read-only document
// beside the editor (phases nested with their numbers, priorities, "after …" dependencies, a
// cycle, every line not used and why), and a quick pick of what would change, grouped by phase
// with a separator per phase and tasks indented under their parents, to untick what to leave out.
import * as vscode from 'vscode';
import type { ParsedPlan } from '../../core/tasks/plan';
import type { PlanImportPreview } from '../../core/tasks/planImport';
import { planPreviewText, planRows } from '../../core/tasks/planView';
import type { PickItem } from '../prompts';
import { phaseSeparatorLabel } from './previewLabels';
import { inert } from '../../shared/text';

export const previewScheme = 'continuum-plan-preview';

/** A separator's value: never a task key, dropped from the choice. */
export const separatorValue = '';

/**
 * The quick pick's items: a separator per phase ("2.1 Health Check System · high · after 1.1", short enough
 * not to squeeze the row it is drawn in),
 * then its new and changed tasks, indented by depth, with priority and dependencies beside them.
 */
export function previewItems(plan: ParsedPlan, preview: PlanImportPreview): Array<PickItem<string>> {
  const changes = new Map<string, string>();
  for (const s of preview.create) changes.set(s.key, 'new');
  for (const u of preview.update) changes.set(u.spec.key, `changes: ${u.changes.join(', ')}`);
  const specs = new Map(plan.tasks.map(t => [t.key, t]));
  const phases = new Map(plan.phases.map(p => [p.key, p]));
  const items: Array<PickItem<string>> = [];
  let separator: PickItem<string> | undefined;
  for (const row of planRows(plan)) {
    if (row.kind === 'phase') {
      const phase = phases.get(row.key);
      separator = {
        label: inert(phase ? phaseSeparatorLabel(plan, phase, row.depth) : row.label, 80),
        kind: vscode.QuickPickItemKind.Separator,
        value: separatorValue,
      };
      continue;
    }
    const change = changes.get(row.key);
    if (!change) continue; // unchanged: nothing to choose
    if (separator) {
      items.push(separator);
      separator = undefined;
    }
    const spec = specs.get(row.key)!;
    items.push({
      label: `${'\u2003'.repeat(row.depth)}${change === 'new' ? '$(add)' : '$(edit)'} ${inert(row.label, 200)}`,
      // what the task does on a line of its own (room for a long command), not again beside its title
      description: inert([change, row.facts].filter(Boolean).join(' · '), 200),
      detail:
        spec.action?.kind === 'shell'
          ? inert(`runs: ${spec.action.command}`, 200)
          : spec.action?.kind === 'lm'
            ? `done by a language model${spec.action.verify ? `, checked by: ${inert(spec.action.verify, 180)}` : ''}`
            : undefined,
      picked: true,
      value: row.key,
    });
  }
  return items;
}

/** The read-only preview document's text: the plan's tree, its problems and unused lines, and what the import would do. */
export function previewDocumentText(plan: ParsedPlan, preview: PlanImportPreview): string {
  const lines = planPreviewText(plan);
  lines.splice(
    1,
    0,
    `Import would make ${preview.create.length} new task(s), update ${preview.update.length} and leave ${preview.unchanged.length} unchanged.`,
  );
  if (preview.commands.length)
    lines.splice(
      2,
      0,
      `The plan has ${preview.commands.length} command(s) to run; they are shown again before they first run.`,
    );
  return `${lines.join('\n')}\n`;
}

/** Shows `text` as a read-only document beside the active editor; dispose to close it. */
export async function showPreviewDocument(source: string, text: string): Promise<vscode.Disposable> {
  const uri = vscode.Uri.from({
    scheme: previewScheme,
    path: `/Import preview of ${source.replace(/[\\/]/g, '∕')}`,
    query: String(Date.now()),
  });
  const provider = vscode.workspace.registerTextDocumentContentProvider(previewScheme, {
    provideTextDocumentContent: () => text,
  });
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, {
    viewColumn: vscode.ViewColumn.Beside,
    preserveFocus: true,
    preview: true,
  });
  return {
    dispose: () => {
      const tabs = vscode.window.tabGroups.all
        .flatMap(g => g.tabs)
        .filter(t => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
      void Promise.resolve(vscode.window.tabGroups.close(tabs)).finally(() => provider.dispose());
    },
  };
}
