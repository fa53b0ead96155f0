// FileSystemPort over Node's fs, shared by the VS Code layer and the CLI. The durability of the
// store rests on three calls here: fdatasync after each append, fsync before rename, and fsync of
// the folder after a rename or a new file (so the directory entry itself survives a crash).
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { AppendOnlyFile, FileSystemPort } from '../core/ports';

export interface AtomicWriteOptions {
  /**
   * The file's permissions: a mode (0o600 for a file only its owner may read, 0o755 for a script),
   * or 'keep' for those of the file it replaces. By default a new file's, as the umask makes them.
   */
  mode?: number | 'keep';
}

/**
 * Writes `file` so that a reader sees the old content or the new, never half of it, even after a
 * crash: a hidden temporary file beside it written and synced, renamed over it, and the folder synced.
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = path.dirname(file);
  const mode =
    options.mode === 'keep'
      ? await fsp.stat(file).then(
          s => s.mode & 0o7777,
          () => undefined,
        )
      : options.mode;
  // hidden, and ending in .tmp: the store removes what a crash leaves of these in its folders
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fsp.open(tmp, 'wx', mode ?? 0o666);
  try {
    try {
      // whatever the umask, and on a file system that ignored the mode at creation
      if (mode !== undefined) await handle.chmod(mode);
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
  await syncFolder(dir);
}

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
  async readFrom(file, offset) {
    let handle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    try {
      const { size } = await handle.stat();
      const bytes = new Uint8Array(Math.max(0, size - offset));
      let read = 0;
      while (read < bytes.length) {
        const { bytesRead } = await handle.read(bytes, read, bytes.length - read, offset + read);
        if (!bytesRead) break; // shortened since its size was taken
        read += bytesRead;
      }
      return bytes.subarray(0, read);
    } finally {
      await handle.close();
    }
  },

  writeFileAtomic: (file, data) => writeFileAtomic(file, data),

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
