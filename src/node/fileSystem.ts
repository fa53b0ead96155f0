// FileSystemPort over Node's fs, shared by the VS Code layer and the CLI. The durability of the
// store rests on three calls here: fdatasync after each append, fsync before rename, and fsync of
// the folder after a rename or a new file (so the directory entry itself survives a crash).
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { AppendOnlyFile, FileSystemPort } from '../core/ports';

export const nodeFileSystem: FileSystemPort = {
  async readFile(file) {
    try {
      const buffer = await fsp.readFile(file);
      // A view, not a copy: copying tens of megabytes (a large store's snapshot) holds the thread
      // for a long time. Only a small file in Node's shared pool of buffers is copied out of it,
      // so that nobody holds (or transfers to a worker) the whole pool.
      return buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength
        ? new Uint8Array(buffer.buffer, 0, buffer.byteLength)
        : new Uint8Array(buffer);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  },

  async writeFileAtomic(file, data) {
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    const handle = await fsp.open(tmp, 'w');
    try {
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(tmp, file);
    } catch (err) {
      // A part-written copy (a full disk) would hold on to the space the next try needs.
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    await syncFolder(path.dirname(file));
  },

  async openAppendOnly(file): Promise<AppendOnlyFile> {
    const existed = await exists(file);
    const handle = await fsp.open(file, 'a');
    if (!existed) await syncFolder(path.dirname(file));
    return {
      async append(data) {
        let offset = 0;
        while (offset < data.length) {
          const { bytesWritten } = await handle.write(data, offset, data.length - offset);
          offset += bytesWritten;
        }
        await handle.datasync();
      },
      close: () => handle.close(),
    };
  },

  async list(dir) {
    try {
      return await fsp.readdir(dir);
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
  },

  async mkdirp(dir) {
    await fsp.mkdir(dir, { recursive: true });
  },

  async remove(file) {
    await fsp.rm(file, { force: true });
  },

  async size(file) {
    try {
      return (await fsp.stat(file)).size;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  },
};

async function syncFolder(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}
