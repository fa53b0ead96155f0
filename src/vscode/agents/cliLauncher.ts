// Writes the launcher that agents' configurations name (src/core/agents/setup/launcher.ts) into the
// extension's global storage: at each start of the extension, so after an update it runs the new
// version's CLI, and before Set Up Agents writes a configuration naming it.
import { promises as fsp } from 'fs';
import * as path from 'path';
import { launcherName, launcherScript } from '../../core/agents/setup/launcher';
import { writeFileAtomic } from '../../node/fileSystem';

export interface LauncherPlace {
  /** The extension's global storage folder (kept across updates). */
  globalStorage: string;
  /** The installed extension's folder (its name has the version in it). */
  extensionPath: string;
  extensionId: string;
}

/** Writes the launcher when it is missing or names another version; returns its path. */
export async function writeCliLauncher(place: LauncherPlace): Promise<string> {
  const file = path.join(place.globalStorage, launcherName);
  const text = launcherScript({
    cliPath: path.join(place.extensionPath, 'dist', 'cli.js'),
    extensionsFolder: path.dirname(place.extensionPath),
    extensionId: place.extensionId,
  });
  const now = await fsp.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (now === text) return file;
  await fsp.mkdir(place.globalStorage, { recursive: true });
  // an agent starting it meanwhile reads the old or the new one whole
  await writeFileAtomic(file, text, { mode: 0o755 });
  return file;
}
