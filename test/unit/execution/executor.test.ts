import * as assert from 'assert';
import { ExecutionRefused } from '../../../src/core/execution/executor';
import { stepKey, stepsOfTask } from '../../../src/core/execution/journal';
import { makeExecWorld, until } from './world';

describe('executor', () => {
  describe('scheduling', () => {
    it('runs ready tasks in the ready order: priority, then creation', async () => {
      const w = await makeExecWorld({ settings: () => ({ concurrency: 1, checkpointEvery: 0 }) });
      const a = await w.shell('A', 'echo a');
      const b = await w.shell('B', 'echo b', { priority: 'high' });
      const c = await w.shell('C', 'echo c', { dependsOn: [b] });
      const d = await w.shell('D', 'echo d', { priority: 'low' });
      const run = await w.executor.run(await w.session([a, b, c, d]));
      const summary = await run.finished;
      assert.deepStrictEqual(w.processes.lines(), ['echo b', 'echo a', 'echo c', 'echo d']);
      assert.strictEqual(summary.outcome, 'completed');
      assert.strictEqual(summary.done, 4);
      assert.strictEqual(w.sessions.get(summary.sessionId)!.status, 'completed');
    });

    it('runs independent tasks side by side up to the concurrency limit, and a dependent only after its dependencies', async () => {
      const w = await makeExecWorld({ settings: () => ({ concurrency: 2, checkpointEvery: 0 }) });
      const ids = [];
      for (const n of [1, 2, 3, 4]) {
        w.processes.script(`work ${n}`, { block: true });
        ids.push(await w.shell(`T${n}`, `work ${n}`));
      }
      const last = await w.shell('after all', 'finish', { dependsOn: ids });
      const run = await w.executor.run(await w.session([...ids, last]));
      await until('two running', () => w.processes.running === 2);
      await new Promise(r => setTimeout(r, 20));
      assert.strictEqual(w.processes.running, 2, 'never more than the limit');
      assert.deepStrictEqual(run.running.length, 2);
      w.processes.release('work 1');
      await until('third starts', () => w.processes.lines().includes('work 3'));
      w.processes.release();
      await until('fourth starts', () => w.processes.lines().includes('work 4'));
      assert.ok(!w.processes.lines().includes('finish'), 'the dependent waits for all four');
      w.processes.release();
      const summary = await run.finished;
      assert.strictEqual(w.processes.maxRunning, 2);
      assert.strictEqual(w.processes.lines().at(-1), 'finish');
      assert.strictEqual(summary.done, 5);
    });

    it('never starts a task that is already done, and a manual task waits for a person without taking a slot', async () => {
      const w = await makeExecWorld({ settings: () => ({ concurrency: 1, checkpointEvery: 0 }) });
      const done = await w.shell('Already done', 'never', { status: 'done' });
      const manual = (await w.tasks.create({ title: 'Review the design', action: { kind: 'manual' } })).id;
      const shell = await w.shell('Build', 'build');
      const run = await w.executor.run(await w.session([done, manual, shell]));
      await until('build ran', () => w.processes.lines().includes('build'));
      await until('waiting for a person', () => w.executor.isWaitingForPerson(manual));
      assert.strictEqual(w.tasks.get(manual)!.status, 'running');
      assert.ok(w.executor.personDecided(manual, 'done'));
      const summary = await run.finished;
      assert.ok(!w.processes.lines().includes('never'));
      assert.strictEqual(w.tasks.get(manual)!.status, 'done');
      assert.strictEqual(summary.outcome, 'completed');
    });

    it('leaves a task without an action to a person and waits until it is marked done', async () => {
      const w = await makeExecWorld();
      const todo = (await w.tasks.create({ title: 'Write the release notes' })).id;
      const after = await w.shell('Publish', 'publish', { dependsOn: [todo] });
      const run = await w.executor.run(await w.session([todo, after]));
      await new Promise(r => setTimeout(r, 30));
      assert.strictEqual(w.tasks.get(todo)!.status, 'pending', 'not started by the executor');
      assert.strictEqual(run.running.length, 0);
      await w.tasks.setStatus(todo, 'done');
      const summary = await run.finished;
      assert.deepStrictEqual(w.processes.lines(), ['publish']);
      assert.strictEqual(summary.outcome, 'completed');
    });

    it('a person marking a manual task failed fails it', async () => {
      const w = await makeExecWorld();
      const manual = (await w.tasks.create({ title: 'Sign off', action: { kind: 'manual' } })).id;
      const run = await w.executor.run(await w.session([manual]));
      await until('waiting', () => w.executor.isWaitingForPerson(manual));
      w.executor.personDecided(manual, 'failed');
      const summary = await run.finished;
      assert.strictEqual(w.tasks.get(manual)!.status, 'failed');
      assert.strictEqual(summary.outcome, 'needs-attention');
      assert.match(summary.failures[0].error, /marked the task failed/);
    });

    it('runs a VS Code task through the host port and fails on its non-zero exit code', async () => {
      const w = await makeExecWorld();
      w.processes.script('task:build', { code: 0 }).script('task:lint', { code: 2 });
      const ok = (await w.tasks.create({ title: 'Build task', action: { kind: 'vscodeTask', label: 'build' } })).id;
      const bad = (await w.tasks.create({ title: 'Lint task', action: { kind: 'vscodeTask', label: 'lint' } })).id;
      await (
        await w.executor.run(await w.session([ok, bad]))
      ).finished;
      assert.strictEqual(w.tasks.get(ok)!.status, 'done');
      assert.strictEqual(w.tasks.get(bad)!.status, 'failed');
      assert.match(w.tasks.get(bad)!.error!, /VS Code task 'lint'.*exited with code 2/);
    });

    it('refuses a folder outside the workspace and starts nothing', async () => {
      const w = await makeExecWorld();
      const t = await w.shell('Escape', 'ls', { action: { kind: 'shell', command: 'ls', cwd: '../../etc' } });
      await (
        await w.executor.run(await w.session([t]))
      ).finished;
      assert.strictEqual(w.processes.started.length, 0);
      assert.match(w.tasks.get(t)!.error!, /outside the workspace/);
    });
  });

  describe('resilience', () => {
    it('retries a transient failure with backoff and records every retry in the event log and the task log', async () => {
      const w = await makeExecWorld();
      w.processes.script(
        'npm install',
        { code: 1, output: 'npm ERR! code ECONNRESET\n' },
        { code: 1, output: 'socket hang up' },
        { code: 0 },
      );
      const t = await w.shell('Install', 'npm install');
      await (
        await w.executor.run(await w.session([t]))
      ).finished;
      assert.strictEqual(w.processes.lines().length, 3);
      assert.strictEqual(w.tasks.get(t)!.status, 'done');
      const retries = w.tasks.events(t).filter(e => e.kind === 'retry');
      assert.strictEqual(retries.length, 2);
      assert.match(String(retries[1].detail.reason), /network problem/);
      const log = await w.logs.read(t);
      assert.match(log, /try 1 of 3 failed \(its output shows a network problem or timeout\); trying again in/);
    });

    it('does not retry a deterministic failure', async () => {
      const w = await makeExecWorld();
      w.processes.script('tsc', {
        code: 2,
        output: "src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.\n",
      });
      const t = await w.shell('Compile', 'tsc');
      const summary = await (await w.executor.run(await w.session([t]))).finished;
      assert.strictEqual(w.processes.lines().length, 1);
      assert.strictEqual(w.tasks.get(t)!.status, 'failed');
      assert.match(await w.logs.read(t), /deterministic \(its output shows a TypeScript compile error\), not retried/);
      assert.strictEqual(summary.outcome, 'needs-attention');
      assert.strictEqual(w.sessions.get(summary.sessionId)!.status, 'paused');
    });

    it('gives up after three tries of a transient failure', async () => {
      const w = await makeExecWorld();
      w.processes.script('flaky', { code: 1, output: 'EBUSY: resource busy or locked' });
      const t = await w.shell('Flaky', 'flaky');
      await (
        await w.executor.run(await w.session([t]))
      ).finished;
      assert.strictEqual(w.processes.lines().length, 3);
      assert.match(await w.logs.read(t), /gave up after 3 tries/);
    });

    it('a task that runs past its timeout is stopped, its process killed, and retried as transient', async () => {
      const w = await makeExecWorld();
      w.processes.script('slow', { block: true });
      const t = await w.shell('Slow', 'slow', { action: { kind: 'shell', command: 'slow', timeoutMs: 20 } });
      await (
        await w.executor.run(await w.session([t]))
      ).finished;
      assert.strictEqual(w.processes.started.length, 3);
      assert.ok(w.processes.started.every(s => s.killed));
      assert.match(w.tasks.get(t)!.error!, /timed out/);
    });

    it('opens the circuit of an action kind after 5 failures in a row, keeps it open across a restart, and half-opens later', async () => {
      const w = await makeExecWorld({
        settings: () => ({ concurrency: 1, checkpointEvery: 0 }),
        resilience: { baseDelayMs: 1, maxDelayMs: 5, halfOpenAfterMs: 300 },
      });
      const ids = [];
      for (let i = 1; i <= 7; i++) {
        w.processes.script(`fail ${i}`, { code: 1 });
        ids.push(await w.shell(`Fails ${i}`, `fail ${i}`));
      }
      const manual = (await w.tasks.create({ title: 'Hold the run', action: { kind: 'manual' } })).id;
      const run = await w.executor.run(await w.session([...ids, manual]));
      await until('circuit open', () => w.executor.circuits().find(c => c.kind === 'shell')!.state === 'open');
      await new Promise(r => setTimeout(r, 30));
      assert.strictEqual(w.processes.started.length, 5, 'nothing more runs while the circuit is open');
      await until('saved', () =>
        (
          w.store.get<{ state: string }>("SELECT state FROM circuit_breakers WHERE kind = 'shell'")?.state ?? ''
        ).includes('openedAt'),
      );
      const events = w.tasks.events(ids[4]).filter(e => e.kind === 'circuit');
      assert.deepStrictEqual(
        events.map(e => e.detail.to),
        ['open'],
      );

      const restarted = w.newExecutor();
      assert.strictEqual(
        restarted.circuits().find(c => c.kind === 'shell')!.state,
        'open',
        'the state survives a restart',
      );

      w.processes.script('fail 6', { code: 0 });
      w.processes.script('fail 7', { code: 0 });
      await until('half-open test then closed', () => w.processes.started.length === 7, 3000);
      w.executor.personDecided(manual, 'done');
      await run.finished;
      assert.strictEqual(w.executor.circuits().find(c => c.kind === 'shell')!.state, 'closed');
      assert.strictEqual(w.tasks.get(ids[5])!.status, 'done');
    });
  });

  describe('verify', () => {
    it('counts a task done only after its verify command passes, and a failing verify is not retried', async () => {
      const w = await makeExecWorld();
      w.processes.script('npm test', { code: 1, output: '1 failing' });
      const good = await w.shell('Good', 'make', {
        action: { kind: 'shell', command: 'make', verify: 'test -f out.txt' },
      });
      const bad = await w.shell('Bad', 'make other', {
        action: { kind: 'shell', command: 'make other', verify: 'npm test' },
      });
      await (
        await w.executor.run(await w.session([good, bad]))
      ).finished;
      assert.strictEqual(w.tasks.get(good)!.status, 'done');
      assert.strictEqual(w.tasks.get(bad)!.status, 'failed');
      assert.strictEqual(w.processes.lines().filter(l => l === 'npm test').length, 1);
      assert.strictEqual(w.processes.lines().filter(l => l === 'make other').length, 1);
      assert.match(w.tasks.get(bad)!.error!, /verify command 'npm test' exited with code 1/);
    });
  });

  describe('pause, stop and cancel', () => {
    /** A session of one task whose process runs until killed (or, given `thenExit`, exits with it when run again). */
    const runningLongTask = async (thenExit?: number) => {
      const w = await makeExecWorld();
      if (thenExit === undefined) w.processes.script('long', { block: true });
      else w.processes.script('long', { block: true }, { code: thenExit });
      const t = await w.shell('Long', 'long');
      const session = await w.session([t]);
      const run = await w.executor.run(session);
      await until('running', () => w.processes.running === 1);
      return { w, t, session, run };
    };

    it('pause lets running tasks finish, starts nothing new, and pauses the session with a checkpoint; resume continues', async () => {
      const w = await makeExecWorld({ settings: () => ({ concurrency: 1, checkpointEvery: 0 }) });
      w.processes.script('one', { block: true });
      const a = await w.shell('One', 'one');
      const b = await w.shell('Two', 'two');
      const session = await w.session([a, b]);
      const run = await w.executor.run(session);
      await until('one running', () => w.processes.running === 1);
      const paused = run.pause();
      w.processes.release('one');
      const summary = await paused;
      assert.strictEqual(summary.outcome, 'paused');
      assert.strictEqual(w.tasks.get(a)!.status, 'done');
      assert.strictEqual(w.tasks.get(b)!.status, 'pending');
      assert.strictEqual(w.sessions.get(session)!.status, 'paused');
      assert.deepStrictEqual(
        w.sessions.listCheckpoints(session).map(c => c.trigger),
        ['pause'],
      );

      const resumed = await (await w.executor.run(session)).finished;
      assert.strictEqual(resumed.outcome, 'completed');
      assert.deepStrictEqual(w.processes.lines(), ['one', 'two']);
    });

    it('Stop now kills running processes, puts their tasks back to pending, and a resume runs them again', async () => {
      const { w, t, session, run } = await runningLongTask(0);
      const summary = await run.stopNow();
      assert.ok(w.processes.started[0].killed);
      assert.strictEqual(summary.outcome, 'paused');
      assert.strictEqual(w.tasks.get(t)!.status, 'pending');
      await (
        await w.executor.run(session)
      ).finished;
      assert.strictEqual(w.tasks.get(t)!.status, 'done');
      assert.strictEqual(w.processes.started.length, 2);
    });

    it('an abandoned run (the window going away, its store closed) kills its processes and ends without touching the store', async () => {
      const { w, run } = await runningLongTask(0);
      w.executor.abandon();
      const closing = w.store.close();
      const summary = await run.finished; // before: rejected with SQLite's "out of memory" from reading the closed store
      await closing;
      assert.strictEqual(summary.outcome, 'abandoned');
      assert.ok(w.processes.started[0].killed);
      assert.throws(() => w.store.get('SELECT 1'), /The store is closed/);
    });

    it('cancel kills running processes and ends the session as failed', async () => {
      const { w, session, run } = await runningLongTask();
      const summary = await run.cancel();
      assert.strictEqual(summary.outcome, 'cancelled');
      assert.strictEqual(w.sessions.get(session)!.status, 'failed');
      assert.ok(w.processes.started[0].killed);
    });

    it('takes a checkpoint every N completed tasks', async () => {
      const w = await makeExecWorld({ settings: () => ({ concurrency: 2, checkpointEvery: 2 }) });
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await w.shell(`T${i}`, `t ${i}`));
      const session = await w.session(ids);
      await (
        await w.executor.run(session)
      ).finished;
      assert.deepStrictEqual(
        w.sessions.listCheckpoints(session).map(c => c.trigger),
        ['every-n-tasks', 'every-n-tasks'],
      );
    });
  });

  describe('step journal and resume', () => {
    it('records each step as started and then with its result, under an idempotency key', async () => {
      const w = await makeExecWorld();
      const t = await w.shell('Build', 'make', { action: { kind: 'shell', command: 'make', verify: 'make check' } });
      await (
        await w.executor.run(await w.session([t]))
      ).finished;
      const steps = stepsOfTask(w.store, t);
      assert.deepStrictEqual(
        steps.map(s => [s.key, s.status]),
        [
          [stepKey(t, 1, 'run'), 'succeeded'],
          [stepKey(t, 1, 'verify'), 'succeeded'],
        ],
      );
      assert.deepStrictEqual(steps[0].result, { code: 0 });
    });

    it('after a crash, skips completed steps and completed tasks, and re-runs a cut-off re-runnable step', async () => {
      const w = await makeExecWorld();
      const done = await w.shell('Done before', 'done-cmd');
      const half = await w.shell('Half way', 'make', {
        action: { kind: 'shell', command: 'make', verify: 'make check' },
      });
      const cut = await w.shell('Cut off', 'cut');
      const session = await w.session([done, half, cut]);
      // What a crash leaves behind: the session running, one task done, two running with steps in the journal.
      await w.sessions.start(session);
      await w.tasks.setStatus(done, 'done', 'executor');
      for (const id of [half, cut]) await w.tasks.setStatus(id, 'running', 'executor');
      await w.store.write(wr => {
        wr.run(
          "INSERT INTO execution_steps (key, task_id, attempt, step, status, rerunnable, started_at, ended_at, result) VALUES (?, ?, 1, 'run', 'succeeded', 1, 1, 2, '{\"code\":0}')",
          [stepKey(half, 1, 'run'), half],
        );
        wr.run(
          "INSERT INTO execution_steps (key, task_id, attempt, step, status, rerunnable, started_at) VALUES (?, ?, 1, 'run', 'started', 1, 1)",
          [stepKey(cut, 1, 'run'), cut],
        );
      });
      w.clock.advance(60_000);
      await w.sessions.recoverInterrupted();
      assert.strictEqual(w.sessions.get(session)!.status, 'interrupted');

      const summary = await (await w.executor.run(session)).finished;
      assert.deepStrictEqual(w.processes.lines().sort(), ['cut', 'make check']);
      assert.strictEqual(summary.outcome, 'completed');
      assert.strictEqual(w.tasks.get(half)!.attempts, 1, 'a resumed task keeps its run number');
      assert.match(await w.logs.read(half), /step 'run' completed before; not run again/);
    });

    for (const [answer, status, ran] of [
      ['rerun', 'done', true],
      ['skip', 'done', false],
      ['fail', 'failed', false],
    ] as const) {
      it(`asks before re-running a cut-off step that must not run twice (answer: ${answer})`, async () => {
        const w = await makeExecWorld();
        w.questions.interruptedAnswer = answer;
        const t = await w.shell('Deploy', 'deploy', {
          action: { kind: 'shell', command: 'deploy', rerunnable: false },
        });
        const session = await w.session([t]);
        await w.sessions.start(session);
        await w.tasks.setStatus(t, 'running', 'executor');
        await w.store.write(wr =>
          wr.run(
            "INSERT INTO execution_steps (key, task_id, attempt, step, status, rerunnable, started_at) VALUES (?, ?, 1, 'run', 'started', 0, 1)",
            [stepKey(t, 1, 'run'), t],
          ),
        );
        w.clock.advance(60_000);
        await w.sessions.recoverInterrupted();
        await (
          await w.executor.run(session)
        ).finished;
        assert.deepStrictEqual(w.questions.interrupted, ['Deploy/run']);
        assert.strictEqual(w.tasks.get(t)!.status, status);
        assert.strictEqual(w.processes.lines().includes('deploy'), ran);
      });
    }
  });

  describe('safety', () => {
    it('runs nothing in an untrusted workspace and says how to trust it', async () => {
      const w = await makeExecWorld();
      w.trusted.value = false;
      const t = await w.shell('Anything', 'rm -rf build');
      const session = await w.session([t]);
      await assert.rejects(
        w.executor.run(session),
        (err: Error) => err instanceof ExecutionRefused && /Manage Workspace Trust/.test(err.message),
      );
      assert.strictEqual(w.processes.started.length, 0);
      assert.strictEqual(w.sessions.get(session)!.status, 'created');
    });

    it('asks once per plan before its commands first run, remembers the answer, and asks again when the commands change', async () => {
      const w = await makeExecWorld();
      const { parsePlan } = await import('../../../src/core/tasks/plan');
      const plan = (run: string) =>
        parsePlan(`# Plan\n\n## Phase 1: Build\n\n- [ ] 1.1 Build it\n  Run: ${run}\n`, 'PLAN.md');
      await w.tasks.importPlan(plan('npm run build'));
      const id = w.tasks.list()[0].id;
      w.questions.confirm = false;
      await assert.rejects(w.executor.run(await w.session([id])), /commands of PLAN.md were not confirmed/);
      assert.strictEqual(w.processes.started.length, 0);
      w.questions.confirm = true;
      await w.executor.prepare([id]);
      await w.executor.prepare([id]);
      assert.deepStrictEqual(w.questions.confirmations, ['PLAN.md: npm run build', 'PLAN.md: npm run build']);
      await w.tasks.importPlan(plan('npm run build -- --prod'));
      await w.executor.prepare([id]);
      assert.strictEqual(w.questions.confirmations.length, 3);
      assert.match(w.questions.confirmations[2], /--prod/);
    });
  });

  describe('task log', () => {
    it("keeps each task's output in its log, up to the cap", async () => {
      const w = await makeExecWorld({ logCapBytes: 200 });
      w.processes.script('chatty', { code: 0, output: 'x'.repeat(500) });
      const t = await w.shell('Chatty', 'chatty');
      await (
        await w.executor.run(await w.session([t]))
      ).finished;
      const log = await w.logs.read(t);
      assert.ok(log.startsWith('\n=== '));
      assert.match(log, /\$ chatty/);
      assert.match(log, /this log reached its limit/);
      assert.ok(Buffer.byteLength(log) < 400);
    });
  });
});
