// The holder's endpoint in one process: real sockets, real stores on disk, real locks. Process
// deaths (SIGKILL) are in test/unit/cli/mcp*.test.ts (system tier).
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { AgentToolError } from '../../../src/core/agents/tool';
import { openContinuum, type Continuum } from '../../../src/core/continuum';
import { silentLogger, type LockPort, type Logger } from '../../../src/core/ports';
import { endpointAddress } from '../../../src/node/endpoint/address';
import { NotSameUserError, connectEndpoint } from '../../../src/node/endpoint/client';
import { connectOrHold, type StoreConnection } from '../../../src/node/endpoint/connection';
import {
  HolderGoneError,
  EndpointError,
  lineSplitter,
  maxRequestBytes,
  protocolVersion,
} from '../../../src/node/endpoint/protocol';
import { readEndpointToken, tokenFile, tokenProof } from '../../../src/node/endpoint/token';
import { askToHandOver, openWindowStore, serveWindow, type WindowStore } from '../../../src/node/endpoint/window';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { nodeLock } from '../../../src/node/lock';
import { currentOwner } from '../../../src/node/lockOwner';
import { parsePlan } from '../../../src/core/tasks/plan';
import { callTestTool } from './testTools';

const agent = { id: 'test-agent#1', name: 'Test Agent' };

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 10));
  }
}

describe('the holder endpoint', function () {
  this.timeout(30_000);
  let work: string;
  let store: string;
  const open: Array<StoreConnection | Continuum | WindowStore> = [];

  const opener = (description: string) => (lock: LockPort) =>
    openContinuum({ folder: store, fs: nodeFileSystem, lock, owner: currentOwner(description) });
  /** What the connections made by link() logged, for the message of a test that times out waiting for one. */
  let logged: string[] = [];
  const recording: Logger = {
    info: m => logged.push(`info: ${m}`),
    warn: m => logged.push(`warn: ${m}`),
    error: (m, err) => logged.push(`error: ${m} ${err instanceof Error ? err.message : ''}`),
  };
  const link = async (kind: 'mcp' | 'cli' = 'mcp', extra: { handoverGraceMs?: number } = {}) => {
    const c = await connectOrHold({
      storeFolder: store,
      kind,
      handsOver: kind === 'mcp',
      open: opener(`test ${kind}`),
      callTool: callTestTool,
      logger: recording,
      ...extra,
    });
    open.push(c);
    return c;
  };

  const windowStore = async () => {
    const w = await openWindowStore({
      storeFolder: store,
      logger: recording,
      open: opener('VS Code window'),
      replica: () => openContinuum({ folder: store, fs: nodeFileSystem, readOnly: true, followMs: 50 }),
      readOnly: () => opener('VS Code window')(nodeLock()),
      trusted: () => true,
      waitForHolderMs: 10_000,
    });
    open.push(w);
    return w;
  };

  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-ep-'));
    store = path.join(work, 'store');
    logged = [];
  });
  afterEach(async () => {
    for (const c of open.splice(0).reverse()) await c.close().catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  });

  describe('its lines', () => {
    it('splits a stream into lines however it is chunked, and refuses a line over the limit', () => {
      const lines: string[] = [];
      let tooLong = 0;
      const feed = lineSplitter(
        10,
        l => lines.push(l),
        () => tooLong++,
      );
      feed(Buffer.from('ab'));
      feed(Buffer.from('c\nde\n\nf'));
      feed(Buffer.from('g\n'));
      assert.deepStrictEqual(lines, ['abc', 'de', 'fg']);
      feed(Buffer.from('0123456789ABC'));
      assert.strictEqual(tooLong, 1);
      feed(Buffer.from('x\n'));
      assert.deepStrictEqual(lines, ['abc', 'de', 'fg'], 'nothing more is read after a line too long');
    });
  });

  describe('its address', () => {
    it('is a socket in an endpoint folder of the store when the path is short enough', () => {
      const a = endpointAddress('/home/me/store', 'linux', '/tmp');
      assert.strictEqual(a.path, '/home/me/store/endpoint/holder.sock');
      assert.strictEqual(a.folder, '/home/me/store/endpoint');
    });

    it('moves to a per-user folder under the temporary folder, named by a hash of the store, when the store path is too long for a socket', () => {
      const deep = `/home/me/${'very-long-folder-name/'.repeat(6)}store`;
      const a = endpointAddress(deep, 'linux', '/tmp');
      assert.ok(Buffer.byteLength(a.path) <= 100, a.path);
      assert.match(a.path, /^\/tmp\/continuum-[^/]+\/[0-9a-f]{24}\.sock$/);
      assert.strictEqual(
        endpointAddress(deep, 'linux', '/tmp').path,
        a.path,
        'every process computes the same address',
      );
      assert.notStrictEqual(endpointAddress(`${deep}2`, 'linux', '/tmp').path, a.path);
    });

    it('is a named pipe on Windows', () => {
      assert.match(endpointAddress('C:\\Users\\me\\store', 'win32').path, /^\\\\\.\\pipe\\continuum-/);
    });
  });

  describe('holding and connecting', () => {
    it('lets the first process hold the store and makes the second its client, whose calls run on the holder', async () => {
      const holder = await link();
      const client = await link();
      assert.strictEqual(holder.role, 'holder');
      assert.strictEqual(client.role, 'client');
      assert.strictEqual(client.holder?.kind, 'mcp');
      assert.strictEqual(client.holder?.pid, process.pid);

      const added = await client.callTool(agent, 'test_add_task', { title: 'from the client' });
      assert.deepStrictEqual(added.structured, { id: (added.structured as { id: string }).id, by: 'Test Agent' });
      // acknowledged: it is in the holder's store already
      assert.ok(holder.core!.tasks.list().some(t => t.title === 'from the client'));
      const counted = await client.callTool(agent, 'test_count', {});
      assert.strictEqual((counted.structured as { count: number }).count, 1);
    });

    it('serves an owner-only socket in an owner-only folder, and says in the store folder where it is', async function () {
      if (process.platform === 'win32') this.skip();
      await link();
      const address = endpointAddress(store);
      assert.strictEqual(fs.statSync(address.path).mode & 0o777, 0o600);
      assert.strictEqual(fs.statSync(address.folder!).mode & 0o777, 0o700);
      const announced = JSON.parse(fs.readFileSync(path.join(store, 'endpoint.json'), 'utf8')) as {
        path: string;
        pid: number;
        kind: string;
      };
      assert.deepStrictEqual([announced.path, announced.pid, announced.kind], [address.path, process.pid, 'mcp']);
    });

    it('finds a holder whose socket is in its own temporary folder, from a process started with another TMPDIR (as agents start MCP servers)', async function () {
      if (process.platform === 'win32') this.skip();
      // a store on a path too long for a socket: the socket goes under the temporary folder
      store = path.join(work, 'a-store-folder-with-a-long-name'.repeat(4), 'store');
      const before = process.env.TMPDIR;
      const holderTmp = fs.mkdtempSync(path.join(work, 'holder-tmp-'));
      const clientTmp = fs.mkdtempSync(path.join(work, 'client-tmp-'));
      try {
        process.env.TMPDIR = holderTmp;
        const holder = await link();
        assert.ok(endpointAddress(store).path.startsWith(holderTmp), endpointAddress(store).path);
        process.env.TMPDIR = clientTmp;
        const client = await link();
        assert.strictEqual(holder.role, 'holder');
        assert.strictEqual(
          client.role,
          'client',
          'the second process found the holder, rather than waiting or holding',
        );
        await client.callTool(agent, 'test_add_task', { title: 'through the announced socket' });
        assert.ok(holder.core!.tasks.list().some(t => t.title === 'through the announced socket'));
      } finally {
        if (before === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = before;
      }
    });

    it("gives a tool's refusal back to the client as the tool's own error, naming the field", async () => {
      await link();
      const client = await link();
      await assert.rejects(
        client.callTool(agent, 'test_add_task', { title: '' }),
        (err: Error) => err instanceof AgentToolError && /title/.test(err.message),
      );
      await assert.rejects(
        client.callTool(agent, 'no_such_tool', {}),
        (err: Error) => err instanceof AgentToolError && /no tool 'no_such_tool'/.test(err.message),
      );
    });

    it('refuses a client that speaks another protocol version, saying which versions differ', async () => {
      await link();
      const socket = net.createConnection(endpointAddress(store).path);
      const answer = await new Promise<string>(resolve => {
        let text = '';
        socket.on('data', d => {
          text += String(d);
          if (text.includes('\n')) resolve(text);
        });
        socket.write(`${JSON.stringify({ id: 1, method: 'hello', params: { protocol: 999, pid: 1, kind: 'mcp' } })}\n`);
      });
      socket.destroy();
      assert.match(answer, /"code":"protocol"/);
      assert.match(answer, new RegExp(`protocol ${protocolVersion} and the client 999`));
    });

    it('refuses any method before hello, and a request line over the size limit', async () => {
      await link();
      const talk = (payload: string) =>
        new Promise<string>(resolve => {
          const socket = net.createConnection(endpointAddress(store).path);
          let text = '';
          socket.on('data', d => {
            text += String(d);
          });
          socket.on('close', () => resolve(text));
          socket.on('error', () => undefined);
          socket.write(payload, () => setTimeout(() => socket.end(), 200));
        });
      assert.match(
        await talk(
          `${JSON.stringify({ id: 1, method: 'tool.call', params: { tool: 'test_count', agent, input: {} } })}\n`,
        ),
        /Say hello first/,
      );
      assert.match(await talk('x'.repeat(maxRequestBytes + 10)), /"code":"too-large"/);
    });

    it('refuses, at the client, a request over the size limit without sending it', async () => {
      await link();
      const client = await link();
      await assert.rejects(
        client.callTool(agent, 'test_add_task', { title: 'x'.repeat(maxRequestBytes) }),
        (err: Error) => err instanceof EndpointError && err.code === 'too-large',
      );
      assert.strictEqual(client.role, 'client', 'the connection stays');
    });
  });

  describe('its token', () => {
    it('is written owner-only (0600) into the store folder, anew by each holder that starts serving', async function () {
      if (process.platform === 'win32') this.skip();
      const first = await link();
      const file = path.join(store, tokenFile);
      assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
      const token = fs.readFileSync(file, 'utf8');
      assert.ok(token.length >= 40, token);
      await first.close();
      await link();
      assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
      assert.notStrictEqual(fs.readFileSync(file, 'utf8'), token);
      assert.deepStrictEqual(
        fs.readdirSync(store).filter(name => name.startsWith(`${tokenFile}.`)),
        [],
        'no temporary file is left',
      );
    });

    it('refuses and closes a connection whose hello does not prove it knows the token, and runs nothing it sends', async () => {
      const holder = await link();
      const token = fs.readFileSync(path.join(store, tokenFile), 'utf8');
      const nonce = 'a-nonce-of-this-hello';
      const hellos: Array<[string, Record<string, unknown>]> = [
        ['no proof', {}],
        ['an empty proof', { nonce, proof: '' }],
        ['the token itself', { nonce, proof: token }],
        ['a proof made with another token', { nonce, proof: tokenProof(`${token}x`, 'client', nonce) }],
        ["the holder's proof instead of a client's", { nonce, proof: tokenProof(token, 'holder', nonce) }],
        ['a proof without its nonce', { proof: tokenProof(token, 'client', nonce) }],
        ['a proof for another nonce', { nonce: `${nonce}2`, proof: tokenProof(token, 'client', nonce) }],
      ];
      for (const [what, given] of hellos) {
        const heard = await new Promise<string>((resolve, reject) => {
          const socket = net.createConnection(endpointAddress(store).path);
          let text = '';
          const timer = setTimeout(() => reject(new Error(`the holder did not close the connection: ${text}`)), 5_000);
          socket.on('data', d => {
            text += String(d);
          });
          // the holder ends the connection itself
          socket.on('end', () => {
            clearTimeout(timer);
            socket.destroy();
            resolve(text);
          });
          socket.on('error', () => undefined);
          const hello = { protocol: protocolVersion, pid: 1, kind: 'mcp', ...given };
          const call = { tool: 'test_add_task', agent, input: { title: 'sneaked in' } };
          socket.write(
            `${JSON.stringify({ id: 1, method: 'hello', params: hello })}\n${JSON.stringify({ id: 2, method: 'tool.call', params: call })}\n`,
          );
        });
        assert.match(heard, /"code":"unauthorized"/, what);
        assert.doesNotMatch(heard, /"id":2/, 'nothing after the hello is answered');
      }
      assert.ok(!holder.core!.tasks.list().some(t => t.title === 'sneaked in'));
    });

    it('tells a client that cannot show the token that it could not prove it is the same user', async () => {
      await link();
      const address = endpointAddress(store);
      await assert.rejects(
        connectEndpoint(address, 'cli', () => Promise.resolve('not the token')),
        (err: Error) =>
          err instanceof NotSameUserError &&
          /could not prove it is the same user/.test(err.message) &&
          /was not the holder's/.test(err.message),
      );
      await assert.rejects(
        connectEndpoint(address, 'cli', () => Promise.resolve(undefined)),
        (err: Error) =>
          err instanceof NotSameUserError && /it cannot read the store's endpoint\.token/.test(err.message),
      );
      const client = await connectEndpoint(address, 'cli', () => readEndpointToken(store));
      assert.strictEqual(client?.holder.pid, process.pid, 'with the token it connects');
      client?.close();
    });

    it('does not take a process at the endpoint that cannot prove it knows the token for the holder', async function () {
      if (process.platform === 'win32') this.skip();
      // a process in the endpoint's place that answers hello as a holder would, without the token
      const address = { path: path.join(work, 'impostor.sock') };
      const heard: string[] = [];
      const sockets: net.Socket[] = [];
      const impostor = net.createServer(socket => {
        sockets.push(socket);
        socket.on('data', d => {
          heard.push(String(d));
          const { id } = JSON.parse(String(d).split('\n')[0]) as { id: number };
          const result = { protocol: protocolVersion, pid: 4242, kind: 'vscode', handsOver: false, proof: 'made up' };
          socket.write(`${JSON.stringify({ id, result })}\n`);
        });
      });
      await new Promise<void>(resolve => impostor.listen(address.path, resolve));
      try {
        fs.mkdirSync(store, { recursive: true });
        fs.writeFileSync(path.join(store, tokenFile), 'the-real-token-of-this-store', { mode: 0o600 });
        await assert.rejects(
          connectEndpoint(address, 'cli', () => readEndpointToken(store)),
          (err: Error) =>
            err instanceof NotSameUserError && /could not prove it holds Continuum's store/.test(err.message),
        );
        assert.doesNotMatch(heard.join(''), /the-real-token-of-this-store/, 'the token itself was never sent');
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise(r => impostor.close(r));
      }
    });
  });

  describe('when the holder goes', () => {
    it('a client takes the store over and its next call works, with every acknowledged write kept', async () => {
      const holder = await link();
      const client = await link();
      await client.callTool(agent, 'test_add_task', { title: 'before' });
      await holder.close();
      await until('the client to hold the store', () => client.role === 'holder');
      await client.callTool(agent, 'test_add_task', { title: 'after' });
      assert.deepStrictEqual(
        client
          .core!.tasks.list()
          .map(t => t.title)
          .sort(),
        ['after', 'before'],
      );
    });

    it('fails a call in flight with a retryable error that says it may or may not have happened', async () => {
      const holder = await link();
      const client = await link();
      const inFlight = client.callTool(agent, 'test_slow', { ms: 2_000, title: 'slow' });
      await new Promise(r => setTimeout(r, 100));
      // the holder's process "dies": its endpoint closes without waiting for the call
      const endpointClose = (holder as unknown as { endpoint: { close(ms: number): Promise<void> } }).endpoint.close(0);
      await assert.rejects(
        inFlight,
        (err: Error) =>
          err instanceof HolderGoneError &&
          err.retryable &&
          /may or may not have happened — read the current state/.test(err.message),
      );
      await endpointClose;
    });

    it('a call the holder refused before starting it (it was handing over) is sent to the next holder', async () => {
      const holder = await link('mcp', { handoverGraceMs: 0 });
      const client = await link();
      const slow = client.callTool(agent, 'test_slow', { ms: 300, title: 'in flight' });
      await new Promise(r => setTimeout(r, 50));
      const handover = askToHandOver(store);
      await new Promise(r => setTimeout(r, 50));
      const refusedThenResent = client.callTool(agent, 'test_add_task', { title: 'sent during the handover' });
      assert.ok((await slow).structured, 'the call in flight finished before the handover');
      assert.deepStrictEqual(await handover, { handedOver: true });
      await refusedThenResent;
      await until('someone to hold the store again', () => holder.role === 'holder' || client.role === 'holder');
      const now = holder.role === 'holder' ? holder : client;
      assert.deepStrictEqual(
        now
          .core!.tasks.list()
          .map(t => t.title)
          .sort(),
        ['in flight', 'sent during the handover'],
      );
    });
  });

  describe('handing over to a VS Code window', () => {
    it("has taken its socket's name and its announcement away before it answers, so it never removes the next holder's", async () => {
      const mcp = await link();
      assert.strictEqual(mcp.role, 'holder');
      const socket = endpointAddress(store).path;
      const announcement = path.join(store, 'endpoint.json');
      assert.ok(fs.existsSync(socket) && fs.existsSync(announcement));
      // what a window that took the store the moment it was released would find: nothing of the old holder's
      assert.deepStrictEqual(await askToHandOver(store), { handedOver: true });
      assert.ok(!fs.existsSync(socket), "the old holder's socket is gone when it answers");
      assert.ok(!fs.existsSync(announcement), "the old holder's announcement is gone when it answers");
    });

    it('a holder whose handover failed takes the store up again and goes on serving, instead of waiting for nobody', async () => {
      let failClose = true;
      const c = await connectOrHold({
        storeFolder: store,
        kind: 'mcp',
        handsOver: true,
        open: async lock => {
          const core = await opener('test mcp')(lock);
          const close = core.close.bind(core);
          // the store is let go of, but its closing reports a failure (a journal that could not be closed)
          core.close = async () => {
            await close();
            if (failClose) {
              failClose = false;
              throw new Error('the journal could not be closed');
            }
          };
          return core;
        },
        callTool: callTestTool,
        logger: recording,
      });
      open.push(c);
      await c.callTool(agent, 'test_add_task', { title: 'before' });
      const asked = await askToHandOver(store);
      assert.strictEqual(asked.handedOver, false);
      assert.match(asked.why ?? '', /Handing the store over failed: the journal could not be closed/);
      await until('the MCP server to hold the store again', () => c.role === 'holder', 10_000).catch((err: Error) => {
        throw new Error(`${err.message} (its role: ${c.role}); it logged:\n${logged.join('\n')}`);
      });
      await c.callTool(agent, 'test_add_task', { title: 'after' });
      const counted = await c.callTool(agent, 'test_count', {});
      assert.strictEqual((counted.structured as { count: number }).count, 2);
    });

    it('an MCP holder finishes, releases the store to the window that asked, and goes on as its client', async () => {
      const mcp = await link();
      await mcp.callTool(agent, 'test_add_task', { title: 'by the agent' });
      // the window opens the store: read-only, since the MCP server holds it
      const readOnly = await openContinuum({
        folder: store,
        fs: nodeFileSystem,
        lock: nodeLock(),
        owner: currentOwner('VS Code window'),
      });
      assert.ok(readOnly.store.readOnly);
      await readOnly.close();
      assert.deepStrictEqual(await askToHandOver(store), { handedOver: true });
      const window = await openContinuum({
        folder: store,
        fs: nodeFileSystem,
        lock: nodeLock(),
        owner: currentOwner('VS Code window'),
      });
      open.push(window);
      assert.ok(!window.store.readOnly, 'the window holds the store now');
      const served = await serveWindow(window, { callTool: callTestTool, logger: silentLogger });
      try {
        await until("the MCP server to become the window's client", () => mcp.role === 'client').catch((err: Error) => {
          throw new Error(`${err.message} (its role: ${mcp.role}); it logged:\n${logged.join('\n')}`);
        });
        assert.strictEqual(mcp.holder?.kind, 'vscode');
        await mcp.callTool(agent, 'test_add_task', { title: 'through the window' });
        assert.deepStrictEqual(
          window.tasks
            .list()
            .map(t => t.title)
            .sort(),
          ['by the agent', 'through the window'],
        );
      } finally {
        await served.close();
      }
    });

    it('a window that opens while an MCP server is still opening the store waits for it and takes the store, not a read-only view', async () => {
      let opened!: () => void;
      const slowOpen = new Promise<void>(r => (opened = r));
      let locked = false;
      // the MCP server has the lock and is still reading the store: nobody serves it yet
      const mcp = connectOrHold({
        storeFolder: store,
        kind: 'mcp',
        handsOver: true,
        open: async lock => {
          const core = await opener('test mcp')(lock);
          locked = true;
          await slowOpen;
          return core;
        },
        callTool: callTestTool,
        logger: silentLogger,
      });
      void mcp.then(c => open.push(c));
      await until('the MCP server to hold the lock', () => locked);
      const window = windowStore();
      setTimeout(opened, 300);
      const w = await window;
      assert.strictEqual(w.role, 'holder', `the window logged:\n${logged.join('\n')}`);
      assert.ok(!w.core.store.readOnly, 'the window holds the store');
      const server = await mcp;
      await until("the MCP server to become the window's client", () => server.role === 'client');
      assert.strictEqual(server.holder?.kind, 'vscode');
    });

    it('a second window is a client of the first: it writes through it and reads its own write at once', async () => {
      const first = await windowStore();
      const second = await windowStore();
      assert.strictEqual(first.role, 'holder');
      assert.strictEqual(second.role, 'client');
      assert.strictEqual(second.holder?.kind, 'vscode');
      const task = await second.core.tasks.create({ title: 'from the second window' });
      assert.deepStrictEqual(
        second.core.tasks.list().map(t => t.title),
        ['from the second window'],
        'read-your-writes',
      );
      assert.strictEqual(first.core.tasks.get(task.id)?.title, 'from the second window');
      await assert.rejects(
        second.core.tasks.setStatus('no-such-task', 'done'),
        (err: Error) => /no-such-task|no task/i.test(err.message) && !(err instanceof EndpointError),
      );
      // a plan import, with the tasks the person kept in the preview
      const plan = parsePlan('# Plan\n\n- [ ] keep this one\n- [ ] drop this one\n', 'PLAN.md');
      const keep = plan.tasks.find(t => t.title === 'keep this one')!.key;
      assert.deepStrictEqual(await second.core.tasks.importPlan(plan, { only: new Set([keep]) }), {
        created: 1,
        updated: 0,
      });
      assert.deepStrictEqual(
        second.core.tasks
          .list()
          .map(t => t.title)
          .sort(),
        ['from the second window', 'keep this one'],
      );
      // the first window closes: the second takes the store over
      const changed = new Promise<Continuum>(r => second.onDidChangeCore(r));
      await first.close();
      const now = await changed;
      assert.strictEqual(second.role, 'holder');
      assert.ok(!now.store.readOnly);
      assert.strictEqual(now.tasks.get(task.id)?.title, 'from the second window');
    });

    it('a CLI holder and a window holder refuse, saying who holds the store', async () => {
      await link('cli');
      const outcome = await askToHandOver(store);
      assert.strictEqual(outcome.handedOver, false);
      assert.match((outcome as { why: string }).why, /a continuum CLI run \(pid \d+\), which keeps it/);
    });

    it('says so when nobody serves the store', async () => {
      const outcome = await askToHandOver(store);
      assert.strictEqual(outcome.handedOver, false);
      assert.strictEqual(
        await connectEndpoint(endpointAddress(store), 'vscode', () => readEndpointToken(store)),
        undefined,
      );
    });
  });
});
