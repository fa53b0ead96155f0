// The getting-started walkthrough opens through workbench.action.openWalkthrough, shows its five
// steps (connecting an agent shows once agents can be connected, which they can here), and marks
// "Import or write a plan" done once a task exists, from the context key the extension sets
// (screenshots walkthrough-opened, walkthrough).
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { walkthroughId } from '../../../src/vscode/walkthrough/walkthroughContext';
import { queryDom, screenshot, waitForVisible } from './screenshot';
import { poller } from './wait';

const until = poller(30000);

suite('Getting-started walkthrough', () => {
  const mine: string[] = [];

  suiteTeardown(async () => {
    const api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    const core = await api.ready();
    for (const id of mine) await core.tasks.delete(id).catch(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('opens with its steps, and "Import or write a plan" is done once a task exists', async function () {
    this.timeout(90000);
    const api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    const core = await api.ready();
    mine.push((await core.tasks.create({ title: 'Walkthrough: a first task', action: { kind: 'manual' } })).id);
    // VS Code registers an extension's walkthrough some seconds after the extension (1.104 waits up to 5 s
    // for an experiment service that never answers here); opened before that, the page shows another
    // walkthrough. Opened again until it is this one, as a person would pick it again from Help > Welcome.
    let lastSeen: unknown;
    const titles = await until('the Continuum walkthrough with its steps', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId, false);
      const tab = await until('the walkthrough tab', () => vscode.window.tabGroups.activeTabGroup.activeTab);
      assert.match(tab.label, /Welcome|Walkthrough|Get Started/i);
      const steps = await waitForVisible('button.getting-started-step', 10000);
      if (!steps) return []; // outside the code-server runner there is no DOM to ask
      lastSeen = { tab: tab.label, steps: steps.items };
      const shown = steps.items.filter(i => i.visible).map(i => i.text.split('\n')[0].trim());
      return shown.some(x => x.startsWith('Import or write a plan')) ? shown : undefined;
    }).catch(async (err: Error) => {
      await screenshot('walkthrough-FAILED');
      throw new Error(`${err.message}; last seen: ${JSON.stringify(lastSeen).slice(0, 1500)}`);
    });
    if (!titles.length) return;
    await screenshot('walkthrough-opened');
    for (const t of [
      'Import or write a plan',
      'Start a session',
      'Make a checkpoint',
      'Restore a checkpoint',
      'Connect an agent',
    ])
      assert.ok(
        titles.some(x => x.startsWith(t)),
        `${t} in ${JSON.stringify(titles)}`,
      );
    await until('the plan step marked done', async () => {
      const done = await queryDom('button.getting-started-step[aria-checked="true"]');
      return done?.items.some(i => i.text.startsWith('Import or write a plan'));
    });
    await screenshot('walkthrough');
  });
});
