// The rulebook's fix and ask actions, run by the executor with real child processes in a real
// folder: the fix command runs (or a person is asked first), then the task is tried again, and
// whether the fix worked is remembered against the error's signature.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ExecutionGuards,
  type FixQuestion,
  type GuardQuestions,
  type LowConfidenceAnswer,
} from '../../../../src/core/execution/guards/guards';
import type { Rule } from '../../../../src/core/execution/guards/rulebook';
import { errorLine, errorSignature } from '../../../../src/core/execution/guards/signature';
import type { FixAnswer } from '../../../../src/core/execution/hooks';
import { nodeProcesses } from '../../../../src/node/processes';
import { fakeHostTasks, FakeProcesses } from '../../fakes/fakeProcesses';
import { makeWorld } from '../../helpers';
import { makeExecWorld, type ExecWorld } from '../world';

class AnsweringQuestions implements GuardQuestions {
  fixQuestions: FixQuestion[] = [];
  constructor(public fixAnswer: FixAnswer = 'run') {}
  async allowLowConfidenceTask(): Promise<LowConfidenceAnswer> {
    return 'allow';
  }
  async runFix(_task: { title: string }, fix: FixQuestion): Promise<FixAnswer> {
    this.fixQuestions.push(fix);
    return this.fixAnswer;
  }
}

// check.js fails like node does on a missing package until node_modules/<name> exists; install.js creates it
const checkScript = `const fs = require('fs');
if (!fs.existsSync('node_modules/leftpad')) { console.error("Error: Cannot find module 'leftpad'\\nRequire stack:\\n- " + __filename); process.exit(1); }
console.log('all good');`;
const installScript = `const fs = require('fs');
const name = process.argv[2];
if (process.env.INSTALL_FAILS || fs.existsSync('install-fails')) { console.error('npm ERR! 404 Not Found: ' + name); process.exit(1); }
fs.mkdirSync('node_modules/' + name, { recursive: true });
console.log('added ' + name);`;

const installRule = (ask?: boolean): Rule => ({
  name: 'install what is missing',
  match: { errorClass: 'missing-module' },
  then: {
    do: 'fix',
    command: process.execPath,
    args: ['install.js', '${module}'],
    ...(ask !== undefined ? { ask } : {}),
  },
});

async function fixWorld(
  rules: Rule[],
  answer: FixAnswer = 'run',
): Promise<{ w: ExecWorld; guards: ExecutionGuards; questions: AnsweringQuestions; folder: string; taskId: string }> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-fix-'));
  fs.writeFileSync(path.join(folder, 'check.js'), checkScript);
  fs.writeFileSync(path.join(folder, 'install.js'), installScript);
  const base = await makeWorld();
  const questions = new AnsweringQuestions(answer);
  const guards = new ExecutionGuards({ store: base.store, clock: base.clock, questions });
  guards.setRules(rules);
  const w = await makeExecWorld(
    { hooks: guards, workspace: folder, settings: () => ({ concurrency: 1, checkpointEvery: 0 }) },
    base,
  );
  const executor = w.newExecutor({
    ports: {
      processes: nodeProcesses,
      hostTasks: fakeHostTasks(new FakeProcesses()),
      trust: { isTrusted: () => w.trusted.value },
      logs: w.logs,
      questions: w.questions,
    },
  });
  const taskId = (
    await w.tasks.create({ title: 'Check', action: { kind: 'shell', command: process.execPath, args: ['check.js'] } })
  ).id;
  return { w: { ...w, executor }, guards, questions, folder, taskId };
}

const missingLeftpad = errorSignature(errorLine("Error: Cannot find module 'leftpad'"));

describe('rulebook fixes (real processes)', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const f of folders.splice(0)) fs.rmSync(f, { recursive: true, force: true });
  });

  it('runs a fix rule’s command in the workspace, then tries the task again, and remembers that the fix worked', async () => {
    const { w, guards, questions, folder, taskId } = await fixWorld([installRule()]);
    folders.push(folder);
    const summary = await (await w.executor.run(await w.session([taskId]))).finished;
    assert.strictEqual(summary.outcome, 'completed', w.logs.logs.get(taskId));
    assert.strictEqual(w.tasks.get(taskId)!.status, 'done');
    assert.ok(
      fs.existsSync(path.join(folder, 'node_modules', 'leftpad')),
      'the fix command ran in the workspace with the module filled in',
    );
    assert.strictEqual(questions.fixQuestions.length, 0, 'a fix rule without ask runs without asking');
    const log = w.logs.logs.get(taskId) ?? '';
    assert.match(log, /running the fix proposed by install what is missing: .*install\.js leftpad/);
    assert.match(log, /added leftpad/);
    assert.match(log, /all good/);
    await guards.settled();
    const [known] = guards.learning.fixesFor(missingLeftpad);
    assert.ok(known, `a fix outcome is recorded for ${missingLeftpad}`);
    assert.deepStrictEqual(known.fix, { kind: 'command', command: process.execPath, args: ['install.js', 'leftpad'] });
    assert.strictEqual(known.tries, 1);
    assert.strictEqual(known.successRate, 1);
  });

  for (const [answer, status] of [
    ['skip', 'skipped'],
    ['fail', 'failed'],
  ] as const) {
    it(`asks before an asking fix and does not run it when the person chooses ${answer}`, async () => {
      const { w, guards, questions, folder, taskId } = await fixWorld([installRule(true)], answer);
      folders.push(folder);
      await (
        await w.executor.run(await w.session([taskId]))
      ).finished;
      assert.strictEqual(questions.fixQuestions.length, 1);
      assert.match(questions.fixQuestions[0].command ?? '', /install\.js leftpad$/);
      assert.match(questions.fixQuestions[0].error, /Cannot find module 'leftpad'/);
      assert.strictEqual(w.tasks.get(taskId)!.status, status);
      assert.ok(!fs.existsSync(path.join(folder, 'node_modules')), 'the fix did not run');
      await guards.settled();
      assert.deepStrictEqual(
        guards.learning.fixesFor(missingLeftpad),
        [],
        'nothing ran, so nothing is learned about the fix',
      );
    });
  }

  it('runs an asking fix when the person says so, and shows the fix’s record the next time it asks', async () => {
    const { w, guards, questions, folder, taskId } = await fixWorld([installRule(true)], 'run');
    folders.push(folder);
    await (
      await w.executor.run(await w.session([taskId]))
    ).finished;
    assert.strictEqual(w.tasks.get(taskId)!.status, 'done');
    await guards.settled();
    // the same error again in another task: the question carries what is known about the fix
    fs.rmSync(path.join(folder, 'node_modules'), { recursive: true });
    const again = (
      await w.tasks.create({
        title: 'Check again',
        action: { kind: 'shell', command: process.execPath, args: ['check.js'] },
      })
    ).id;
    await (
      await w.executor.run(await w.session([again]))
    ).finished;
    assert.strictEqual(questions.fixQuestions.length, 2);
    assert.match(questions.fixQuestions[1].history ?? '', /tried 1 time before for this error, success rate 100%/);
    await guards.settled();
    assert.strictEqual(guards.learning.fixesFor(missingLeftpad)[0].tries, 2);
  });

  it('fails the task when the fix command fails, and remembers the fix as failed', async () => {
    const { w, guards, folder, taskId } = await fixWorld([installRule()]);
    folders.push(folder);
    fs.writeFileSync(path.join(folder, 'install-fails'), '');
    await (
      await w.executor.run(await w.session([taskId]))
    ).finished;
    assert.strictEqual(w.tasks.get(taskId)!.status, 'failed');
    assert.match(w.logs.logs.get(taskId) ?? '', /the fix failed: Its command .* exited with code 1/);
    await guards.settled();
    const [known] = guards.learning.fixesFor(missingLeftpad);
    assert.strictEqual(known.tries, 1);
    assert.strictEqual(known.successRate, 0);
  });

  it('counts a fix that ran but did not make the task pass as failed, and does not run it twice', async () => {
    // the "fix" creates the wrong folder: the task fails again with the same error
    const { w, guards, folder, taskId } = await fixWorld([
      {
        match: { errorClass: 'missing-module' },
        then: { do: 'fix', command: process.execPath, args: ['install.js', 'rightpad'] },
      },
    ]);
    folders.push(folder);
    await (
      await w.executor.run(await w.session([taskId]))
    ).finished;
    assert.strictEqual(w.tasks.get(taskId)!.status, 'failed');
    const log = w.logs.logs.get(taskId) ?? '';
    assert.strictEqual(log.match(/added rightpad/g)?.length, 1, 'each fix runs once per run of the task');
    await guards.settled();
    const [known] = guards.learning.fixesFor(missingLeftpad);
    assert.strictEqual(known.tries, 1);
    assert.strictEqual(known.successRate, 0);
  });

  it('asks on a plain ask rule and tries again when the person says so', async () => {
    const { w, questions, folder, taskId } = await fixWorld(
      [{ match: { errorClass: 'missing-module' }, then: { do: 'ask' } }],
      'run',
    );
    folders.push(folder);
    let asked = 0;
    questions.runFix = async (_task, fix) => {
      asked++;
      assert.strictEqual(fix.command, undefined);
      fs.mkdirSync(path.join(folder, 'node_modules', 'leftpad'), { recursive: true }); // the person fixed it by hand
      return 'run';
    };
    await (
      await w.executor.run(await w.session([taskId]))
    ).finished;
    assert.strictEqual(asked, 1);
    assert.strictEqual(w.tasks.get(taskId)!.status, 'done');
  });
});

describe('run watched', () => {
  async function watchedWorld(alwaysAllowed: boolean) {
    const base = await makeWorld();
    const guards = new ExecutionGuards({ store: base.store, clock: base.clock, questions: new AnsweringQuestions() });
    if (alwaysAllowed)
      await base.store.write(
        w =>
          w.run(
            'INSERT INTO confidence_approvals (action_kind, always_allow, approvals, skips, updated_at) VALUES (?, 1, 1, 0, 0)',
            ['shell'],
          ),
        'user',
      );
    const w = await makeExecWorld({ hooks: guards, settings: () => ({ concurrency: 1, checkpointEvery: 0 }) }, base);
    const notices: string[] = [];
    guards.onNotice(n => notices.push(`${n.severity}: ${n.message}`));
    w.processes.script('fetch', { code: 1, output: 'npm ERR! network read ECONNRESET' });
    const id = await w.shell('Fetch', 'fetch');
    await (
      await w.executor.run(await w.session([id]))
    ).finished;
    await guards.settled();
    const decision = w.store.get<{ detail: string }>(
      "SELECT detail FROM task_events WHERE task_id = ? AND kind = 'confidence'",
      [id],
    );
    return { w, notices, id, decision: JSON.parse(decision!.detail) as { decision: string } };
  }

  it('gives a watched task one retry instead of the usual two, and says when it fails', async () => {
    const { w, notices, id, decision } = await watchedWorld(false);
    assert.strictEqual(decision.decision, 'run watched');
    assert.strictEqual(w.processes.started.length, 2, 'one try and one retry');
    assert.strictEqual(w.tasks.get(id)!.status, 'failed');
    assert.deepStrictEqual(notices.filter(n => /run watched/.test(n)).length, 1, notices.join('\n'));
    assert.match(notices[0], /^warning: Task 'Fetch' \(run watched\) failed: npm ERR! network read ECONNRESET/);
  });

  it('gives a confident task the executor’s full retry budget, without a notice', async () => {
    const { w, notices, decision } = await watchedWorld(true);
    assert.strictEqual(decision.decision, 'run');
    assert.strictEqual(w.processes.started.length, 3);
    assert.deepStrictEqual(notices, []);
  });
});
