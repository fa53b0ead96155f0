// A run never idles while a runnable task exists in its scope, whatever the number of to-dos
// (tasks without an action) or of tasks another host must run ahead of it (issue 13, item 1).
import * as assert from 'assert';
import { makeExecWorld, until } from './world';

describe('a run with many tasks it cannot start', () => {
  it('starts a low-priority shell task at once behind 1,000 higher-priority to-dos', async () => {
    const w = await makeExecWorld();
    const todos = await w.tasks.createMany(
      Array.from({ length: 1000 }, (_, i) => ({ title: `to-do ${i}`, priority: 'critical' as const })),
    );
    const shell = await w.shell('Build', 'build', { priority: 'low' });
    const run = await w.executor.run(await w.session([...todos.map(t => t.id), shell]));
    await until('the shell task ran', () => w.processes.lines().includes('build'), 2000);
    await until('the shell task is done', () => w.tasks.get(shell)!.status === 'done', 2000);
    await run.stopNow();
  });

  it('starts a low-priority shell task at once behind 1,000 higher-priority tasks another host must run', async () => {
    const w = await makeExecWorld({ cannotRun: ['manual', 'vscodeTask'] });
    const vscode = await w.tasks.createMany(
      Array.from({ length: 1000 }, (_, i) => ({
        title: `vs code ${i}`,
        priority: 'critical' as const,
        action: { kind: 'vscodeTask' as const, label: `l${i}` },
      })),
    );
    const shell = await w.shell('Build', 'build', { priority: 'low' });
    const summary = await (await w.executor.run(await w.session([...vscode.map(t => t.id), shell]))).finished;
    assert.deepStrictEqual(w.processes.lines(), ['build']);
    assert.strictEqual(w.tasks.get(shell)!.status, 'done');
    assert.strictEqual(summary.cannotRunHere, 1000);
  });

  it('asks a person about a low-priority manual task behind 1,000 to-dos at once', async () => {
    const w = await makeExecWorld({ settings: () => ({ concurrency: 2, checkpointEvery: 0 }) });
    const manual = (await w.tasks.create({ title: 'Sign off', action: { kind: 'manual' }, priority: 'low' })).id;
    const todos = await w.tasks.createMany(
      Array.from({ length: 1000 }, (_, i) => ({ title: `to-do ${i}`, priority: 'critical' as const })),
    );
    const run = await w.executor.run(await w.session([...todos.map(t => t.id), manual]));
    await until('waiting for a person', () => w.executor.isWaitingForPerson(manual), 2000);
    await run.stopNow();
  });
});
