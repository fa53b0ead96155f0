// Checkpoints in a real extension host: Create Checkpoint saves the files too, and Restore
// Checkpoint… previews every file (a picked one opens as a diff against the checkpoint's version)
// before writing anything back.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { queryDom, screenshot } from './screenshot';
import { poller } from './wait';
import { ScriptedPrompter } from './prompter';

/** A selector inside the timeline webview (VS Code nests the page in two iframes). */
const inTimeline = (selector: string) =>
  `iframe.webview >> internal:control=enter-frame >> iframe#active-frame >> internal:control=enter-frame >> ${selector}`;

const until = poller(15000);

suite('Checkpoints', () => {
  let api: ContinuumApi;
  const prompter = new ScriptedPrompter();
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    api.testing.setPrompter(prompter);
    await api.ready();
  });
  suiteTeardown(async () => {
    // leave the workbench and the sample workspace as the suites after this one expect them
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of ['src/checkpointed.ts', 'src/made-later.ts', 'unseen.txt', 'src/task-output.ts'])
      fs.rmSync(path.join(root(), f), { force: true });
    api.testing.setPrompter(undefined);
  });

  test('Create Checkpoint saves the files; Restore Checkpoint… previews each file, opens a diff, and restores without touching unseen files', async () => {
    const core = await api.ready();
    assert.ok(core.files, 'a trusted workspace folder gives checkpoints their files half');
    const file = path.join(root(), 'src', 'checkpointed.ts');
    fs.writeFileSync(file, 'export const version = 1;\n');
    prompter.inputs.push('before the edit');
    await vscode.commands.executeCommand('continuum.createCheckpoint');
    assert.match(prompter.notifications.at(-1) ?? '', /with its tasks and files/);
    const first = core.sessions.listCheckpoints()[0];

    fs.writeFileSync(file, 'export const version = 2; // edited\n');
    fs.writeFileSync(path.join(root(), 'src', 'made-later.ts'), 'export {};\n');
    prompter.inputs.push('');
    await vscode.commands.executeCommand('continuum.createCheckpoint');
    fs.writeFileSync(path.join(root(), 'unseen.txt'), 'written after the last checkpoint\n');

    // preview: open the diff of the edited file, then continue, then choose tasks and files
    prompter.picks.push(/checkpointed\.ts/, /Continue/, /Tasks and files/);
    await vscode.commands.executeCommand('continuum.restoreCheckpoint', first.id);
    const preview = prompter.seen.at(-3) ?? [];
    assert.ok(
      preview.some(l => /src\/checkpointed\.ts \| written back/.test(l)),
      preview.join('\n'),
    );
    assert.ok(
      preview.some(l => /src\/made-later\.ts \| removed/.test(l)),
      preview.join('\n'),
    );
    assert.ok(
      preview.some(l => /unseen\.txt \| kept/.test(l)),
      preview.join('\n'),
    );
    const diffTab = vscode.window.tabGroups.all
      .flatMap(g => g.tabs)
      .find(t => t.input instanceof vscode.TabInputTextDiff);
    assert.ok(diffTab, 'the picked file opened as a diff');
    assert.equal((diffTab.input as vscode.TabInputTextDiff).original.scheme, 'continuum-checkpoint');

    assert.equal(fs.readFileSync(file, 'utf8'), 'export const version = 1;\n');
    assert.ok(!fs.existsSync(path.join(root(), 'src', 'made-later.ts')));
    assert.equal(fs.readFileSync(path.join(root(), 'unseen.txt'), 'utf8'), 'written after the last checkpoint\n');
    assert.match(prompter.notifications.at(-1) ?? '', /Restored .*1 file.* written back, 1 removed/);
    assert.equal(core.sessions.listCheckpoints()[0].trigger, 'before-restore');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('an executor checkpoint examines only the paths the file watcher saw change', async () => {
    const core = await api.ready();
    const files = core.files!;
    const before = await core.sessions.createCheckpoint({ trigger: 'manual', note: 'before the task' });
    await files.filesFor(before.id);
    const touched = path.join(root(), 'src', 'task-output.ts');
    // wait for the file watcher's event (a watcher of our own hears it at the same time as Continuum's)
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.workspace.workspaceFolders![0], 'src/task-output.ts'),
    );
    const heard = new Promise<void>(resolve => watcher.onDidCreate(() => resolve()));
    fs.writeFileSync(touched, 'export const written = "by the task";\n');
    await heard;
    watcher.dispose();
    const checkpoint = await core.sessions.createCheckpoint(
      { trigger: 'every-n-tasks', note: 'after 1 task of this run' },
      'executor',
    );
    const record = await files.filesFor(checkpoint.id);
    assert.ok(record, "the executor's checkpoint has its files half");
    assert.equal(record.scoped, true, 'only the paths the watcher reported were examined');
    const changed = (await files.changedAt(checkpoint.id)).map(c => c.path);
    assert.ok(changed.includes('src/task-output.ts'), `changed at the checkpoint: ${changed.join(', ')}`);
    assert.equal(
      Buffer.from((await files.readFile(record.commit, 'src/task-output.ts')) ?? []).toString(),
      'export const written = "by the task";\n',
    );
  });

  test('the timeline shows checkpoints live, with markup in a note as plain text', async () => {
    const core = await api.ready();
    await vscode.commands.executeCommand('continuum.showCheckpointTimeline');
    const before = core.sessions.listCheckpoints().length;
    const first = await until('the timeline to list the checkpoints', async () => {
      const facts = await queryDom(inTimeline('.entry'));
      if (!facts) return { count: -1, items: [] };
      return facts.count === before && facts;
    });
    if (first.count === -1) return; // not under the runner: no DOM to look at
    const markup = '<img src=x onerror="document.title=1"><script>document.title=2</script> <b>bold</b>';
    prompter.inputs.push(markup);
    await vscode.commands.executeCommand('continuum.createCheckpoint');
    const after = await until('the new checkpoint to appear', async () => {
      const facts = await queryDom(inTimeline('.entry'));
      return facts && facts.count === before + 1 && facts;
    });
    assert.ok(after.items[0].text.includes(markup), `the note is shown as typed: ${after.items[0].text}`);
    const injected = await queryDom(inTimeline('.note img, .note script, .note b'));
    assert.equal(injected?.count, 0, 'no element was made from the note');
    await until(
      "the selected checkpoint's files and tasks",
      async () => (await queryDom(inTimeline('.detail h2')))?.count === 2,
    );
    const space = await until('the space the snapshots use', async () => {
      const facts = await queryDom(inTimeline('.space'));
      return facts?.count === 1 && facts.items[0].text;
    });
    assert.match(space, /^Checkpoints: \d+ snapshots? of the files, [\d.]+ (bytes|KB|MB)$/);
    await screenshot('checkpoint-timeline');
    const health = await vscode.commands.executeCommand<string>('continuum.showHealth');
    assert.match(health ?? '', /- Checkpoints: \d+ snapshots? of the files, [\d.\\]+ (bytes|KB|MB)/); // markdown escapes the point
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
