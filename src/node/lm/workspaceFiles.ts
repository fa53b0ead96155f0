// The workspace's files for `lm` tasks in the CLI: each edit written atomically (a temporary file
// beside it, fsynced, renamed over it, the folder fsynced), keeping the file's permissions.
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { WorkspaceFilesPort } from '../../core/lm/files';
import { writeFileAtomic } from '../fileSystem';

const notFound = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

export const nodeWorkspaceFiles: WorkspaceFilesPort = {
  async realPath(p) {
    try {
      return await fsp.realpath(p);
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  },

  async readText(p) {
    try {
      return await fsp.readFile(p, 'utf8');
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  },

  async writeText(p, text) {
    await fsp.mkdir(path.dirname(p), { recursive: true });
    await writeFileAtomic(p, text, { mode: 'keep' });
  },

  async entries(dir) {
    try {
      return (await fsp.readdir(dir, { withFileTypes: true })).map(e => ({ name: e.name, folder: e.isDirectory() }));
    } catch (err) {
      if (notFound(err)) return [];
      throw err;
    }
  },
};
