// A second VS Code window is a full window (system tier): real processes that open the store the
// way a window does (openWindowStore), real sockets, a real SIGKILL of the holder.
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { bundleForNode } from '../fakes/bundledCli';

interface Window {
  pid: number;
  ready: string;
  events: Array<{ event: string; role?: string; tasks?: Array<[string, string]>; action?: string; sessionId?: string }>;
  send(cmd: string, arg?: string): Promise<{ result?: unknown; error?: string }>;
  stderr(): string;
  child: ChildProcess;
}

async function until(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

describe('a second VS Code window (system: real processes)', function () {
  this.timeout(90_000);
  let work: string;
  let store: string;
  let script: string;
  const children: ChildProcess[] = [];

  before(() => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-winbin-'));
    script = bundleForNode(bin, path.join(__dirname, 'windowProcess.ts'), 'window.js');
  });
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-win-'));
    store = path.join(work, 'store');
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function openWindow(): Promise<Window> {
    const child = spawn(process.execPath, [script, store], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const waiting = new Map<number, (a: { result?: unknown; error?: string }) => void>();
    const events: Window['events'] = [];
    let ready: { ready: string; pid: number } | undefined;
    readline.createInterface({ input: child.stdout }).on('line', line => {
      const m = JSON.parse(line) as { id?: number; ready?: string; pid?: number; event?: string };
      if (m.ready) ready = m as { ready: string; pid: number };
      else if (m.event) events.push(m as Window['events'][number]);
      else if (m.id !== undefined) waiting.get(m.id)?.(m as { result?: unknown; error?: string });
    });
    await until(`the window to open (${err})`, () => !!ready || child.exitCode !== null);
    if (!ready) throw new Error(`the window process exited: ${err}`);
    let next = 1;
    return {
      pid: ready.pid,
      ready: ready.ready,
      events,
      child,
      stderr: () => err,
      send: (cmd, arg) =>
        new Promise(resolve => {
          const id = next++;
          waiting.set(id, resolve);
          child.stdin.write(`${JSON.stringify({ id, cmd, arg })}\n`);
        }),
    };
  }

  it("reads its own writes at once, sees the holder's changes live, and takes the store over with every acknowledged write when the holder is killed", async () => {
    const first = await openWindow();
    const second = await openWindow();
    assert.strictEqual(first.ready, 'holder');
    assert.strictEqual(second.ready, 'client', 'a window, not a read-only view');

    // the client writes through the holder, and reads its write at once (read-your-writes)
    const added = await second.send('add', 'written in the second window');
    assert.ok(typeof added.result === 'string', added.error);
    const seen = await second.send('list');
    assert.deepStrictEqual(seen.result, [['written in the second window', 'pending']]);
    assert.deepStrictEqual((await first.send('list')).result, [['written in the second window', 'pending']]);

    // the holder's change reaches the client's tree without anything asked
    const other = await first.send('add', 'written in the first window');
    await first.send('done', other.result as string);
    await until('the change to reach the second window', () =>
      second.events.some(e =>
        e.tasks?.some(([title, status]) => title === 'written in the first window' && status === 'done'),
      ),
    );
    assert.strictEqual((await second.send('done', added.result as string)).result, 'done');
    const checkpoint = await second.send('checkpoint', 'from the second window');
    assert.ok(typeof checkpoint.result === 'string', checkpoint.error);

    // Copilot's tools in the client window run on the holder: the claim is made there
    await first.send('add', 'for Copilot');
    const claim = (await second.send('next-task')) as { result?: { task?: { title?: string } }; error?: string };
    assert.strictEqual(claim.result?.task?.title, 'for Copilot', JSON.stringify(claim));
    assert.ok(
      ((await first.send('list')).result as Array<[string, string]>).some(
        ([title, status]) => title === 'for Copilot' && status === 'running',
      ),
      'the holder has the claim',
    );

    // what a client cannot do says where it can be done
    const session = await second.send('session', 'a run');
    assert.match(session.error ?? '', /another process holds this store|client/);

    // the holder dies: the client takes the store, with every acknowledged write
    first.child.kill('SIGKILL');
    await until('the second window to hold the store', () =>
      second.events.some(e => e.event === 'role' && e.role === 'holder'),
    );
    assert.deepStrictEqual(((await second.send('list')).result as Array<[string, string]>).sort(), [
      ['for Copilot', 'running'],
      ['written in the first window', 'done'],
      ['written in the second window', 'done'],
    ]);
    const after = await second.send('session', 'now it may');
    assert.ok(typeof after.result === 'string', after.error);
  });
  it('gives the store to another window that wants to start a session, unless it runs one itself, and then says so', async () => {
    const first = await openWindow();
    const second = await openWindow();
    assert.strictEqual(second.ready, 'client');
    await first.send('add', 'a task for the session');

    // the first window runs a session: it keeps the store, and the second window is told why
    await first.send('busy', "Another window runs session 'nightly': pause it there, or wait until it ends");
    const refused = (await second.send('takeover', 'Start Session')).result as { held: boolean; why?: string };
    assert.strictEqual(refused.held, false);
    assert.match(
      refused.why ?? '',
      /^Another window runs session 'nightly': pause it there, or wait until it ends, to Start Session here \(pid \d+\)\.$/,
    );
    assert.match((await second.send('session', 'not yet')).error ?? '', /another process holds this store|client/);

    // it runs nothing: it hands the store over, and becomes the second window's client
    await first.send('busy', '');
    const taken = (await second.send('takeover', 'Start Session')).result as { held: boolean; why?: string };
    assert.deepStrictEqual(taken, { held: true });
    assert.ok(second.events.some(e => e.event === 'role' && e.role === 'holder'));
    const session = await second.send('session', 'runs in the second window');
    assert.ok(typeof session.result === 'string', session.error);
    await until('the first window to be the client of the second', () =>
      first.events.some(e => e.event === 'role' && e.role === 'client'),
    );
    // the first window is a full window still: it writes through the second, and both read it
    const added = await first.send('add', 'written in the first window after the handover');
    assert.ok(typeof added.result === 'string', added.error);
    assert.deepStrictEqual(((await second.send('list')).result as Array<[string, string]>).map(([t]) => t).sort(), [
      'a task for the session',
      'written in the first window after the handover',
    ]);

    // asked by a window that holds the store already, taking it over is nothing to do
    assert.deepStrictEqual((await second.send('takeover', 'Start Session')).result, { held: true });
  });

  it('pauses, stops or cancels a session where it runs when a person asks in another window', async () => {
    const first = await openWindow();
    const second = await openWindow();
    assert.strictEqual(second.ready, 'client');
    const session = (await first.send('session', 'nightly')).result as string;
    await first.send('runs', session);
    for (const action of ['pause', 'stop', 'cancel']) {
      const asked = await second.send('control', JSON.stringify({ sessionId: session, action }));
      assert.deepStrictEqual(asked.result, { done: true }, asked.error);
      await until(`the first window to be asked to ${action}`, () =>
        first.events.some(e => e.event === 'control' && e.action === action && e.sessionId === session),
      );
    }
    // a session that runs nowhere: the asking window is told, and does it itself
    const nowhere = await second.send('control', JSON.stringify({ sessionId: 'not-running', action: 'pause' }));
    assert.deepStrictEqual(nowhere.result, { done: false }, nowhere.error);
    // the holder asked itself runs it here
    assert.deepStrictEqual(
      (await first.send('control', JSON.stringify({ sessionId: session, action: 'pause' }))).result,
      {
        done: true,
      },
    );
  });
});
