import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { task } from '../fakes/taskOf';
import type { Task } from '../../../src/core/tasks/model';
import { groupTasks } from '../../../src/vscode/taskGroups';
import { isToDo, taskContextValue, taskIcon } from '../../../src/vscode/taskLook';

const shell = (id: string, patch: Partial<Task> = {}) =>
  task(id, { action: { kind: 'shell', command: 'npm test' }, ...patch });

describe('how a task looks in the Tasks view', () => {
  it('knows a task without an action, or a manual one, as a to-do', () => {
    assert.deepStrictEqual(
      [isToDo(task('a')), isToDo(task('m', { action: { kind: 'manual' } })), isToDo(shell('s'))],
      [true, true, false],
    );
  });

  it("gives each kind of pending task its own icon, so a shell task does not look like a to-do nor a model's task like a shell task", () => {
    const icons = [
      task('todo'),
      task('manual', { action: { kind: 'manual' } }),
      shell('shell'),
      task('vsc', { action: { kind: 'vscodeTask', label: 'build' } }),
      task('lm', { action: { kind: 'lm' } }),
    ].map(t => taskIcon(t, false).icon);
    assert.deepStrictEqual(icons, ['person', 'person', 'terminal', 'tools', 'sparkle']);
  });

  it('shows a to-do that waits for its dependencies as waiting, and finished tasks by their status', () => {
    assert.equal(taskIcon(task('todo'), true).icon, 'watch');
    assert.equal(taskIcon(shell('done', { status: 'done' }), false).icon, 'pass-filled');
    assert.equal(taskIcon(task('failed', { status: 'failed' }), false).icon, 'error');
  });

  it('marks to-dos in the context value, which gives them the inline Mark Done', () => {
    assert.equal(taskContextValue(task('todo')), 'continuum.task.pending.todo');
    assert.equal(taskContextValue(shell('shell')), 'continuum.task.pending');
  });
});

describe('the "Waiting for you" group', () => {
  it('holds the to-dos a person can do now; shell tasks stay in Ready, waiting to-dos under their dependencies', () => {
    const tasks = [
      task('todo'),
      shell('shell'),
      task('later', { dependsOn: ['shell'] }),
      task('done todo', { status: 'done' }),
    ];
    const groups = groupTasks(tasks, [], 'status');
    assert.deepStrictEqual(
      groups.map(g => [g.label, g.tasks.map(t => t.id)]),
      [
        ['Waiting for you', ['todo']],
        ['Ready', ['shell']],
        ['Waiting for dependencies', ['later']],
        ['Done', ['done todo']],
      ],
    );
  });
});

/** The Tasks view's item menus of package.json that a task with this context value gets (`when`s of the form view, viewItem =~, context keys). */
function menusOf(contextValue: string, keys: Record<string, boolean>): { inline: string[]; menu: string[] } {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { menus: { 'view/item/context': Array<{ command: string; when: string; group?: string }> } };
  };
  const out = { inline: [] as string[], menu: [] as string[] };
  for (const item of manifest.contributes.menus['view/item/context']) {
    const holds = item.when.split('&&').every(raw => {
      const clause = raw.trim();
      if (clause.startsWith('view ==')) return clause === 'view == continuum.tasks';
      const re = /^viewItem =~ \/(.*)\/$/.exec(clause);
      if (re) return new RegExp(re[1]).test(contextValue);
      if (clause.startsWith('!')) return !keys[clause.slice(1)];
      throw new Error(`a when clause this test does not read: ${clause}`);
    });
    if (holds) (item.group?.startsWith('inline') ? out.inline : out.menu).push(item.command.replace('continuum.', ''));
  }
  return out;
}

describe("a language model's task in the Tasks view", () => {
  const lm = task('lm', { action: { kind: 'lm' } });

  it('has the menus of any task that runs, and its own context value', () => {
    assert.equal(taskContextValue(lm), 'continuum.task.pending.lm');
    const { inline, menu } = menusOf(taskContextValue(lm), { 'continuum.lm.modelAvailable': true });
    assert.deepStrictEqual(inline, ['task.start']);
    assert.deepStrictEqual(menu.sort(), [
      'showTaskLog',
      'task.delete',
      'task.edit',
      'task.markDone',
      'task.markFailed',
      'task.showDependencies',
      'task.skip',
      'task.start',
    ]);
    assert.deepStrictEqual(menusOf(taskContextValue(shell('s')), {}).menu.sort(), menu.sort(), 'as a shell task has');
  });

  it('offers Choose Model inline while there is no model', () => {
    assert.deepStrictEqual(menusOf(taskContextValue(lm), { 'continuum.lm.modelAvailable': false }).inline, [
      'task.start',
      'chooseModel',
    ]);
    assert.deepStrictEqual(
      menusOf(taskContextValue({ ...lm, status: 'done' }), { 'continuum.lm.modelAvailable': false }).inline,
      [],
    );
  });
});
