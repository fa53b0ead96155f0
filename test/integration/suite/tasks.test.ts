// What a user sees of the store, the task graph and sessions, in a real extension host: a plan
// imported through the command, the task tree, the session status bar, the interrupted-session
// question after the window "reloads", and a second process finding the store read-only.
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { importState, parseState } from '../../../src/core/state/stateFile';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { inSecondWindow, queryDom, screenshot, waitForVisible } from './screenshot';
import { poller } from './wait';
import { ScriptedPrompter } from './prompter';

/** Polls the workbench until a visible element matching `selector` contains `text` (or 10 s pass). */
async function waitForText(selector: string, text: string) {
  const end = Date.now() + 10000;
  let facts = await queryDom(selector);
  while (facts && !facts.items.some(r => r.visible && r.text.includes(text)) && Date.now() < end) {
    await new Promise(r => setTimeout(r, 250));
    facts = await queryDom(selector);
  }
  return facts;
}

const until = poller(10000);

interface TreeNode {
  kind: 'group' | 'task';
}

function labels(api: ContinuumApi, nodes: TreeNode[]): string[] {
  return nodes.map(n => String(api.testing.tree.getTreeItem(n as never).label));
}

suite('Tasks, plan import and sessions', () => {
  let api: ContinuumApi;
  const prompter = new ScriptedPrompter();
  const workspace = () => vscode.workspace.workspaceFolders![0].uri;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    api.testing.setPrompter(prompter);
    // start from an empty store, whatever the suites before this one left behind
    const core = await api.ready();
    const empty = {
      format: 'continuum-state',
      version: 1,
      exportedAt: new Date().toISOString(),
      tables: Object.fromEntries(
        [
          'context_versions',
          'phases',
          'tasks',
          'task_deps',
          'task_events',
          'sessions',
          'session_tasks',
          'checkpoints',
        ].map(t => [t, []]),
      ),
    };
    await importState(core.store, parseState(JSON.stringify(empty)));
    api.testing.tree.refresh();
  });

  suiteTeardown(async () => {
    // leave no session running for the suites that follow
    const core = await api.ready();
    for (const s of core.sessions.list().filter(x => x.status === 'running'))
      await core.sessions.pause(s.id, 'end of the tasks suite');
    api.testing.setPrompter(undefined);
  });

  test('Import Plan turns PLAN.md into phases and tasks shown in the tree', async () => {
    const result = await vscode.commands.executeCommand<{ created: number; updated: number }>(
      'continuum.importPlan',
      vscode.Uri.joinPath(workspace(), 'PLAN.md'),
    );
    assert.deepStrictEqual(result, { created: 5, updated: 0 });
    const tree = api.testing.tree;
    const groups = tree.getChildren() as TreeNode[];
    assert.deepStrictEqual(labels(api, groups), ['1 Core model', '2 Store and output']); // phases keep their numbers
    assert.deepStrictEqual(labels(api, tree.getChildren(groups[1] as never) as TreeNode[]), [
      'In-memory TodoStore with add, complete and list',
      'Text formatting of a todo list',
      'README for the library',
    ]);
    const first = tree.getTreeItem((tree.getChildren(groups[0] as never) as TreeNode[])[0] as never);
    assert.strictEqual(first.description, 'waiting for you · high · 1.1'); // a to-do whose dependencies are done
    const secondNode = (tree.getChildren(groups[0] as never) as TreeNode[])[1] as never;
    const second = tree.resolveTreeItem(tree.getTreeItem(secondNode), secondNode); // as VS Code does on hover
    assert.match(String(second.tooltip), /Waiting for: 'Define the Todo type and createTodo'/);

    await vscode.commands.executeCommand('workbench.view.extension.continuum');
    await waitForText('.pane-body .monaco-list-row', 'Define the Todo type and createTodo');
    const rows = await waitForText('.pane-body .monaco-list-row', 'Store and output');
    if (rows) {
      const texts = rows.items.filter(r => r.visible).map(r => r.text);
      assert.ok(
        texts.some(t => t.includes('Define the Todo type and createTodo')),
        `tree rows: ${JSON.stringify(texts)}`,
      );
      assert.ok(
        texts.some(t => t.includes('Store and output')),
        `phase group row visible: ${JSON.stringify(texts)}`,
      );
      await screenshot('task-tree-imported-plan');
    }
  });

  test('importing the same plan again changes nothing', async () => {
    const before = (await api.ready()).tasks.list().length;
    prompter.notifications = [];
    await vscode.commands.executeCommand('continuum.importPlan', vscode.Uri.joinPath(workspace(), 'PLAN.md'));
    assert.match(prompter.notifications.join('\n'), /Nothing to import: 0 new, 0 updated, 5 unchanged/);
    assert.strictEqual((await api.ready()).tasks.list().length, before);
  });

  test('markup in a title is shown as text', async () => {
    const core = await api.ready();
    const title = '<img src=x onerror="window.pwned=1"> [run](command:workbench.action.terminal.new)';
    await vscode.commands.executeCommand('continuum.addTask', { title });
    try {
      const rows = await waitForText('.pane-body .monaco-list-row', '<img src=x');
      if (rows)
        assert.ok(
          rows.items.some(r => r.visible && r.text.includes('<img src=x')),
          `the title appears literally in the tree: ${JSON.stringify(rows.items.map(r => r.text))}`,
        );
      const img = await queryDom('.pane-body .monaco-list-row img');
      if (img) assert.strictEqual(img.count, 0, 'no <img> element was created from the title');
      await screenshot('markup-as-text');
    } finally {
      await core.tasks.delete(core.tasks.list().find(t => t.title === title)!.id);
    }
  });

  test('a session shows its progress in the status bar: running, a task done, paused, resumed', async () => {
    const core = await api.ready();
    prompter.pickLabel = /^All unfinished tasks/;
    await vscode.commands.executeCommand('continuum.startSession');
    // the plan's tasks are to-dos: the session waits for a person, and says so instead of spinning
    await until('running status', () => api.testing.statusBar.text === '$(person) 0/4 · 1 waits for you');
    const first = core.tasks.nextTask()!;
    await vscode.commands.executeCommand('continuum.task.markDone', first.id);
    await until('1/4', () => api.testing.statusBar.text === '$(person) 1/4 · 1 waits for you');
    const status = await waitForVisible('[id="continuum.continuum.continuum.session"]');
    if (status)
      assert.ok(
        status.items.some(i => i.visible && i.text.includes('1/4')),
        `status bar shows 1/4: ${JSON.stringify(status.items)}`,
      );
    await screenshot('session-running');

    await vscode.commands.executeCommand('continuum.pauseSession');
    await until('paused status', () => api.testing.statusBar.text === '$(debug-pause) 1/4 · $(person) 1 waits for you');
    assert.match(api.testing.statusBar.tooltip, /is paused: 1 of 4 done — continues at '/);

    prompter.pickLabel = undefined; // the resume point comes first
    await vscode.commands.executeCommand('continuum.resumeSession');
    await until('running again', () => api.testing.statusBar.text === '$(person) 1/4 · 1 waits for you');
  });

  test('after the window goes away while the session waits for a to-do, reopening goes on waiting for you without asking', async () => {
    prompter.notifications = [];
    const core = await api.testing.reopen();
    // nothing of it was cut off: it is continued quietly, and Mark Done moves it on as before
    await until('the session running again', () => core.sessions.list().find(s => s.status === 'running'));
    await until('status bar waiting for you', () => api.testing.statusBar.text === '$(person) 1/4 · 1 waits for you');
    assert.deepStrictEqual(
      prompter.notifications.filter(n => /interrupted/.test(n)),
      [],
      'no question as if work was cut off',
    );
  });

  test('a second process opening the same store gets a read-only view that says who holds it', async () => {
    const core = await api.ready();
    const cli = path.join(vscode.extensions.getExtension('continuum.continuum')!.extensionPath, 'dist', 'cli.js');
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [cli, 'status', '--store', core.store.folder], (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    assert.match(out, /read-only: VS Code window 'sample' \(pid \d+/);
    assert.match(out, /tasks: 5/);
  });

  test('a second window on the same store is a full window: it shows the store live through the first one, not read-only', async function () {
    this.timeout(270000); // a second workbench loading on a busy machine (see inSecondWindow)
    // VS Code gives a second window on the same folder a storage folder of its own, so two windows
    // share a store only through continuum.storagePath: point it (for this workspace) at our store.
    const config = vscode.workspace.getConfiguration('continuum');
    await config.update('storagePath', (await api.ready()).store.folder, vscode.ConfigurationTarget.Workspace);
    // what this window's status bar says of the session ("1/4"): the second window shows it only once
    // it has read the store (before, it says "Continuum" alone). Run alone, this test makes a session.
    const core = await api.ready();
    if (!/\d+\/\d+/.test(api.testing.statusBar.text)) {
      if (!core.tasks.list().length) await core.tasks.create({ title: 'shown in both windows' });
      const session = await core.sessions.create({
        name: 'shown in both windows',
        taskIds: core.tasks.list().map(t => t.id),
      });
      await core.sessions.start(session.id);
      await core.sessions.pause(session.id);
    }
    await until('the session in the status bar', () => /\d+\/\d+/.test(api.testing.statusBar.text));
    const progress = /\d+\/\d+/.exec(api.testing.statusBar.text)![0];
    let facts;
    try {
      facts = await inSecondWindow(
        'second-window-client',
        `[id="continuum.continuum.continuum.session"]:has-text("${progress}")`,
      );
    } finally {
      await config.update('storagePath', undefined, vscode.ConfigurationTarget.Workspace);
    }
    if (!facts) this.skip();
    const session = facts!.items.filter(i => i.visible && i.text.includes(progress));
    assert.ok(session.length, `second window's status bar: ${JSON.stringify(facts!.items)}`);
    assert.ok(
      session.every(i => !i.text.includes('read-only')),
      `second window's status bar: ${JSON.stringify(facts!.items)}`,
    );
    assert.strictEqual((await api.ready()).store.readOnly, false, 'this window keeps writing');
  });

  test('Export State writes the whole state as JSON', async () => {
    const file = vscode.Uri.file(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-export-')), 'state.json'));
    await vscode.commands.executeCommand('continuum.exportState', file);
    const state = JSON.parse(fs.readFileSync(file.fsPath, 'utf8')) as {
      format: string;
      tables: { tasks: unknown[]; sessions: unknown[] };
    };
    assert.strictEqual(state.format, 'continuum-state');
    assert.strictEqual(state.tables.tasks.length, 5);
    assert.strictEqual(state.tables.sessions.length, 1);
  });

  test('every command reports a bad state file as an error, and changes nothing', async () => {
    const core = await api.ready();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-bad-')), 'bad.json');
    fs.writeFileSync(file, '{"format":"continuum-state","version":1,"tables":{"tasks":"nope"}}');
    const before = core.tasks.list().length;
    prompter.notifications = [];
    await vscode.commands.executeCommand('continuum.importState', vscode.Uri.file(file));
    assert.match(prompter.notifications.join('\n'), /not a valid Continuum state/);
    assert.strictEqual(core.tasks.list().length, before);
  });
});
