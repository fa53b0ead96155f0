// To-dos (tasks without an action, or manual ones) wait for a person, and the workbench says so:
// their own group and icon in the Tasks view, an inline Mark Done, the session's status-bar item
// counting them; shell and VS Code tasks look like what they are.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { removeSuiteWork, type SuiteWork } from './cleanup';
import { queryDom, screenshot } from './screenshot';
import { poller } from './wait';
import { ScriptedPrompter } from './prompter';

const until = poller(15000);

interface Node {
  kind: 'group' | 'task';
  group?: { label: string };
  task?: { id: string };
}

suite('Waiting for you', () => {
  let api: ContinuumApi;
  const prompter = new ScriptedPrompter();
  const mine: SuiteWork = { tasks: [], sessions: [] };

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    api.testing.setPrompter(prompter);
  });
  suiteTeardown(async () => {
    await removeSuiteWork(await api.ready(), mine, 'waiting-for-you');
    api.testing.tree.setGrouping('status');
    api.testing.setPrompter(undefined);
  });

  test('to-dos wait visibly for a person; shell tasks do not look like to-dos', async () => {
    const core = await api.ready();
    const review = await core.tasks.create({ title: 'Review the API names with the team' });
    const sign = await core.tasks.create({ title: 'Sign the release', action: { kind: 'manual' } });
    const build = await core.tasks.create({
      title: 'Build after the review',
      action: { kind: 'shell', command: 'node --version' },
      dependsOn: [review.id],
    });
    const lint = await core.tasks.create({
      title: 'Lint (a VS Code task)',
      action: { kind: 'vscodeTask', label: 'lint' },
      dependsOn: [sign.id],
    });
    mine.tasks.push(review.id, sign.id, build.id, lint.id);
    const tree = api.testing.tree;
    tree.setGrouping('status');

    const groups = tree.getChildren() as Node[];
    const forYou = groups.find(g => g.group?.label === 'Waiting for you');
    assert.ok(forYou, `groups: ${groups.map(g => g.group?.label).join(', ')}`);
    const forYouIds = (tree.getChildren(forYou as never) as Node[]).map(n => n.task!.id);
    assert.ok(forYouIds.includes(review.id) && forYouIds.includes(sign.id), 'both to-dos are in the group');
    assert.ok(!forYouIds.includes(build.id) && !forYouIds.includes(lint.id), 'no shell or VS Code task is');

    const item = (id: string) => tree.getTreeItem({ kind: 'task', task: core.tasks.get(id)!, children: [] } as never);
    assert.equal((item(review.id).iconPath as vscode.ThemeIcon).id, 'person');
    assert.equal(item(review.id).contextValue, 'continuum.task.pending.todo');
    assert.equal(item(build.id).contextValue, 'continuum.task.pending');
    tree.setGrouping('phase'); // by phase there is no group to say it: the description does
    assert.match(String(item(review.id).description), /waiting for you/);
    tree.setGrouping('status');

    // a session over them: nothing the run can do until a person acts, and the status bar says so
    const session = await core.sessions.create({ name: 'Release', taskIds: [review.id, sign.id, build.id, lint.id] });
    mine.sessions.push(session.id);
    await core.sessions.start(session.id);
    await until(
      'the status bar to count the to-dos',
      () => api.testing.statusBar.text === '$(person) 0/4 · 2 wait for you',
    );
    assert.match(api.testing.statusBar.tooltip, /2 to-dos wait for you/);

    await vscode.commands.executeCommand('workbench.view.extension.continuum');
    await until('the tree to show the group', async () => {
      const rows = await queryDom('.pane-body .monaco-list-row');
      return !rows || rows.items.some(r => r.visible && r.text.includes('Waiting for you'));
    });
    // hover the first to-do's row so its inline actions show
    const markDone = await queryDom('.pane-body .monaco-list-row .action-label[aria-label="Mark Done"]');
    if (markDone) assert.ok(markDone.count >= 2, `an inline Mark Done per to-do: ${markDone.count}`);
    const start = await queryDom('.pane-body .monaco-list-row .action-label[aria-label="Start"]');
    if (start) assert.equal(start.count, 0, 'no inline Start on a to-do, and the shell tasks wait for them');
    await screenshot('waiting-for-you');

    await vscode.commands.executeCommand('continuum.task.markDone', review.id);
    await until('one to-do left', () => api.testing.statusBar.text.includes('1 waits for you'));
    await core.sessions.pause(session.id, 'end of the test');
  });
});
