// The executor in a real extension host: Start Session runs shell tasks and a tasks.json task to
// completion with the status bar following; and a run cut off mid-task (the window's executor
// abandoned — its real child process killed — and the store reopened, as a reload would) resumes
// from the interrupted-session question without repeating any completed task.
//
// Killing the extension host itself would kill this test runner with it, so the "crash" is
// api.testing.reopen(): the executor is abandoned exactly as on a process death (its process tree
// is killed with tree-kill, nothing more is written), the store is closed without marking the
// session, and reopening finds it interrupted.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Continuum } from '../../../src/core/continuum';
import type { ContinuumApi } from '../../../src/vscode/activate';
import { screenshot, waitForVisible } from './screenshot';
import { poller } from './wait';
import { ScriptedPrompter } from './prompter';
import { removeSuiteWork } from './cleanup';

const until = poller(20000);

function lines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

suite('Executor', () => {
  let api: ContinuumApi;
  const prompter = new ScriptedPrompter();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-executor-it-'));
  const mine = { tasks: [] as string[], sessions: [] as string[] };

  const shell = async (core: Continuum, title: string, command: string, dependsOn: string[] = []) => {
    const t = await core.tasks.create({ title, action: { kind: 'shell', command }, dependsOn });
    mine.tasks.push(t.id);
    return t.id;
  };

  /** Leaves no session of another suite running, so Start Session may start ours. */
  const pauseOthers = async (core: Continuum) => {
    for (const s of core.sessions.list().filter(x => x.status === 'running'))
      await core.sessions.pause(s.id, 'paused by the executor suite');
  };

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ContinuumApi>('continuum.continuum')!.activate();
    api.testing.setPrompter(prompter);
    await pauseOthers(await api.ready());
  });

  suiteTeardown(async () => {
    // The suites after this one expect a store without our tasks and sessions.
    const core = await api.ready();
    await removeSuiteWork(core, mine, 'executor');
    api.testing.setPrompter(undefined);
    fs.rmSync(out, { recursive: true, force: true });
  });

  test('Start Session runs shell tasks and a VS Code task to completion, the status bar following the progress', async () => {
    const core = await api.ready();
    const file = path.join(out, 'run.txt');
    const a = await shell(core, 'Executor: first', `sleep 1 && echo a >> '${file}'`);
    const b = await shell(core, 'Executor: second', `sleep 1 && echo b >> '${file}'`);
    const c = await shell(core, 'Executor: after both', `sleep 2 && echo c >> '${file}'`, [a, b]);
    const d = (
      await core.tasks.create({
        title: 'Executor: VS Code task',
        action: { kind: 'vscodeTask', label: 'continuum-sample-check' },
        dependsOn: [c],
      })
    ).id;
    mine.tasks.push(d);
    prompter.notifications = [];

    const session = await vscode.commands.executeCommand<{ id: string }>('continuum.startSession', [a, b, c, d]);
    assert.ok(session, 'Start Session returned the session');
    mine.sessions.push(session.id);
    await until('two done, running', () => /^\$\(sync~spin\) 2\/4/.test(api.testing.statusBar.text));
    const item = api.testing.tree.getTreeItem({ kind: 'task', task: core.tasks.get(c)!, children: [] } as never);
    assert.match(
      String(item.description),
      /^\d+s/,
      `a running task shows its elapsed time: ${String(item.description)}`,
    );
    const status = await waitForVisible('[id="continuum.continuum.continuum.session"]');
    if (status)
      assert.ok(
        status.items.some(i => i.visible && /2\/4/.test(i.text)),
        `status bar shows 2/4: ${JSON.stringify(status.items)}`,
      );
    await vscode.commands.executeCommand('workbench.view.extension.continuum');
    await screenshot('executor-running');

    await until('completed', () => core.sessions.get(session.id)?.status === 'completed', 30000);
    assert.deepStrictEqual(lines(file).sort(), ['a', 'b', 'c']);
    assert.strictEqual(lines(file)[2], 'c', 'the dependent ran after both');
    assert.strictEqual(core.tasks.get(d)!.status, 'done');
    const summary = await until('summary', () =>
      prompter.notifications.find(n => /completed: 4 done, 0 failed, 0 skipped of 4, in/.test(n)),
    );
    console.log(`      ${summary}`);
    assert.match(api.testing.statusBar.text, /^\$\(history\) Continuum|4\/4/);
    const log = await vscode.commands.executeCommand<string>('continuum.showTaskLog', a);
    assert.ok(log && /exit code 0/.test(fs.readFileSync(log, 'utf8')));
    // the VS Code task's output, read from its terminal through shell integration, is in its log
    const taskLog = await vscode.commands.executeCommand<string>('continuum.showTaskLog', d);
    const text = fs.readFileSync(taskLog, 'utf8');
    console.log(
      `      VS Code ${vscode.version}, the VS Code task's log:\n${text
        .split('\n')
        .map(l => `        | ${l}`)
        .join('\n')}`,
    );
    if (Number(vscode.version.split('.')[1]) >= 139)
      assert.match(text, /^checked by a VS Code task$/m, 'the output of the tasks.json task, as plain text');
    // an older VS Code (1.104, the oldest supported) may not start shell integration in a task's terminal: the log says so
    else
      assert.match(
        text,
        /^checked by a VS Code task$|could not read this task's output: VS Code shares a task's output with extensions only through terminal shell integration/m,
        'the output, or why it could not be read',
      );
    assert.ok(!text.includes('\u001b'), 'no terminal escape sequences');
    assert.match(text, /\[done: VS Code task 'continuum-sample-check' exited with code 0\]/);
    await screenshot('executor-vscode-task-log');
  });

  test('a run cut off mid-task resumes from the interrupted-session question, and no completed task runs again', async () => {
    let core = await api.ready();
    const file = path.join(out, 'resume.txt');
    const marker = path.join(out, 'slept');
    const pidFile = path.join(out, 'pid');
    const one = await shell(core, 'Resume: one', `echo one >> '${file}'`);
    const two = await shell(core, 'Resume: two', `echo two >> '${file}'`);
    // the first run of this one waits (and is killed); the run after the resume goes straight through
    const slow = await shell(
      core,
      'Resume: slow',
      `echo slow-start >> '${file}'; echo $$ > '${pidFile}'; if [ ! -f '${marker}' ]; then touch '${marker}'; sleep 60; fi; echo slow >> '${file}'`,
      [one, two],
    );
    const last = await shell(core, 'Resume: last', `echo last >> '${file}'`, [slow]);

    const session = await vscode.commands.executeCommand<{ id: string }>('continuum.startSession', [
      one,
      two,
      slow,
      last,
    ]);
    mine.sessions.push(session.id);
    await until(
      'the slow task sleeping',
      () => fs.existsSync(marker) && fs.existsSync(pidFile) && lines(file).includes('slow-start'),
    );
    assert.deepStrictEqual(new Set([core.tasks.get(one)!.status, core.tasks.get(two)!.status]), new Set(['done']));
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());

    prompter.notifications = [];
    prompter.answers = [m => (/was interrupted at 2\/4 — Resume\?/.test(m) ? 'Resume' : undefined)];
    core = await api.testing.reopen();
    await until(
      'the cut-off process killed',
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      10000,
    );
    await until('the resume question', () =>
      prompter.notifications.find(n => /was interrupted at 2\/4 — Resume\?/.test(n)),
    );
    await until('completed after the resume', () => core.sessions.get(session.id)?.status === 'completed', 30000);
    prompter.answers = [];

    const seen = lines(file);
    assert.strictEqual(
      seen.filter(l => l === 'one').length,
      1,
      `completed before the cut: ran once (${seen.join(',')})`,
    );
    assert.strictEqual(seen.filter(l => l === 'two').length, 1);
    assert.strictEqual(
      seen.filter(l => l === 'slow-start').length,
      2,
      'the cut-off task ran again (it may: shell steps are re-runnable)',
    );
    assert.deepStrictEqual(seen.slice(-2), ['slow', 'last']);
    assert.ok(core.tasks.events(slow).some(e => e.kind === 'status' && e.detail.to === 'done'));
  });
});
