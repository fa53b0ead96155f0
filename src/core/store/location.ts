import * as path from 'path';

export interface StoreLocationInputs {
  /** The `continuum.storagePath` setting ('' when unset). */
  setting: string;
  /** The workspace's own storage folder, when a folder or workspace is open. */
  workspaceStorage?: string;
  /** The extension's global storage folder, used when no folder is open. */
  globalStorage: string;
  /** The first workspace folder, against which a relative setting is resolved. */
  workspaceFolder?: string;
}

/** Where the store lives: the setting if given, else the workspace's storage, else global storage. */
export function chooseStoreFolder(inputs: StoreLocationInputs): string {
  const setting = inputs.setting.trim();
  if (setting) {
    if (path.isAbsolute(setting)) return path.normalize(setting);
    if (inputs.workspaceFolder) return path.resolve(inputs.workspaceFolder, setting);
    return path.resolve(inputs.globalStorage, setting);
  }
  return inputs.workspaceStorage ?? inputs.globalStorage;
}
