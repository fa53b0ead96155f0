// "Before a risky action" checkpoints: taken only when the task can change files and the newest
// checkpoint is older than the last change, not before every task the gate is unsure of.
import * as assert from 'assert';
import { canChangeFiles, checkpointBeforeTask } from '../../../../src/core/execution/guards/confidence';
import { ExecutionGuards, thresholdsKey, type GuardQuestions } from '../../../../src/core/execution/guards/guards';
import { splitCommandLine } from '../../../../src/core/execution/commandLine';
import { makeWorld } from '../../helpers';
import { makeExecWorld } from '../world';

const words = (line: string) => splitCommandLine(line);

describe('checkpoints before a risky action', () => {
  it('are taken only for a task that can change files when the newest checkpoint is older than the last change', () => {
    assert.strictEqual(
      checkpointBeforeTask('checkpoint first', { canChangeFiles: true, lastChangeAt: 10 }),
      true,
      'no checkpoint yet',
    );
    assert.strictEqual(
      checkpointBeforeTask('checkpoint first', { canChangeFiles: true, lastCheckpointAt: 5, lastChangeAt: 10 }),
      true,
      'files changed since',
    );
    assert.strictEqual(
      checkpointBeforeTask('checkpoint first', { canChangeFiles: true, lastCheckpointAt: 10, lastChangeAt: 10 }),
      false,
      'the checkpoint holds the files as they are',
    );
    assert.strictEqual(
      checkpointBeforeTask('checkpoint first', { canChangeFiles: false, lastChangeAt: 10 }),
      false,
      'a task that changes no files',
    );
    assert.strictEqual(
      checkpointBeforeTask('ask', { canChangeFiles: true, lastCheckpointAt: 5, lastChangeAt: 10 }),
      true,
      'an allowed low-confidence task',
    );
    assert.strictEqual(checkpointBeforeTask('run', { canChangeFiles: true, lastChangeAt: 10 }), false);
    assert.strictEqual(checkpointBeforeTask('run watched', { canChangeFiles: true, lastChangeAt: 10 }), false);
  });

  it('know that echo, ls, git status and --version change no files, and that builds, shells with redirections, VS Code tasks and models can', () => {
    for (const line of [
      'echo hi',
      'sleep 3',
      'ls -la src',
      'cat README.md',
      'git status',
      'git log -1',
      'node --version',
      '/bin/echo done',
    ])
      assert.strictEqual(canChangeFiles('shell', words(line)), false, line);
    for (const line of ['npm run build', 'rm -rf dist', 'git commit -m x', 'touch a', 'echo hi > out.txt', 'make'])
      assert.strictEqual(canChangeFiles('shell', words(line)), true, line);
    assert.strictEqual(canChangeFiles('vscodeTask', undefined), true);
    assert.strictEqual(canChangeFiles('lm', undefined), true);
    assert.strictEqual(canChangeFiles('manual', undefined), false);
  });

  it('are not taken before trivial commands, and once only before changes that follow one another without a change between', async () => {
    const base = await makeWorld();
    const questions: GuardQuestions = { allowLowConfidenceTask: async () => 'allow', runFix: async () => 'fail' };
    // thresholds (as adapted and saved by an earlier run) under which every shell task here scores "checkpoint first"
    await base.store.write(w =>
      w.run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', [
        thresholdsKey,
        JSON.stringify({ run: 0.98, watched: 0.95, checkpoint: 0.3 }),
      ]),
    );
    const guards = new ExecutionGuards({
      store: base.store,
      clock: base.clock,
      questions,
      impact: () => 30,
      watchedAttempts: 3,
    });
    const w = await makeExecWorld({ hooks: guards, settings: () => ({ concurrency: 1, checkpointEvery: 0 }) }, base);
    const risky = () =>
      w.store
        .all<{ note: string }>(
          "SELECT note FROM checkpoints WHERE trigger = 'before-risky-action' ORDER BY created_at, rowid",
        )
        .map(r => r.note);
    const trivial = [
      await w.shell('Say hi', 'echo hi'),
      await w.shell('Wait', 'sleep 3'),
      await w.shell('Look', 'git status'),
    ];
    await (
      await w.executor.run(await w.session(trivial))
    ).finished;
    assert.deepStrictEqual(risky(), [], 'echo, sleep and git status change nothing');
    assert.match(w.logs.logs.get(trivial[0]) ?? '', /checkpoint first, but it changes no files, so no checkpoint/);

    w.clock.advance(1000);
    guards.fileSaved(); // the person edits a file
    w.clock.advance(1000);
    const build = await w.shell('Build', 'npm run build');
    await (
      await w.executor.run(await w.session([build]))
    ).finished;
    assert.deepStrictEqual(
      risky(),
      ["before 'Build' (low confidence)"],
      'files changed since the last checkpoint (there was none)',
    );

    w.clock.advance(1000);
    const session = await w.session([]);
    await w.sessions.createCheckpoint({ sessionId: session, trigger: 'manual' }); // holds the files as the build left them
    w.clock.advance(1000);
    const again = await w.shell('Build', 'npm run build');
    await (
      await w.executor.run(await w.session([again]))
    ).finished;
    assert.strictEqual(risky().length, 1, 'nothing changed since the manual checkpoint: no second one');
    assert.match(w.logs.logs.get(again) ?? '', /the newest checkpoint already holds the files as they are/);
  });
});
