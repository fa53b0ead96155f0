// The CLI's workspace files for lm tasks on the real file system: atomic writes that keep a file's
// permissions, and symbolic links followed and checked.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { workspacePath } from '../../../src/core/lm/files';
import { nodeWorkspaceFiles } from '../../../src/node/lm/workspaceFiles';

describe("the CLI's workspace files for lm tasks", () => {
  let dir: string;
  let ws: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-lm-files-')));
    ws = path.join(dir, 'ws');
    fs.mkdirSync(ws);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a file whole, creating its folders, keeping its permissions, and leaving no temporary file', async () => {
    const script = path.join(ws, 'run.sh');
    fs.writeFileSync(script, 'old');
    fs.chmodSync(script, 0o755);
    await nodeWorkspaceFiles.writeText(script, 'new');
    await nodeWorkspaceFiles.writeText(path.join(ws, 'a', 'b', 'c.txt'), 'deep');
    assert.strictEqual(fs.readFileSync(script, 'utf8'), 'new');
    assert.strictEqual(fs.statSync(script).mode & 0o777, 0o755);
    assert.strictEqual(fs.readFileSync(path.join(ws, 'a', 'b', 'c.txt'), 'utf8'), 'deep');
    assert.deepStrictEqual(fs.readdirSync(ws).sort(), ['a', 'run.sh']);
  });

  it('refuses a path through a real symbolic link that leads out of the workspace, and allows one that stays inside', async () => {
    fs.mkdirSync(path.join(dir, 'outside'));
    fs.symlinkSync(path.join(dir, 'outside'), path.join(ws, 'out'));
    fs.mkdirSync(path.join(ws, 'src'));
    fs.symlinkSync(path.join(ws, 'src'), path.join(ws, 'alias'));
    await assert.rejects(
      workspacePath(ws, 'out/new.txt', nodeWorkspaceFiles, true),
      /leads outside the workspace through a symbolic link/,
    );
    assert.strictEqual(
      await workspacePath(ws, 'alias/new.txt', nodeWorkspaceFiles, true),
      path.join(ws, 'alias', 'new.txt'),
    );
    assert.strictEqual(await nodeWorkspaceFiles.readText(path.join(ws, 'missing.txt')), undefined);
    assert.deepStrictEqual((await nodeWorkspaceFiles.entries(ws)).map(e => `${e.name}${e.folder ? '/' : ''}`).sort(), [
      'alias',
      'out',
      'src/',
    ]);
  });
});
