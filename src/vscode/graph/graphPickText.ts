// How a component reads in a quick pick (Dependencies, Dependents, Affected). Pure: unit-tested.
import type { Component } from '../../core/graph/model';

/** A module by file name and folder (its path once); a symbol by name and `file:line`. */
export function componentPickText(c: Component): { label: string; description: string } {
  if (c.kind === 'module') {
    const slash = c.id.lastIndexOf('/');
    return { label: c.id.slice(slash + 1), description: slash < 0 ? '' : c.id.slice(0, slash) };
  }
  const hash = c.id.indexOf('#');
  return {
    label: hash < 0 ? c.name : c.id.slice(hash + 1),
    description: c.file ? `${c.file}${c.line ? `:${c.line}` : ''}` : c.kind,
  };
}
