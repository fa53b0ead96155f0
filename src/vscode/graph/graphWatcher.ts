// Keeps the knowledge graph current: file events (create, change, delete; a rename is a delete and
// a create) are collected for a moment and handed to the core as one update.
import * as vscode from 'vscode';
import type { KnowledgeGraph } from '../../core/graph/knowledgeGraph';
import type { Logger } from '../../core/ports';

const pattern =
  '**/{*.ts,*.tsx,*.mts,*.cts,*.js,*.jsx,*.mjs,*.cjs,tsconfig*.json,jsconfig.json,package.json,.gitignore}';

export class GraphWatcher implements vscode.Disposable {
  private readonly watcher = vscode.workspace.createFileSystemWatcher(pattern);
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private graph: KnowledgeGraph | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly logger: Logger,
    private readonly debounceMs = 300,
  ) {
    const queue = (uri: vscode.Uri) => this.queue(uri);
    this.subscriptions = [
      this.watcher.onDidCreate(queue),
      this.watcher.onDidChange(queue),
      this.watcher.onDidDelete(queue),
      this.watcher,
    ];
  }

  /** The graph to keep current; none in a window that does not hold the store (its holder's own watcher does it). */
  attach(graph: KnowledgeGraph | undefined): void {
    this.graph = graph;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }

  private queue(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || !this.graph?.isBuilt) return;
    this.pending.add(uri.fsPath);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  private flush(): void {
    const graph = this.graph;
    const paths = [...this.pending];
    this.pending.clear();
    if (!graph || !paths.length) return;
    void graph.updateFiles(paths).then(
      files => {
        if (files.length)
          this.logger.info(`knowledge graph: updated ${files.length} file(s) after ${paths.length} change(s)`);
      },
      err =>
        this.logger.error(
          `knowledge graph: could not update after changes to ${paths.length} file(s); run Continuum: Build Knowledge Graph`,
          err,
        ),
    );
  }
}
