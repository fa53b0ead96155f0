// The checkpoint timeline: a webview panel (strict CSP, script by nonce, resources only from
// dist/webview and media) talking to src/webview/timeline.ts through src/shared/protocol.ts.
// Restored after a reload by the serializer registered in checkpointUi.ts.
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { Continuum } from '../../core/continuum';
import type { HostToPage, PageToHost, TimelineState } from '../../shared/protocol';
import { openCheckpointDiff } from '../checkpoints/checkpointDocuments';
import type { ContinuumHost } from '../host';
import { checkpointDetail, compareWithCurrent, timelineEntries } from './timelineData';

export const timelineViewType = 'continuum.timeline';

export class TimelinePanel implements vscode.Disposable {
  private static current: TimelinePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** "Checkpoints: 12 snapshots of the files, 8.4 MB", as last measured. */
  private space: string | undefined;

  /** Shows the one timeline panel, creating it when needed. */
  static async show(host: ContinuumHost): Promise<TimelinePanel> {
    if (TimelinePanel.current) {
      TimelinePanel.current.panel.reveal();
      return TimelinePanel.current;
    }
    // After a reload VS Code restores the timeline's tab but revives its page (through the
    // serializer) only once the tab is shown, and the API cannot show a tab: the new panel takes
    // the restored tab's place instead of opening beside it.
    const restored = vscode.window.tabGroups.all
      .flatMap(g => g.tabs)
      .filter(t => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(timelineViewType));
    const column = restored[0]?.group.viewColumn ?? vscode.ViewColumn.Beside;
    if (restored.length) await vscode.window.tabGroups.close(restored, true);
    if (TimelinePanel.current) return TimelinePanel.current; // revived meanwhile
    const panel = vscode.window.createWebviewPanel(
      timelineViewType,
      'Checkpoint Timeline',
      column,
      TimelinePanel.options(host.extensionUri),
    );
    return new TimelinePanel(panel, host);
  }

  static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(extensionUri, 'media'),
      ],
    };
  }

  static get open(): TimelinePanel | undefined {
    return TimelinePanel.current;
  }

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: ContinuumHost,
  ) {
    TimelinePanel.current = this;
    panel.webview.options = TimelinePanel.options(host.extensionUri);
    panel.webview.html = this.html(panel.webview);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: PageToHost) => void this.receive(m).catch(err => this.fail(err))),
    );
    void host.open().then(
      core => {
        const refresh = () => this.sendEntries(core);
        this.disposables.push(core.sessions.onDidCreateCheckpoint(refresh), core.sessions.onDidChange(refresh));
        if (core.files) this.disposables.push(core.files.onDidChange(() => this.measureSpace(core)));
      },
      err => this.fail(err),
    );
  }

  dispose(): void {
    if (TimelinePanel.current === this) TimelinePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private post(message: HostToPage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private sendEntries(core: Continuum): void {
    const { title, entries } = timelineEntries(core);
    this.post({ type: 'entries', title, entries, ...(this.space ? { space: this.space } : {}) });
  }

  /**
   * The space used needs a walk of the snapshot objects, so it is measured only when the snapshots
   * change (not on every session change) and sent after the list, not holding it up.
   */
  private measureSpace(core: Continuum): void {
    if (!core.files) return;
    void Promise.all([core.files.usage(), import('../../core/git/checkpointFiles')]).then(
      ([usage, { usageLine }]) => {
        this.space = usageLine(usage);
        this.sendEntries(core);
      },
      err => this.fail(err),
    );
  }

  private fail(err: unknown): void {
    this.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }

  private async receive(message: PageToHost): Promise<void> {
    const core = await this.host.open();
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendEntries(core);
        this.measureSpace(core);
        return;
      case 'select':
        this.post({ type: 'detail', detail: await checkpointDetail(core, message.id) });
        return;
      case 'compare':
        this.post({ type: 'detail', detail: await compareWithCurrent(core, message.id) });
        return;
      case 'openDiff': {
        const record = core.files?.record(message.id);
        if (!record || !core.files)
          throw new Error('This checkpoint has no snapshot of the files, so there is no diff to show.');
        await openCheckpointDiff(await core.files.workTree(), record.commit, message.path, 'checkpoint');
        return;
      }
      case 'restore':
        await vscode.commands.executeCommand('continuum.restoreCheckpoint', message.id);
        return;
      case 'createBranch':
        await vscode.commands.executeCommand('continuum.createBranchAtCheckpoint', message.id);
        return;
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.host.extensionUri, 'dist', 'webview', 'timeline.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.host.extensionUri, 'media', 'timeline.css'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource}; font-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Checkpoint Timeline</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }
}

/** Brings a timeline back after a reload; the page restores its selection from its own state. */
export function timelineSerializer(host: ContinuumHost): vscode.WebviewPanelSerializer<TimelineState> {
  return {
    deserializeWebviewPanel: panel => {
      new TimelinePanel(panel, host);
      return Promise.resolve();
    },
  };
}
