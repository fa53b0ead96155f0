import * as assert from 'assert';
import type { SessionProgress } from '../../../src/core/sessions/progress';
import type { Session } from '../../../src/core/sessions/model';
import { onOpening, sessionStatusText } from '../../../src/vscode/sessionText';

function coreWith(progress: Partial<SessionProgress>, durationMs = 60_000) {
  const session = { id: 's', name: 'Sprint', status: 'running' } as Session;
  const p: SessionProgress = {
    completed: 0,
    total: 0,
    failed: 0,
    skipped: 0,
    running: 0,
    pending: 0,
    blocked: 0,
    waitingForYou: 0,
    runnableLeft: 0,
    runnableNow: 0,
    ...progress,
  };
  return {
    store: { readOnly: false },
    sessions: {
      list: () => [session],
      resumePoint: () => undefined,
      progress: () => p,
      describeResume: () => 'somewhere',
      statistics: () => ({ durationMs }),
    },
  } as unknown as Parameters<typeof sessionStatusText>[0];
}

describe('the session status-bar item', () => {
  it('says how many to-dos wait for you', () => {
    const { text, tooltip } = sessionStatusText(
      coreWith({ completed: 2, total: 10, pending: 8, waitingForYou: 3, runnableLeft: 5, runnableNow: 2 }),
    );
    assert.match(text, /2\/10 · \$\(person\) 3 wait for you/);
    assert.match(tooltip, /3 to-dos wait for you/);
  });

  it('says in words what its icons show, for a screen reader: running, paused, waiting for you', () => {
    const paused = coreWith({ completed: 2, total: 3, pending: 1, waitingForYou: 1, runnableLeft: 0 })!;
    const session = paused.sessions.list()[0];
    (session as { status: string }).status = 'paused';
    (paused.sessions as { resumePoint: () => unknown }).resumePoint = () => session; // a paused session is where a resume goes on
    assert.equal(sessionStatusText(paused).label, 'Continuum session is paused: 2 of 3 done, 1 waiting for you');
    const waiting = sessionStatusText(
      coreWith({ completed: 2, total: 3, pending: 1, waitingForYou: 1, runnableLeft: 0 }),
    );
    assert.equal(waiting.label, 'Continuum session waits for you: 2 of 3 done, 1 waiting for you');
    const running = sessionStatusText(
      coreWith({ completed: 2, total: 10, pending: 8, runnableLeft: 8, runnableNow: 1 }),
    );
    assert.match(running.label, /^Continuum session is running: 2 of 10 done, ETA \d+m$/);
  });

  it('counts only the work the run can do in the ETA', () => {
    // 2 done in a minute; 5 left that the run does (the 3 to-dos wait for a person): 2.5 minutes
    const { text } = sessionStatusText(
      coreWith({ completed: 2, total: 10, pending: 8, waitingForYou: 3, runnableLeft: 5, runnableNow: 2 }),
    );
    assert.match(text, /ETA 3m/);
    const onlyToDos = sessionStatusText(
      coreWith({ completed: 2, total: 5, pending: 3, waitingForYou: 3, runnableLeft: 0 }),
    );
    assert.doesNotMatch(onlyToDos.text, /ETA/);
  });

  it('does not spin while only a person can move the run on', () => {
    const { text } = sessionStatusText(
      coreWith({ completed: 2, total: 5, pending: 3, waitingForYou: 1, runnableLeft: 2, runnableNow: 0 }),
    );
    assert.equal(text, '$(person) 2/5 · 1 waits for you', "no ETA either: the time is the person's");
    const working = sessionStatusText(
      coreWith({ completed: 2, total: 5, pending: 3, waitingForYou: 1, runnableLeft: 2, runnableNow: 1 }),
    );
    assert.match(working.text, /^\$\(sync~spin\) 2\/5 · \$\(person\) 1 waits for you/);
  });
});

describe('a session after a reload', () => {
  /** A real run on a real store: `work` runs first, then the run is abandoned as a closing window abandons it. */
  async function reloadedWhile(state: 'waiting for a to-do' | 'running a shell task' | 'waiting for a manual task') {
    const { makeExecWorld, until } = await import('../execution/world');
    const { SessionManager } = await import('../../../src/core/sessions/sessionManager');
    const w = await makeExecWorld();
    let ids: string[];
    if (state === 'running a shell task') {
      w.processes.script('make', { block: true });
      ids = [await w.shell('Build', 'make')];
    } else {
      const shell = await w.shell('Write the file', 'echo one');
      const todo = (
        await w.tasks.create({
          title: 'Read the file',
          dependsOn: [shell],
          ...(state === 'waiting for a manual task' ? { action: { kind: 'manual' as const } } : {}),
        })
      ).id;
      ids = [shell, todo];
    }
    const sessionId = await w.session(ids);
    await w.executor.run(sessionId);
    await until(state, () =>
      state === 'running a shell task'
        ? w.processes.lines().includes('make')
        : w.sessions.progress(sessionId).completed === 1 &&
          (state === 'waiting for a to-do' || w.executor.isWaitingForPerson(ids[1])),
    );
    // the window goes away (Developer: Reload Window): the run is abandoned, the session stays marked running
    w.executor.abandon();
    w.clock.advance(60_000);
    const sessions = new SessionManager(w.store, w.clock, { staleAfterMs: 0 });
    await sessions.recoverInterrupted();
    const core = { sessions, store: w.store } as unknown as NonNullable<Parameters<typeof sessionStatusText>[0]>;
    return { core, session: sessions.get(sessionId)! };
  }

  for (const state of ['waiting for a to-do', 'waiting for a manual task'] as const)
    it(`says a session that was ${state} waits for you, and continues it quietly instead of asking to resume`, async () => {
      const { core, session } = await reloadedWhile(state);
      const { text, tooltip } = sessionStatusText(core);
      assert.equal(text, '$(person) 1/2 · 1 waits for you');
      assert.doesNotMatch(tooltip, /interrupted/);
      assert.match(tooltip, /waits for you/);
      assert.equal(onOpening(core, session), 'continue');
    });

  it('asks to resume a session that was running a shell task: that work was cut off', async () => {
    const { core, session } = await reloadedWhile('running a shell task');
    assert.match(sessionStatusText(core).tooltip, /interrupted/);
    assert.equal(onOpening(core, session), 'ask');
  });
});
