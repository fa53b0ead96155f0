// How graph components are shown: icons, labels, the Show Status line.
import * as vscode from 'vscode';
import type { KnowledgeGraph } from '../../core/graph/knowledgeGraph';
import type { Component, ComponentKind } from '../../core/graph/model';

const icons: Record<ComponentKind, string> = {
  module: 'file-code',
  package: 'package',
  asset: 'file-media',
  class: 'symbol-class',
  interface: 'symbol-interface',
  type: 'symbol-parameter',
  enum: 'symbol-enum',
  function: 'symbol-function',
  method: 'symbol-method',
  variable: 'symbol-variable',
};

export function componentIcon(kind: ComponentKind): vscode.ThemeIcon {
  return new vscode.ThemeIcon(icons[kind]);
}

/** `Square.size` for a method, the name otherwise. */
export function componentLabel(c: Component): string {
  if (c.kind === 'module') return c.id;
  const hash = c.id.indexOf('#');
  return hash < 0 ? c.name : c.id.slice(hash + 1);
}

/** For Show Status: "graph 412 files, 3 cycles, 2 parse failures", or why there is none. */
export function graphStatusLine(graph: KnowledgeGraph): string {
  if (!graph.isBuilt) return 'no knowledge graph yet (Continuum: Build Knowledge Graph)';
  const s = graph.getStatistics();
  const symbols =
    s.components.class +
    s.components.interface +
    s.components.type +
    s.components.enum +
    s.components.function +
    s.components.method +
    s.components.variable;
  const extras = [
    s.cycles ? `${s.cycles} import cycle(s)` : '',
    s.parseFailures ? `${s.parseFailures} parse failure(s)` : '',
    s.unresolvedImports ? `${s.unresolvedImports} unresolved import(s)` : '',
  ].filter(Boolean);
  return `knowledge graph: ${s.files} files, ${symbols} symbols${extras.length ? `, ${extras.join(', ')}` : ''}`;
}
