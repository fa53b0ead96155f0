// Journey 5: after work (tasks, a session waiting for the person's to-do, checkpoints, the timeline open), the
// person reloads the window (Developer: Reload Window), and separately stops code-server and starts it again on
// the same folder with the same user-data folder: everything is still there, the session still says it waits for
// them (not "interrupted — Resume?": nothing was cut off), Show Checkpoint Timeline reveals the one panel, and
// Mark Done on the to-do ends the session.
import * as path from 'node:path';
import { importPlan, startSession } from './lib/flows.mjs';

export const title = 'Reload the window, and stop and start code-server again: tasks, sessions, checkpoints stay; one timeline panel';
export const steps = [
  'A session runs the plan and a checkpoint is saved',
  'The timeline shows the checkpoint',
  'After Developer: Reload Window, tasks, session and checkpoints are still there',
  'Show Checkpoint Timeline after the reload reveals the one panel',
  'After stopping and starting code-server again, everything is still there',
  'Show Checkpoint Timeline after the restart shows one panel with the checkpoint',
  'Mark Done on the to-do the session waited for ends the session',
];

const PLAN = `# Small plan

## Phase 1: Files

- [ ] 1.1 Write the first file
  Run: \`echo one > one.txt\`
- [ ] 1.2 Write the second file
  Dependencies: 1.1
  Run: \`echo two > two.txt\`
- [ ] 1.3 Read both files
  Dependencies: 1.2
`;

export function prepare(j) {
  j.write('README.md', '# reload\n');
  j.write('small-plan.md', PLAN);
  j.gitInit();
}

const timelineTabs = async j => (await j.person.editorTabs()).filter(t => /Checkpoint/i.test(t));

async function stillThere(j, before) {
  const p = j.person;
  await p.openContinuum();
  await p.until('Continuum to be ready', async () => (await p.statusBarTexts()).some(t => /Continuum/.test(t)), 60000);

  await j.eventually('the tasks are in the tree', async () => (await p.treeRows()).some(r => /Read both files/.test(r.text)), 60000);
  const after = j.exportState().tables;
  const states = t => t.map(x => `${x.title}: ${x.status === 'running' ? 'pending' : x.status}`).sort().join(', ');
  j.check('the same tasks, in the same states, are in the store', states(after.tasks) === states(before.tasks), `${states(after.tasks)} / before: ${states(before.tasks)}`);
  j.check('the same session is in the store', after.sessions.map(s => s.id).join() === before.sessions.map(s => s.id).join(), after.sessions.map(s => `${s.name}: ${s.status}`));
  j.check('every checkpoint is still there', after.checkpoints.length >= before.checkpoints.length, `${after.checkpoints.length} < ${before.checkpoints.length}`);
  // checked last: the window's store folder is created when Continuum activates
  const stores = j.storeDirs();
  j.check('the window uses the same store folder as before (no second store under workspaceStorage)', stores.length === 1,
    `${stores.length} stores: ${stores.map(s => path.relative(j.home, s)).join(', ')} — is code-server's port part of the workspace's storage id?`);
  const welcome = await p.welcome().isVisible().catch(() => false);
  j.check('the Tasks view does not say "No tasks yet"', !welcome);
  await waitsForYou(j);
}

/** The session waited only for the to-do 1.3 when the window went: it still says so, and nothing asks to resume it. */
async function waitsForYou(j) {
  const p = j.person;
  const item = p.page.locator('.statusbar-item').filter({ hasText: /for you/ }).first();
  await j.eventually('the status bar says the to-do waits for you', () => item.isVisible(), 30000);
  const look = await item.evaluate(e => ({ text: e.innerText.trim(), icons: [...e.querySelectorAll('.codicon')].map(i => i.className).join(' ') })).catch(() => ({ text: '', icons: '' }));
  j.check('the session item shows 2/3 and that 1 waits for you', /2\/3\s*·\s*1 waits for you/.test(look.text), look.text);
  j.check('with the person icon, not the "disconnected" one of an interrupted session', /codicon-person/.test(look.icons) && !/debug-disconnect/.test(look.icons), look.icons);
  await j.eventually('the session goes on waiting: the store records it as running, not interrupted', () => j.exportState().tables.sessions.every(s => s.status === 'running'), 30000);
  const asked = p.seen.filter(t => /interrupted/i.test(t));
  j.check('no notification says the session was interrupted or offers to resume it', !asked.length, asked);
}

export default async function reloadAndRestart(j) {
  const p = j.person;
  let before;

  await j.step(steps[0], async () => {
    await p.openContinuum();
    await importPlan(j, 'small-plan.md');
    await startSession(j);
    await p.until('both shell tasks to write their files', () => j.exists('one.txt') && j.exists('two.txt'), 60000);
    // the session now waits for the person's to-do (1.3): the checkpoint belongs to it
    await p.until('both shell tasks done in the store', () => j.exportState().tables.tasks.filter(t => t.status === 'done').length === 2, 30000);
    await p.runCommand('Continuum: Create Checkpoint');
    await p.quickInput(/note for this checkpoint/i);
    await p.type('before the reload');
    await p.enter();
    await p.notification(/Checkpoint saved.*before the reload/i);
    before = j.exportState().tables;
  });

  await j.step(steps[1], async () => {
    await p.runCommand('Continuum: Show Checkpoint Timeline');
    const frame = await p.webviewFrame('[role="listbox"][aria-label^="Checkpoints"]');
    await p.until('the checkpoint in the timeline', async () => (await frame.locator('[role="option"]', { hasText: 'before the reload' }).count()) > 0, 15000);
    j.check('one timeline panel is open', (await timelineTabs(j)).length === 1, await p.editorTabs());
  });

  await j.step(steps[2], async () => {
    const reloaded = p.page.waitForEvent('load', { timeout: 180000 });
    await p.runCommand('Developer: Reload Window');
    await reloaded;
    await p.page.waitForSelector('.monaco-workbench', { timeout: 180000 });
    await p.until('the workbench to come back after the reload', async () => (await p.statusBarTexts()).some(t => /Continuum/.test(t)), 60000);
    await stillThere(j, before);
  });

  await j.step(steps[3], async () => {
    await p.until('the restored timeline panel', async () => (await timelineTabs(j)).length >= 1, 20000).catch(() => undefined);
    await p.runCommand('Continuum: Show Checkpoint Timeline');
    await p.webviewFrame('[role="listbox"][aria-label^="Checkpoints"]');
    await p.page.waitForTimeout(3000); // a second panel, if any, opens within this time: the absence of an event cannot be awaited
    const tabs = await timelineTabs(j);
    j.check('exactly one timeline panel is open', tabs.length === 1, await p.editorTabs());
  });

  await j.step(steps[4], async () => {
    await j.restart();
    await p.until('the workbench to come back after the restart', async () => (await p.statusBarTexts()).some(t => /Continuum/.test(t)), 90000);
    await stillThere(j, before);
  }, { timeout: 240000 });

  await j.step(steps[5], async () => {
    await p.runCommand('Continuum: Show Checkpoint Timeline');
    const frame = await p.webviewFrame('[role="listbox"][aria-label^="Checkpoints"]');
    await j.eventually('the checkpoint is in the timeline', async () => (await frame.locator('[role="option"]', { hasText: 'before the reload' }).count()) > 0, 15000);
    await p.page.waitForTimeout(3000); // as above: give a second panel the time to appear
    j.check('exactly one timeline panel is open', (await timelineTabs(j)).length === 1, await p.editorTabs());
  });

  await j.step(steps[6], async () => {
    await p.openContinuum();
    const row = await p.findTreeRow(/Read both files/);
    await p.inlineButton(row, 'Mark Done');
    await j.eventually('the store records the session as completed', () => j.exportState().tables.sessions.every(s => s.status === 'completed'), 30000);
    await j.eventually('the status bar no longer says anything waits for you', async () => !(await p.statusBarTexts()).some(t => /for you/.test(t)), 15000);
  });
}
