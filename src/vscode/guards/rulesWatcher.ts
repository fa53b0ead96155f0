// .continuum/rules.json and the continuum.guards.rules setting: read on open and whenever they
// change. Good rules go to the guards (the file's first, then the setting's); a bad file shows its
// problems in the Problems view, bad rules in the setting are reported in a notice, and in both
// cases the previous rules stay in force.
import * as vscode from 'vscode';
import type { Rule } from '../../core/execution/guards/rulebook';
import type { Logger } from '../../core/ports';
import { setting } from '../settings';

export class RulesWatcher implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('continuum-rules');
  private readonly subscriptions: vscode.Disposable[] = [this.diagnostics];
  private rules: readonly Rule[] = [];
  private settingsRules: readonly Rule[] = [];
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private watching = false;

  constructor(
    private readonly apply: (rules: readonly Rule[]) => void,
    private readonly logger: Logger,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  /** The rules in force: the file's, then the setting's. */
  get current(): readonly Rule[] {
    return [...this.rules, ...this.settingsRules];
  }

  /**
   * Reads the setting and the rules file of the first workspace folder; resolves once both were read.
   * Called on every opening of the store: the watchers are made on the first call only.
   */
  async start(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!this.watching) {
      this.watching = true;
      this.watch(folder);
    }
    await this.readSettings();
    if (folder) await this.reload(folder.uri);
  }

  private watch(folder: vscode.WorkspaceFolder | undefined): void {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('continuum.guards.rules')) void this.readSettings();
      }),
    );
    if (!folder) return;
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(folder, '.continuum/rules.json'),
    );
    const reload = () => {
      this.reload(folder.uri).catch((err: unknown) =>
        this.logger.error('Continuum could not read .continuum/rules.json; the previous rules stay in force', err),
      );
    };
    // a save in the editor is seen at once; the watcher catches changes made outside it
    const saved = vscode.workspace.onDidSaveTextDocument(doc => {
      if (doc.uri.toString() === vscode.Uri.joinPath(folder.uri, '.continuum', 'rules.json').toString()) reload();
    });
    this.subscriptions.push(
      watcher,
      saved,
      watcher.onDidChange(reload),
      watcher.onDidCreate(reload),
      watcher.onDidDelete(reload),
    );
  }

  /**
   * Reads the rules file. Reads never overlap: a change that arrives while one is under way (the
   * watcher can fire while the file is still being written) gets one more read after it, so the
   * last read sees the file as it was last written.
   */
  reload(folder: vscode.Uri): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    const reading = (async () => {
      try {
        do {
          this.readAgain = false;
          await this.readFile(folder);
        } while (this.readAgain);
      } finally {
        this.reading = undefined;
      }
    })();
    this.reading = reading;
    return reading;
  }

  private async readFile(folder: vscode.Uri): Promise<void> {
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
      this.diagnostics.set(
        uri,
        result.problems.map(p => {
          const d = new vscode.Diagnostic(
            new vscode.Range(doc.positionAt(p.offset), doc.positionAt(p.offset + p.length)),
            p.message,
            vscode.DiagnosticSeverity.Error,
          );
          d.source = 'Continuum rules';
          return d;
        }),
      );
      this.logger.warn(
        `.continuum/rules.json has ${result.problems.length} problem(s) (see the Problems view); the previous ${this.rules.length} rule(s) stay in force`,
      );
      return;
    }
    this.diagnostics.delete(uri);
    this.set(result.rules);
  }

  /** Reads continuum.guards.rules, checked like the file; with mistakes, the previous ones stay in force. */
  async readSettings(): Promise<void> {
    const { parseRulesSetting } = await import('../../core/execution/guards/rulesSchema');
    const raw = setting('guards.rules');
    const parsed = parseRulesSetting(raw);
    if ('problems' in parsed) {
      const where = parsed.problems
        .slice(0, 3)
        .map(p => `${p.message}${p.path.length > 1 ? ` (at ${p.path.slice(1).join('.')})` : ''}`)
        .join('; ');
      const message = `The continuum.guards.rules setting has ${parsed.problems.length} problem(s): ${where}. Fix it in your settings; the previous ${this.settingsRules.length} rule(s) from it stay in force.`;
      this.logger.warn(message);
      this.warn(message);
      return;
    }
    this.settingsRules = parsed.rules;
    this.apply(this.current);
  }

  private set(rules: readonly Rule[]): void {
    this.rules = rules;
    this.apply(this.current);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
