import * as path from 'path';
import * as vscode from 'vscode';
import { nodeFileSystem } from '../../node/fileSystem';
import { inert } from '../../shared/text';
import { activeSession } from '../sessionText';
import type { Handler } from './context';

const encoder = new TextEncoder();

const exportStateCommand: Handler = async (ctx, core, arg) => {
  const target =
    arg instanceof vscode.Uri
      ? arg
      : await ctx.prompts().saveFile({
          defaultUri: vscode.workspace.workspaceFolders?.[0]
            ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'continuum-state.json')
            : undefined,
          filters: { JSON: ['json'] },
          saveLabel: 'Export State',
        });
  if (!target) return undefined;
  const { exportState } = await import('../../core/state/stateFile'); // loaded on first use, not at activation
  const state = exportState(core.store, core.clock.now());
  await vscode.workspace.fs.writeFile(target, encoder.encode(JSON.stringify(state, null, 1)));
  void ctx
    .prompts()
    .notify(
      'info',
      `Exported ${state.tables.tasks.length} tasks, ${state.tables.sessions.length} sessions and ${state.tables.checkpoints.length} checkpoints to ${inert(vscode.workspace.asRelativePath(target))}.`,
    );
  return target;
};

const importStateCommand: Handler = async (ctx, core, arg) => {
  const source =
    arg instanceof vscode.Uri
      ? arg
      : await ctx.prompts().openFile({ canSelectMany: false, filters: { JSON: ['json'] }, openLabel: 'Import State' });
  if (!source) return undefined;
  const { exportState, importState, parseState } = await import('../../core/state/stateFile'); // loaded on first use
  const state = parseState(await vscode.workspace.fs.readFile(source)); // throws a clear error; nothing changed yet
  if (activeSession(core)?.status === 'running')
    throw new Error('A session is running. Pause it before importing a state.');
  const current = core.tasks.statistics().total;
  const answer = await ctx
    .prompts()
    .notify(
      'warning',
      `Replace the current state (${current} tasks) with ${state.tables.tasks.length} tasks from ${inert(path.basename(source.fsPath))}? The current state is saved to a file first.`,
      'Replace',
    );
  if (answer !== 'Replace') return undefined;
  const backup = path.join(core.store.folder, `before-import-${core.clock.now()}.json`);
  await nodeFileSystem.writeFileAtomic(
    backup,
    encoder.encode(JSON.stringify(exportState(core.store, core.clock.now()))),
  );
  const summary = await importState(core.store, state);
  // A checkpoint's files half is a git snapshot: usable here only if this workspace's repository has it.
  const withoutFiles = core.files && summary.fileSnapshots ? await core.files.adoptImported() : [];
  ctx.tree.refresh();
  const lost = withoutFiles.map(
    c => `the checkpoint of ${new Date(c.createdAt).toLocaleString()} (${c.checkpointId}): ${c.reason}`,
  );
  void ctx
    .prompts()
    .notify(
      lost.length ? 'warning' : 'info',
      `Imported ${summary.tasks} tasks and ${summary.sessions} sessions. The previous state was saved to ${backup}.` +
        (lost.length
          ? ` ${lost.length} checkpoint${lost.length === 1 ? '' : 's'} can restore task state only, not files — ${inert(lost.join('; '))}.`
          : ''),
    );
  return { ...summary, withoutFiles };
};

export const stateCommands: Record<string, Handler> = {
  'continuum.exportState': exportStateCommand,
  'continuum.importState': importStateCommand,
};
