import * as assert from 'assert';
import type { SessionProgress } from '../../../src/core/sessions/progress';
import type { Session } from '../../../src/core/sessions/model';
import { sessionStatusText } from '../../../src/vscode/sessionText';

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
