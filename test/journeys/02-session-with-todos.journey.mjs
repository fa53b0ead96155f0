// Journey 2: a release checklist of 60 to-dos (high priority, a person does them) and 5 shell tasks (low
// priority, one of them failing, one waiting for a to-do). Starting a session must run every shell task at once
// (the to-dos must not fill the executor's window), the to-dos wait visibly for the person, Mark Done on a to-do
// lets its dependent run, and the session pauses and resumes from the Command Palette.
import { groupBy, groupCounts, importPlan, startSession } from './lib/flows.mjs';

export const title = 'A session of 60 to-dos and 5 shell tasks (one failing): shell tasks run, to-dos wait, Mark Done, pause, resume';
export const steps = [
  'A plan of 60 to-dos and 5 shell tasks is imported',
  'Start Session runs every shell task while the to-dos wait',
  'The to-dos are shown as waiting for you',
  'Mark Done on a to-do lets the task that depends on it run',
  'Pause Session pauses it',
  'Resume Session continues it',
];

const todos = Array.from({ length: 59 }, (_, i) => `Review changelog entry ${i + 1}`).concat('Review the release notes');
const shell = [
  ['Write the version file', 'echo 2.4.0 > VERSION'],
  ['Write the build stamp', 'echo built > build-stamp.txt'],
  ['List the sources', 'ls src > sources.txt'],
  ['Check the licence file', 'ls LICENCE-IS-MISSING'],
];

function plan() {
  const lines = ['# Release 2.4 checklist', '', '## Phase 1: Reviews', ''];
  todos.forEach((t, i) => lines.push(`- [ ] 1.${i + 1} ${t}`, '  Priority: HIGH'));
  lines.push('', '## Phase 2: Build', '');
  shell.forEach(([t, cmd], i) => lines.push(`- [ ] 2.${i + 1} ${t}`, '  Priority: LOW', `  Run: \`${cmd}\``));
  lines.push('- [ ] 2.5 Publish the release notes', '  Priority: LOW', '  Dependencies: 1.60', '  Run: `echo published > published.txt`', '');
  return lines.join('\n');
}

export function prepare(j) {
  j.write('README.md', '# release\n');
  j.write('src/index.js', 'module.exports = 1;\n');
  j.write('release-plan.md', plan());
  j.gitInit();
}

export default async function sessionWithTodos(j) {
  const p = j.person;

  await j.step(steps[0], async () => {
    await p.openContinuum();
    const n = await importPlan(j, 'release-plan.md');
    j.check('all 65 tasks are new', /65 new/.test(n), n);
  });

  await j.step(steps[1], async () => {
    await startSession(j);
    await groupBy(j, 'status');
    await j.eventually('the three working shell tasks finish: their files are on disk', () => ['VERSION', 'build-stamp.txt', 'sources.txt'].every(f => j.exists(f)), 90000);
    await j.eventually('the failing shell task shows as Failed', async () => (await groupCounts(j)).Failed === 1, 60000);
    // a task's file is on disk a moment before its process exits and its end is saved: the tree follows
    await j.eventually('the Done group holds the three shell tasks that ran', async () => (await groupCounts(j)).Done === 3, 30000);
    j.log(`groups: ${JSON.stringify(await groupCounts(j))}`);
  }, { timeout: 200000 });

  await j.step(steps[2], async () => {
    const bar = (await p.statusBarTexts()).join(' | ');
    j.log(`status bar: ${bar}`);
    j.check('the status bar says how many tasks wait for you', /\b60\b[^|]*(for you|wait)/i.test(bar) || /(for you|wait)[^|]*\b60\b/i.test(bar), bar);
    const counts = await groupCounts(j);
    j.check('the tree has a group of to-dos waiting for you, with all 60', Object.entries(counts).some(([k, v]) => /for you/i.test(k) && v === 60), counts);
  });

  await j.step(steps[3], async () => {
    await groupBy(j, 'phase');
    await p.scrollTreeTop();
    const row = await p.findTreeRow(/Review the release notes/);
    await p.inlineButton(row, 'Mark Done');
    await j.eventually('the dependent shell task ran: published.txt is on disk', () => j.exists('published.txt'), 60000);
    // 60 reviews stand between the person and the build phase: they fold the reviews away
    await p.scrollTreeTop();
    await p.toggleTreeRow(await p.findTreeRow(/\bReviews/));
    await j.eventually('the tree shows "Publish the release notes" as done', async () => {
      const r = await p.findTreeRow(/Publish the release notes/, 5000);
      return /codicon-pass-filled/.test(await r.evaluate(e => e.innerHTML));
    }, 20000);
  }, { timeout: 150000 });

  await j.step(steps[4], async () => {
    await p.runCommand('Continuum: Pause Session');
    // with tasks running, the person is asked how; with none, it pauses at once
    await p.until('the session to pause', async () => {
      if (await p.quickVisible() && /Pause session/i.test((await p.quickText()).header)) await p.pick(/Pause after/);
      const bar = (await p.statusBarTexts()).join(' | ');
      return /paused/i.test(bar) || p.seen.some(t => /paused/i.test(t));
    }, 30000);
    const sessions = j.exportState().tables.sessions;
    j.check('the store records the session as paused', sessions.some(s => s.status === 'paused'), sessions.map(s => s.status));
  });

  await j.step(steps[5], async () => {
    await p.runCommand('Continuum: Resume Session');
    await p.quickInput(/Which session should continue/i);
    await p.pick(/Session/);
    await j.eventually('the store records the session as running again', () => j.exportState().tables.sessions.some(s => s.status === 'running'), 30000);
    const bar = (await p.statusBarTexts()).join(' | ');
    j.check('the status bar no longer says paused', !/paused/i.test(bar), bar);
  });
}
