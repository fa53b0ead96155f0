// The "inside the workspace" check on a real file system, with real symbolic links and processes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { realWorkspaceCwd } from '../../../src/core/execution/commandLine';
import { nodeProcesses } from '../../../src/node/processes';
import { MemoryTaskLogs } from '../fakes/fakeProcesses';
import { ScriptedQuestions, makeExecWorld } from './world';

describe('a task folder behind a symbolic link', () => {
  let root: string;
  let ws: string;
  let outside: string;
  const real = (p: string) => nodeProcesses.realPath(p);

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-cwd-'));
    ws = path.join(root, 'ws');
    outside = path.join(root, 'outside');
    fs.mkdirSync(path.join(ws, 'inner'), { recursive: true });
    fs.mkdirSync(outside);
    fs.symlinkSync(path.join(ws, 'inner'), path.join(ws, 'link-in'));
    fs.symlinkSync(outside, path.join(ws, 'link-out'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is allowed when the link leads to a folder inside the workspace', async () => {
    assert.strictEqual(await realWorkspaceCwd(ws, 'link-in', real), path.join(ws, 'link-in'));
    assert.strictEqual(await realWorkspaceCwd(ws, 'inner', real), path.join(ws, 'inner'));
    assert.strictEqual(await realWorkspaceCwd(ws, undefined, real), ws);
  });

  it('is refused when the link leads outside, saying where it really is and what to do', async () => {
    fs.mkdirSync(path.join(outside, 'sub'));
    for (const cwd of ['link-out', 'link-out/sub', 'inner/../link-out']) {
      await assert.rejects(realWorkspaceCwd(ws, cwd, real), (err: Error) => {
        assert.match(err.message, /leads outside the workspace through a symbolic link: it is really /);
        assert.ok(err.message.includes(fs.realpathSync(outside)), err.message);
        assert.match(err.message, /edit the task's cwd to a real folder inside it/);
        return true;
      });
    }
  });

  it('is refused when the folder does not exist', async () => {
    await assert.rejects(
      realWorkspaceCwd(ws, 'missing', real),
      /folder 'missing' does not exist .* Create it, or edit the task's cwd/,
    );
  });

  it('holds for the whole workspace opened through a link', async () => {
    const linkedWs = path.join(root, 'ws-link');
    fs.symlinkSync(ws, linkedWs);
    assert.strictEqual(await realWorkspaceCwd(linkedWs, 'inner', real), path.join(linkedWs, 'inner'));
    await assert.rejects(realWorkspaceCwd(linkedWs, 'link-out', real), /leads outside the workspace/);
  });

  it('fails the task before its command runs, and runs the one whose link stays inside', async () => {
    const w = await makeExecWorld();
    const executor = w.newExecutor({
      workspace: ws,
      ports: {
        processes: nodeProcesses,
        hostTasks: { run: async () => ({ code: null }) },
        trust: { isTrusted: () => true },
        logs: new MemoryTaskLogs(),
        questions: new ScriptedQuestions(),
      },
    });
    const escaping = await w.shell('write outside', 'touch made-here', {
      action: { kind: 'shell', command: 'touch made-here', cwd: 'link-out' },
    });
    const staying = await w.shell('write inside', 'touch made-here', {
      action: { kind: 'shell', command: 'touch made-here', cwd: 'link-in' },
    });
    const summary = await (await executor.run(await w.session([escaping, staying]))).finished;
    assert.strictEqual(summary.done, 1);
    assert.strictEqual(w.tasks.get(escaping)!.status, 'failed');
    assert.match(w.tasks.get(escaping)!.error!, /leads outside the workspace through a symbolic link/);
    assert.ok(!fs.existsSync(path.join(outside, 'made-here')), 'nothing ran outside the workspace');
    assert.ok(fs.existsSync(path.join(ws, 'inner', 'made-here')));
  });
});
