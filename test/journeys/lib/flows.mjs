// Small sequences a person repeats across journeys, built only from Person's actions.

/**
 * Everything the import preview shows, wherever it shows it (quick pick, a webview, or a read-only document,
 * read to its end by scrolling it as a person does).
 */
export async function previewText(j) {
  const p = j.person;
  const parts = [];
  if (await p.quickVisible()) {
    const q = await p.quickText();
    parts.push(q.header);
    for (const r of await p.allQuickRows()) parts.push(`${r.label} ${r.text}`);
  }
  parts.push(...await p.webviewTexts());
  for (const lines of await p.readEditors()) parts.push(lines.map(l => l.text).join('\n'));
  return parts.join('\n');
}

/** Waits until a preview of the import is on screen: a quick pick titled Import…, or a webview/document saying so. */
export async function waitForImportPreview(j, timeout = 30000) {
  const p = j.person;
  await p.until('the import preview', async () => {
    if (await p.quickVisible()) return /import/i.test((await p.quickText()).header);
    return (await p.webviewTexts()).some(t => /import/i.test(t));
  }, timeout);
}

/** Accepts the preview: Enter in a quick pick (every item is ticked), else the preview's Import button. */
export async function acceptImportPreview(j) {
  const p = j.person;
  if (await p.quickVisible()) return p.enter();
  for (const f of p.page.frames()) {
    const b = f.getByRole('button', { name: /^Import/ });
    if (await b.count().catch(() => 0)) return b.first().click();
  }
  throw new Error('the import preview has neither a quick pick nor an Import button');
}

/** Continuum: Import Plan… from the Command Palette, the plan picked by typing its name, the preview accepted. */
export async function importPlan(j, fileName) {
  const p = j.person;
  await p.runCommand('Continuum: Import Plan');
  await p.quickInput(/markdown plan/i);
  await p.pick(new RegExp(fileName.replace(/[.]/g, '\\.')), fileName);
  await waitForImportPreview(j);
  await acceptImportPreview(j);
  return p.notification(/Imported .*new/i);
}

/** Continuum: Start Session on all unfinished tasks; confirms the plan's commands in the notification that asks. */
export async function startSession(j, { confirm = true } = {}) {
  const p = j.person;
  await p.runCommand('Continuum: Start Session');
  const scope = await p.until('the session scope pick or the plan-commands question', async () => {
    if (await p.quickVisible() && /which tasks/i.test((await p.quickText()).header)) return 'scope';
    return (await p.toastTexts()).some(t => /runs these commands/i.test(t)) ? 'confirm' : false;
  });
  if (scope === 'scope') await p.pick(/All unfinished tasks/, 'All unfinished');
  if (confirm) await p.clickNotificationButton(/runs these commands/i, 'Run Them');
}

/** Group rows of the Tasks view as { label: count } (the tree's top level, e.g. Done: 5). */
export async function groupCounts(j) {
  const rows = await j.person.treeRows();
  const out = {};
  for (const r of rows.filter(r => r.level === 1)) {
    const m = /^(.*?)\s+(\d+)$/.exec(r.text);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Switches the Tasks view's grouping with its title-bar button, if it is not that grouping already. */
export async function groupBy(j, what) {
  const p = j.person;
  const header = p.page.locator('.pane-header[aria-label="Tasks Section"]');
  await header.hover();
  const other = what === 'status' ? 'Group by Status' : 'Group by Phase';
  if (await header.locator(`.action-label[aria-label="${other}"]`).count()) await p.viewButton(other);
}

/** The state of every task, by title, from `continuum export` (what the CLI would tell the person). */
export function taskStates(j) {
  const s = j.exportState();
  return Object.fromEntries((s.tables?.tasks ?? []).map(t => [t.title, t.status]));
}
