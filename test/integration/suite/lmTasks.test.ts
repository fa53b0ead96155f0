// lm tasks in a real extension host, with the test-only model provider (test/integration/model-provider)
// scripted turn by turn through the workspace's .continuum-test-model.json — no hook in Continuum:
// the model reads a file and edits it as a workspace edit (on disk, in the open editor, undoable),
// its verify command decides when the task is done, a failing verify's output goes back to the model;
// without a model of the vendor the settings name, lm tasks wait with the reason, Health lists "no
// language model", and Choose Model from the palette brings one.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Continuum } from '../../../src/core/continuum';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { removeSuiteWork } from './cleanup';
import { ScriptedPrompter } from './prompter';
import { queryDom, screenshot, waitForVisible } from './screenshot';
import { poller } from './wait';

const until = poller(30000);

interface Turn {
  text?: string;
  toolCalls?: Array<{ name: string; input: object }>;
  echoLast?: boolean;
  error?: string;
}

suite('lm tasks', () => {
  let api: ContinuumApi;
  const prompter = new ScriptedPrompter();
  const mine = { tasks: [] as string[], sessions: [] as string[] };
  const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const dir = path.join(workspace, 'lm-it');
  const scriptFile = path.join(workspace, '.continuum-test-model.json');
  const scripts: Array<{ task: string; turns: Turn[] }> = [];
  let aiFeaturesOff: boolean | undefined;

  const script = (task: string, turns: Turn[]) => {
    scripts.push({ task, turns });
    fs.writeFileSync(scriptFile, JSON.stringify({ scripts }, null, 2));
  };

  const lmTask = async (core: Continuum, title: string, verify?: string) => {
    const t = await core.tasks.create({ title, action: { kind: 'lm', ...(verify ? { verify } : {}) } });
    mine.tasks.push(t.id);
    return t.id;
  };

  const start = async (taskIds: string[]) => {
    const session = await vscode.commands.executeCommand<{ id: string }>('continuum.startSession', taskIds);
    assert.ok(session, 'Start Session returned the session');
    mine.sessions.push(session.id);
    return session.id;
  };

  const log = async (taskId: string) => {
    const file = await vscode.commands.executeCommand<string>('continuum.showTaskLog', taskId);
    return fs.readFileSync(file, 'utf8');
  };

  const setVendor = (vendor: string | undefined) =>
    vscode.workspace.getConfiguration('continuum').update('lm.vendor', vendor, vscode.ConfigurationTarget.Global);

  const lmDegradation = (core: Continuum) => core.degradations.degradations().find(d => d.capability === 'lm');

  suiteSetup(async function () {
    this.timeout(90000);
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    api.testing.setPrompter(prompter);
    const core = await api.ready();
    for (const s of core.sessions.list().filter(x => x.status === 'running'))
      await core.sessions.pause(s.id, 'paused by the lm tasks suite');
    // the runner turns VS Code's AI features off for the other suites; a person using lm tasks has them on
    aiFeaturesOff = vscode.workspace.getConfiguration('chat').inspect<boolean>('disableAIFeatures')?.globalValue;
    await vscode.workspace
      .getConfiguration('chat')
      .update('disableAIFeatures', false, vscode.ConfigurationTarget.Global);
    await until(
      'the scripted model (test/integration/model-provider)',
      async () => (await vscode.lm.selectChatModels({ vendor: 'continuum-test' })).length > 0,
      60000,
    );
    await setVendor('continuum-test');
    await until('the model to be chosen (no lm degradation)', () => !lmDegradation(core));
    fs.mkdirSync(dir, { recursive: true });
  });

  suiteTeardown(async () => {
    const core = await api.ready();
    await removeSuiteWork(core, mine, 'lm tasks');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(scriptFile, { force: true });
    await setVendor(undefined);
    // Choose Model (the last test) wrote the family too: later suites start with no choice made
    await vscode.workspace
      .getConfiguration('continuum')
      .update('lm.family', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace
      .getConfiguration('chat')
      .update('disableAIFeatures', aiFeaturesOff, vscode.ConfigurationTarget.Global);
    await new Promise(r => setTimeout(r, 1000)); // the model is chosen again before the next suite
    api.testing.setPrompter(undefined);
  });

  test('a model reads a file and edits it: the change is on disk and in the open editor, undo knows it, and the task is done when its verify passes', async function () {
    this.timeout(120000);
    const core = await api.ready();
    const file = path.join(dir, 'greet.txt');
    fs.writeFileSync(file, 'line one\nHello, World\nline three\n');
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    script('LM: greet Ada', [
      { text: 'Reading the file.', toolCalls: [{ name: 'read_file', input: { path: 'lm-it/greet.txt' } }] },
      {
        text: 'Changing the greeting.',
        echoLast: true,
        toolCalls: [
          { name: 'edit_file', input: { path: 'lm-it/greet.txt', oldText: 'Hello, World', newText: 'Hello, Ada' } },
        ],
      },
      { text: 'Done: it greets Ada.' },
    ]);
    const task = await lmTask(core, 'LM: greet Ada', 'grep -q "Hello, Ada" lm-it/greet.txt');
    await start([task]);
    await until('the lm task to be done', () => core.tasks.get(task)?.status === 'done' || undefined, 60000);

    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'line one\nHello, Ada\nline three\n', 'on disk');
    assert.strictEqual(editor.document.getText(), 'line one\nHello, Ada\nline three\n', 'in the open editor');
    assert.strictEqual(editor.document.isDirty, false, 'saved');
    const text = await log(task);
    assert.match(text, /--- turn 1 \(Continuum Test Model \(continuum-test\/continuum-test\)/);
    assert.match(text, /Got: line one\nHello, World/, 'the file reached the model');
    assert.match(text, /-Hello, World\n\+Hello, Ada/, 'the edit is in the log as a diff');
    assert.match(text, /\[verify: exit code 0\]/);
    await vscode.commands.executeCommand('continuum.tasks.focus');
    await screenshot('lm-task-done');

    // the editor's undo takes the model's edit back, and redo brings it again
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    await until('undo to take the edit back', () => editor.document.getText().includes('Hello, World'));
    await vscode.commands.executeCommand('redo');
    await until('redo to bring it again', () => editor.document.getText().includes('Hello, Ada'));
    await editor.document.save();
  });

  test("a failing verify command's output goes back to the model, which fixes the file, and the task is done", async function () {
    this.timeout(120000);
    const core = await api.ready();
    const file = path.join(dir, 'count.txt');
    fs.writeFileSync(file, 'count: 1\n');
    script('LM: count to three', [
      {
        text: 'Raising the count.',
        toolCalls: [
          { name: 'edit_file', input: { path: 'lm-it/count.txt', oldText: 'count: 1', newText: 'count: 2' } },
        ],
      },
      { text: 'Done.' },
      {
        text: 'The check says otherwise; fixing.',
        echoLast: true,
        toolCalls: [
          { name: 'edit_file', input: { path: 'lm-it/count.txt', oldText: 'count: 2', newText: 'count: 3' } },
        ],
      },
      { text: 'Done now.' },
    ]);
    const task = await lmTask(
      core,
      'LM: count to three',
      `sh -c 'grep -q "count: 3" lm-it/count.txt || { echo "expected count: 3, found $(cat lm-it/count.txt)"; exit 1; }'`,
    );
    await start([task]);
    await until('the lm task to be done', () => core.tasks.get(task)?.status === 'done' || undefined, 60000);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'count: 3\n');
    const text = await log(task);
    assert.match(text, /\[verify: exit code 1\]/, 'the first verify failed');
    assert.match(
      text,
      /Got: The verify command .* failed \(exit code 1\)\. The end of its output:\nexpected count: 3, found count: 2/,
      "the verify command's output reached the model",
    );
    assert.match(text, /\[verify: exit code 0\]/, 'the second verify passed');
  });

  test("a command the task does not allow is asked about, and the person's no reaches the model", async function () {
    this.timeout(120000);
    const core = await api.ready();
    script('LM: ask before running', [
      { text: 'Listing.', toolCalls: [{ name: 'run_command', input: { command: 'touch lm-it/ran.txt' } }] },
      { text: 'Understood.', echoLast: true },
    ]);
    const task = await lmTask(core, 'LM: ask before running');
    prompter.answers.push((message, actions) =>
      /wants to run/.test(message) && actions.includes("Don't Run") ? "Don't Run" : undefined,
    );
    prompter.notifications = [];
    await start([task]);
    await until('the lm task to be done', () => core.tasks.get(task)?.status === 'done' || undefined, 60000);
    assert.ok(
      prompter.notifications.some(n =>
        /The language model doing 'LM: ask before running' wants to run “touch lm-it\/ran\.txt”/.test(n),
      ),
      JSON.stringify(prompter.notifications),
    );
    assert.ok(!fs.existsSync(path.join(dir, 'ran.txt')), 'the command did not run');
    assert.match(await log(task), /Got: Error: Not run: the person said no/);
  });

  test('a model that refuses Continuum (NoPermissions) fails the task with how to allow it', async function () {
    this.timeout(120000);
    const core = await api.ready();
    script('LM: not allowed', [{ error: 'NoPermissions', text: 'not allowed by the test' }]);
    const task = await lmTask(core, 'LM: not allowed');
    await start([task]);
    await until('the lm task to fail', () => core.tasks.get(task)?.status === 'failed' || undefined, 60000);
    assert.match(
      core.tasks.get(task)?.error ?? '',
      /did not allow Continuum to use Continuum Test Model.*Manage Language Model Access/,
    );
  });

  test('without a model of the vendor the settings name, an lm task waits with the reason and Health lists no language model; Choose Model from the palette brings one and the task runs', async function () {
    this.timeout(180000);
    const core = await api.ready();
    await setVendor('nobody-sells-this');
    const degradation = await until('Health to list no language model', () => lmDegradation(core));
    assert.strictEqual(degradation.using, 'no language model');
    assert.match(degradation.reason, /vendor 'nobody-sells-this'/);
    assert.match(degradation.reason, /Choose Model/);
    const health = await vscode.commands.executeCommand<string>('continuum.showHealth');
    assert.match(health, /language\\?-model tasks: \*\*moderate\*\*, using no language model/);
    await waitForVisible('iframe.webview');
    await new Promise(r => setTimeout(r, 2000)); // the page lays out
    await screenshot('lm-health-no-model');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    script('LM: waits for a model', [{ text: 'Nothing to change; done.' }]);
    const task = await lmTask(core, 'LM: waits for a model');
    prompter.notifications = [];
    const sessionId = await start([task]);
    const told = await until('the person to be told why the task waits', () =>
      prompter.notifications.find(n => /waits for a language model/.test(n)),
    );
    assert.match(told, /1 lm task waits for a language model: no language model of vendor 'nobody-sells-this'/);
    await until('the run to end', () => core.sessions.get(sessionId)?.status !== 'running');
    assert.strictEqual(core.tasks.get(task)?.status, 'pending', 'the lm task waits');
    await vscode.commands.executeCommand('continuum.tasks.focus');
    // its row says so, with Choose Model among its inline buttons (drawn on hover: present in the row's action bar)
    const row = await until('the task row to say it waits for a model', async () => {
      const facts = await queryDom('.monaco-list[aria-label="Tasks"] .monaco-list-row');
      if (!facts) return { text: '' };
      return facts.items.find(
        i =>
          /LM: waits for a model/.test(i.text) &&
          /waits for a model/.test(i.text.replace(/^LM: waits for a model/, '')),
      );
    });
    if (row.text) {
      const buttons = await queryDom(
        '.monaco-list[aria-label="Tasks"] .monaco-list-row .actions .action-label[aria-label^="Choose Model"]',
      );
      assert.ok(buttons && buttons.count >= 1, `an inline Choose Model button: ${JSON.stringify(buttons)}`);
    }
    await screenshot('lm-task-waits');

    // Choose Model from the palette: the real quick pick lists the test model
    await vscode.commands.executeCommand('workbench.action.quickOpen', '>Continuum: Choose Model');
    const listed = await until('the palette to list Choose Model', async () => {
      const facts = await queryDom('.quick-input-list .monaco-list-row');
      return !facts
        ? { items: [] as Array<{ text: string }> }
        : facts.items.some(i => i.text.includes('Choose Model')) && facts;
    });
    if (listed.items.length) await screenshot('lm-palette-choose-model');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    prompter.answers.push((_message, actions) => (actions.includes('Resume Session') ? 'Resume Session' : undefined));
    prompter.picks.push(/^Continuum Test Model$/);
    const chosen = await vscode.commands.executeCommand<{ vendor: string; family: string }>('continuum.chooseModel');
    assert.deepStrictEqual(
      { vendor: chosen?.vendor, family: chosen?.family },
      { vendor: 'continuum-test', family: 'continuum-test' },
    );
    assert.ok(
      prompter.seen.at(-1)?.some(l => l.startsWith('Continuum Test Model | continuum-test/continuum-test')),
      `the models were offered: ${JSON.stringify(prompter.seen.at(-1))}`,
    );
    assert.strictEqual(vscode.workspace.getConfiguration('continuum').get('lm.vendor'), 'continuum-test');
    await until('Health to list no degradation of lm tasks', () => !lmDegradation(core));
    // the model came: the session is offered a resume (answered above), and the task runs
    await until('the lm task to be done', () => core.tasks.get(task)?.status === 'done' || undefined, 60000);
    assert.ok(prompter.notifications.some(n => /Continuum Test Model .* is available; 1 lm task/.test(n)));
  });
});
