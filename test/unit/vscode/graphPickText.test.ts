import * as assert from 'assert';
import type { Component } from '../../../src/core/graph/model';
import { componentPickText } from '../../../src/vscode/graph/graphPickText';

describe('components in the graph pickers', () => {
  it("shows a module's path once: its file name, then its folder", () => {
    const module = {
      id: 'src/core/tasks/plan.ts',
      kind: 'module',
      name: 'plan.ts',
      file: 'src/core/tasks/plan.ts',
      line: 1,
      exported: true,
    } as Component;
    const text = componentPickText(module);
    assert.deepStrictEqual(text, { label: 'plan.ts', description: 'src/core/tasks' });
    assert.equal(
      `${text.label} ${text.description}`.split('src/core/tasks/plan.ts').length - 1,
      0,
      'the path is not written twice',
    );
  });

  it('shows a symbol by name with the place it is declared', () => {
    const method = {
      id: 'src/a.ts#Square.size',
      kind: 'method',
      name: 'size',
      file: 'src/a.ts',
      line: 12,
      exported: false,
    } as Component;
    assert.deepStrictEqual(componentPickText(method), { label: 'Square.size', description: 'src/a.ts:12' });
  });

  it('shows a file at the top of the workspace without a folder', () => {
    const module = {
      id: 'index.ts',
      kind: 'module',
      name: 'index.ts',
      file: 'index.ts',
      line: 1,
      exported: true,
    } as Component;
    assert.deepStrictEqual(componentPickText(module), { label: 'index.ts', description: '' });
  });
});
