// Show Health, Show Known Errors and Show Performance Report open read-only report panels: no
// `Untitled-N` document is left behind (nothing to save, nothing dirty), running a report again
// reveals its panel instead of opening another, and Health draws its charts in the theme's
// colours (screenshot reports-health).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { screenshot, waitForVisible } from './screenshot';
import { poller } from './wait';

const until = poller(20000);

const reportTabs = () =>
  vscode.window.tabGroups.all
    .flatMap(g => g.tabs)
    .filter(t => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('continuum.report.'));

suite('Reports', () => {
  suiteSetup(async () => {
    const api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    await api.ready();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Show Health, Known Errors and Performance Report leave no untitled or unsaved document, one panel each', async function () {
    this.timeout(60000);
    const untitledBefore = vscode.workspace.textDocuments.filter(d => d.isUntitled).length;
    const health = await vscode.commands.executeCommand<string>('continuum.showHealth');
    assert.match(health ?? '', /# Continuum health/);
    await vscode.commands.executeCommand('continuum.showKnownErrors');
    await vscode.commands.executeCommand('continuum.showPerformanceReport');
    await vscode.commands.executeCommand('continuum.showHealth'); // again: the Health panel comes to the front
    const tabs = await until('three report panels', () => (reportTabs().length >= 3 ? reportTabs() : undefined));
    assert.deepStrictEqual(tabs.map(t => t.label).sort(), ['Continuum health', 'Known errors', 'Performance report']);
    assert.strictEqual(tabs.filter(t => t.isDirty).length, 0, 'nothing to save');
    assert.strictEqual(
      vscode.workspace.textDocuments.filter(d => d.isUntitled).length,
      untitledBefore,
      'no Untitled-N document',
    );
    assert.ok(!vscode.workspace.textDocuments.some(d => d.isDirty), 'no unsaved document');
    await until(
      'showing Health again revealed its panel',
      () => vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'Continuum health',
    );
  });

  test('Health draws its charts in the theme and its sections with codicons (screenshot)', async function () {
    this.timeout(60000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // each Show Health samples the resources: a few samples make the charts
    for (let i = 0; i < 3; i++) {
      await vscode.commands.executeCommand('continuum.showHealth');
      await new Promise(r => setTimeout(r, 700));
    }
    await until(
      'the Health panel in front',
      () => vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'Continuum health',
    );
    await waitForVisible('iframe.webview');
    await new Promise(r => setTimeout(r, 2000)); // the page lays out and the codicon font loads
    await screenshot('reports-health');
    await vscode.commands.executeCommand('continuum.showPerformanceReport');
    await new Promise(r => setTimeout(r, 1500));
    await screenshot('reports-performance');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.strictEqual(reportTabs().length, 0, 'closing asks nothing: nothing to save');
  });
});
