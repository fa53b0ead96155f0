// .continuum/rules.json: read on open and whenever it changes. Good rules go to the guards; a bad
// file shows its problems in the Problems view and the previous rules stay in force.
import * as vscode from 'vscode';
import type { Rule } from '../../core/execution/guards/rulebook';
import type { Logger } from '../../core/ports';

export class RulesWatcher implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('continuum-rules');
  private readonly subscriptions: vscode.Disposable[] = [this.diagnostics];
  private rules: readonly Rule[] = [];

  constructor(private readonly apply: (rules: readonly Rule[]) => void, private readonly logger: Logger) {}

  get current(): readonly Rule[] {
    return this.rules;
  }

  /** Watches the rules file of the first workspace folder; resolves once it was read. */
  async start(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return;
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.continuum/rules.json'));
    const reload = () => void this.reload(folder.uri);
    // a save in the editor is seen at once; the watcher catches changes made outside it
    const saved = vscode.workspace.onDidSaveTextDocument(doc => {
      if (doc.uri.toString() === vscode.Uri.joinPath(folder.uri, '.continuum', 'rules.json').toString()) reload();
    });
    this.subscriptions.push(watcher, saved, watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload));
    await this.reload(folder.uri);
  }

  async reload(folder: vscode.Uri): Promise<void> {
    const { readRulesFile, rulesFilePath } = await import('../../core/execution/guards/rulesFile');
    const uri = vscode.Uri.joinPath(folder, rulesFilePath);
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') {
        this.diagnostics.delete(uri);
        this.set([]);
        return;
      }
      throw err;
    }
    const text = new TextDecoder().decode(bytes);
    const result = readRulesFile(text);
    if ('problems' in result) {
      const doc = await vscode.workspace.openTextDocument(uri);
      this.diagnostics.set(uri, result.problems.map(p => {
        const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(p.offset), doc.positionAt(p.offset + p.length)), p.message, vscode.DiagnosticSeverity.Error);
        d.source = 'Continuum rules';
        return d;
      }));
      this.logger.warn(`.continuum/rules.json has ${result.problems.length} problem(s) (see the Problems view); the previous ${this.rules.length} rule(s) stay in force`);
      return;
    }
    this.diagnostics.delete(uri);
    this.set(result.rules);
  }

  private set(rules: readonly Rule[]): void {
    this.rules = rules;
    this.apply(rules);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
