// Journey 8: the person has the project open in two windows (a second browser window on the same code-server and
// folder; the workspace's settings point both at one store with continuum.storagePath, as a team's settings.json
// can). The second window shows the plan imported in the first, live. Start Session in the second window takes the
// store over from the first (which runs nothing) and runs the plan there, the first window following it. Start
// Session in the first window then says where the session runs and what to do; Pause Session there pauses it in the
// second window, and Resume Session there takes the store over and goes on in the first. Mark Done on the to-do in
// the first window then ends the session.
import * as path from 'node:path';
import { Person } from './lib/person.mjs';
import { groupBy, groupCounts, importPlan, startSession } from './lib/flows.mjs';

export const title = 'Two windows on one store: the second one runs the session, the first follows it and finishes its to-do';
export const steps = [
  'The plan imported in the first window shows in the second',
  'Start Session in the second window runs the plan there, the first window following it',
  'Start Session in the first window says where the session runs',
  'Pause Session in the first window pauses the session running in the second',
  'Resume Session in the first window takes the store over and goes on there',
  'Mark Done on the to-do in the first window ends the session',
];

const PLAN = `# Release notes

Written in one window, reviewed from the other.

## Notes

- [ ] Collect the changes
  Run: \`git log --oneline > changes.txt\`
- [ ] Draft the notes from them
  Depends on: Collect the changes
  Run: \`echo "# Notes" > NOTES.md\`
- [ ] Review the notes
  Depends on: Draft the notes from them
`;

export function prepare(j) {
  j.write('README.md', '# two windows\n');
  j.write('release-plan.md', PLAN);
  j.write('.gitignore', '.vscode/\n');
  // resolved against the workspace folder: the store sits beside it, outside the repository
  j.write('.vscode/settings.json', JSON.stringify({ 'continuum.storagePath': '../store' }, null, 2));
  j.gitInit();
  j.storeDir = () => path.join(j.home, 'store');
}

/** The same journey object, seen through the second window's person (flows read `j.person`). */
function through(j, person) {
  const other = Object.create(j);
  other.person = person;
  return other;
}

export default async function twoWindows(j) {
  const first = j.person;
  let second;
  let secondPage;
  const shotOfSecond = async name => {
    await secondPage?.mouse.move(700, 3).catch(() => undefined);
    await secondPage?.screenshot({ path: path.join(j.shots, `${name}-second-window.png`) }).catch(() => undefined);
  };

  try {
    await j.step(steps[0], async () => {
      await first.openContinuum();
      const n = await importPlan(j, 'release-plan.md');
      j.check('the three tasks are new', /3 new/.test(n), n);
      // the person opens the same folder in a second window
      secondPage = await j.wb.page.context().newPage();
      secondPage.setDefaultTimeout(60000);
      await secondPage.goto(j.wb.url, { timeout: 180000, waitUntil: 'domcontentloaded' });
      await secondPage.waitForSelector('.monaco-workbench', { timeout: 180000 });
      second = new Person(secondPage, (...a) => j.log('[second window]', ...a));
      second.watchNotifications();
      await second.openContinuum();
      await j.eventually('the second window shows the three tasks', async () => {
        const rows = (await second.treeRows()).map(r => r.text).join(' | ');
        return /Collect the changes/.test(rows) && /Review the notes/.test(rows);
      }, 90000);
      const bar = (await second.statusBarTexts()).join(' | ');
      j.check('the second window is not read-only', !/read-only/i.test(bar), bar);
      await shotOfSecond('01');
    }, { timeout: 400000 });

    await j.step(steps[1], async () => {
      await secondPage.bringToFront(); // the person switches to the second window
      await startSession(through(j, second));
      await j.eventually('both commands ran: their files are on disk', () => j.exists('changes.txt') && j.exists('NOTES.md'), 90000);
      await j.eventually("the second window's status bar says the to-do waits for you", async () =>
        (await second.statusBarTexts()).some(t => /2\/3\s*·\s*1 waits for you/.test(t)), 60000);
      await groupBy(j, 'status');
      await j.eventually('the first window shows the two tasks done', async () => (await groupCounts(j)).Done === 2, 60000);
      const sessions = j.exportState().tables.sessions;
      j.check('the store has the one session, running', sessions.length === 1 && sessions[0].status === 'running', sessions.map(s => s.status));
      const failed = [...first.seen, ...second.seen].filter(t => /read-only|another VS Code window runs|held by/i.test(t));
      j.check('no window said it could not', !failed.length, failed);
      await shotOfSecond('02');
    }, { timeout: 240000 });

    await j.step(steps[2], async () => {
      await j.wb.page.bringToFront(); // and back to the first one
      await first.runCommand('Continuum: Start Session');
      const said = await first.notification(/Another VS Code window runs session/i, 60000);
      j.check('it says the session runs in the other window and what to do', /^Continuum: Another VS Code window runs session '.*': pause it there, or wait until it ends, to Start Session here \(pid \d+\)\.$/.test(said), said);
      j.log(`the first window says: ${said}`);
      await j.shot(path.join(j.shots, '03-the-first-window-says-where-the-session-runs.png'));
      const sessions = j.exportState().tables.sessions;
      j.check('no second session was made', sessions.length === 1, sessions.map(s => s.name));
      await first.dismissToasts();
    });

    await j.step(steps[3], async () => {
      // the session waits for the to-do in the second window; the person pauses it from the first
      await first.runCommand('Continuum: Pause Session');
      await j.eventually('the store records the session as paused', () => j.exportState().tables.sessions.some(s => s.status === 'paused'), 30000);
      await j.eventually('the first window\'s status bar says paused', async () => /paused/i.test((await first.statusBarTexts()).join(' | ')), 20000);
      j.check('nothing says the session runs elsewhere', !first.seen.some(t => /Another VS Code window runs session/i.test(t) && /Pause Session/.test(t)), first.seen);
      await shotOfSecond('04');
    });

    await j.step(steps[4], async () => {
      await first.runCommand('Continuum: Resume Session');
      await first.quickInput(/Which session should continue/i);
      await first.pick(/Session/);
      await j.eventually('the store records the session as running again', () => j.exportState().tables.sessions.some(s => s.status === 'running'), 30000);
      await j.eventually('the first window\'s status bar no longer says paused', async () => !/paused/i.test((await first.statusBarTexts()).join(' | ')), 20000);
    });

    await j.step(steps[5], async () => {
      // grouped by status since step 2: the to-do is in the "Waiting for you" group
      const row = await first.findTreeRow(/Review the notes/);
      await first.inlineButton(row, 'Mark Done');
      await j.eventually('the first window says the session completed', () => first.seen.some(t => /completed: 3 done/.test(t)), 60000);
      const sessions = j.exportState().tables.sessions;
      j.check('the store records the session as completed', sessions.every(s => s.status === 'completed'), sessions.map(s => s.status));
      await shotOfSecond('06');
    });
  } finally {
    second?.stopWatching();
    await secondPage?.close().catch(() => undefined);
  }
}
