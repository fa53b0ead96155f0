// `continuum plan "<goal>"` as a real child process against the local fake provider (a fake only of
// the remote model endpoint): the preview, --out, --import, and what it says without a model or
// without a plan in the answer.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { startFakeProvider, type FakeProvider } from '../lm/fakeProvider';
import { buildCli } from '../lm/killHarness';

const plan = `## Phase 1: Schema

- [ ] 1.1 Add zod
  Kind: shell
  Run: npm install zod
- [ ] 1.2 Write the signup schema
  Create src/signup/schema.ts with a zod schema for email and password.
  Kind: lm
  Verify: npm test
  Dependencies: 1.1

## Phase 2: Form
**Dependencies:** Phase 1

- [ ] 2.1 Try the form by hand
  Kind: to-do
`;

describe('continuum plan "<goal>"', function () {
  this.timeout(120_000);
  let work: string;
  let cli: string;
  let provider: FakeProvider;

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-plan-goal-'));
    cli = buildCli(path.join(work, 'bin'));
    provider = await startFakeProvider(conversation =>
      /prose only/.test(conversation)
        ? { text: 'I would need to know more about your project before I can plan this.' }
        : { text: `Here is a plan for the goal.\n\n\`\`\`markdown\n${plan}\`\`\`\n\nGood luck!` },
    );
  });
  after(async () => {
    await provider.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const model = () => ({
    CONTINUUM_LM_PROVIDER: 'openai',
    CONTINUUM_LM_MODEL: 'fake-model',
    CONTINUUM_LM_BASE_URL: `${provider.url}/v1`,
  });

  const run = (args: string[], env: NodeJS.ProcessEnv, cwd: string) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], {
        cwd,
        env: {
          ...process.env,
          CONTINUUM_LM_PROVIDER: '',
          OPENAI_API_KEY: '',
          HOME: work,
          XDG_CONFIG_HOME: work,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
      child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
      child.on('error', reject);
      child.on('exit', code => resolve({ code, stdout, stderr }));
    });

  async function setUp(name: string): Promise<{ store: string; workspace: string }> {
    const store = path.join(work, name, 'store');
    const workspace = path.join(work, name, 'ws');
    fs.mkdirSync(workspace, { recursive: true });
    const core = await openContinuum({ folder: store, fs: nodeFileSystem, idleCompactMs: 0 });
    await core.context.addNote({ title: 'Use pnpm', body: 'We decided on pnpm workspaces.' }, 'user');
    await core.tasks.create({ title: 'Write the README' });
    await core.close();
    return { store, workspace };
  }

  it("prints the plan's preview from the model's answer and imports nothing without --import", async () => {
    const { store, workspace } = await setUp('preview');
    const r = await run(['plan', 'Add input validation to the signup form', '--store', store], model(), workspace);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /asking fake-model at 127\.0\.0\.1:\d+.* for a plan…/);
    assert.match(
      r.stdout,
      /^Plan for "Add input validation to the signup form": 2 phases, 3 tasks, 2 dependencies; 0 lines not used\n/,
    );
    assert.match(r.stdout, /- 1\.1 Add zod {2}\[runs: npm install zod\]/);
    assert.match(r.stdout, /- 1\.2 Write the signup schema {2}\[after 1\.1 Add zod · done by a language model\]/);
    assert.match(r.stdout, /2 phases, 3 tasks \(1 by a language model, 1 command, 1 to-do\); not imported\./);
    const sent = provider.requests.filter(q => q.conversation === 'Goal: Add input validation to the signup form');
    assert.strictEqual(sent.length, 1);
    const text = JSON.stringify(sent[0].body.messages);
    assert.match(text, /Use pnpm: We decided on pnpm workspaces\./, "the project's context went to the model");
    assert.match(text, /Write the README \(pending, normal\)/, 'and its open tasks');
    const core = await openContinuum({ folder: store, fs: nodeFileSystem, readOnly: true });
    assert.deepStrictEqual(
      core.tasks.list().map(t => t.title),
      ['Write the README'],
    );
    await core.close();
  });

  it('writes the markdown with --out and imports with --import; importing the file later duplicates nothing', async () => {
    const { store, workspace } = await setUp('import');
    const r = await run(
      ['plan', 'Add validation', '--store', store, '--import', '--out', 'PLAN.md'],
      model(),
      workspace,
    );
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.strictEqual(fs.readFileSync(path.join(workspace, 'PLAN.md'), 'utf8'), plan);
    assert.match(r.stdout, /\nimported PLAN\.md: 3 new, 0 updated, 0 unchanged/);
    const core = await openContinuum({ folder: store, fs: nodeFileSystem, readOnly: true });
    const byTitle = new Map(core.tasks.list().map(t => [t.title, t]));
    assert.deepStrictEqual(byTitle.get('Write the signup schema')?.action, { kind: 'lm', verify: 'npm test' });
    assert.deepStrictEqual(byTitle.get('Add zod')?.action, { kind: 'shell', command: 'npm install zod' });
    assert.strictEqual(byTitle.get('Try the form by hand')?.action, undefined);
    assert.deepStrictEqual(byTitle.get('Write the signup schema')?.dependsOn, [byTitle.get('Add zod')!.id]);
    await core.close();
    const again = await run(['plan', 'import', 'PLAN.md', '--store', store], {}, workspace);
    assert.strictEqual(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /imported PLAN\.md: 0 new, 0 updated, 3 unchanged/);
  });

  it('says how to choose a model when none is configured, and asks nothing', async () => {
    const before = provider.requests.length;
    const r = await run(['plan', 'Add validation', '--store', path.join(work, 'none')], {}, work);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /^continuum: planning needs a language model: set CONTINUUM_LM_PROVIDER/);
    assert.doesNotMatch(r.stderr, /continuum resume/);
    assert.strictEqual(provider.requests.length, before);
  });

  it('says what came back when the answer holds no plan, and imports nothing', async () => {
    const { store, workspace } = await setUp('prose');
    const r = await run(['plan', 'prose only please', '--store', store, '--import'], model(), workspace);
    assert.strictEqual(r.code, 1);
    assert.match(
      r.stderr,
      /continuum: no plan: fake-model .* answered without a plan Continuum can read: "I would need to know more about your project before I can plan this\."\. Try again/,
    );
    assert.strictEqual(r.stdout, '');
    const core = await openContinuum({ folder: store, fs: nodeFileSystem, readOnly: true });
    assert.strictEqual(core.tasks.list().length, 1);
    await core.close();
  });

  it('plans without the project context when the workspace has no store, and says so', async () => {
    const workspace = path.join(work, 'nostore');
    fs.mkdirSync(workspace, { recursive: true });
    const r = await run(['plan', 'Add validation'], model(), workspace);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /planning without the project's context: no Continuum store was found for/);
    assert.match(r.stdout, /not imported/);
    const refused = await run(['plan', 'Add validation', '--import'], model(), workspace);
    assert.strictEqual(refused.code, 2);
    assert.match(refused.stderr, /cannot import: no Continuum store was found/);
  });
});
