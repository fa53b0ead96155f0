// The store folder VS Code uses for a workspace folder, found from a terminal: the
// `continuum.storagePath` setting in the folder's .vscode/settings.json if it is set, else the
// extension's storage in VS Code's workspaceStorage, whose per-workspace folder (named by a hash
// VS Code computes) holds a workspace.json naming the folder it belongs to.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { readSetting } from '../../core/settings';
import { chooseStoreFolder } from '../../core/store/location';
import { workspaceSettings } from '../workspaceSettings';

/** The extension's id (publisher.name): the name of its folder in VS Code's storage. */
export const extensionId = 'continuum.continuum';

/** Where VS Code and its relatives keep their user data, on this platform. */
export function editorDataFolders(
  platform: NodeJS.Platform = process.platform,
  home = os.homedir(),
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const names = ['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf'];
  const base =
    platform === 'darwin'
      ? path.join(home, 'Library', 'Application Support')
      : platform === 'win32'
        ? (env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
        : (env.XDG_CONFIG_HOME ?? path.join(home, '.config'));
  const folders = names.map(n => path.join(base, n));
  if (platform !== 'win32')
    folders.push(path.join(home, '.vscode-server', 'data'), path.join(home, '.local', 'share', 'code-server'));
  return folders;
}

export interface WorkspaceStore {
  folder?: string;
  /** Why none was found, in words for the person, when `folder` is undefined. */
  problem?: string;
}

export function storeOfWorkspace(
  workspace: string,
  dataFolders: readonly string[] = editorDataFolders(),
): WorkspaceStore {
  const root = path.resolve(workspace);
  const settings = workspaceSettings(root);
  const configured = readSetting(settings.source, 'storagePath');
  if (configured.trim()) {
    return { folder: chooseStoreFolder({ setting: configured, workspaceFolder: root, globalStorage: root }) };
  }
  const found: Array<{ folder: string; mtime: number }> = [];
  for (const data of dataFolders) {
    const storage = path.join(data, 'User', 'workspaceStorage');
    let entries: string[];
    try {
      entries = fs.readdirSync(storage);
    } catch {
      continue; // this editor is not installed
    }
    for (const entry of entries) {
      const named = readWorkspaceFolder(path.join(storage, entry, 'workspace.json'));
      if (!named || !samePath(named, root)) continue;
      const folder = path.join(storage, entry, extensionId);
      try {
        found.push({ folder, mtime: fs.statSync(folder).mtimeMs });
      } catch {
        // VS Code has storage for the folder, but Continuum never opened it there
      }
    }
  }
  found.sort((a, b) => b.mtime - a.mtime);
  if (found.length) return { folder: found[0].folder };
  return {
    problem: `no Continuum store was found for ${root}: open the folder in VS Code with Continuum once (it makes the store), or say which store with --store DIR`,
  };
}

function readWorkspaceFolder(file: string): string | undefined {
  try {
    const uri = (JSON.parse(fs.readFileSync(file, 'utf8')) as { folder?: unknown }).folder;
    if (typeof uri !== 'string' || !uri.startsWith('file:')) return undefined;
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string) => {
    const resolved = path.resolve(p).replace(/[\\/]+$/, '');
    return process.platform === 'win32' || process.platform === 'darwin' ? resolved.toLowerCase() : resolved;
  };
  return norm(a) === norm(b);
}
