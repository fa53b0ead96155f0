// Task logs on the real file system: appends in order, a log read while its file is kept open has
// every line appended so far, and an append that fails says so and the next one opens the file again.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeTaskLogs } from '../../../src/node/taskLogs';

describe('task logs on disk', () => {
  let folder: string;
  beforeEach(() => {
    folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-logs-')), 'logs');
  });
  afterEach(() => fs.rmSync(path.dirname(folder), { recursive: true, force: true }));

  it('keeps every append, in order, and reads them back while the file is still open', async () => {
    const logs = nodeTaskLogs(folder);
    await Promise.all(Array.from({ length: 50 }, (_, i) => logs.append('t/1', `line ${i}\n`)));
    for (let i = 50; i < 60; i++) await logs.append('t/1', `line ${i}\n`);
    const text = await logs.read('t/1');
    assert.deepStrictEqual(
      text.trim().split('\n'),
      Array.from({ length: 60 }, (_, i) => `line ${i}`),
    );
    assert.strictEqual(await logs.size('t/1'), Buffer.byteLength(text));
    assert.strictEqual(logs.location('t/1'), path.join(folder, 't_1.log'));
  });

  it('says when an append fails, opens the file again for the next one, and after a pause appends to the same file', async () => {
    const logs = nodeTaskLogs(folder);
    await logs.append('other', 'makes the folder\n');
    fs.mkdirSync(logs.location('t')); // something in the way of the log's file
    await assert.rejects(logs.append('t', 'lost\n'), /EISDIR/);
    fs.rmdirSync(logs.location('t'));
    await logs.append('t', 'first\n');
    await new Promise(r => setTimeout(r, 2_100)); // the file closes after 2 s without appends
    await logs.append('t', 'second\n');
    assert.strictEqual(await logs.read('t'), 'first\nsecond\n');
  });
});
