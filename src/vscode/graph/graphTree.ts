// The Knowledge Graph view: folders → files → symbols (classes show their methods). Selecting a
// file or symbol offers Dependencies, Dependents and Affected (menus in package.json); clicking opens it.
import * as vscode from 'vscode';
import type { KnowledgeGraph } from '../../core/graph/knowledgeGraph';
import type { Component } from '../../core/graph/model';
import { listFolder } from './graphFolders';
import { componentIcon, componentLabel } from './graphText';

export type GraphNode = { kind: 'folder'; path: string } | { kind: 'component'; component: Component };

export class GraphTreeProvider implements vscode.TreeDataProvider<GraphNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private graph: KnowledgeGraph | undefined;
  private subscription: { dispose(): void } | undefined;
  private fileIds: string[] | undefined;

  attach(graph: KnowledgeGraph): void {
    this.subscription?.dispose();
    this.graph = graph;
    this.subscription = graph.onDidChange(() => this.refresh());
    this.refresh();
  }

  refresh(): void {
    this.fileIds = undefined;
    this.changed.fire();
  }

  getTreeItem(node: GraphNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(
        node.path.slice(node.path.lastIndexOf('/') + 1),
        vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `folder:${node.path}`;
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'continuum.graph.folder';
      return item;
    }
    const c = node.component;
    const hasChildren =
      c.kind === 'module' || (c.kind === 'class' && (this.graph?.index().childrenOf(c.id).length ?? 0) > 0);
    const label = c.kind === 'module' ? c.name : componentLabel(c).split('.').pop()!;
    const item = new vscode.TreeItem(
      label,
      hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = c.id;
    item.iconPath = componentIcon(c.kind);
    item.contextValue = 'continuum.graph.component';
    const record = c.kind === 'module' ? this.graph?.index().file(c.id) : undefined;
    if (record && record.status !== 'parsed') {
      item.description = record.status === 'failed' ? 'does not parse' : 'skipped';
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    } else {
      item.description = c.kind === 'module' ? usedBy(this.graph, c.id) : `${c.kind}${c.exported ? '' : ' (local)'}`;
    }
    item.tooltip = [c.id, record?.error ?? '', `${c.kind}${c.line && c.kind !== 'module' ? `, line ${c.line}` : ''}`]
      .filter(Boolean)
      .join('\n');
    const path = c.file ? this.graph?.pathOf(c.file) : undefined;
    if (path) {
      const line = Math.max(0, (c.line ?? 1) - 1);
      item.resourceUri = c.kind === 'module' ? vscode.Uri.file(path) : undefined;
      item.command = {
        command: 'vscode.open',
        title: 'Open',
        arguments: [vscode.Uri.file(path), { selection: new vscode.Range(line, 0, line, 0), preview: true }],
      };
    }
    return item;
  }

  getChildren(node?: GraphNode): GraphNode[] {
    const graph = this.graph;
    if (!graph || !graph.isBuilt) return [];
    const index = graph.index();
    if (!node || node.kind === 'folder') {
      this.fileIds ??= index.fileIds();
      const listing = listFolder(this.fileIds, node?.path ?? '');
      return [
        ...listing.folders.map(path => ({ kind: 'folder', path }) as const),
        ...listing.files.map(id => ({ kind: 'component', component: index.getComponent(id)! }) as const),
      ];
    }
    return index
      .childrenOf(node.component.id)
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
      .map(component => ({ kind: 'component', component }));
  }

  /** Lets the view reveal a component: a symbol's parent is its class or module, a module's is its folder. */
  getParent(node: GraphNode): GraphNode | undefined {
    const folderOf = (path: string): GraphNode | undefined => {
      const slash = path.lastIndexOf('/');
      return slash < 0 ? undefined : { kind: 'folder', path: path.slice(0, slash) };
    };
    if (node.kind === 'folder') return folderOf(node.path);
    const c = node.component;
    if (c.kind === 'module') return folderOf(c.id);
    const index = this.graph?.index();
    const hash = c.id.indexOf('#');
    const dot = c.id.indexOf('.', hash);
    const parentId = c.kind === 'method' && dot > 0 ? c.id.slice(0, dot) : c.file;
    const parent = parentId ? index?.getComponent(parentId) : undefined;
    return parent ? { kind: 'component', component: parent } : undefined;
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}

function usedBy(graph: KnowledgeGraph | undefined, id: string): string {
  const n = graph ? graph.index().getDependents(id).length : 0;
  return n ? `used by ${n}` : '';
}
