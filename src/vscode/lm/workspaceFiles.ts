// The workspace's files for lm tasks in VS Code. A model's edit is a WorkspaceEdit, then saved: the
// open editor shows it and its undo takes it back, and the verify command sees it on disk. Reads
// take an open document's text (what an edit applies to, so the edit's before-hash is of that text)
// and otherwise the file through vscode.workspace.fs. Paths are absolute; the core has checked that
// they lie inside the workspace (core/lm/files.ts).
import { nodeWorkspaceFiles } from '../../node/lm/workspaceFiles';
import * as vscode from 'vscode';
import { ToolRefused, type WorkspaceFilesPort } from '../../core/lm/files';
import { changedSpan } from './chatMapping';

const notFound = (err: unknown) =>
  err instanceof vscode.FileSystemError
    ? err.code === 'FileNotFound' || err.code === 'FileNotADirectory'
    : ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException | undefined)?.code ?? '');

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find(d => !d.isClosed && d.uri.toString() === key);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch (err) {
    if (notFound(err)) return false;
    throw err;
  }
}

export const vscodeWorkspaceFiles: WorkspaceFilesPort = {
  // vscode.workspace.fs resolves no links; the extension host runs where the files are, as the CLI does
  realPath: p => nodeWorkspaceFiles.realPath(p),

  async readText(p) {
    const uri = vscode.Uri.file(p);
    const open = openDocument(uri);
    if (open) return open.getText();
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (err) {
      if (notFound(err)) return undefined;
      if (err instanceof vscode.FileSystemError && err.code === 'FileIsADirectory')
        throw new ToolRefused(`'${p}' is a folder; list_files shows what it holds.`);
      if (err instanceof vscode.FileSystemError && err.code === 'NoPermissions')
        throw new ToolRefused(`'${p}' cannot be read: ${err.message}`);
      throw err;
    }
  },

  async writeText(p, text) {
    const uri = vscode.Uri.file(p);
    const edit = new vscode.WorkspaceEdit();
    if (!openDocument(uri) && !(await exists(uri))) {
      // a new file (and its folders) is written as the edit is applied; undo deletes it again
      edit.createFile(uri, { contents: new TextEncoder().encode(text) });
      if (!(await vscode.workspace.applyEdit(edit)))
        throw new Error(`VS Code did not create ${p} (the workspace edit was refused); the file was not written.`);
      return;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const before = document.getText();
    const span = changedSpan(before, text);
    if (span) {
      edit.replace(
        uri,
        new vscode.Range(document.positionAt(span.start), document.positionAt(span.endBefore)),
        text.slice(span.start, span.endAfter),
      );
      if (!(await vscode.workspace.applyEdit(edit)))
        throw new Error(
          `VS Code did not apply the edit to ${p} (the workspace edit was refused); the file is unchanged.`,
        );
    }
    if (document.isDirty && !(await document.save()))
      throw new Error(
        `VS Code did not save ${p} after the model's edit; the edit is in the editor, not on disk. Save the file, then Retry the task.`,
      );
  },

  async entries(dir) {
    try {
      return (await vscode.workspace.fs.readDirectory(vscode.Uri.file(dir))).map(([name, type]) => ({
        name,
        // a link to a folder is listed, not followed (as in the CLI): no loops, nothing outside
        folder: (type & vscode.FileType.Directory) !== 0 && (type & vscode.FileType.SymbolicLink) === 0,
      }));
    } catch (err) {
      if (notFound(err)) return [];
      throw err;
    }
  },
};
