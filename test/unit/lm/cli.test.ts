// `continuum run` with lm tasks, as a real child process: without a model they wait and the run says
// how to configure one; with the local fake provider they run, and a command the task does not allow
// is refused when nobody is at a terminal and --yes was not given.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { startFakeProvider, type FakeProvider } from './fakeProvider';
import { buildCli } from './killHarness';

describe('continuum run with lm tasks', function () {
  this.timeout(120_000);
  let work: string;
  let cli: string;
  let provider: FakeProvider;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-lm-cli-'));
    cli = buildCli(path.join(work, 'bin'));
    provider = await startFakeProvider((conversation, turn) => {
      if (turn === 1)
        return {
          text: 'Cleaning up.',
          calls: [
            { name: 'run_command', input: { command: "node -e \"require('fs').writeFileSync('ran.txt', 'x')\"" } },
          ],
        };
      if (turn === 2)
        return {
          text: 'Writing.',
          calls: [{ name: 'edit_file', input: { path: 'notes.md', newText: `# ${conversation}\n` } }],
        };
      return { text: 'Done.' };
    });
  });
  after(async () => {
    await provider.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function setUp(name: string): Promise<{ store: string; workspace: string }> {
    const store = path.join(work, name, 'store');
    const workspace = path.join(work, name, 'ws');
    fs.mkdirSync(workspace, { recursive: true });
    const core = await openContinuum({ folder: store, fs: nodeFileSystem, idleCompactMs: 0 });
    await core.tasks.create({ title: 'Write notes', action: { kind: 'lm' } });
    await core.close();
    return { store, workspace };
  }

  // asynchronous, so that the fake provider in this process can answer (spawnSync would block it)
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (t: string) => {
        out += t;
      });
      child.stderr.setEncoding('utf8').on('data', (t: string) => {
        out += t;
      });
      child.on('error', reject);
      child.on('exit', code => resolve({ code, out }));
    });

  it('leaves lm tasks waiting and says how to configure a model when none is', async () => {
    const { store, workspace } = await setUp('none');
    const r = spawnSync(process.execPath, [cli, 'run', '--store', store, '--workspace', workspace], {
      encoding: 'utf8',
      env: { ...process.env, CONTINUUM_LM_PROVIDER: '', OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
    });
    const out = r.stdout + r.stderr;
    assert.match(
      out,
      /1 task waits for a language model \(lm tasks\): lm tasks need a language model: set CONTINUUM_LM_PROVIDER/,
    );
    assert.match(out, /1 task needs a language model:\n {4}Write notes/);
    const core = await openContinuum({ folder: store, fs: nodeFileSystem, readOnly: true });
    assert.strictEqual(core.tasks.list()[0].status, 'pending');
    await core.close();
  });

  it('runs lm tasks against the configured model, refusing without --yes a command nobody can confirm, and keeps the key out of the store and the log', async () => {
    const { store, workspace } = await setUp('fake');
    const r = await run(['run', '--store', store, '--workspace', workspace], {
      CONTINUUM_LM_PROVIDER: 'openai',
      CONTINUUM_LM_MODEL: 'fake-model',
      CONTINUUM_LM_BASE_URL: `${provider.url}/v1`,
      CONTINUUM_LM_API_KEY: 'sk-never-stored',
    });
    assert.strictEqual(r.code, 0, r.out);
    assert.match(r.out, /wants to run: node -e .* — not run: nobody is at a terminal to confirm it/);
    // the summary tells each lm task's tokens and time, and a checkpoint was saved before it
    assert.match(r.out, /Language models used \d+ tokens on 1 task in /);
    assert.match(r.out, /\n {2}lm: 'Write notes' done: \d+ tokens in 3 turns, /);
    const saved = await openContinuum({ folder: store, fs: nodeFileSystem, readOnly: true });
    assert.deepStrictEqual(
      saved.sessions.listCheckpoints().map(c => [c.trigger, c.note]),
      [['before-lm-task', "before 'Write notes' (run 1)"]],
    );
    await saved.close();
    assert.ok(!fs.existsSync(path.join(workspace, 'ran.txt')), 'the command did not run');
    assert.strictEqual(fs.readFileSync(path.join(workspace, 'notes.md'), 'utf8'), '# Write notes\n');
    const told = provider.requests.filter(q => q.conversation === 'Write notes' && q.turn === 2)[0].body
      .messages as Array<{ role: string; content: string }>;
    assert.match(told.at(-1)!.content, /^Not run: it needs a person's confirmation .* --yes/);
    const files = fs
      .readdirSync(store, { recursive: true })
      .map(String)
      .filter(f => fs.statSync(path.join(store, f)).isFile());
    for (const f of files)
      assert.ok(!fs.readFileSync(path.join(store, f)).includes('sk-never-stored'), `the key is not in ${f}`);
    assert.ok(
      files.some(f => f.startsWith('logs')),
      'the task log was written',
    );
    const log = files
      .filter(f => f.startsWith('logs'))
      .map(f => fs.readFileSync(path.join(store, f), 'utf8'))
      .join('');
    assert.match(log, /--- turn 2 \(fake-model at 127\.0\.0\.1:\d+;/);
    assert.match(log, /→ edit_file notes\.md\n--- \/dev\/null\n\+\+\+ notes\.md/);
  });
});
