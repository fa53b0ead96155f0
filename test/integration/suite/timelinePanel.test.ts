// One checkpoint timeline, whatever VS Code restored: after a reload the timeline's tab comes back
// before its page does (VS Code revives a background webview only when it is shown), and Show
// Checkpoint Timeline must use that place instead of opening a second panel beside it.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { screenshot } from './screenshot';
import { poller } from './wait';

const until = poller(10000);

const timelineTabs = () =>
  vscode.window.tabGroups.all
    .flatMap(g => g.tabs)
    .filter(t => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('continuum.timeline'));

/** The timeline tabs once the workbench has told the extension host about its tabs (they come asynchronously). */
async function settledTimelineTabs(): Promise<vscode.Tab[]> {
  await until('a timeline tab', () => timelineTabs().length > 0);
  await new Promise(r => setTimeout(r, 1000)); // a second panel, if one opens, is known by now
  return timelineTabs();
}

suite('Checkpoint timeline panel', () => {
  let api: ContinuumApi;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    await api.ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Show Checkpoint Timeline twice keeps one panel', async () => {
    await vscode.commands.executeCommand('continuum.showCheckpointTimeline');
    await vscode.commands.executeCommand('continuum.showCheckpointTimeline');
    assert.equal((await settledTimelineTabs()).length, 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a timeline tab restored after a reload, not yet revived, is the one panel: none opens beside it', async () => {
    // what a reload leaves: a tab of the timeline's view type that no TimelinePanel holds yet
    const restored = vscode.window.createWebviewPanel(
      'continuum.timeline',
      'Checkpoint Timeline',
      vscode.ViewColumn.One,
      {},
    );
    assert.equal((await settledTimelineTabs()).length, 1);
    await vscode.commands.executeCommand('continuum.showCheckpointTimeline');
    const tabs = await settledTimelineTabs();
    assert.equal(tabs.length, 1, `timeline tabs: ${tabs.map(t => `${t.label} in ${t.group.viewColumn}`).join(', ')}`);
    assert.equal(tabs[0].group.viewColumn, vscode.ViewColumn.One, 'in the place of the restored one');
    await screenshot('timeline-one-panel-after-reload');
    restored.dispose();
  });
});
