// What checkpoints need from the window for its whole lifetime: the read-only documents diffs
// show, the timeline panel's serializer (restored after a reload), and a file watcher telling the snapshots which paths changed (so they examine only those).
import * as vscode from 'vscode';
import type { Continuum } from '../../core/continuum';
import type { ContinuumHost } from '../host';
import { timelineSerializer, timelineViewType } from '../timeline/timelinePanel';
import { CheckpointDocuments, checkpointScheme } from './checkpointDocuments';

export function registerCheckpointUi(host: ContinuumHost): vscode.Disposable[] {
  const watchers: vscode.Disposable[] = [];
  const attach = (core: Continuum) => {
    for (const d of watchers.splice(0)) d.dispose();
    const files = core.files;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!files || !folder) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    const note = (uri: vscode.Uri) => files.noteChanged([uri.fsPath]);
    watchers.push(watcher, watcher.onDidCreate(note), watcher.onDidChange(note), watcher.onDidDelete(note));
    files.trackChanges();
  };
  return [
    vscode.workspace.registerTextDocumentContentProvider(checkpointScheme, new CheckpointDocuments(host)),
    vscode.window.registerWebviewPanelSerializer(timelineViewType, timelineSerializer(host)),
    host.onDidOpen(attach),
    host.onDidGainFiles(attach),
    { dispose: () => watchers.splice(0).forEach(d => d.dispose()) },
  ];
}
