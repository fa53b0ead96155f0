import * as assert from 'assert';
import {
  ExecutionGuards,
  type GuardQuestions,
  type LowConfidenceAnswer,
} from '../../../../src/core/execution/guards/guards';
import { makeWorld } from '../../helpers';
import { makeExecWorld } from '../world';

class ScriptedGuardQuestions implements GuardQuestions {
  asked: string[] = [];
  constructor(public answer: LowConfidenceAnswer = 'allow') {}
  async allowLowConfidenceTask(task: { title: string }, score: number): Promise<LowConfidenceAnswer> {
    this.asked.push(`${task.title} @ ${score.toFixed(2)}`);
    return this.answer;
  }
  async runFix(): Promise<'fail'> {
    return 'fail';
  }
}

async function guardedWorld(
  budget: ConstructorParameters<typeof ExecutionGuards>[0]['budget'] = {},
  answer: LowConfidenceAnswer = 'allow',
) {
  const base = await makeWorld();
  const questions = new ScriptedGuardQuestions(answer);
  // a new kind of task runs watched (fewer tries); these tests look at the executor's full retry policy
  const guards = new ExecutionGuards({ store: base.store, clock: base.clock, questions, budget, watchedAttempts: 3 });
  const w = await makeExecWorld({ hooks: guards, settings: () => ({ concurrency: 1, checkpointEvery: 0 }) }, base);
  return { w, guards, questions };
}

const events = (w: Awaited<ReturnType<typeof makeExecWorld>>, taskId: string, kind: string) =>
  w.store
    .all<{ detail: string }>('SELECT detail FROM task_events WHERE task_id = ? AND kind = ? ORDER BY rowid', [
      taskId,
      kind,
    ])
    .map(r => JSON.parse(r.detail) as Record<string, unknown>);

describe('executor with the autonomy guards', () => {
  it('pauses the session when the error budget is spent, naming the errors that spent it', async () => {
    const { w, guards } = await guardedWorld({ limit: 3 });
    const ids = [];
    for (const n of [1, 2, 3, 4, 5]) {
      w.processes.script(`build ${n}`, {
        code: 2,
        output: `src/m${n}.ts:${n}:1 - error TS2304: Cannot find name 'x${n}'.`,
      });
      ids.push(await w.shell(`Build ${n}`, `build ${n}`));
    }
    const summary = await (await w.executor.run(await w.session(ids))).finished;
    assert.strictEqual(summary.outcome, 'paused');
    assert.match(
      summary.pausedBecause ?? '',
      /error budget is spent \(3 errors within an hour\).*Cannot find name 'x1'.*Build 1/,
    );
    assert.strictEqual(w.sessions.get(summary.sessionId)!.status, 'paused');
    assert.strictEqual(w.processes.started.length, 3, 'nothing new starts once the budget is spent');
    assert.strictEqual(guards.budgetStatus().remaining, 0);
    await guards.settled();
    assert.strictEqual(guards.learning.all().length, 3);
    w.clock.advance(60 * 60_000 + 1);
    assert.strictEqual(guards.budgetStatus().remaining, 3, 'it refills as the errors age out');
  });

  it('stops retrying an error that keeps repeating (systemic) and says so in the task log', async () => {
    const { w, guards } = await guardedWorld({ systemicAfter: 2 });
    w.processes.script('fetch', { code: 1, output: 'npm ERR! network read ECONNRESET 10.0.0.1:443' });
    const id = await w.shell('Fetch', 'fetch');
    await (
      await w.executor.run(await w.session([id]))
    ).finished;
    assert.strictEqual(w.processes.started.length, 2, 'the third try (allowed by the retry policy) is not made');
    assert.match(w.logs.logs.get(id) ?? '', /systemic, so it is not retried again/);
    await guards.settled();
    assert.deepStrictEqual(
      events(w, id, 'guard').map(e => e.retry),
      [true, false],
    );
  });

  it('follows a rule: a failure matched by a skip rule skips the task', async () => {
    const { w, guards } = await guardedWorld();
    guards.setRules([{ match: { regex: 'optional step' }, then: { do: 'skip' } }]);
    w.processes.script('lint', { code: 1, output: 'optional step failed' });
    const id = await w.shell('Lint', 'lint');
    await (
      await w.executor.run(await w.session([id]))
    ).finished;
    assert.strictEqual(w.tasks.get(id)!.status, 'skipped');
  });

  for (const [answer, status] of [
    ['skip', 'skipped'],
    ['allow', 'done'],
  ] as const) {
    it(`asks before a low-confidence task and follows the answer (${answer})`, async () => {
      const { w, questions, guards } = await guardedWorld({}, answer);
      // shell tasks have gone badly in this window: every one of ten failed
      const failing = [];
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
        w.processes.script(`broken ${n}`, { code: 1, output: `error ${n}` });
        failing.push(await w.shell(`Broken ${n}`, `broken ${n}`));
      }
      await (
        await w.executor.run(await w.session(failing))
      ).finished;
      questions.asked = [];
      const id = await w.shell('Risky', 'deploy');
      await (
        await w.executor.run(await w.session([id]))
      ).finished;
      await guards.settled();
      assert.deepStrictEqual(questions.asked.length, 1);
      assert.strictEqual(w.tasks.get(id)!.status, status);
      const [decision] = events(w, id, 'confidence');
      assert.strictEqual(decision.decision, 'ask');
      assert.strictEqual(decision.answer, answer);
      assert.ok(typeof (decision.factors as Record<string, number>).history === 'number');
    });
  }
});
