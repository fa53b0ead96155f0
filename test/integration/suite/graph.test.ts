// The knowledge graph in a real extension host, on the sample workspace: the build with its
// progress, the Knowledge Graph view, Show Affected Components from an editor, an edit on disk
// reaching the graph, and tasks generated from the codebase (once).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Continuum } from '../../../src/core/continuum';
import type { ContinuumApi } from '../../../src/vscode/activate';
import type { GraphNode } from '../../../src/vscode/graph/graphTree';
import { screenshot, waitForVisible } from './screenshot';
import { poller } from './wait';
import { ScriptedPrompter } from './prompter';

const until = poller(10000);

suite('Knowledge graph', () => {
  let api: ContinuumApi;
  let core: Continuum;
  const prompter = Object.assign(new ScriptedPrompter(), { keepInPickMany: (i: { picked?: boolean }) => !!i.picked });
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const createdTasks: string[] = [];

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    api.testing.setPrompter(prompter);
    core = await api.ready();
  });

  suiteTeardown(async () => {
    // leave the task list as the other suites expect it
    for (const id of createdTasks) if (core.tasks.get(id)) await core.tasks.delete(id);
    for (const name of ['extra.ts', 'labels.ts', 'labels.json'])
      fs.rmSync(path.join(folder(), 'src', name), { force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // the view was collapsed before this suite expanded it; give the Tasks view its room back
    await vscode.commands.executeCommand('workbench.actions.treeView.continuum.graph.collapseAll');
    await vscode.commands.executeCommand('continuum.graph.toggleVisibility');
    api.testing.setPrompter(undefined);
  });

  test('Build Knowledge Graph reads the sample off the extension host thread, with progress', async () => {
    const summary = await vscode.commands.executeCommand<{
      files: number;
      progressReports: number;
      cancelled: boolean;
      failed: number;
    }>('continuum.buildKnowledgeGraph');
    assert.strictEqual(summary.cancelled, false);
    assert.strictEqual(summary.files, 5, 'index, format, store, todo and summary');
    assert.strictEqual(summary.failed, 0);
    assert.ok(summary.progressReports >= 1, 'progress was reported');
    assert.match(prompter.notifications.at(-1) ?? '', /Knowledge graph: 5 files/);
    assert.deepStrictEqual(
      core.graph
        .getDependencies('src/index.ts')
        .map(c => c.id)
        .sort(),
      ['src/format.ts', 'src/store.ts', 'src/todo.ts'],
    );
    assert.strictEqual(core.graph.getComponent('src/store.ts#TodoStore.add')?.kind, 'method');
    // the store holds the graph: a reload finds it without parsing
    assert.ok(core.store.get<{ n: number }>('SELECT count(*) AS n FROM graph_files')!.n === 5);
  });

  test('the Knowledge Graph view shows folders, files and symbols', async () => {
    const tree = api.testing.graphTree;
    const top = tree.getChildren();
    assert.deepStrictEqual(
      top.map(n => String(tree.getTreeItem(n).label)),
      ['src'],
    );
    const files = tree.getChildren(top[0]);
    assert.deepStrictEqual(
      files.map(n => String(tree.getTreeItem(n).label)),
      ['format.ts', 'index.ts', 'store.ts', 'summary.ts', 'todo.ts'],
    );
    const store = files.find(n => n.kind === 'component' && n.component.id === 'src/store.ts')!;
    assert.strictEqual(tree.getTreeItem(store).description, 'used by 2');
    const symbols = tree.getChildren(store);
    assert.deepStrictEqual(
      symbols.map(n => String(tree.getTreeItem(n).label)),
      ['TodoStore'],
    );
    assert.deepStrictEqual(
      tree.getChildren(symbols[0]).map(n => String(tree.getTreeItem(n).label)),
      ['add', 'complete', 'list'],
    );

    await vscode.commands.executeCommand('workbench.view.extension.continuum');
    // the Tasks view steps aside for the picture (it comes back right after)
    await vscode.commands.executeCommand('continuum.tasks.toggleVisibility');
    try {
      await vscode.commands.executeCommand('continuum.graph.focus');
      const method: GraphNode = {
        kind: 'component',
        component: core.graph.getComponent('src/store.ts#TodoStore.complete')!,
      };
      await api.testing.graphView.reveal(method, { select: true, focus: true, expand: true });
      const rows = await waitForVisible('.pane-body .monaco-list-row');
      if (rows) {
        const texts = rows.items.filter(r => r.visible).map(r => r.text);
        for (const expected of ['src', 'store.ts', 'TodoStore', 'complete', 'todo.ts']) {
          assert.ok(
            texts.some(t => t.includes(expected)),
            `row '${expected}' visible: ${JSON.stringify(texts)}`,
          );
        }
        await new Promise(r => setTimeout(r, 300));
        await screenshot('knowledge-graph-view');
      }
    } finally {
      await vscode.commands.executeCommand('continuum.tasks.toggleVisibility');
    }
  });

  test('Show Affected Components for the symbol under the cursor opens what it picks', async () => {
    const todo = await vscode.workspace.openTextDocument(path.join(folder(), 'src', 'todo.ts'));
    const editor = await vscode.window.showTextDocument(todo);
    const line = todo
      .getText()
      .split('\n')
      .findIndex(l => l.includes('export function createTodo'));
    const position = new vscode.Position(line, todo.lineAt(line).text.indexOf('createTodo') + 2);
    editor.selection = new vscode.Selection(position, position);
    const result = await vscode.commands.executeCommand<{ target: string; items: string[]; opened?: string }>(
      'continuum.showAffectedComponents',
    );
    assert.strictEqual(result.target, 'src/todo.ts#createTodo');
    assert.deepStrictEqual(result.items, [
      'src/store.ts',
      'src/store.ts#TodoStore.add',
      'src/index.ts',
      'src/summary.ts',
    ]);
    assert.match(prompter.offered[0], /TodoStore\.add|store\.ts/);
    await until('the picked component opened', () =>
      vscode.window.activeTextEditor?.document.uri.fsPath.endsWith(path.join('src', 'store.ts')),
    );

    // the whole file, when the cursor is at its start
    await vscode.window.showTextDocument(todo, { selection: new vscode.Range(0, 0, 0, 0) });
    const file = await vscode.commands.executeCommand<{ target: string; items: string[] }>(
      'continuum.showAffectedComponents',
    );
    assert.strictEqual(file.target, 'src/todo.ts');
    assert.ok(
      file.items.includes('src/format.ts') && file.items.includes('src/summary.ts'),
      JSON.stringify(file.items),
    );
  });

  test('a file written on disk reaches the graph, and so does its deletion', async () => {
    const extra = path.join(folder(), 'src', 'extra.ts');
    fs.writeFileSync(extra, "import { TodoStore } from './store';\nexport const shared = new TodoStore();\n");
    await until('src/extra.ts in the graph', () => core.graph.getComponent('src/extra.ts#shared'), 15000);
    assert.ok(core.graph.getDependents('src/store.ts').some(c => c.id === 'src/extra.ts'));
    fs.rmSync(extra);
    await until('src/extra.ts gone from the graph', () => !core.graph.getComponent('src/extra.ts'), 15000);
  });

  test('a JSON file a module imports is an asset: Show Affected Components on it lists its importer', async () => {
    fs.writeFileSync(path.join(folder(), 'src', 'labels.json'), '{ "done": "Done" }\n');
    fs.writeFileSync(
      path.join(folder(), 'src', 'labels.ts'),
      "import labels from './labels.json';\nexport const doneLabel = labels.done;\n",
    );
    await until('src/labels.ts in the graph', () => core.graph.getComponent('asset:src/labels.json'), 15000);
    assert.ok(
      !core.graph
        .index()
        .unresolvedImports()
        .some(u => u.specifier === './labels.json'),
      'an asset import is not unresolved',
    );
    await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument(path.join(folder(), 'src', 'labels.json')),
    );
    const result = await vscode.commands.executeCommand<{ target: string; items: string[] }>(
      'continuum.showAffectedComponents',
    );
    assert.strictEqual(result.target, 'asset:src/labels.json');
    assert.deepStrictEqual(result.items, ['src/labels.ts']);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of ['labels.ts', 'labels.json']) fs.rmSync(path.join(folder(), 'src', name));
    await until('src/labels.ts gone from the graph', () => !core.graph.getComponent('src/labels.ts'), 15000);
  });

  test('Generate Tasks from Codebase proposes the gaps once, with their locations', async () => {
    prompter.notifications = [];
    const first = await vscode.commands.executeCommand<{ created: number }>('continuum.generateTasksFromCodebase');
    assert.ok(
      prompter.offered.some(label => label === 'TODO: group the summary by priority (src/summary.ts:4)'),
      JSON.stringify(prompter.offered),
    );
    const made = core.tasks.list().filter(t => t.key?.startsWith('gap:'));
    createdTasks.push(...made.map(t => t.id));
    assert.strictEqual(first.created, made.length);
    assert.ok(
      made.some(t => t.key!.startsWith('gap:src/summary.ts:4:') && /Location: src\/summary\.ts:4/.test(t.description)),
    );
    const second = await vscode.commands.executeCommand<{ created: number }>('continuum.generateTasksFromCodebase');
    assert.strictEqual(second.created, 0);
    assert.strictEqual(core.tasks.list().filter(t => t.key?.startsWith('gap:')).length, made.length, 'no duplicates');
    const analysis = core.context.current()!.context.analysis;
    assert.ok(analysis.gaps.some(g => g.kind === 'todo' && g.file === 'src/summary.ts' && g.line === 4));
  });

  test('Show Status includes the graph figures', async () => {
    prompter.notifications = [];
    await vscode.commands.executeCommand('continuum.showStatus');
    assert.match(prompter.notifications.join('\n'), /knowledge graph: 5 files, \d+ symbols/);
  });
});
