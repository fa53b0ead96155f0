// Journey 7: from a goal to a pull request with a language model. The person types a goal into Plan from Goal…;
// the model (the test-only chat model of test/integration/model-provider, installed as a real extension beside
// Continuum and scripted from the workspace's .continuum-test-plan.md and .continuum-test-model.json) proposes
// lm tasks with verify commands; the preview shows them and the import fills the tree. Start Session runs them:
// the model edits files, one task's verify fails, its output goes back to the model, which fixes the file; a
// checkpoint is taken before each lm task. Create Pull Request (no GitHub sign-in) pushes the session branch to a
// local bare remote, with one commit per task holding that task's own edits.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acceptImportPreview, createPullRequest, groupBy, previewText, pushedCommits, startSession, waitForImportPreview } from './lib/flows.mjs';

export const title = 'Plan from Goal with a model, lm tasks edit files (a failed verify retried with its output), checkpoint, pull request';
export const options = {
  testModel: true,
  // a person who plans with a model has VS Code's AI features on
  settings: { 'chat.disableAIFeatures': false },
};
export const steps = [
  'A project in git with a bare remote',
  'Plan from Goal proposes lm tasks with verify commands, and the import fills the tree',
  'Start Session: the model edits the files, a failed verify goes back to it and it fixes the file',
  'A checkpoint before a language-model task is in the timeline',
  'Create Pull Request pushes one commit per task, each with its own edits',
];

const GOAL = 'Greet people by name and say goodbye';

// what the model proposes (the fake model's answer to a request with a "Goal: " line)
const PLAN = `# Greeter

## Phase 1: Greetings

- [ ] 1.1 Greet by name
  Change greet.js so that greet(name) returns "Hello, " and the name.
  Kind: lm
  Verify: node check.js greet
- [ ] 1.2 Say goodbye
  Create farewell.js exporting farewell(name), which returns "Goodbye, " and the name.
  Kind: lm
  Verify: node check.js farewell
  Dependencies: 1.1
`;

// what the model does in each task, turn by turn; the first greeting misses its comma, and the verify says so
const MODEL = {
  scripts: [
    {
      task: 'Greet by name',
      turns: [
        { text: 'Reading greet.js.', toolCalls: [{ name: 'read_file', input: { path: 'greet.js' } }] },
        { text: 'Greeting by name.', toolCalls: [{ name: 'edit_file', input: { path: 'greet.js', oldText: "return 'Hi';", newText: "return 'Hello ' + name;" } }] },
        { text: 'Done: greet greets by name.' },
        { text: 'The check wants a comma; fixing.', echoLast: true, toolCalls: [{ name: 'edit_file', input: { path: 'greet.js', oldText: "'Hello ' + name", newText: "'Hello, ' + name" } }] },
        { text: 'Done now.' },
      ],
    },
    {
      task: 'Say goodbye',
      turns: [
        { text: 'Writing farewell.js.', toolCalls: [{ name: 'edit_file', input: { path: 'farewell.js', newText: "exports.farewell = name => 'Goodbye, ' + name;\n" } }] },
        { text: 'Done: farewell says goodbye.' },
      ],
    },
  ],
};

// the project's own check, as `npm test` would be
const CHECK = `const [what] = process.argv.slice(2);
const want = { greet: 'Hello, Ada', farewell: 'Goodbye, Ada' }[what];
let got;
try { got = require('./' + what + '.js')[what]('Ada'); } catch (e) { got = e.message; }
if (got !== want) { console.log('expected ' + JSON.stringify(want) + ', got ' + JSON.stringify(got)); process.exit(1); }
console.log('ok ' + what);
`;

export function prepare(j) {
  j.write('README.md', '# greeter\n');
  j.write('greet.js', "exports.greet = name => {\n  return 'Hi';\n};\n");
  j.write('check.js', CHECK);
  // the fake model's script: fixtures a person would not have, written from outside like the rest of the project
  j.write('.continuum-test-plan.md', PLAN);
  j.write('.continuum-test-model.json', JSON.stringify(MODEL, null, 2));
  j.gitInit();
  j.gitRemote();
}

export default async function goalToPullRequest(j) {
  const p = j.person;
  /** VS Code may ask whether Continuum may use the model: a person clicks Allow. */
  const allowModel = async () => {
    const dialog = p.page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) {
      const allow = dialog.locator('.monaco-button', { hasText: /^Allow/ });
      if (await allow.count()) { j.log(`dialog: ${(await dialog.innerText()).replace(/\n+/g, ' | ')}`); await allow.first().click(); return true; }
    }
    return false;
  };

  await j.step(steps[0], async () => {
    await p.openContinuum();
    j.check('the project is committed and pushed to the bare remote', j.git(['log', '--format=%s', 'main'], j.remote) === 'The project as it was before Continuum');
  });

  await j.step(steps[1], async () => {
    await p.runCommand('Continuum: Plan from Goal');
    await p.quickInput(/What should the work achieve/i);
    await p.type(GOAL);
    await p.enter();
    await p.until('the goal box to close', async () => !(await p.quickVisible()) || !/What should the work achieve/i.test((await p.quickText()).header), 10000);
    await p.until('the import preview (allowing the model if VS Code asks)', async () => {
      await allowModel();
      if (p.seen.some(t => /could not|no language model|failed/i.test(t))) throw new Error(`a notification says: ${p.seen.join(' | ')}`);
      if (!(await p.quickVisible())) return false;
      const h = (await p.quickText()).header;
      return /import/i.test(h) && !/What should the work achieve/i.test(h);
    }, 90000);
    await waitForImportPreview(j);
    const text = await previewText(j);
    fs.writeFileSync(path.join(j.shots, 'preview.txt'), text);
    j.check('the preview shows both tasks', /Greet by name/.test(text) && /Say goodbye/.test(text), text.slice(0, 1500));
    j.check('the preview says they are done by a language model', /language model|Kind: lm/i.test(text), text.slice(0, 1500));
    j.check('the preview shows the verify commands', /node check\.js greet/.test(text) && /node check\.js farewell/.test(text), text.slice(0, 1500));
    await j.shot(path.join(j.shots, '02-the-import-preview.png')); // what the person looked at before pressing Enter
    await acceptImportPreview(j);
    const n = await p.notification(/Imported .*2 new/i);
    j.log(`imported: ${n}`);
    await groupBy(j, 'phase');
    await p.findTreeRow(/Greet by name/);
    await p.findTreeRow(/Say goodbye/);
  }, { timeout: 150000 });

  await j.step(steps[2], async () => {
    await startSession(j);
    await p.until('both tasks done (allowing the model if VS Code asks)', async () => {
      await allowModel();
      const s = Object.fromEntries(j.exportState().tables.tasks.map(t => [t.title, t.status]));
      if (Object.values(s).some(v => v === 'failed')) throw new Error(`a task failed: ${JSON.stringify(s)}`);
      return s['Greet by name'] === 'done' && s['Say goodbye'] === 'done';
    }, 120000);
    j.check('greet.js greets by name with the comma (the fix after the failed verify)', /'Hello, ' \+ name/.test(j.read('greet.js')), j.read('greet.js'));
    j.check('farewell.js was written by the model', j.exists('farewell.js') && /Goodbye, /.test(j.read('farewell.js')));
    await j.eventually('the tree shows both tasks done', async () => {
      const rows = await p.treeRows();
      return ['Greet by name', 'Say goodbye'].every(t => rows.some(r => r.text.includes(t) && /pass-filled/.test(r.icon)));
    }, 20000);
    // the task's log, opened from the tree as a person does: the failed verify, its output back to the model, the pass
    const greet = j.exportState().tables.tasks.find(t => t.title === 'Greet by name');
    await p.contextMenu(await p.findTreeRow(/Greet by name/), 'Show Task Log');
    await p.until('the task\'s log to open in an editor', async () => (await p.editorTabs()).some(t => t.includes(`${greet.id.replace(/[^\w.-]/g, '_')}.log`)), 20000);
    const log = await p.until('the task log in an editor', async () => {
      const text = (await p.readEditors()).map(lines => lines.map(l => l.text).join('\n')).join('\n');
      return /verify: exit code 0/.test(text) && text;
    }, 20000);
    fs.writeFileSync(path.join(j.shots, 'greet-task-log.txt'), log);
    j.check('the log shows the first verify failing', /\[verify: exit code 1\]/.test(log), log.slice(0, 1500));
    j.check('the verify\'s output went back to the model', /Got: The verify command[^\n]* failed \(exit code 1\)[^]*expected "Hello, Ada", got "Hello Ada"/.test(log), log.slice(0, 1500));
    j.check('the log shows the verify passing after the fix', /\[verify: exit code 0\]/.test(log), log.slice(-800));
  }, { timeout: 180000 });

  await j.step(steps[3], async () => {
    await p.runCommand('Continuum: Show Checkpoint Timeline');
    const frame = await p.webviewFrame('[role="listbox"][aria-label^="Checkpoints"]');
    const before = task => frame.locator('[role="option"]', { hasText: /before a language-model task/i }).filter({ hasText: `before '${task}'` });
    await j.eventually('a checkpoint "before a language-model task" is listed for each task', async () => (await before('Greet by name').count()) === 1 && (await before('Say goodbye').count()) === 1, 20000);
    const alerts = await frame.locator('[role="alert"]').allInnerTexts();
    j.check('no error is shown on the panel', alerts.length === 0, alerts);
  });

  await j.step(steps[4], async () => {
    const outcome = await createPullRequest(j);
    j.check('the outcome says the branch was pushed', /^Continuum (opened pull request|pushed)/.test(outcome), outcome);
    const { branches, commits } = pushedCommits(j);
    j.check('a session branch was pushed to the bare remote', branches.length === 1, branches);
    if (!branches.length) return;
    j.log(`commits on ${branches[0]}:\n${commits.map(c => `  ${c.subject}: ${c.files.join(', ')}`).join('\n')}`);
    fs.writeFileSync(path.join(j.shots, 'pull-request-commits.json'), JSON.stringify(commits, null, 2));
    const greet = commits.filter(c => /Greet by name/.test(c.subject));
    const bye = commits.filter(c => /Say goodbye/.test(c.subject));
    j.check('one commit per done task', greet.length === 1 && bye.length === 1 && commits.length === 2, commits.map(c => c.subject));
    j.check('the greeting task\'s commit holds greet.js with the comma', greet[0]?.files.join() === 'greet.js' && /\+\s*return 'Hello, ' \+ name;/.test(greet[0].diff), greet[0]);
    j.check('the goodbye task\'s commit holds the new farewell.js', bye[0]?.files.join() === 'farewell.js' && /\+exports\.farewell/.test(bye[0].diff), bye[0]);
  }, { timeout: 150000 });
}
