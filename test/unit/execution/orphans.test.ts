// A step whose process an earlier run left running (a killed CLI, a closed window, a stalled
// process whose lock was taken over) is never started beside itself: a resume waits for it or
// stops it, as the person chooses (issue 18, item 2). First with fake processes, then with real
// ones: a runner SIGKILLed mid-step, its task's process left running in its own process group.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stepKey, stepsOfTask } from '../../../src/core/execution/journal';
import { openContinuum } from '../../../src/core/continuum';
import { nodeFileSystem } from '../../../src/node/fileSystem';
import { nodeProcesses } from '../../../src/node/processes';
import { buildKillChild } from './kill/harness';
import { makeExecWorld, until, type ExecWorld } from './world';

async function leftRunning(w: ExecWorld, pid: number): Promise<{ task: string; session: string }> {
  const task = await w.shell('Migrate', 'migrate');
  const session = await w.session([task]);
  await w.sessions.start(session);
  await w.tasks.setStatus(task, 'running', 'executor');
  await w.store.write(wr =>
    wr.run(
      "INSERT INTO execution_steps (key, task_id, attempt, step, status, rerunnable, started_at, process) VALUES (?, ?, 1, 'run', 'started', 1, 1, ?)",
      [stepKey(task, 1, 'run'), task, JSON.stringify({ pid, startTime: '1', group: pid })],
    ),
  );
  w.clock.advance(60_000);
  await w.sessions.recoverInterrupted();
  w.processes.orphans.add(pid);
  return { task, session };
}

describe("a resume and an earlier run's processes", () => {
  it('records the process each step starts with the step', async () => {
    const w = await makeExecWorld();
    const t = await w.shell('Build', 'make');
    await (
      await w.executor.run(await w.session([t]))
    ).finished;
    assert.deepStrictEqual(stepsOfTask(w.store, t)[0].process, { pid: 1000, startTime: '1', group: 1000 });
  });

  it("stops a step's process that a killed run left running before running the step again, when the person says stop", async () => {
    const w = await makeExecWorld();
    w.questions.orphanAnswer = 'stop';
    const { task, session } = await leftRunning(w, 4242);
    await (
      await w.executor.run(session)
    ).finished;
    assert.deepStrictEqual(w.questions.orphans, ['Migrate/run/4242']);
    assert.deepStrictEqual(w.processes.stopped, [4242]);
    assert.deepStrictEqual(w.processes.lines(), ['migrate']);
    assert.strictEqual(w.tasks.get(task)!.status, 'done');
  });

  it("waits for a step's process that a killed run left running, and only then runs the step again, when the person says wait", async () => {
    const w = await makeExecWorld();
    w.questions.orphanAnswer = 'wait';
    const { task, session } = await leftRunning(w, 4343);
    const run = await w.executor.run(session);
    await until('asked', () => w.questions.orphans.length === 1);
    await new Promise(r => setTimeout(r, 700));
    assert.deepStrictEqual(w.processes.lines(), [], 'not started beside its own earlier run');
    w.processes.orphans.delete(4343); // the earlier run's process ends by itself
    await run.finished;
    assert.deepStrictEqual(w.processes.stopped, []);
    assert.deepStrictEqual(w.processes.lines(), ['migrate']);
    assert.strictEqual(w.tasks.get(task)!.status, 'done');
  });

  it("finds a step's process by the step's marker when a kill came before its pid was recorded", async () => {
    const w = await makeExecWorld();
    const task = await w.shell('Migrate', 'migrate');
    const session = await w.session([task]);
    await w.sessions.start(session);
    await w.tasks.setStatus(task, 'running', 'executor');
    await w.store.write(wr =>
      wr.run(
        "INSERT INTO execution_steps (key, task_id, attempt, step, status, rerunnable, started_at) VALUES (?, ?, 1, 'run', 'started', 1, 1)",
        [stepKey(task, 1, 'run'), task],
      ),
    );
    w.clock.advance(60_000);
    await w.sessions.recoverInterrupted();
    w.processes.orphans.add(5151);
    w.processes.marked.set(stepKey(task, 1, 'run'), [{ pid: 5151, startTime: '9', group: 5151 }]);
    await (
      await w.executor.run(session)
    ).finished;
    assert.deepStrictEqual(w.questions.orphans, ['Migrate/run/5151']);
    assert.deepStrictEqual(w.processes.stopped, [5151]);
    assert.deepStrictEqual(w.processes.lines(), ['migrate']);
  });

  it("gives each step's processes the step's key as a marker", async () => {
    const w = await makeExecWorld();
    const t = await w.shell('Build', 'make');
    await (
      await w.executor.run(await w.session([t]))
    ).finished;
    assert.strictEqual(w.processes.started[0].spec.marker, stepKey(t, 1, 'run'));
  });

  it('asks nothing when the recorded process has ended', async () => {
    const w = await makeExecWorld();
    const { session } = await leftRunning(w, 4444);
    w.processes.orphans.clear();
    await (
      await w.executor.run(session)
    ).finished;
    assert.deepStrictEqual(w.questions.orphans, []);
    assert.deepStrictEqual(w.processes.lines(), ['migrate']);
  });
});

describe('a real process of a step whose pid was never recorded', function () {
  this.timeout(30_000);

  it('is found by its marker and stopped, with what it started, before the step runs again', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-marker-'));
    try {
      const key = 'task-x#1/run';
      // what a runner killed between spawn and record leaves: a process group carrying the step's marker
      const orphan = spawn('sh', ['-c', 'sleep 30 & sleep 30; wait'], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, CONTINUUM_STEP: key },
      });
      orphan.unref();
      await new Promise(r => setTimeout(r, 200));
      const found = await nodeProcesses.findByMarker(key);
      assert.ok(
        found.some(p => p.pid === orphan.pid),
        `found ${JSON.stringify(found)}`,
      );
      assert.ok(found.length >= 2, 'its children carry the marker too');
      assert.deepStrictEqual(await nodeProcesses.findByMarker('task-y#1/run'), []);
      for (const p of found) await nodeProcesses.stop(p);
      assert.deepStrictEqual(await nodeProcesses.findByMarker(key), []);
      assert.strictEqual(await nodeProcesses.isRunning(found[0]), false);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('a runner SIGKILLed mid-step, with real processes', function () {
  this.timeout(90_000);
  let work: string;
  let child: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-orphans-'));
    child = buildKillChild(path.join(work, 'bin'));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  for (const answer of ['wait', 'stop'] as const) {
    it(`never runs the step beside its orphaned process on resume (${answer})`, async () => {
      const here = fs.mkdtempSync(path.join(work, `${answer}-`));
      const folder = path.join(here, 'store');
      const workspace = path.join(here, 'ws');
      fs.mkdirSync(workspace);
      // the step: says it started, fails loudly if an earlier copy of itself still runs, works as long as it is told (the copy after it briefly), says it ended
      fs.writeFileSync(
        path.join(workspace, 'work.js'),
        `
const fs = require('fs');
const alive = pid => { try { process.kill(pid, 0); return true; } catch { return false; } };
const earlier = fs.existsSync('pid') ? Number(fs.readFileSync('pid', 'utf8')) : 0;
if (earlier && alive(earlier)) fs.appendFileSync('log', 'OVERLAP ' + earlier + '\\n');
fs.writeFileSync('pid', String(process.pid));
fs.appendFileSync('log', 'start ' + process.pid + '\\n');
setTimeout(() => fs.appendFileSync('log', 'end ' + process.pid + '\\n'), earlier ? 500 : Number(process.argv[2]));
`,
      );
      const setup = await openContinuum({ folder, fs: nodeFileSystem, idleCompactMs: 0 });
      const task = await setup.tasks.create({
        title: 'work',
        action: { kind: 'shell', command: `"${process.execPath}" work.js ${answer === 'stop' ? 60_000 : 10_000}` },
      });
      const session = (await setup.sessions.create({ name: 'orphans', taskIds: [task.id] })).id;
      await setup.close();
      const log = () =>
        fs.existsSync(path.join(workspace, 'log')) ? fs.readFileSync(path.join(workspace, 'log'), 'utf8') : '';

      const first = spawn(process.execPath, [child, folder, workspace, session, '1'], {
        stdio: 'ignore',
        env: { ...process.env, ORPHANS: answer },
      });
      await until('the step started', () => log().includes('start'), 20_000);
      await new Promise(r => setTimeout(r, 100)); // its process record reaches the disk
      first.kill('SIGKILL'); // the runner only: the task's process lives on in its own process group
      await new Promise(r => first.once('exit', r));
      const orphan = Number(/start (\d+)/.exec(log())![1]);
      assert.ok(
        (() => {
          try {
            process.kill(orphan, 0);
            return true;
          } catch {
            return false;
          }
        })(),
        'the orphan outlived its runner',
      );

      const second = spawn(process.execPath, [child, folder, workspace, session, '1'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ORPHANS: answer },
      });
      let out = '';
      second.stdout.setEncoding('utf8').on('data', (t: string) => {
        out += t;
      });
      second.stderr.setEncoding('utf8').on('data', (t: string) => {
        out += t;
      });
      const code = await new Promise<number | null>(r => second.once('exit', r));
      assert.strictEqual(code, 0, out);
      assert.match(out, /done/);
      const taskLog = fs
        .readdirSync(path.join(folder, 'logs'))
        .map(f => fs.readFileSync(path.join(folder, 'logs', f), 'utf8'))
        .join('\n');
      assert.match(taskLog, new RegExp(`still running \\(process ${orphan}\\)`), taskLog);
      const lines = log().trim().split('\n');
      assert.ok(!lines.some(l => l.startsWith('OVERLAP')), `the step ran beside its orphan:\n${log()}`);
      if (answer === 'wait')
        assert.deepStrictEqual(
          lines.map(l => l.split(' ')[0]),
          ['start', 'end', 'start', 'end'],
          log(),
        );
      else
        assert.deepStrictEqual(
          lines.map(l => l.split(' ')[0]),
          ['start', 'start', 'end'],
          log(),
        );
    });
  }
});
