// The checkpoint timeline page. Everything from the host is set with textContent (never HTML);
// the selection survives reloads through getState/setState.
import type { HostToPage, PageToHost, TimelineDetail, TimelineEntry, TimelineState } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: PageToHost): void;
  getState(): TimelineState | undefined;
  setState(state: TimelineState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let state: TimelineState = vscode.getState() ?? {};
let entries: TimelineEntry[] = [];

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label: string, message: PageToHost): HTMLButtonElement {
  const b = el('button', 'action', label);
  b.addEventListener('click', () => vscode.postMessage(message));
  return b;
}

function select(id: string, focus: boolean): void {
  state = { ...state, selectedId: id };
  vscode.setState(state);
  for (const item of app.querySelectorAll<HTMLElement>('.entry')) {
    const on = item.dataset.id === id;
    item.setAttribute('aria-selected', String(on));
    item.tabIndex = on ? 0 : -1;
    if (on && focus) item.focus();
  }
  vscode.postMessage({ type: 'select', id });
}

function renderEntries(title: string, space: string | undefined): void {
  app.replaceChildren();
  app.append(el('h1', 'title', title));
  if (space) app.append(el('p', 'space', space));
  if (!entries.length) {
    app.append(
      el(
        'p',
        'empty',
        'No checkpoints yet. Create one with "Continuum: Create Checkpoint"; running sessions save them every few tasks and when paused.',
      ),
    );
    return;
  }
  const layout = el('div', 'layout');
  const list = el('ol', 'timeline');
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Checkpoints, newest first');
  for (const e of entries) {
    const item = el('li', `entry trigger-${e.trigger}`);
    item.dataset.id = e.id;
    item.setAttribute('role', 'option');
    item.append(el('span', 'dot'));
    const body = el('div', 'body');
    body.append(el('div', 'time', new Date(e.createdAt).toLocaleString()));
    body.append(el('div', 'trigger', e.triggerLabel));
    if (e.note) body.append(el('div', 'note', e.note));
    body.append(
      el(
        'div',
        'facts',
        `${e.tasksDone}/${e.taskCount} tasks done · ${e.filesChanged === undefined ? 'task state only' : `${e.filesChanged} file${e.filesChanged === 1 ? '' : 's'} changed`}`,
      ),
    );
    item.append(body);
    item.addEventListener('click', () => select(e.id, true));
    list.append(item);
  }
  list.addEventListener('keydown', event => {
    const index = entries.findIndex(e => e.id === state.selectedId);
    const to =
      event.key === 'ArrowDown'
        ? index + 1
        : event.key === 'ArrowUp'
          ? index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? entries.length - 1
              : undefined;
    if (to !== undefined) {
      event.preventDefault();
      select(entries[Math.max(0, Math.min(entries.length - 1, to))].id, true);
    } else if (event.key === 'Enter' && state.selectedId) {
      vscode.postMessage({ type: 'restore', id: state.selectedId });
    }
  });
  layout.append(list, el('section', 'detail'));
  app.append(layout);
  const selected = entries.some(e => e.id === state.selectedId) ? state.selectedId! : entries[0].id;
  select(selected, false);
}

function renderDetail(detail: TimelineDetail): void {
  const pane = app.querySelector('.detail');
  if (!pane || detail.id !== state.selectedId) return;
  pane.replaceChildren();
  const actions = el('div', 'actions');
  actions.append(button('Restore…', { type: 'restore', id: detail.id }));
  // a checkpoint of the task state only has no files to compare or branch from
  if (detail.hasFiles)
    actions.append(
      button('Compare with Current', { type: 'compare', id: detail.id }),
      button('Create Branch Here', { type: 'createBranch', id: detail.id }),
    );
  pane.append(actions);
  if (detail.hasFiles) renderFiles(pane, detail);
  else pane.append(el('p', 'empty', 'This checkpoint holds the task state only (no snapshot of the files).'));
  renderTasks(pane, detail);
}

function renderFiles(pane: Element, detail: TimelineDetail): void {
  pane.append(
    el(
      'h2',
      undefined,
      detail.filesAre === 'current' ? 'Files that differ from now' : 'Files changed at this checkpoint',
    ),
  );
  if (!detail.files.length)
    pane.append(
      el(
        'p',
        'empty',
        detail.filesAre === 'current' ? 'The files are as the checkpoint saved them.' : 'No files changed.',
      ),
    );
  const files = el('ul', 'files');
  for (const f of detail.files.slice(0, 500)) {
    const li = el('li');
    const link = el('button', 'file', f.path);
    link.title = "Open a diff: the checkpoint's version against the file now";
    link.addEventListener('click', () => vscode.postMessage({ type: 'openDiff', id: detail.id, path: f.path }));
    li.append(link, el('span', 'what', f.what));
    files.append(li);
  }
  pane.append(files);
  if (detail.files.length > 500) pane.append(el('p', 'empty', `… and ${detail.files.length - 500} more`));
}

/** The tasks whose status differs from now (what a restore changes); all of them on demand. */
function renderTasks(pane: Element, detail: TimelineDetail): void {
  const differing = detail.tasks.filter(t => t.now !== undefined);
  const showAll = state.allTasks === true;
  const shown = showAll ? detail.tasks : differing;
  pane.append(
    el('h2', undefined, showAll ? `Tasks at this checkpoint (${detail.tasks.length})` : 'Tasks that differ from now'),
  );
  if (!shown.length) pane.append(el('p', 'empty', 'Every task is as it was at this checkpoint.'));
  const tasks = el('ul', 'tasks');
  for (const t of shown) {
    const li = el('li', `status-${t.status}`);
    li.append(
      el('span', 'status', t.now !== undefined ? `${t.status} → ${t.now}` : t.status),
      el('span', 'task', t.title),
    );
    tasks.append(li);
  }
  pane.append(tasks);
  if (detail.tasks.length > differing.length || showAll) {
    const toggle = el(
      'button',
      'link',
      showAll ? 'Show only the tasks that differ from now' : `Show all ${detail.tasks.length} tasks`,
    );
    toggle.addEventListener('click', () => {
      state = { ...state, allTasks: !showAll };
      vscode.setState(state);
      renderDetail(detail);
    });
    pane.append(toggle);
  }
}

let title = 'Checkpoints';
let space: string | undefined;
window.addEventListener('message', (event: MessageEvent<HostToPage>) => {
  const message = event.data;
  if (message.type === 'entries') {
    entries = message.entries;
    title = message.title;
    space = message.space;
    renderEntries(title, space);
  } else if (message.type === 'detail') {
    renderDetail(message.detail);
  } else if (message.type === 'error') {
    const p = el('p', 'error', message.message);
    p.setAttribute('role', 'alert');
    app.prepend(p);
  }
});
vscode.postMessage({ type: 'ready' });
