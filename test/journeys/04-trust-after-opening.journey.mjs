// Journey 4: the folder opens untrusted (Workspace Trust on, the person answers the trust prompt with "No"),
// a checkpoint holds the task state only; the person then trusts the folder, and the next checkpoint holds the
// files too — without reloading the window.
export const title = 'Trust granted after opening: the next checkpoint holds files, without a reload';
export const options = { trust: false };
export const steps = [
  'The folder opens in Restricted Mode after the person declines trust',
  'A checkpoint in Restricted Mode holds the task state only',
  'Restore Checkpoint… in Restricted Mode goes on to its preview without waiting for a notice',
  'The person trusts the folder from Manage Workspace Trust',
  'The next checkpoint holds the files, without a reload',
];

export function prepare(j) {
  j.write('README.md', '# trusted later\n');
  j.write('src/app.js', 'console.log("app");\n');
  j.gitInit();
}

async function checkpoint(j, note) {
  const p = j.person;
  await p.runCommand('Continuum: Create Checkpoint');
  await p.quickInput(/note for this checkpoint/i);
  await p.type(note);
  await p.enter();
  return p.until(`the notification of checkpoint '${note}'`, async () => p.seen.find(t => /Checkpoint saved/i.test(t) && t.includes(note)), 30000);
}

export default async function trustAfterOpening(j) {
  const p = j.person;

  await j.step(steps[0], async () => {
    const no = p.page.locator('.monaco-dialog-box').getByRole('button', { name: /No, I don.t trust/i });
    await p.until('the trust prompt', () => no.isVisible(), 60000);
    await j.shot(`${j.shots}/00-trust-prompt.png`);
    await no.click();
    await p.until('Restricted Mode in the status bar', async () => (await p.statusBarTexts()).some(t => /Restricted Mode/i.test(t)), 20000);
    await p.openContinuum();
  });

  await j.step(steps[1], async () => {
    const n = await checkpoint(j, 'before trust');
    j.check('the checkpoint says it holds the task state only', /task state/i.test(n) && !/files/i.test(n), n);
  });

  await j.step(steps[2], async () => {
    await p.runCommand('Continuum: Restore Checkpoint');
    await p.quickInput(/Which checkpoint should be restored/i);
    await p.pick(/before trust/i, 'before trust');
    // the window says its checkpoints hold the task state only; that notice is not a question, so the flow
    // must go on to the preview whether or not the person closes it
    await j.eventually('the restore preview opens while the notice is still there', async () => p.quickVisible() && /Restoring .*Continue/i.test((await p.quickText()).header), 20000);
    await p.closeQuickInput(); // the person changes their mind: nothing is restored
  });

  await j.step(steps[3], async () => {
    // a mark on this page: a reload would drop it (the page's own state, nothing in the extension)
    await p.page.evaluate(() => { window.journeyMark = 'before trust'; });
    await p.runCommand('Workspaces: Manage Workspace Trust');
    const trust = p.page.locator('.workspace-trust-editor').getByRole('button', { name: /^Trust$/ }).first();
    await p.until('the Trust button of the Workspace Trust editor', () => trust.isVisible(), 20000);
    await trust.click();
    await p.until('Restricted Mode to go from the status bar', async () => !(await p.statusBarTexts()).some(t => /Restricted Mode/i.test(t)), 20000);
    j.check('the window was not reloaded', await p.page.evaluate(() => window.journeyMark === 'before trust'));
    await j.shot(`${j.shots}/03b-trusted.png`);
  });

  await j.step(steps[4], async () => {
    const n = await checkpoint(j, 'after trust');
    j.check('still no reload', await p.page.evaluate(() => window.journeyMark === 'before trust'));
    j.check('the checkpoint holds tasks and files', /tasks and files/i.test(n), n);
    const store = j.exportState();
    const after = store.tables.checkpoints.find(c => c.note === 'after trust');
    j.check('the store links the checkpoint to a snapshot of the files', !!after && store.tables.checkpoint_files.some(f => f.checkpoint_id === after.id), store.tables.checkpoint_files);
  });
}
