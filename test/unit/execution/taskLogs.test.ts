import * as assert from 'assert';
import type { TaskLogPort } from '../../../src/core/execution/ports';
import { silentLogger } from '../../../src/core/ports';
import { TaskLogs } from '../../../src/core/execution/taskLogs';

/** A log port on a disk that answers on a later turn of the event loop, counting its appends. */
function slowDisk(): TaskLogPort & { appends: string[]; text(id: string): string } {
  const files = new Map<string, string>();
  const appends: string[] = [];
  const later = () => new Promise<void>(resolve => setImmediate(resolve));
  return {
    appends,
    text: id => files.get(id) ?? '',
    async append(taskId, text) {
      await later();
      appends.push(text);
      files.set(taskId, (files.get(taskId) ?? '') + text);
    },
    async size(taskId) {
      await later();
      return Buffer.byteLength(files.get(taskId) ?? '');
    },
    read: async taskId => files.get(taskId) ?? '',
    location: taskId => `/logs/${taskId}.log`,
  };
}

describe('task logs', () => {
  it('writes the lines appended while the disk is busy as one append, in order', async () => {
    const disk = slowDisk();
    const logs = new TaskLogs(disk, silentLogger);
    logs.append('t1', 'one\n');
    await new Promise(r => setImmediate(r)); // the first write is under way
    for (const line of ['two\n', 'three\n', 'four\n']) logs.append('t1', line);
    await logs.flush('t1');
    assert.strictEqual(disk.text('t1'), 'one\ntwo\nthree\nfour\n');
    assert.deepStrictEqual(disk.appends, ['one\n', 'two\nthree\nfour\n']);
    logs.append('t1', 'five\n');
    await logs.flush('t1');
    assert.strictEqual(disk.text('t1'), 'one\ntwo\nthree\nfour\nfive\n');
  });

  it('still keeps a log to its cap when its lines are written together', async () => {
    const disk = slowDisk();
    const logs = new TaskLogs(disk, silentLogger, 10);
    for (const line of ['12345\n', '67890\n', 'abcde\n']) logs.append('t1', line);
    await logs.flush('t1');
    assert.match(disk.text('t1'), /^12345\n6789\n\[Continuum: this log reached its limit/);
  });
});
