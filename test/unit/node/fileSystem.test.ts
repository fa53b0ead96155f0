// The Node file system port on the real disk: atomic writes (whole files, the permissions asked for
// whatever the umask, nothing left behind when the write fails) and reads from an offset.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem, writeFileAtomic } from '../../../src/node/fileSystem';

describe('the Node file system', () => {
  /** A new empty folder for each test (removed after it). */
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-fs-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('writing a file atomically', () => {
    it('gives a file the mode asked for, or the mode of the file it replaces, whatever the umask', async () => {
      const secret = path.join(dir, 'token');
      const shared = path.join(dir, 'shared');
      fs.writeFileSync(shared, 'old');
      fs.chmodSync(shared, 0o644);
      const before = process.umask(0o077);
      try {
        await writeFileAtomic(shared, 'new', { mode: 'keep' });
        process.umask(0);
        await writeFileAtomic(secret, 'one', { mode: 0o600 });
      } finally {
        process.umask(before);
      }
      assert.strictEqual(fs.statSync(shared).mode & 0o777, 0o644);
      assert.strictEqual(fs.readFileSync(shared, 'utf8'), 'new');
      assert.strictEqual(fs.statSync(secret).mode & 0o777, 0o600);
    });

    it('leaves the old file and no temporary file when the rename fails', async () => {
      const target = path.join(dir, 'taken');
      fs.mkdirSync(target); // a folder where the file should go: the rename fails
      fs.writeFileSync(path.join(target, 'inside'), 'x');
      await assert.rejects(writeFileAtomic(target, 'data'));
      assert.deepStrictEqual(fs.readdirSync(dir), ['taken']);
    });
  });

  describe('reading a file from an offset', () => {
    it('gives the bytes from the offset to the end, none past the end, and nothing for a missing file', async () => {
      const file = path.join(dir, 'journal-000001.log');
      fs.writeFileSync(file, 'abcdefghij');
      assert.strictEqual(Buffer.from((await nodeFileSystem.readFrom(file, 6))!).toString(), 'ghij');
      assert.strictEqual(Buffer.from((await nodeFileSystem.readFrom(file, 0))!).toString(), 'abcdefghij');
      assert.strictEqual((await nodeFileSystem.readFrom(file, 10))!.length, 0);
      assert.strictEqual((await nodeFileSystem.readFrom(file, 50))!.length, 0);
      assert.strictEqual(await nodeFileSystem.readFrom(path.join(dir, 'missing'), 0), undefined);
    });
  });
});
