// Shows a report (Health, Known Errors, Performance Report) in a read-only webview panel: one
// panel per report, revealed and refreshed when the command runs again, nothing to save and no
// `Untitled-N` document left behind. The page itself is built by reportHtml.ts.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Chart } from '../../core/execution/guards/reports';
import { reportPageHtml } from './reportHtml';

export type ReportKind = 'health' | 'knownErrors' | 'performance';

/** The panels open now; each leaves this map when it is closed (so nothing outlives its panel). */
const open = new Map<ReportKind, vscode.WebviewPanel>();

/** VS Code's own codicon font, so the page's icons are the workbench's (absent if a build moves it). */
function codiconFolder(): vscode.Uri | undefined {
  const folder = path.join(vscode.env.appRoot, 'out', 'media');
  return fs.existsSync(path.join(folder, 'codicon.ttf')) ? vscode.Uri.file(folder) : undefined;
}

export function showReport(
  extensionUri: vscode.Uri,
  kind: ReportKind,
  title: string,
  markdown: string,
  charts: readonly Chart[] = [],
): void {
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  const icons = codiconFolder();
  let panel = open.get(kind);
  if (panel) panel.reveal(undefined, false);
  else {
    panel = vscode.window.createWebviewPanel(`continuum.report.${kind}`, title, vscode.ViewColumn.Active, {
      enableScripts: false,
      enableFindWidget: true,
      localResourceRoots: [media, ...(icons ? [icons] : [])],
    });
    panel.iconPath = vscode.Uri.joinPath(media, 'continuum.svg');
    const created = panel;
    created.onDidDispose(() => {
      if (open.get(kind) === created) open.delete(kind);
    });
    open.set(kind, created);
  }
  const webview = panel.webview;
  webview.html = reportPageHtml({
    title,
    markdown,
    charts,
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'reports.css')).toString(),
    ...(icons ? { codiconFontUri: webview.asWebviewUri(vscode.Uri.joinPath(icons, 'codicon.ttf')).toString() } : {}),
  });
}
