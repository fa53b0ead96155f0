// The workspace's files for `lm` tasks in the CLI: each edit written atomically (a temporary file
// beside it, fsynced, renamed over it, the folder fsynced), keeping the file's permissions.
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { WorkspaceFilesPort } from '../../core/lm/files';

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
    const dir = path.dirname(p);
    await fsp.mkdir(dir, { recursive: true });
    const mode = await fsp.stat(p).then(
      s => s.mode & 0o7777,
      () => 0o666,
    );
    const tmp = path.join(dir, `.${path.basename(p)}.${process.pid}.${Date.now()}.continuum-tmp`);
    try {
      const handle = await fsp.open(tmp, 'w', mode);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(tmp, p);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    const folder = await fsp.open(dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
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
