// A flow never waits for a notice nobody has to answer: VS Code resolves a notification without
// buttons only when the person closes it, and a person may leave it in the Notification Center
// for ever. (The lint rule in eslint.config.mjs keeps new code from awaiting one.)
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { ScriptedPrompter } from './prompter';

/** Resolves with the command's result, or fails after `ms` naming the command. */
async function within<T>(ms: number, what: string, work: Thenable<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} still waits after ${ms} ms: it awaits a notice nobody cleared`)),
      ms,
    );
  });
  try {
    return await Promise.race([Promise.resolve(work), late]);
  } finally {
    clearTimeout(timer);
  }
}

suite('Notices that ask nothing', () => {
  let api: ContinuumApi;
  const prompter = new ScriptedPrompter();
  const created: string[] = [];

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    prompter.noticesStay = true;
    api.testing.setPrompter(prompter);
  });
  suiteTeardown(async () => {
    const core = await api.ready();
    for (const id of created) if (core.tasks.get(id)) await core.tasks.delete(id);
    api.testing.setPrompter(undefined);
  });

  test('commands that only inform finish while their notice is still on screen', async () => {
    const core = await api.ready();
    const lone = await core.tasks.create({ title: 'A task with no dependencies, never run' });
    created.push(lone.id);

    await within(5000, 'Show Dependencies', vscode.commands.executeCommand('continuum.task.showDependencies', lone.id));
    assert.match(prompter.notifications.at(-1) ?? '', /has no dependencies/);
    await within(5000, 'Show Task Log', vscode.commands.executeCommand('continuum.showTaskLog', lone.id));
    assert.match(prompter.notifications.at(-1) ?? '', /has no log yet/);
    if (!core.sessions.list().some(s => s.status === 'running')) {
      await within(5000, 'Pause Session', vscode.commands.executeCommand('continuum.pauseSession'));
      assert.match(prompter.notifications.at(-1) ?? '', /No session is running/);
    }
  });
});
