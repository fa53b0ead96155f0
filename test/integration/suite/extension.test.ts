// Integration tests: run inside a real VS Code extension host (code-server via runner/run.mjs, or the desktop build
// via desktop.mjs) with the fixture workspace test/fixtures/sample open.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { queryDom, screenshot, waitForVisible } from './screenshot';

const EXT_ID = 'continuum.continuum';
/** The target for activate(). One sample on a shared 2-core machine can be stalled by ~200 ms (seen
 * once in CI), so the test fails only at ALARM_FACTOR times the target: a real regression (work done
 * synchronously at activation). What activation loads is checked deterministically, on every machine,
 * by test/unit/vscode/activationPath.test.ts. */
const ACTIVATION_BUDGET_MS = 100;
const ALARM_FACTOR = 5;

interface Manifest {
  contributes: {
    commands?: { command: string }[];
    views?: Record<string, { id: string }[]>;
    viewsContainers?: Record<string, { id: string }[]>;
  };
}

suite('Continuum extension', () => {
  let ext: vscode.Extension<ContinuumApi>;
  let api: ContinuumApi;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension<ContinuumApi>(EXT_ID);
    assert.ok(found, `extension ${EXT_ID} is installed`);
    ext = found;
    api = await ext.activate();
  });

  test('activates in the fixture workspace', () => {
    assert.strictEqual(ext.isActive, true);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1);
    assert.strictEqual(folders[0].name, 'sample');
    console.log(
      `node ${process.version}, vscode ${vscode.version}, appName ${vscode.env.appName}, uiKind ${vscode.UIKind[vscode.env.uiKind]}, remoteName ${vscode.env.remoteName}`,
    );
  });

  test(`activate() is measured (target ${ACTIVATION_BUDGET_MS} ms) and stays far from ${ALARM_FACTOR}× that`, () => {
    assert.strictEqual(typeof api?.activationMs, 'number', 'activate() returns { activationMs }');
    console.log(
      `activationMs ${api.activationMs.toFixed(2)} (activate() alone); loadAndActivateMs ${api.loadAndActivateMs.toFixed(2)} (bundle load + activate())`,
    );
    if (api.activationMs > ACTIVATION_BUDGET_MS)
      console.log(
        `activate() took ${api.activationMs.toFixed(1)} ms, over its ${ACTIVATION_BUDGET_MS} ms target in this run`,
      );
    assert.ok(
      api.activationMs <= ALARM_FACTOR * ACTIVATION_BUDGET_MS,
      `activate() took ${api.activationMs.toFixed(1)} ms (target ${ACTIVATION_BUDGET_MS} ms): something slow runs synchronously at activation`,
    );
    // Loading the bundle is measured too (15–60 ms on a quiet machine, swinging with load).
    assert.ok(
      api.loadAndActivateMs <= ALARM_FACTOR * 2.5 * ACTIVATION_BUDGET_MS,
      `loading and activating took ${api.loadAndActivateMs.toFixed(1)} ms: something heavy is loaded eagerly`,
    );
  });

  test('declared commands and registered continuum.* commands match', async () => {
    const manifest = ext.packageJSON as Manifest;
    const declared = new Set((manifest.contributes.commands ?? []).map(c => c.command));
    // Commands VS Code itself generates for each contributed view: <viewId>.open / .focus / .resetViewLocation /
    // .toggleVisibility / .removeView (and workbench.view.extension.<containerId>, which has no continuum. prefix).
    const viewIds = Object.values(manifest.contributes.views ?? {})
      .flat()
      .map(v => v.id);
    const generated = new Set(
      viewIds.flatMap(id =>
        ['open', 'focus', 'resetViewLocation', 'toggleVisibility', 'removeView'].map(s => `${id}.${s}`),
      ),
    );
    const all = await vscode.commands.getCommands(true);
    const registered = all.filter(c => c.startsWith('continuum.'));
    console.log(`registered continuum.* commands: ${registered.join(', ')}`);
    const notRegistered = [...declared].filter(c => !all.includes(c));
    assert.deepStrictEqual(notRegistered, [], 'declared in contributes.commands but not registered');
    const notDeclared = registered.filter(c => !declared.has(c) && !generated.has(c));
    assert.deepStrictEqual(notDeclared, [], 'registered but not declared in contributes.commands');
    for (const id of viewIds) {
      assert.ok(all.includes(`${id}.focus`), `view ${id} exists (${id}.focus is registered)`);
    }
  });

  test('Continuum view container, Tasks view with welcome content and status bar item are visible', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.continuum');
    await vscode.commands.executeCommand('continuum.tasks.focus'); // what the status-bar item runs on click

    const facts = await queryDom('body');
    if (!facts) {
      console.log('not under runner/run.mjs: no DOM access, no screenshot');
      this.skip();
    }
    // activity bar: the Continuum container's icon, active
    const icon = await waitForVisible('.activitybar .action-item [aria-label^="Continuum"]');
    assert.ok(
      icon?.items.some(i => i.visible),
      'Continuum icon in the activity bar',
    );
    // side bar: the Tasks view's welcome content with its three buttons
    const welcome = await waitForVisible('.pane-body .welcome-view-content');
    assert.ok(
      welcome?.items.some(i => i.visible && i.text.includes('No tasks yet')),
      `Tasks welcome text visible: ${JSON.stringify(welcome?.items)}`,
    );
    const buttons = await queryDom('.welcome-view-content .monaco-button');
    const labels = (buttons?.items ?? []).filter(b => b.visible).map(b => b.text);
    assert.deepStrictEqual(labels, ['Import Plan…', 'Plan from Goal…', 'Add Task'], 'welcome buttons');
    const title = await queryDom('.part.sidebar .composite.title .title-label');
    console.log(`side bar title: ${JSON.stringify(title?.items)}`);
    // one view: "Continuum: Tasks"; with the Knowledge Graph view beside it, "Continuum" and a pane header per view
    const panes = await queryDom('.part.sidebar .pane-header h3.title');
    const tasksShown =
      title?.items.some(i => i.visible && i.text === 'Continuum: Tasks') ||
      (title?.items.some(i => i.visible && i.text === 'Continuum') &&
        panes?.items.some(i => i.visible && i.text === 'Tasks'));
    assert.ok(
      tasksShown,
      `side bar shows the Continuum container with its Tasks view: ${JSON.stringify(panes?.items)}`,
    );
    // status bar: our item, shown with its text
    const status = await waitForVisible('[id="continuum.continuum.continuum.session"]');
    const item = status?.items.find(i => i.visible);
    assert.ok(item, 'Continuum status-bar item visible');
    assert.strictEqual(
      item.text,
      'Continuum',
      'status-bar text (the $(history) icon renders as an empty codicon span)',
    );

    await new Promise(r => setTimeout(r, 500)); // let the layout settle
    const file = await screenshot('continuum-tasks-view');
    console.log(`screenshot written: ${file}`);
  });

  test('@deliberate-failure this test fails on purpose (only with HARNESS_INCLUDE_FAILING=1)', () => {
    assert.strictEqual(1 + 1, 3, 'deliberate failure to prove failures propagate');
  });
});
