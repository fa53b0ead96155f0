// Journey 1: a new user opens their project, sees the welcome, imports a plan written in the common
// nested-phase style (phases -> numbered sub-phases with **Priority:** / **Dependencies:** lines under them),
// reads the preview, imports, and looks at the tree by phase and by status. The getting-started
// walkthrough is open beside it (as VS Code opens it on install; here from the Command Palette, since
// the journey installs Continuum before the workbench starts) and ticks its plan step on the import.
// VS Code starts its walkthrough service only when a walkthrough is first shown, and ticks nothing
// done before that in the window.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptImportPreview, groupBy, groupCounts, previewText, waitForImportPreview } from './lib/flows.mjs';

const PLAN = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/connection-pool-plan.md'), 'utf8');
const lineOf = text => PLAN.split('\n').findIndex(l => l.includes(text)) + 1;

export const title = 'First run: welcome, Import Plan… on a nested-phase plan, preview, tree by phase and by status, the walkthrough';
export const steps = [
  'The Continuum view welcomes a new user',
  'Welcome: Open Walkthrough… shows Get Started with Continuum, nothing done yet',
  'Import Plan… in the welcome view offers the workspace\'s plans',
  'The preview shows phases, priorities, dependencies and the lines not used',
  'Importing writes the tasks and says how many',
  'The tree shows the plan by phase, sub-phases with their numbers',
  'Group by Status shows the same tasks by status',
  'Back on the walkthrough, "Import or write a plan" is done',
];

export function prepare(j) {
  j.write('README.md', '# pool\n\nA database connection pool.\n');
  j.write('src/pool.js', 'module.exports = { size: 10 };\n');
  j.write('docs/connection-pool-plan.md', PLAN);
  j.gitInit();
}

export default async function firstRun(j) {
  const p = j.person;

  await j.step(steps[0], async () => {
    await p.openContinuum();
    await p.until('the welcome text', () => p.welcome().isVisible());
    const text = await p.welcome().innerText();
    j.check('the welcome says there are no tasks yet', /No tasks yet/i.test(text), text);
    j.check('the welcome offers Import Plan…', await p.welcome().getByRole('button', { name: /Import Plan/ }).isVisible());
  });

  await j.step(steps[1], async () => {
    await p.runCommand('Welcome: Open Walkthrough...');
    await p.quickInput(/walkthrough/i);
    await p.pick(/Get Started with Continuum/, 'Continuum');
    const steps = p.page.locator('button.getting-started-step');
    await p.until('the walkthrough\'s steps', async () => (await steps.count()) >= 4);
    const shown = (await steps.allInnerTexts()).map(t => t.split('\n')[0].trim());
    j.log(`walkthrough steps: ${JSON.stringify(shown)}`);
    for (const title of ['Import or write a plan', 'Start a session', 'Make a checkpoint', 'Restore a checkpoint', 'Connect an agent'])
      j.check(`the walkthrough shows "${title}"`, shown.some(t => t.startsWith(title)), shown);
    const ticked = await p.page.locator('button.getting-started-step[aria-checked="true"]').count();
    j.check('no step is done yet', ticked === 0, `${ticked} ticked`);
  });

  await j.step(steps[2], async () => {
    await p.welcome().getByRole('button', { name: /Import Plan/ }).click();
    const q = await p.quickInput(/markdown plan/i);
    j.check('the plan is offered by its path', q.rows.some(r => r.label.includes('docs/connection-pool-plan.md')), q.rows.map(r => r.label));
    await p.pick(/connection-pool-plan\.md/, 'connection-pool');
  });

  let preview = '';
  await j.step(steps[3], async () => {
    await waitForImportPreview(j);
    preview = await previewText(j);
    j.log(`preview:\n${preview.slice(0, 3000)}`);
    j.check('the preview shows the phases', /Foundations/.test(preview) && /Health Monitoring/.test(preview) && /Recovery/.test(preview), preview.slice(0, 400));
    j.check('the preview shows sub-phases with their numbers ("2.1 Health Check System")', /2\.1\s+Health Check System/.test(preview));
    j.check('the preview shows priorities taken from the sub-phase headings (critical, high, medium)', /critical/i.test(preview) && /high/i.test(preview) && /(medium|normal)/i.test(preview));
    j.check('the preview shows dependencies ("Phase 1.1" / "Pool Configuration")', /(depends|dependenc|needs|after)[^\n]*(1\.1|Pool Configuration)/i.test(preview));
    j.check('the preview lists lines it does not use, with their line numbers', /(not used|unused|ignored)/i.test(preview) && new RegExp(`\\b(${lineOf('Keep the pool')}|${lineOf('## Implementation Order')}|${lineOf('Sprint 1')})\\b`).test(preview));
    // what the preview offers to make: every line but the list of lines not used ("  line 120: Sprint 1 … — why")
    const offered = preview.split('\n').filter(l => !/(not used|unused|ignored)/i.test(l) && !/^\s*line \d+:/.test(l)).join('\n');
    j.check('the re-listing sections ("Implementation Order", sprints) create nothing', !/\$\(add\)\s*Phase 1\.1 — Pool Configuration/.test(preview) && !/Sprint 1/.test(offered), offered.slice(-1500));
    j.check('the "Testing:" bullets are not offered as tasks', !/\$\(add\)\s*Test connection failure detection/.test(preview));
  });

  await j.step(steps[4], async () => {
    await acceptImportPreview(j);
    const n = await p.notification(/Imported .*new/i);
    j.check('the notification says how many tasks were created', /\d+ new/.test(n), n);
  });

  await j.step(steps[5], async () => {
    await p.openContinuum();
    await p.until('tasks in the tree', async () => (await p.treeRows()).length > 3);
    await groupBy(j, 'phase');
    const rows = await p.treeRows();
    const text = rows.map(r => `${'  '.repeat(r.level - 1)}${r.text}`).join('\n');
    j.log(`tree by phase:\n${text}`);
    const sub = rows.find(r => /2\.1\s+Health Check System/.test(r.text));
    const phase = rows.find(r => /Health Monitoring/.test(r.text));
    const task = rows.find(r => /Implement connection health checks/.test(r.text));
    j.check('the phase "Health Monitoring" is a row', !!phase, text);
    j.check('the sub-phase shows as "2.1 Health Check System" under its phase', !!sub && !!phase && sub.level === phase.level + 1, text);
    j.check('its task sits under the sub-phase', !!task && !!sub && task.level === sub.level + 1, text);
    j.check('the task shows the priority its sub-phase gave it (high)', !!task && /high/i.test(task.text), task?.text);
    const subtask = rows.find(r => /Cap the backoff/.test(r.text));
    const parent = rows.find(r => /Reconnect with exponential backoff/.test(r.text));
    j.check('a subtask sits under its task', !!subtask && !!parent && subtask.level === parent.level + 1, text);
  });

  await j.step(steps[6], async () => {
    await groupBy(j, 'status');
    await p.until('status groups', async () => Object.keys(await groupCounts(j)).some(k => /Done|Ready/.test(k)));
    const counts = await groupCounts(j);
    j.log(`groups: ${JSON.stringify(counts)}`);
    j.check('the two completed tasks of 1.1 (✅ / [x]) are Done', counts.Done === 2, counts);
    // this plan's tasks have no Run: line: they are to-dos, and a ready to-do waits for you
    j.check('tasks whose dependencies are done are ready (a to-do: Waiting for you)', (counts.Ready ?? 0) + (counts['Waiting for you'] ?? 0) > 0, counts);
    const waiting = Object.entries(counts).find(([k]) => /Waiting/i.test(k));
    j.check('tasks that wait for 2.1 and 1.2 (Alerting, Reconnection) wait for dependencies', !!waiting && waiting[1] >= 3, counts);
  });

  await j.step(steps[7], async () => {
    // back to the walkthrough's tab, as a person switches tabs
    await p.page.locator('.tabs-container .tab', { hasText: /Welcome/ }).first().click();
    // the Welcome tab may show its start page again: Continuum's walkthrough is listed there, with its progress
    const listed = p.page.locator('.getting-started-category', { hasText: 'Get Started with Continuum' }).first();
    if (await listed.isVisible().catch(() => false)) await listed.click();
    await p.until('the walkthrough\'s steps on screen', () => p.page.locator('button.getting-started-step').first().isVisible());
    const ticked = async () =>
      (await p.page.locator('button.getting-started-step[aria-checked="true"]:visible').allInnerTexts()).map(t => t.split('\n')[0].trim());
    await j.eventually('the plan step is ticked: a plan was imported', async () => (await ticked()).some(t => t.startsWith('Import or write a plan')), 20000);
    j.check('no other step is ticked yet (no session, checkpoint, restore or agent)', (await ticked()).length === 1, await ticked());
  });
}
