// Every question Continuum asks the user goes through this port, so integration tests (where
// modal dialogs are refused) can answer them, and handlers stay thin.
import * as vscode from 'vscode';

export interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
  /** The item highlighted when the pick opens: what Enter takes (in a single pick, `picked` does not do this). */
  active?: boolean;
}

export interface Prompter {
  input(options: vscode.InputBoxOptions): Promise<string | undefined>;
  pick<T>(items: PickItem<T>[], options: vscode.QuickPickOptions): Promise<T | undefined>;
  pickMany<T>(items: PickItem<T>[], options: vscode.QuickPickOptions): Promise<T[] | undefined>;
  /** A non-modal notification with buttons; resolves to the button chosen. */
  notify(kind: 'info' | 'warning' | 'error', message: string, ...actions: string[]): Promise<string | undefined>;
  openFile(options: vscode.OpenDialogOptions): Promise<vscode.Uri | undefined>;
  saveFile(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined>;
}

/**
 * Continuum's questions stay open when the focus moves (`ignoreFocusOut`), until answered or Escape.
 * A command run from the Command Palette while a webview (the checkpoint timeline) is the active
 * editor got its first quick pick closed about 0.2 s after it opened: as the palette closes, VS Code
 * gives the focus back to the webview, which takes it asynchronously, after the pick has opened (seen
 * in the journeys: 2 of 4 Restore Checkpoint picks in a row, none with this option).
 */
const staysOpen = { ignoreFocusOut: true };

export const vscodePrompter: Prompter = {
  input: options => Promise.resolve(vscode.window.showInputBox({ ...staysOpen, ...options })),
  pick: async (items, options) =>
    (items.some(i => i.active)
      ? await pickWithActive(items, { ...staysOpen, ...options })
      : await vscode.window.showQuickPick(items, { ...staysOpen, ...options })
    )?.value,
  pickMany: async (items, options) =>
    (await vscode.window.showQuickPick(items, { ...staysOpen, ...options, canPickMany: true }))?.map(i => i.value),
  notify: (kind, message, ...actions) =>
    Promise.resolve(
      kind === 'error'
        ? vscode.window.showErrorMessage(message, ...actions)
        : kind === 'warning'
          ? vscode.window.showWarningMessage(message, ...actions)
          : vscode.window.showInformationMessage(message, ...actions),
    ),
  openFile: async options => (await vscode.window.showOpenDialog(options))?.[0],
  saveFile: options => Promise.resolve(vscode.window.showSaveDialog(options)),
};

/** showQuickPick cannot say which item Enter takes; a QuickPick with `activeItems` can. */
function pickWithActive<I extends vscode.QuickPickItem & { active?: boolean }>(
  items: I[],
  options: vscode.QuickPickOptions,
): Promise<I | undefined> {
  return new Promise(resolve => {
    const pick = vscode.window.createQuickPick<I>();
    Object.assign(pick, {
      title: options.title,
      placeholder: options.placeHolder,
      ignoreFocusOut: options.ignoreFocusOut ?? false,
      matchOnDescription: options.matchOnDescription ?? false,
      matchOnDetail: options.matchOnDetail ?? false,
    });
    pick.items = items;
    pick.activeItems = items.filter(i => i.active).slice(0, 1);
    let chosen: I | undefined;
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}
