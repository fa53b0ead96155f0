// Continuum's settings as VS Code holds them, read through the one settings table (src/core/settings.ts).
import * as vscode from 'vscode';
import { readSetting, type SettingKey, type SettingsSource, type SettingValue } from '../core/settings';

/** The `continuum.*` configuration (of a folder or file when `scope` is given), read each time it is asked. */
export function vscodeSettings(scope?: vscode.ConfigurationScope): SettingsSource {
  return key => vscode.workspace.getConfiguration('continuum', scope).get(key);
}

/** One setting, typed, with its default and limits applied. */
export function setting<K extends SettingKey>(key: K, scope?: vscode.ConfigurationScope): SettingValue<K> {
  return readSetting(vscodeSettings(scope), key);
}

/**
 * Writes one setting where it is set now (a folder's, the workspace's), else in the user settings,
 * so that a choice the person makes takes effect in the place that decides it; undefined removes it.
 */
export async function writeSetting(key: SettingKey, value: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration('continuum');
  const inspected = config.inspect(key);
  const target =
    inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await config.update(key, value, target);
}
