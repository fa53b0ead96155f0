// The `lm` action: a scripted model works with tools through the executor's step journal, and a
// resume replays what was recorded instead of asking the model or running a tool again.
import * as assert from 'assert';
import { stepsOfTask } from '../../../src/core/execution/journal';
import { ModelError } from '../../../src/core/lm/model';
import type { LmHost } from '../../../src/core/lm/host';
import type { StoreWriter } from '../../../src/core/store/types';
import type { TaskAction } from '../../../src/core/tasks/model';
import { makeExecWorld, until, type ExecWorld } from '../execution/world';
import { MemoryWorkspace, ScriptedModel, call, lmHost, says, type Turn } from './fakes';

const root = '/work/ws';

interface LmWorld {
  w: ExecWorld;
  model: ScriptedModel;
  files: MemoryWorkspace;
  host: LmHost;
  task: string;
  session: string;
  /** Runs the session to its end with a fresh executor (as a new process would). */
  run(): Promise<void>;
}

async function lmWorld(
  turns: Turn[],
  files: Record<string, string>,
  action: Partial<Extract<TaskAction, { kind: 'lm' }>> = {},
  more: Partial<LmHost> = {},
): Promise<LmWorld> {
  const w = await makeExecWorld();
  const model = new ScriptedModel(turns);
  const workspace = new MemoryWorkspace(root, files);
  const host = lmHost(model, workspace, more);
  const task = (
    await w.tasks.create({
      title: 'Add a greeting',
      description: 'Make greet() say hello.',
      action: { kind: 'lm', ...action },
    })
  ).id;
  const session = await w.session([task]);
  const executor = () =>
    w.newExecutor({
      ports: w.portsWith({ lm: host }),
    });
  return {
    w,
    model,
    files: workspace,
    host,
    task,
    session,
    async run() {
      await (
        await executor().run(session)
      ).finished;
    },
  };
}

/** Starts the session and abandons it (as a SIGKILL would leave it) once `probe` holds. */
async function killedWhen(l: LmWorld, probe: () => boolean): Promise<void> {
  const executor = l.w.newExecutor({
    ports: l.w.portsWith({ lm: l.host }),
  });
  const run = await executor.run(l.session);
  const end = Date.now() + 3000;
  while (!probe()) {
    if (Date.now() > end) throw new Error('the run never reached the point of the kill');
    await new Promise(r => setTimeout(r, 1));
  }
  executor.abandon();
  // a killed process finishes nothing: its run is left as it is (a blocked write never returns)
  void run.finished;
  await new Promise(r => setTimeout(r, 5));
  l.w.clock.advance(60_000);
  await l.w.sessions.recoverInterrupted();
}

describe('the lm action', () => {
  it('lets the model read and edit a file, and is done when the model says so', async () => {
    const l = await lmWorld(
      [
        says('Reading it.', call('read_file', { path: 'src/greet.ts' })),
        says(
          'Changing it.',
          call('edit_file', { path: 'src/greet.ts', oldText: "return '';", newText: "return 'hello';" }),
        ),
        says('greet() now says hello.'),
      ],
      { 'src/greet.ts': "export function greet() {\n  return '';\n}\n" },
    );
    await l.run();
    const task = l.w.tasks.get(l.task)!;
    assert.strictEqual(task.status, 'done', task.error);
    assert.strictEqual(l.files.text('src/greet.ts'), "export function greet() {\n  return 'hello';\n}\n");
    assert.match(task.result!, /finished in 3 turns .*greet\(\) now says hello/);
    assert.match(
      l.model.requests[1].messages.at(-1)!.role === 'tool'
        ? (l.model.requests[1].messages.at(-1) as { content: string }).content
        : '',
      /return ''/,
      'the file was given back to the model',
    );
  });

  it('writes the transcript to the task log: each turn, each tool call, and each edit as a diff', async () => {
    const l = await lmWorld(
      [says('Changing it.', call('edit_file', { path: 'a.txt', oldText: 'two', newText: 'TWO' })), says('Done.')],
      { 'a.txt': 'one\ntwo\nthree\n' },
    );
    await l.run();
    const log = l.w.logs.logs.get(l.task)!;
    assert.match(log, /--- turn 1 \(scripted model; 5 tokens in, 5 out\) ---\nChanging it\.\n {2}wants edit_file/);
    assert.match(log, /→ edit_file a\.txt\n--- a\.txt\n\+\+\+ a\.txt\n@@ -1,4 \+1,4 @@\n one\n-two\n\+TWO\n three\n/);
    assert.match(log, /--- turn 2 .*\nDone\./);
  });

  it('records every model request and every tool call as a step of its own', async () => {
    const l = await lmWorld([says('', call('list_files', {}), call('read_file', { path: 'a.txt' })), says('Done.')], {
      'a.txt': 'x',
    });
    await l.run();
    const steps = stepsOfTask(l.w.store, l.task).map(s => `${s.step}:${s.status}`);
    assert.deepStrictEqual(steps, [
      'began:succeeded',
      'model 1:succeeded',
      't1 call 1 list_files:succeeded',
      't1 call 2 read_file:succeeded',
      'model 2:succeeded',
    ]);
    const recorded = stepsOfTask(l.w.store, l.task).find(s => s.step === 'model 1')!.result as { toolCalls: unknown[] };
    assert.strictEqual(recorded.toolCalls.length, 2, "the model's answer is kept in its step");
  });

  it('has each model answer on disk before the next model request and before any edit; a file read may run meanwhile', async () => {
    const l = await lmWorld(
      [
        says('', call('read_file', { path: 'a.txt' })),
        says('', call('edit_file', { path: 'a.txt', oldText: 'x', newText: 'y' })),
        says('Done.'),
      ],
      { 'a.txt': 'x' },
    );
    const events: string[] = [];
    const write = l.w.store.write.bind(l.w.store);
    l.w.store.write = (fn, actor) => {
      let endsModel: string | undefined;
      const written = write(
        (wr: StoreWriter) =>
          fn({
            ...wr,
            run: (sql, params) => {
              const model = params?.find(p => typeof p === 'string' && /\/model \d+$/.test(p)) as string | undefined;
              if (/^UPDATE execution_steps SET status = \?/.test(sql.trim()) && model)
                endsModel = model.split('/').pop();
              return wr.run(sql, params);
            },
          }),
        actor,
      );
      // the disk is slow for a model answer's write: whoever does not wait for it acts before it is saved
      return written.then(async v => {
        if (endsModel) {
          await new Promise(r => setTimeout(r, 30));
          events.push(`${endsModel} on disk`);
        }
        return v;
      });
    };
    const send = l.model.send.bind(l.model);
    l.model.send = (request, signal) => {
      events.push(`model ${request.messages.filter(m => m.role === 'assistant').length + 1} asked`);
      return send(request, signal);
    };
    const writeText = l.files.writeText.bind(l.files);
    l.files.writeText = async (p, text) => {
      events.push('tool edits');
      return writeText(p, text);
    };
    await l.run();
    const at = (e: string) => {
      assert.ok(events.includes(e), `${e} in ${JSON.stringify(events)}`);
      return events.indexOf(e);
    };
    assert.ok(at('model 1 on disk') < at('model 2 asked'), JSON.stringify(events));
    assert.ok(at('model 2 on disk') < at('tool edits'), JSON.stringify(events));
    assert.ok(at('model 2 on disk') < at('model 3 asked'), JSON.stringify(events));
  });

  it('replays recorded model answers on resume instead of asking the model again, and skips completed tool calls', async () => {
    const l = await lmWorld(
      [
        says('', call('edit_file', { path: 'a.txt', oldText: 'a', newText: 'b' })),
        says('', call('read_file', { path: 'a.txt' })),
        'block',
        says('Done.'),
      ],
      { 'a.txt': 'a' },
    );
    // killed while the third request waits for its answer
    await killedWhen(l, () => l.model.requests.length === 3);
    await l.run();
    assert.strictEqual(l.w.tasks.get(l.task)!.status, 'done', l.w.tasks.get(l.task)!.error);
    assert.deepStrictEqual(
      [...l.model.perTurn],
      [
        [1, 1],
        [2, 1],
        [3, 2],
      ],
      'only the turn cut off is asked again',
    );
    assert.deepStrictEqual(l.files.writes, ['a.txt'], 'the edit was applied once');
    assert.strictEqual(l.files.text('a.txt'), 'b');
  });

  it('counts an edit whose write landed before a kill as applied, without writing it again', async () => {
    const l = await lmWorld(
      [says('', call('edit_file', { path: 'a.txt', oldText: 'one', newText: 'two' })), says('Done.')],
      { 'a.txt': 'one' },
    );
    l.files.onWrite = () => new Promise(() => undefined); // the write is on disk; the process dies before its step is recorded
    await killedWhen(l, () => l.files.writes.length === 1);
    l.files.onWrite = undefined;
    await l.run();
    assert.strictEqual(l.w.tasks.get(l.task)!.status, 'done', l.w.tasks.get(l.task)!.error);
    assert.deepStrictEqual(l.files.writes, ['a.txt'], 'not written twice');
    assert.strictEqual(l.files.text('a.txt'), 'two');
    assert.match(l.w.logs.logs.get(l.task)!, /already applied before an interruption/);
  });

  it('stops, saying the file changed underneath, when a resumed edit finds the file neither as planned nor as edited', async () => {
    const l = await lmWorld(
      [says('', call('edit_file', { path: 'a.txt', oldText: 'one', newText: 'two' })), says('Done.')],
      { 'a.txt': 'one' },
    );
    l.files.onWrite = () => new Promise(() => undefined);
    await killedWhen(l, () => l.files.writes.length === 1);
    l.files.onWrite = undefined;
    l.files.files.set(`${root}/a.txt`, 'someone else wrote this');
    await l.run();
    const task = l.w.tasks.get(l.task)!;
    assert.strictEqual(task.status, 'failed');
    assert.match(task.error!, /'a\.txt' changed underneath the model's edit/);
    assert.strictEqual(l.files.text('a.txt'), 'someone else wrote this', 'the file is left as it was found');
    assert.strictEqual(l.model.requests.length, 1, 'the model was not asked again');
  });

  it('never runs again a command cut off by a kill without asking, and fails the task when the person says so', async () => {
    const l = await lmWorld(
      [says('', call('run_command', { command: 'deploy --now' })), says('Done.')],
      {},
      { allowCommands: ['deploy --now'] },
    );
    l.w.processes.script('deploy --now', { block: true });
    await killedWhen(l, () => l.w.processes.started.length === 1);
    l.w.questions.interruptedAnswer = 'fail';
    await l.run();
    assert.deepStrictEqual(l.w.questions.interrupted, ['Add a greeting/t1 call 1 run_command']);
    assert.deepStrictEqual(l.w.processes.lines(), ['deploy --now'], 'not started again');
    assert.strictEqual(l.w.tasks.get(l.task)!.status, 'failed');
  });

  it('runs a cut-off command again without asking when the task says its commands are re-runnable', async () => {
    const l = await lmWorld(
      [says('', call('run_command', { command: 'npm test' })), says('Done.')],
      {},
      { allowCommands: ['npm test'], rerunnable: true },
    );
    l.w.processes.script('npm test', { block: true }, { code: 0, output: 'ok' });
    await killedWhen(l, () => l.w.processes.started.length === 1);
    await l.run();
    assert.deepStrictEqual(l.w.questions.interrupted, []);
    assert.deepStrictEqual(l.w.processes.lines(), ['npm test', 'npm test']);
    assert.strictEqual(l.w.tasks.get(l.task)!.status, 'done');
  });

  it('runs a command without a shell in the workspace, and gives its exit code and output back to the model', async () => {
    const l = await lmWorld(
      [says('', call('run_command', { command: "node 'my script.js'" })), says('Done.')],
      {},
      { allowCommands: ["node 'my script.js'"] },
    );
    l.w.processes.script('node my script.js', { code: 3, output: 'it broke\n' });
    await l.run();
    const spec = l.w.processes.started[0].spec;
    assert.deepStrictEqual([spec.command, spec.args, spec.shell, spec.cwd], ['node', ['my script.js'], false, root]);
    const told = l.model.requests[1].messages.at(-1) as { content: string; isError?: boolean };
    assert.match(told.content, /exit code 3\nit broke/);
    assert.strictEqual(told.isError, true);
  });

  it('asks before running a command the task does not allow, and tells the model when it was refused', async () => {
    const asked: string[] = [];
    const l = await lmWorld(
      [says('', call('run_command', { command: 'rm -rf build' })), says('Done.')],
      {},
      {},
      {
        approveCommand: async (_t, c) => {
          asked.push(c);
          return { run: false, why: 'it needs a confirmation: run with --yes' };
        },
      },
    );
    await l.run();
    assert.deepStrictEqual(asked, ['rm -rf build']);
    assert.deepStrictEqual(l.w.processes.lines(), []);
    assert.match(
      (l.model.requests[1].messages.at(-1) as { content: string }).content,
      /^Not run: it needs a confirmation: run with --yes/,
    );
  });

  it('refuses paths outside the workspace, also through a symbolic link, and tells the model', async () => {
    const l = await lmWorld(
      [
        says(
          '',
          call('edit_file', { path: '../outside.txt', newText: 'x' }),
          call('edit_file', { path: 'link/evil.txt', newText: 'x' }),
          call('read_file', { path: 'link/secret' }),
        ),
        says('Done.'),
      ],
      { 'a.txt': 'a' },
    );
    l.files.links.set(`${root}/link`, '/etc');
    await l.run();
    assert.deepStrictEqual(l.files.writes, []);
    const told = l.model.requests[1].messages.filter(m => m.role === 'tool') as Array<{
      content: string;
      isError?: boolean;
    }>;
    assert.match(told[0].content, /outside the workspace/);
    assert.match(told[1].content, /leads outside the workspace through a symbolic link/);
    assert.match(told[2].content, /leads outside the workspace through a symbolic link/);
    assert.ok(told.every(t => t.isError));
    assert.strictEqual(l.w.tasks.get(l.task)!.status, 'done');
  });

  it('is done only when its verify command passes: a failing verify goes back to the model with its output', async () => {
    const l = await lmWorld(
      [
        says('Done, I think.'),
        r =>
          JSON.stringify(r.messages.at(-1)).includes('2 failing')
            ? says('', call('edit_file', { path: 'a.txt', newText: 'fixed' }))
            : new Error('the verify output never came back'),
        says('Fixed now.'),
      ],
      { 'a.txt': 'broken' },
      { verify: 'npm test' },
    );
    l.w.processes.script('npm test', { code: 1, output: '2 failing\n' }, { code: 0, output: 'all pass\n' });
    await l.run();
    const task = l.w.tasks.get(l.task)!;
    assert.strictEqual(task.status, 'done', task.error);
    assert.deepStrictEqual(
      l.w.processes.lines(),
      ['npm test', 'npm test'],
      'verify ran after each "done", and not once more by the executor',
    );
    assert.strictEqual(l.files.text('a.txt'), 'fixed');
  });

  it('fails with the reason when the verify command still fails at the end of its turns', async () => {
    const l = await lmWorld([says('Done.'), says('Done.'), says('Done.')], {}, { verify: 'npm test', maxTurns: 3 });
    l.w.processes.script('npm test', { code: 1, output: 'still failing\n' });
    await l.run();
    const task = l.w.tasks.get(l.task)!;
    assert.strictEqual(task.status, 'failed');
    assert.match(task.error!, /used all 3 turns .* verify command 'npm test' still fails \(exit code 1\)/);
    assert.strictEqual(l.model.requests.length, 3);
  });

  it('fails when the model uses more tokens than its limit', async () => {
    const l = await lmWorld(
      [says('', call('list_files', {})), says('', call('list_files', {})), says('Done.')],
      {},
      { maxTokens: 15 },
    );
    await l.run();
    const task = l.w.tasks.get(l.task)!;
    assert.strictEqual(task.status, 'failed');
    assert.match(task.error!, /used 20 tokens .* more than its limit of 15/);
    assert.strictEqual(l.model.requests.length, 2);
  });

  it("waits out a rate limit's Retry-After and asks again, within the same recorded step", async () => {
    const l = await lmWorld([new ModelError('429 too many requests', 'rate-limited', 20, 429), says('Done.')], {});
    await l.run();
    assert.strictEqual(l.w.tasks.get(l.task)!.status, 'done', l.w.tasks.get(l.task)!.error);
    assert.strictEqual(l.model.requests.length, 2);
    assert.match(l.w.logs.logs.get(l.task)!, /rate-limited; waiting 1 s as it asked/);
  });

  it('fails at once, without retrying, when the provider refuses the credentials', async () => {
    const l = await lmWorld([new ModelError('401 invalid api key', 'auth', undefined, 401), says('Done.')], {});
    await l.run();
    const task = l.w.tasks.get(l.task)!;
    assert.strictEqual(task.status, 'failed');
    assert.match(task.error!, /invalid api key/);
    assert.strictEqual(l.model.requests.length, 1);
  });

  it('retries a task whose model is unavailable, without asking again for the answers it already has', async () => {
    const l = await lmWorld(
      [
        says('', call('list_files', {})),
        new ModelError('503 overloaded', 'unavailable', undefined, 503),
        says('Done.'),
      ],
      { 'a.txt': 'a' },
    );
    await l.run();
    assert.strictEqual(l.w.tasks.get(l.task)!.status, 'done', l.w.tasks.get(l.task)!.error);
    assert.deepStrictEqual(
      [...l.model.perTurn],
      [
        [1, 1],
        [2, 2],
      ],
    );
  });

  it('tells the model about a tool call with a bad input instead of failing the task', async () => {
    const l = await lmWorld(
      [says('', call('read_file', { file: 'a.txt' }), call('frobnicate', {})), says('Done.')],
      {},
    );
    await l.run();
    const told = l.model.requests[1].messages.filter(m => m.role === 'tool') as Array<{ content: string }>;
    assert.match(told[0].content, /The input of read_file is not valid: path/);
    assert.match(told[1].content, /There is no tool 'frobnicate'/);
    assert.strictEqual(l.w.tasks.get(l.task)!.status, 'done');
  });
});

describe('lm tasks and a model that comes later', () => {
  it('a run waiting for a person leaves its lm task while there is no model, and starts it as soon as one comes', async () => {
    const w = await makeExecWorld();
    let available = false;
    const files = new MemoryWorkspace(root, { 'a.txt': 'one\n' });
    const model = new ScriptedModel([says('Nothing to change.')]);
    const host = lmHost(model, files, { available: () => available });
    const lm = (await w.tasks.create({ title: 'Tidy a.txt', action: { kind: 'lm' } })).id;
    const todo = (await w.tasks.create({ title: 'Review the design', action: { kind: 'manual' } })).id;
    const executor = w.newExecutor({
      ports: w.portsWith({ lm: host }),
    });
    const run = await executor.run(await w.session([lm, todo]));
    await until('the to-do to wait for its person', () => executor.isWaitingForPerson(todo));
    await new Promise(r => setTimeout(r, 20));
    assert.strictEqual(w.tasks.get(lm)!.status, 'pending', 'no model: the lm task waits');
    assert.strictEqual(model.requests.length, 0);

    available = true; // Copilot signed in while the session waited for the to-do
    executor.lookAgain();
    await until('the lm task to be done', () => w.tasks.get(lm)!.status === 'done');
    executor.personDecided(todo, 'done');
    const summary = await run.finished;
    assert.strictEqual(summary.outcome, 'completed');
    assert.strictEqual(summary.cannotRunHere, undefined);
  });

  it('a run that ends with lm tasks left for want of a model counts them as left here', async () => {
    const w = await makeExecWorld();
    const host = lmHost(new ScriptedModel([]), new MemoryWorkspace(root, {}), { available: () => false });
    const lm = (await w.tasks.create({ title: 'Tidy a.txt', action: { kind: 'lm' } })).id;
    const build = await w.shell('Build', 'build');
    const executor = w.newExecutor({
      ports: w.portsWith({ lm: host }),
    });
    const summary = await (await executor.run(await w.session([lm, build]))).finished;
    assert.strictEqual(summary.outcome, 'needs-attention');
    assert.strictEqual(summary.cannotRunHere, 1);
    assert.strictEqual(w.tasks.get(lm)!.status, 'pending');
    assert.strictEqual(w.tasks.get(build)!.status, 'done');
  });
});
