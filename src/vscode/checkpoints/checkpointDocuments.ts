// Read-only documents holding a file as a checkpoint saved it, for vscode.diff:
// continuum-checkpoint:/<workspace-relative path>?<commit>. A file the checkpoint did not have
// (or, with the query 'absent', a file that no longer exists) reads as empty.
import * as vscode from 'vscode';
import type { ContinuumHost } from '../host';

export const checkpointScheme = 'continuum-checkpoint';

export function checkpointFileUri(commit: string | 'absent', filePath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: checkpointScheme, path: `/${filePath}`, query: commit });
}

export class CheckpointDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly host: ContinuumHost) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    if (uri.query === 'absent') return '';
    const core = await this.host.open();
    if (!core.files)
      throw new Error(
        'Checkpoints in this window hold the task state only (no trusted workspace folder), so there is no file to show.',
      );
    const bytes = await core.files.readFile(uri.query, uri.path.slice(1));
    if (!bytes) return '';
    return bytes.includes(0) ? `(binary file, ${bytes.length} bytes — not shown)` : new TextDecoder().decode(bytes);
  }
}

/** Opens checkpoint ↔ current for one file. */
export async function openCheckpointDiff(
  workTree: string,
  commit: string,
  filePath: string,
  label: string,
): Promise<void> {
  const current = vscode.Uri.file(`${workTree}/${filePath}`);
  let exists = true;
  try {
    await vscode.workspace.fs.stat(current);
  } catch (err) {
    if (!(err instanceof vscode.FileSystemError)) throw err;
    exists = false;
  }
  await vscode.commands.executeCommand(
    'vscode.diff',
    checkpointFileUri(commit, filePath),
    exists ? current : checkpointFileUri('absent', filePath),
    `${filePath} (${label} ↔ now)`,
  );
}
