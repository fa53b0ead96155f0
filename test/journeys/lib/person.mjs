// What a person does in the workbench, and what they see: the Command Palette by keyboard, quick picks (type,
// Enter), the Tasks tree (click, right-click, inline buttons), notifications (read, click a button), the status
// bar, webview panels. Selectors are by role, aria-label and text; every wait is for a condition, never a sleep.

export class JourneyFailure extends Error {}

const QUICK = '.quick-input-widget';
const QUICK_ROWS = `${QUICK} .monaco-list-row`;
const TOASTS = '.notifications-toasts .notification-toast';
const TASKS_TREE = '.monaco-list[role="tree"][aria-label="Tasks"]';
const MENU = '.context-view .monaco-menu';

/** Runs in the page: records each change of the quick input (shown with its placeholder and value, or hidden). */
function recordQuickInputs() {
  if (window.__continuumQuickLog) return;
  const log = (window.__continuumQuickLog = []);
  let last = '';
  setInterval(() => {
    const widget = document.querySelector('.quick-input-widget');
    const input = widget?.querySelector('input.input');
    const shown = !!widget && widget.style.display !== 'none' && widget.offsetParent !== null;
    const what = shown
      ? `shown: ${input?.getAttribute('placeholder') || widget.querySelector('.quick-input-title')?.textContent || ''}${input?.value ? ` [${input.value}]` : ''}`
      : 'hidden';
    if (what === last) return;
    last = what;
    log.push(`${Math.round(performance.now())} ms ${what}`);
    if (log.length > 40) log.shift();
  }, 20);
}

export class Person {
  /** @param {import('playwright-core').Page} page */
  constructor(page, log) {
    this.page = page;
    this.log = log;
    /** every notification text seen while the journey ran, oldest first */
    this.seen = [];
    this.watching = undefined;
  }

  setPage(page) {
    this.page = page;
  }

  /** Polls `probe` until it returns something truthy; the failure says what was awaited. */
  async until(what, probe, timeout = 30000) {
    const end = Date.now() + timeout;
    let last;
    for (; ;) {
      try {
        const v = await probe();
        if (v) return v;
        last = v;
      } catch (e) { last = e; }
      if (Date.now() > end) throw new JourneyFailure(`waited ${timeout / 1000}s for ${what}${last instanceof Error ? ` (${last.message.split('\n')[0]})` : ''}`);
      await this.page.waitForTimeout(150);
    }
  }

  // ---------- notifications ----------

  /**
   * Keeps a record of every toast's text, so a notice that hid itself is still known to have been shown; and
   * (in the page, every 20 ms) of each quick input shown and hidden, so a failure report can tell a pick that
   * never opened from one that opened and closed again before a check saw it.
   */
  watchNotifications() {
    const tick = async () => {
      try {
        await this.page.evaluate(recordQuickInputs);
        for (const t of await this.toastTexts()) if (!this.seen.includes(t)) { this.seen.push(t); this.log(`notification: ${t}`); }
      } catch { /* page navigating */ }
      this.watching = setTimeout(() => void tick(), 300);
    };
    void tick();
  }

  /** The last quick inputs shown and hidden (see watchNotifications), oldest first, with the page's time in ms. */
  async quickInputHistory() {
    return this.page.evaluate(() => window.__continuumQuickLog ?? []).catch(() => []);
  }

  stopWatching() {
    clearTimeout(this.watching);
  }

  async toastTexts() {
    return this.page.locator(`${TOASTS} .notification-list-item-message`).allInnerTexts();
  }

  /** Waits for a notification whose text matches; returns its text. Looks at toasts and at those seen before. */
  async notification(re, timeout = 30000) {
    return this.until(`a notification matching ${re}`, async () => {
      const now = await this.toastTexts();
      for (const t of now) if (!this.seen.includes(t)) this.seen.push(t);
      return this.seen.find(t => re.test(t));
    }, timeout);
  }

  /** Clicks the button of the (visible) notification whose text matches, as a person does. */
  async clickNotificationButton(re, button, timeout = 30000) {
    const toast = this.page.locator(TOASTS).filter({ has: this.page.locator('.notification-list-item-message', { hasText: re }) });
    await this.until(`a notification matching ${re} with a '${button}' button`, async () => (await toast.locator('.monaco-button', { hasText: button }).count()) > 0, timeout);
    await toast.locator('.monaco-button', { hasText: button }).first().click();
  }

  /** Closes every toast (Escape in the notification toasts hides them), like a person who has read them. */
  async dismissToasts() {
    const n = await this.page.locator(TOASTS).count();
    if (!n) return;
    await this.runCommand('Notifications: Clear All Notifications');
  }

  // ---------- Command Palette and quick input ----------

  async quickVisible() {
    return this.page.locator(QUICK).isVisible();
  }

  /** F1, type the command's name, wait for it to be the first row, Enter. */
  async runCommand(title, { key = 'F1' } = {}) {
    await this.closeQuickInput();
    await this.page.keyboard.press(key);
    const input = this.page.locator(`${QUICK} input.input`);
    await this.until('the Command Palette', () => input.isVisible(), 10000);
    await input.fill(`>${title}`);
    // the palette's fuzzy order may put a longer command first ('Create Branch at Checkpoint…' before
    // 'Create Checkpoint'): the person presses Enter on the command whose name is what they typed
    const index = await this.until(`'${title}' in the Command Palette`, async () => {
      const rows = await this.page.locator(QUICK_ROWS).evaluateAll(els => els.map(e => ({ i: e.getAttribute('data-index'), label: (e.getAttribute('aria-label') ?? '').trim() })));
      const exact = rows.find(r => new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}…?(,|$)`).test(r.label));
      return exact ? Number(exact.i) + 1 : false;
    }, 20000) - 1;
    for (let i = 0; i < index; i++) await this.page.keyboard.press('ArrowDown');
    await this.until(`'${title}' to be the focused command`, async () => (await this.page.locator(`${QUICK_ROWS}.focused`).getAttribute('aria-label'))?.trim().startsWith(title), 5000);
    await this.page.keyboard.press('Enter');
  }

  async closeQuickInput() {
    if (await this.quickVisible()) {
      await this.page.keyboard.press('Escape');
      await this.until('the quick input to close', async () => !(await this.quickVisible()), 5000);
    }
  }

  /** Waits for a quick pick or input box whose placeholder, prompt or title matches. */
  async quickInput(re, timeout = 30000) {
    return this.until(`a quick input matching ${re}`, async () => {
      if (!(await this.quickVisible())) return false;
      const t = await this.quickText();
      return re.test(t.header) ? t : false;
    }, timeout);
  }

  /** What the quick input shows: its title/placeholder/message (header) and its visible rows' labels. */
  async quickText() {
    const header = [
      await this.page.locator(`${QUICK} input.input`).getAttribute('placeholder').catch(() => ''),
      await this.page.locator(`${QUICK} input.input`).getAttribute('aria-label').catch(() => ''),
      ...(await this.page.locator(`${QUICK} .quick-input-title, ${QUICK} .quick-input-message, ${QUICK} .quick-input-description`).allInnerTexts()),
    ].filter(Boolean).join(' | ');
    const rows = await this.page.locator(QUICK_ROWS).evaluateAll(els => els.map(e => ({ label: e.getAttribute('aria-label') ?? '', text: e.innerText, checked: e.querySelector('[role="checkbox"]')?.getAttribute('aria-checked') ?? null })));
    return { header, rows };
  }

  /** Every row of a (virtualised) quick pick: scrolls through it with the keyboard and collects the labels. */
  async allQuickRows(max = 400) {
    const seen = new Map();
    const list = this.page.locator(`${QUICK} .monaco-list[role="listbox"], ${QUICK} .monaco-list[role="tree"]`).filter({ has: this.page.locator('.monaco-list-row') }).first();
    for (let i = 0; i < max / 10; i++) {
      const before = seen.size;
      for (const r of await this.page.locator(QUICK_ROWS).evaluateAll(els => els.map(e => ({ i: e.getAttribute('data-index'), label: e.getAttribute('aria-label') ?? '', text: e.innerText })))) seen.set(`${r.i}`, r);
      if (i > 0 && seen.size === before) break;
      await list.evaluate(el => { const s = el.querySelector('.monaco-scrollable-element'); if (s) s.dispatchEvent(new WheelEvent('wheel', { deltaY: 300, bubbles: true })); });
      await this.page.waitForTimeout(60);
    }
    return [...seen.values()].sort((a, b) => Number(a.i) - Number(b.i));
  }

  /** Types into the quick input (filters a pick, or fills an input box). */
  async type(text) {
    const input = this.page.locator(`${QUICK} input.input`);
    await input.fill(text);
  }

  /** Types `filter`, waits until the first row's label matches `re`, Enter. */
  async pick(re, filter) {
    if (filter !== undefined) await this.type(filter);
    const first = this.page.locator(`${QUICK_ROWS}[data-index="0"], ${QUICK_ROWS}.focused`).first();
    await this.until(`a quick-pick row matching ${re} to be first`, async () => re.test((await first.getAttribute('aria-label')) ?? ''), 15000);
    await this.page.keyboard.press('Enter');
  }

  /** Clicks the row matching `re` (when typing would not filter, e.g. a multi-select preview). */
  async clickRow(re) {
    const row = this.page.locator(QUICK_ROWS).filter({ hasText: re }).first();
    await this.until(`a quick-pick row matching ${re}`, () => row.isVisible(), 15000);
    await row.click();
  }

  async enter() {
    await this.page.keyboard.press('Enter');
  }

  // ---------- the Continuum side bar ----------

  async openContinuum() {
    // the activity-bar icon toggles: clicking it while the side bar shows Continuum would hide it
    if (await this.page.locator('.pane-header[aria-label="Tasks Section"]').isVisible().catch(() => false)) return;
    await this.page.locator('.activitybar [aria-label^="Continuum"]').first().click();
    await this.until('the Continuum side bar', () => this.page.locator('.pane-header[aria-label="Tasks Section"]').isVisible(), 15000);
  }

  welcome() {
    return this.page.locator('.pane-header[aria-label="Tasks Section"] ~ .pane-body .welcome-view-content').first();
  }

  /** The Tasks view's visible rows: { label (aria-label), text (what is drawn), level, expanded, icon }. */
  async treeRows() {
    return this.page.locator(`${TASKS_TREE} .monaco-list-row`).evaluateAll(els => els.map(e => ({
      label: e.getAttribute('aria-label') ?? '',
      name: (e.querySelector('.label-name')?.textContent ?? '').trim(),
      description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
      text: [e.querySelector('.label-name')?.textContent, e.querySelector('.label-description')?.textContent].filter(Boolean).join(' ').replace(/\s+/g, ' ').trim() || e.innerText.replace(/\s+/g, ' ').trim(),
      level: Number(e.getAttribute('aria-level')),
      expanded: e.getAttribute('aria-expanded'),
      icon: [...e.querySelectorAll('.custom-view-tree-node-item-icon, .codicon')].map(i => i.className).join(' '),
      top: Number.parseFloat(e.style.top),
    })).sort((a, b) => a.top - b.top));
  }

  treeRow(re) {
    return this.page.locator(`${TASKS_TREE} .monaco-list-row`).filter({ hasText: re }).first();
  }

  /** Turns the mouse wheel over the Tasks tree, as a person scrolls it (a real wheel event where the pointer is). */
  async wheelTree(deltaY) {
    const box = await this.page.locator(TASKS_TREE).first().boundingBox();
    if (!box) throw new JourneyFailure('the Tasks tree is not on screen');
    await this.page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200));
    await this.page.mouse.wheel(0, deltaY);
  }

  /** Scrolls the Tasks tree down with the mouse wheel until a row matching re is drawn. */
  async findTreeRow(re, timeout = 30000) {
    const row = this.treeRow(re);
    return this.until(`a Tasks row matching ${re}`, async () => {
      if (await row.isVisible()) return row;
      const at = () => this.page.locator(`${TASKS_TREE} .monaco-list-rows`).first().evaluate(e => e.style.top).catch(() => '');
      const before = await at();
      await this.wheelTree(300);
      // at the end without finding it: from the top again (the row may be above, or drawn meanwhile)
      if (await this.until('the tree to scroll', async () => (await at()) !== before, 1000).catch(() => false) === false) await this.scrollTreeTop();
      return false;
    }, timeout);
  }

  async scrollTreeTop() {
    await this.wheelTree(-100000);
  }

  /** Folds or unfolds a row with children (a group, a task with subtasks) by clicking its twistie. */
  async toggleTreeRow(row) {
    const was = await row.getAttribute('aria-expanded');
    await row.locator('.monaco-tl-twistie').click();
    await this.until(`the row to ${was === 'true' ? 'fold' : 'unfold'}`, async () => (await row.getAttribute('aria-expanded')) !== was, 5000);
  }

  /** Clicks the view's title-bar button with this aria-label (e.g. 'Group by Status'). */
  async viewButton(label) {
    const header = this.page.locator('.pane-header[aria-label="Tasks Section"]');
    await header.hover();
    const b = header.locator(`.action-label[aria-label="${label}"]`);
    await this.until(`the '${label}' button on the Tasks view`, () => b.isVisible(), 10000);
    await b.click();
  }

  /** Hovers the row and clicks its inline button (e.g. 'Mark Done'). */
  async inlineButton(row, label) {
    await row.hover();
    const b = row.locator(`.actions .action-label[aria-label="${label}"]`);
    await this.until(`the inline '${label}' button on ${await row.getAttribute('aria-label')}`, () => b.isVisible(), 10000);
    await b.click();
  }

  // ---------- context menus ----------

  /** Whether a context menu is open. */
  async menuOpen() {
    return this.page.locator(MENU).first().isVisible().catch(() => false);
  }

  /** The open context menu's item whose label is `item` (a string: exactly that label, '…' allowed after it; or a RegExp). */
  menuItem(item) {
    const label = typeof item === 'string' ? new RegExp(`^\\s*${item.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}…?\\s*$`) : item;
    return this.page.locator(`${MENU} .action-item`).filter({ has: this.page.locator('.action-label', { hasText: label }) }).first();
  }

  /**
   * Right-clicks the row and waits for its context menu, as a person does; right-clicks again when no menu came
   * (the row was drawn again under the pointer). Returns the menu's item labels.
   */
  async openContextMenu(row, timeout = 15000) {
    const items = this.page.locator(`${MENU} .action-item .action-label`);
    return this.until('a context menu on the row', async () => {
      if (!(await this.menuOpen())) {
        await row.click({ button: 'right' });
        if (!(await this.until('the context menu to open', () => this.menuOpen(), 3000).catch(() => false))) return false;
      }
      const labels = (await items.allInnerTexts()).map(t => t.trim()).filter(Boolean);
      return labels.length ? labels : false;
    }, timeout);
  }

  /**
   * Right-clicks the row and chooses a context-menu item as a person does: waits for the menu, and for the item to
   * be shown and enabled, moves the pointer onto it until the menu highlights it, clicks, and waits for the menu
   * to close (VS Code runs the item's action as it hides the menu). A VS Code menu item ignores a click that comes
   * within 100 ms of its being drawn (longer on a busy machine: a timer arms it), and the menu then stays open; so
   * while the menu is still open a few seconds after the click, the person clicks the item again. The caller
   * waits for what the item does (an editor opening, a notification).
   */
  async contextMenu(row, item, timeout = 30000) {
    await this.openContextMenu(row);
    const entry = this.menuItem(item);
    const enabled = async () => (await entry.isVisible()) && !/\bdisabled\b/.test((await entry.getAttribute('class')) ?? '');
    await this.until(`the context menu item '${item}', enabled`, enabled, 10000);
    let clicks = 0;
    await this.until(`the context menu to run '${item}' and close`, async () => {
      if (!(await this.menuOpen())) {
        if (clicks) return true;
        await this.openContextMenu(row); // it closed before the click (the focus moved): right-click again
        return false;
      }
      if (!(await enabled())) throw new JourneyFailure(`the context menu no longer offers '${item}' enabled (it shows ${JSON.stringify(await this.page.locator(`${MENU} .action-item .action-label`).allInnerTexts())})`);
      await entry.hover();
      await this.until(`'${item}' highlighted under the pointer`, async () => /\bfocused\b/.test((await entry.getAttribute('class')) ?? ''), 5000);
      if (clicks++) this.log(`the context menu is still open after clicking '${item}': clicking it again`);
      await entry.click();
      return this.until('the context menu to close', async () => !(await this.menuOpen()), 3000).catch(() => false);
    }, timeout);
  }

  /** The labels of the row's context menu; Escape closes it again. */
  async contextMenuItems(row) {
    const labels = await this.openContextMenu(row);
    await this.page.keyboard.press('Escape');
    await this.until('the context menu to close', async () => !(await this.menuOpen()), 5000);
    return labels;
  }

  // ---------- status bar, editors, webviews ----------

  async statusBarTexts() {
    return this.page.locator('.statusbar-item').evaluateAll(els => els.map(e => `${e.innerText.trim()}${e.getAttribute('aria-label') ? ` [${e.getAttribute('aria-label')}]` : ''}`).filter(Boolean));
  }

  async editorTabs() {
    return this.page.locator('.tabs-container .tab').evaluateAll(els => els.map(e => e.getAttribute('aria-label') ?? e.innerText));
  }

  /** The webview frame whose document has `selector` (webviews are nested iframes). */
  async webviewFrame(selector, timeout = 30000) {
    return this.until(`a webview showing ${selector}`, async () => {
      for (const f of this.page.frames()) {
        try { if (await f.locator(selector).count()) return f; } catch { /* frame detached */ }
      }
      return false;
    }, timeout);
  }

  /**
   * The whole text of each open text editor, read as a person reads a document longer than the screen: the
   * mouse over it, the wheel turned page by page (the focus stays where it is, so an open quick pick stays
   * open) until its scrollbar is at the end. Lines are put back together across word wraps by their line
   * numbers: returns, per editor, [{ n, text }] in order.
   */
  async readEditors() {
    const out = [];
    const editors = this.page.locator('.editor-instance .monaco-editor').filter({ has: this.page.locator('.view-lines') });
    for (let e = 0; e < await editors.count(); e++) {
      const ed = editors.nth(e);
      const box = await ed.boundingBox();
      if (!box) continue;
      await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const view = () => ed.evaluate(el => {
        const topOf = d => Number.parseFloat(d.style.top);
        const numbers = [...el.querySelectorAll('.margin-view-overlays > div')].map(d => ({ top: topOf(d), n: Number((d.querySelector('.line-numbers')?.textContent ?? '').trim()) || 0 }));
        const rows = [...el.querySelectorAll('.view-lines > .view-line')].map(d => ({ top: topOf(d), text: (d.textContent ?? '').replace(/\u00a0/g, ' ') })).sort((a, b) => a.top - b.top);
        const slider = el.querySelector('.scrollbar.vertical .slider');
        const track = el.querySelector('.scrollbar.vertical');
        const atEnd = !slider || !track || topOf(slider) + slider.getBoundingClientRect().height >= track.getBoundingClientRect().height - 1;
        const atStart = !slider || topOf(slider) <= 0;
        const scroll = Number.parseFloat(el.querySelector('.lines-content')?.style.top ?? '0');
        return { numbers, rows, atEnd, atStart, scroll };
      });
      const lines = new Map();
      const merge = v => {
        const byTop = new Map(v.numbers.filter(x => x.n).map(x => [x.top, x.n]));
        let current;
        let start = 0;
        for (const r of v.rows) {
          if (byTop.has(r.top)) { current = byTop.get(r.top); start = r.top; }
          if (current === undefined) continue; // a wrapped part whose line began above the screen: read when scrolled up
          const pieces = lines.get(current) ?? new Map();
          pieces.set(r.top - start, r.text);
          lines.set(current, pieces);
        }
      };
      const toTop = async () => {
        for (let v = await view(); !v.atStart;) {
          await this.page.mouse.wheel(0, -100000);
          const before = v.scroll;
          v = await this.until('the document to scroll up', async () => { const now = await view(); return now.scroll !== before ? now : false; }, 5000);
        }
      };
      // to the top, then a page at a time to the end, and back to the top (where a person starts reading again)
      await toTop();
      for (let i = 0; i < 500; i++) {
        const v = await view();
        merge(v);
        if (v.atEnd) break;
        await this.page.mouse.wheel(0, Math.max(100, box.height * 0.6));
        await this.until('the document to scroll down', async () => (await view()).scroll !== v.scroll, 5000);
      }
      await toTop();
      out.push([...lines.entries()].sort((a, b) => a[0] - b[0]).map(([n, pieces]) => ({ n, text: [...pieces.entries()].sort((a, b) => a[0] - b[0]).map(([, t], i) => (i ? t.trimStart() : t)).join('') })));
    }
    return out;
  }

  async webviewTexts() {
    const out = [];
    for (const f of this.page.frames()) {
      if (f === this.page.mainFrame() || /webWorkerExtensionHost/i.test(f.url())) continue;
      try { const t = await f.locator('body').innerText({ timeout: 500 }); if (t.trim()) out.push(t.trim()); } catch { /* detached or empty */ }
    }
    return out;
  }

  /** Everything on screen a failure report should show. */
  async screen() {
    const safe = async (f, d) => { try { return await f(); } catch { return d; } };
    return {
      quickInput: await safe(async () => (await this.quickVisible()) ? await this.quickText() : null, null),
      quickInputHistory: (await this.quickInputHistory()).slice(-10),
      notifications: await safe(() => this.toastTexts(), []),
      seenNotifications: this.seen,
      tasksTree: await safe(async () => (await this.treeRows()).map(r => `${'  '.repeat(Math.max(0, r.level - 1))}${r.text}`), []),
      welcome: await safe(async () => (await this.welcome().isVisible()) ? await this.welcome().innerText() : null, null),
      statusBar: await safe(() => this.statusBarTexts(), []),
      editorTabs: await safe(() => this.editorTabs(), []),
      dialogs: await safe(() => this.page.locator('.monaco-dialog-box').allInnerTexts(), []),
      webviews: await safe(async () => (await this.webviewTexts()).map(t => t.slice(0, 1500)), []),
    };
  }
}
