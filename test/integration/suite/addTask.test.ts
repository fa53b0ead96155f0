// Add Task as a person answers it: Enter at the priority pick keeps the usual priority, and a title
// over the limit is refused while it is typed, not after every other question.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { Task } from '../../../src/core/tasks/model';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { vscodePrompter } from '../../../src/vscode/prompts';
import { ScriptedPrompter } from './prompter';

suite('Add Task', () => {
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
    api.testing.setPrompter(undefined);
  });

  test('Enter at the priority pick gives the normal priority', async () => {
    prompter.inputs.push('Write the release notes');
    prompter.picks.push('Enter', /No action/);
    const task = await vscode.commands.executeCommand<Task | undefined>('continuum.addTask');
    assert.ok(task, `a task was created; picks shown: ${JSON.stringify(prompter.seen.slice(-2))}`);
    created.push(task.id);
    assert.equal(task.priority, 'normal');
  });

  test('the real quick pick opens on the active item, so Enter takes it', async () => {
    const items = ['critical', 'high', 'normal', 'low'].map(p => ({ label: p, value: p, active: p === 'normal' }));
    const picked = vscodePrompter.pick(items, { placeHolder: 'Priority' });
    await new Promise(r => setTimeout(r, 500)); // let the pick open
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(await picked, 'normal');
  });

  test('a title over the limit is refused as it is typed, before any other question', async () => {
    const seen = prompter.seen.length;
    prompter.inputs.push('x'.repeat(501));
    const task = await vscode.commands.executeCommand<Task | undefined>('continuum.addTask');
    assert.equal(task, undefined);
    assert.match(prompter.refused.at(-1)?.message ?? '', /at most 500 characters/);
    assert.equal(prompter.seen.length, seen, 'no priority or action pick was shown for a title that cannot be saved');
  });
});
