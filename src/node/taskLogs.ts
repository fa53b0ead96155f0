// TaskLogPort over Node's fs: one file per task in a `logs` folder beside the store. A log written
// in the last few seconds keeps its file open (an lm task appends its transcript every turn, a
// shell task its output as it comes): opening and closing the file for each append cost more than
// the write.
import { promises as fsp, type promises } from 'fs';
import * as path from 'path';
import type { TaskLogPort } from '../core/execution/ports';

/** How long a log's file stays open after its last append. */
const idleCloseMs = 2_000;

interface OpenLog {
  handle: Promise<promises.FileHandle>;
  /** The appends so far, one after another: concurrent writes to one handle may land in any order. */
  queue: Promise<unknown>;
  writing: number;
  timer?: NodeJS.Timeout;
}

export function nodeTaskLogs(folder: string): TaskLogPort {
  let made: Promise<unknown> | undefined;
  const file = (taskId: string) => path.join(folder, `${taskId.replace(/[^\w.-]/g, '_')}.log`);
  const open = new Map<string, OpenLog>();

  // every append has finished and reached the file: a failing close (or a file never opened) loses nothing
  const close = (log: OpenLog) => void log.handle.then(h => h.close()).catch(() => undefined);
  const closeWhenIdle = (taskId: string, log: OpenLog) => {
    log.timer = setTimeout(() => {
      if (open.get(taskId) !== log || log.writing) return;
      open.delete(taskId);
      close(log);
    }, idleCloseMs);
    log.timer.unref();
  };

  return {
    async append(taskId, text) {
      made ??= fsp.mkdir(folder, { recursive: true });
      await made;
      let log = open.get(taskId);
      if (!log) {
        const handle = fsp.open(file(taskId), 'a');
        log = { handle, queue: handle, writing: 0 };
        open.set(taskId, log);
      }
      clearTimeout(log.timer);
      log.writing++;
      try {
        const handle = log.handle;
        const appended = log.queue.then(async () => (await handle).appendFile(text, 'utf8'));
        log.queue = appended.catch(() => undefined); // the next append goes on; this one's caller hears of the failure
        await appended;
      } catch (err) {
        if (open.get(taskId) === log) open.delete(taskId); // the next append opens the file again
        throw err;
      } finally {
        log.writing--;
        if (!log.writing) {
          if (open.get(taskId) === log) closeWhenIdle(taskId, log);
          else close(log); // dropped after a failed append
        }
      }
    },
    async size(taskId) {
      try {
        return (await fsp.stat(file(taskId))).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw err;
      }
    },
    async read(taskId) {
      try {
        return await fsp.readFile(file(taskId), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
        throw err;
      }
    },
    location: file,
  };
}
