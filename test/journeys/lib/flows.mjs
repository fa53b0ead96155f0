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

/**
 * Continuum: Create Pull Request from the Command Palette: Enter on the session pick if it asks which session,
 * Push Only if it offers a GitHub sign-in. Returns the outcome notification's text (not the progress ones).
 */
export async function createPullRequest(j) {
  const p = j.person;
  const from = p.seen.length;
  await p.runCommand('Continuum: Create Pull Request');
  return p.until('the pull request flow to finish or ask', async () => {
    if (await p.quickVisible() && /Which session/i.test((await p.quickText()).header)) await p.enter();
    if ((await p.toastTexts()).some(t => /Sign in to GitHub/i.test(t))) await p.clickNotificationButton(/Sign in to GitHub/i, 'Push Only');
    // the outcome (not the progress notification 'Continuum: pull request for …: Pushing …')
    return p.seen.slice(from).find(t => /^Continuum (opened pull request|pushed|created)/.test(t) || /could not/i.test(t));
  }, 90000);
}

/**
 * What reached the bare remote (`j.gitRemote()`), read with git as a person at a terminal: its branches other
 * than main, and the commits the first of them adds to main, oldest first, each { subject, files, diff }.
 */
export function pushedCommits(j) {
  const branches = j.git(['for-each-ref', '--format=%(refname:short)', 'refs/heads'], j.remote).split('\n').filter(b => b && b !== 'main');
  if (!branches.length) return { branches, commits: [] };
  const commits = j.git(['log', '--reverse', '--format=%H%x09%s', `main..${branches[0]}`], j.remote).split('\n').filter(Boolean).map(l => {
    const [sha, subject] = l.split('\t');
    return { subject, files: j.git(['show', '--name-only', '--format=', sha], j.remote).split('\n').filter(Boolean), diff: j.git(['show', '--format=', sha], j.remote) };
  });
  return { branches, commits };
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
