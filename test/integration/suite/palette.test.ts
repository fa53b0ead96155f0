// Commands a person looks for in the Command Palette are there, and work without a tree item:
// Show Dependencies asks for the task by quick pick; Group by Status / Phase group the Tasks view.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { queryDom, screenshot } from './screenshot';
import { ScriptedPrompter } from './prompter';
import { poller } from './wait';

const until = poller(10000);

suite('Command Palette', () => {
  let api: ContinuumApi;
  const prompter = new ScriptedPrompter();
  const created: string[] = [];

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    api.testing.setPrompter(prompter);
  });
  suiteTeardown(async () => {
    const core = await api.ready();
    for (const id of created) if (core.tasks.get(id)) await core.tasks.delete(id);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    api.testing.setPrompter(undefined);
  });

  test('Show Dependencies and Group by are offered in the palette', async () => {
    await vscode.commands.executeCommand('workbench.action.quickOpen', '>Continuum: Show Dependencies');
    const rows = await until('the palette to list the command', async () => {
      const facts = await queryDom('.quick-input-list .monaco-list-row');
      return !facts
        ? { items: [] as Array<{ text: string }> }
        : facts.items.some(i => i.text.includes('Show Dependencies')) && facts;
    });
    if (rows.items.length) await screenshot('palette-show-dependencies');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.quickOpen', '>Continuum: Group by');
    const groups = await until('the palette to list a grouping', async () => {
      const facts = await queryDom('.quick-input-list .monaco-list-row');
      return !facts
        ? { items: [] as Array<{ text: string }> }
        : facts.items.some(i => /Group by (Status|Phase)/.test(i.text)) && facts;
    });
    if (groups.items.length) await screenshot('palette-group-by');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  test('Show Dependencies from the palette asks which task, then shows what it needs and what waits for it', async () => {
    const core = await api.ready();
    const first = await core.tasks.create({ title: 'Palette: design the schema' });
    const second = await core.tasks.create({ title: 'Palette: write the migration', dependsOn: [first.id] });
    created.push(second.id, first.id);
    prompter.picks.push(/^Palette: write the migration$/, /design the schema/);
    await vscode.commands.executeCommand('continuum.task.showDependencies');
    assert.ok(
      prompter.seen.at(-2)?.some(l => l.startsWith('Palette: write the migration')),
      'the tasks were offered to pick from',
    );
    assert.ok(
      prompter.seen.at(-1)?.some(l => /design the schema \| needed first/.test(l)),
      JSON.stringify(prompter.seen.at(-1)),
    );

    await vscode.commands.executeCommand('continuum.tasks.groupByStatus');
    const groups = api.testing.tree.getChildren() as Array<{ kind: string; group?: { label: string } }>;
    assert.ok(
      groups.every(g => g.kind === 'group' && !g.group!.label.startsWith('Phase')),
      'grouped by status',
    );
  });
});
