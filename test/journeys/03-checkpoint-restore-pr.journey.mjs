// Journey 3: a session writes files; the person checkpoints mid-session (the session's first file snapshot),
// looks at it in the timeline, finishes, restores tasks and files, resumes (the restored tasks run again), and
// creates a pull request to a local bare remote whose commits each hold only their task's files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createPullRequest, groupBy, importPlan, pushedCommits, startSession } from './lib/flows.mjs';

export const title = 'Checkpoint with files, timeline, restore tasks and files, resume re-runs, pull request to a bare remote';
export const steps = [
  'The plan is imported and the session runs its first shell task',
  'Create Checkpoint saves tasks and files (the session\'s first snapshot)',
  'The timeline shows the checkpoint\'s files',
  'Mark Done on the to-do lets the session finish',
  'With the timeline in front, a command\'s quick pick stays open until answered',
  'Restore Checkpoint… puts tasks and files back',
  'Resume Session runs the restored tasks again',
  'Create Pull Request pushes one commit per task, each with only its files',
];

const PLAN = `# Greeting plan

## Phase 1: Greeting

- [ ] 1.1 Write the greeting
  Run: \`echo hello > greeting.txt\`
- [ ] 1.2 Read the greeting and approve it
  Dependencies: 1.1
- [ ] 1.3 Add a farewell to the notes
  Dependencies: 1.2
  Run: \`echo farewell >> NOTES.md\`
`;

export function prepare(j) {
  j.write('README.md', '# greeting\n');
  j.write('NOTES.md', '# Notes\n');
  j.write('greeting-plan.md', PLAN);
  j.gitInit();
  j.gitRemote();
}

export default async function checkpointRestorePr(j) {
  const p = j.person;
  const approve = async () => {
    await groupBy(j, 'phase');
    const row = await p.findTreeRow(/Read the greeting and approve it/);
    await p.inlineButton(row, 'Mark Done');
  };

  await j.step(steps[0], async () => {
    await p.openContinuum();
    await importPlan(j, 'greeting-plan.md');
    await startSession(j);
    await p.until('greeting.txt written by the first task', () => j.exists('greeting.txt'), 60000);
  });

  await j.step(steps[1], async () => {
    j.write('README.md', '# greeting\n\nEdited by the person while the session waits.\n'); // a person's own edit
    await p.runCommand('Continuum: Create Checkpoint');
    await p.quickInput(/note for this checkpoint/i);
    await p.type('greeting written');
    await p.enter();
    const n = await p.notification(/Checkpoint saved/i);
    j.check('the checkpoint holds tasks and files', /tasks and files/i.test(n), n);
  });

  await j.step(steps[2], async () => {
    await p.runCommand('Continuum: Show Checkpoint Timeline');
    const frame = await p.webviewFrame('[role="listbox"][aria-label^="Checkpoints"]');
    const entry = frame.locator('[role="option"]', { hasText: 'greeting written' }).first();
    await entry.click();
    await j.eventually('the checkpoint\'s files are listed (greeting.txt)', async () => (await frame.locator('.detail').innerText()).includes('greeting.txt'), 15000);
    const alerts = await frame.locator('[role="alert"]').allInnerTexts();
    j.check('no error is shown on the panel', alerts.length === 0, alerts);
    j.check('no raw git stderr is shown', !alerts.some(a => /fatal:|diff-tree|bad object/i.test(a)), alerts);
  });

  await j.step(steps[3], async () => {
    await approve();
    await p.until('NOTES.md to get the farewell', () => j.read('NOTES.md').includes('farewell'), 60000);
    await j.eventually('the session says it completed', async () => p.seen.some(t => /complet|finished|all .*done/i.test(t)), 30000);
  });

  await j.step(steps[4], async () => {
    // As the palette closes, VS Code gives the focus back to the webview in front, which takes it a moment
    // later: a pick that closed when it lost the focus was gone ~0.2 s after it opened (in 1 to 2 of 4 tries
    // with the timeline clicked after a session ended; in CI, Resume Session's pick in the step after next).
    const frame = await p.webviewFrame('[role="listbox"][aria-label^="Checkpoints"]');
    await frame.locator('[role="option"]', { hasText: 'greeting written' }).first().click();
    for (let i = 0; i < 10; i++) {
      await p.runCommand('Continuum: Restore Checkpoint');
      await p.quickInput(/Which checkpoint should be restored/i, 5000).catch(() => undefined); // it may be gone already
      await p.page.waitForTimeout(500); // the absence of an event cannot be awaited: the pick must still be there after it
      const open = await p.quickVisible();
      j.check(`the pick is still open half a second after it opened (try ${i + 1})`, open, (await p.quickInputHistory()).slice(-3));
      if (!open) break;
      await p.closeQuickInput();
    }
  });

  await j.step(steps[5], async () => {
    // the toasts of the session stay where they are, as a person leaves them
    await p.runCommand('Continuum: Restore Checkpoint');
    await p.quickInput(/Which checkpoint should be restored/i);
    await p.pick(/greeting written/i, 'greeting written');
    await p.quickInput(/Restoring .*Continue/i, 30000);
    await p.pick(/Continue/);
    await p.quickInput(/What should be restored/i);
    await p.pick(/tasks and files/i, 'Tasks and files');
    await p.notification(/Restored/i);
    await j.eventually('NOTES.md is back as the checkpoint saved it (no farewell)', () => !j.read('NOTES.md').includes('farewell'), 15000);
    const states = Object.fromEntries(j.exportState().tables.tasks.map(t => [t.title, t.status]));
    j.check('the to-do and the farewell task are pending again', states['Read the greeting and approve it'] === 'pending' && states['Add a farewell to the notes'] === 'pending', states);
    await j.eventually('the tree shows them as not done any more', async () => {
      const rows = await p.treeRows();
      return ['Read the greeting and approve it', 'Add a farewell to the notes'].every(t => rows.some(r => r.text.includes(t) && !/pass-filled/.test(r.icon)));
    }, 10000);
  }, { timeout: 120000 });

  await j.step(steps[6], async () => {
    await p.runCommand('Continuum: Resume Session');
    await p.quickInput(/Which session should continue/i);
    await p.pick(/Session/);
    // the plan's commands were confirmed when the session started; a resume should not ask again
    const asked = await p.until('the resume to ask about the commands, or not', async () => {
      if ((await p.toastTexts()).some(t => /runs these commands/i.test(t))) return 'asked';
      return j.exportState().tables.sessions.some(x => x.status === 'running') ? 'running' : false;
    }, 30000).catch(() => 'unknown');
    if (asked === 'asked') {
      j.check('Resume does not ask again about commands confirmed when the session started', false, 'it asked again');
      await p.clickNotificationButton(/runs these commands/i, 'Run Them');
    }
    j.log(`tasks after resume: ${JSON.stringify(Object.fromEntries(j.exportState().tables.tasks.map(t => [t.title, t.status])))}`);
    // soft, so that the pull request is still tried when the tree does not offer Mark Done (a stale tree)
    try { await approve(); } catch (e) { j.check('the restored to-do offers Mark Done in the tree', false, e.message); return; }
    await j.eventually('the farewell task ran again: NOTES.md has the farewell', () => j.read('NOTES.md').includes('farewell'), 60000);
    const farewell = j.exportState().tables.tasks.find(t => t.title === 'Add a farewell to the notes');
    j.check('its log does not say it was skipped as completed before', !/completed before; not run again/.test(JSON.stringify(j.exportState().tables.task_events.filter(e => e.task_id === farewell?.id))));
  }, { timeout: 150000 });

  await j.step(steps[7], async () => {
    const outcome = await createPullRequest(j);
    j.check('the outcome says the branch was pushed or the pull request opened', /^Continuum (opened pull request|pushed)/.test(outcome), outcome);
    j.check('the outcome says the person\'s README edit was made by no task and stays out', /not made by any task[^]*README\.md[^]*stay out of the pull request/.test(outcome), outcome);
    const { branches, commits } = pushedCommits(j);
    j.check('a session branch was pushed to the bare remote', branches.length === 1, branches);
    if (!branches.length) return;
    j.log(`commits on ${branches[0]}:\n${commits.map(c => `  ${c.subject}: ${c.files.join(', ')}`).join('\n')}`);
    fs.writeFileSync(path.join(j.shots, 'pull-request-commits.json'), JSON.stringify(commits, null, 2));
    const of = re => commits.filter(c => re.test(c.subject));
    const greeting = of(/Write the greeting/);
    const farewell = of(/farewell/i);
    j.check('the greeting task\'s commit holds only greeting.txt', greeting.length === 1 && greeting[0].files.join() === 'greeting.txt', commits);
    j.check('the farewell task\'s commit holds only NOTES.md', farewell.length >= 1 && farewell.every(c => c.files.join() === 'NOTES.md'), commits);
    const byTasks = commits.filter(c => /Write the greeting|farewell|approve/i.test(c.subject));
    j.check('no task\'s commit carries the person\'s README edit or the plan file', byTasks.every(c => !c.files.includes('README.md') && !c.files.includes('greeting-plan.md')), commits);
  }, { timeout: 150000 });
}
