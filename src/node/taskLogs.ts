// TaskLogPort over Node's fs: one file per task in a `logs` folder beside the store.
import { promises as fsp } from 'fs';
import * as path from 'path';
import type { TaskLogPort } from '../core/execution/ports';

export function nodeTaskLogs(folder: string): TaskLogPort {
  let made: Promise<unknown> | undefined;
  const file = (taskId: string) => path.join(folder, `${taskId.replace(/[^\w.-]/g, '_')}.log`);
  return {
    async append(taskId, text) {
      made ??= fsp.mkdir(folder, { recursive: true });
      await made;
      await fsp.appendFile(file(taskId), text, 'utf8');
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
