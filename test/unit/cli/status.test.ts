// `continuum status` (a real process) on a session its closed window left waiting for a person's
// to-do: it says the session waits for you, not that it was interrupted — nothing of it was cut off.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { bundleForNode } from '../fakes/bundledCli';

describe('continuum status', function () {
  this.timeout(60_000);
  let work: string;
  let cli: string;
  before(() => {
    cli = bundleForNode(fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-statusbin-')));
  });
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-status-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('says a session left waiting only for a to-do waits for you, and one cut off mid-work is interrupted', async () => {
    const store = path.join(work, 'store');
    const core = await openContinuum({ folder: store, fs: nodeFileSystem, idleCompactMs: 0 });
    const build = await core.tasks.create({ title: 'Build', action: { kind: 'shell', command: 'true' } });
    const review = await core.tasks.create({ title: 'Review the build', dependsOn: [build.id] });
    const waiting = await core.sessions.create({ name: 'waits for a review', taskIds: [build.id, review.id] });
    await core.sessions.start(waiting.id);
    await core.tasks.setStatus(build.id, 'done', 'executor');
    const deploy = await core.tasks.create({ title: 'Deploy', action: { kind: 'shell', command: 'true' } });
    const cut = await core.sessions.create({ name: 'cut off', taskIds: [deploy.id] });
    await core.sessions.start(cut.id);
    await core.close(); // the window went away: no more heartbeats

    const out = execFileSync(process.execPath, [cli, 'status', '--store', store], { encoding: 'utf8' });
    assert.match(out, /session waits for a review: waits for you \(1 to-do: do it, then Mark Done in VS Code\)/, out);
    assert.match(out, /session cut off: interrupted — /, out);
  });
});
