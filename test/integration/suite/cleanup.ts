// What a suite leaves behind is removed at its end, so the suites after it start from the store
// they expect.
import type { Continuum } from '../../../src/core/continuum';

export interface SuiteWork {
  tasks: string[];
  sessions: string[];
}

/** Pauses the suite's running sessions, deletes its tasks, sessions, their checkpoints and the step journal. */
export async function removeSuiteWork(core: Continuum, mine: SuiteWork, suite: string): Promise<void> {
  for (const s of core.sessions.list().filter(x => mine.sessions.includes(x.id) && x.status === 'running'))
    await core.sessions.pause(s.id, `end of the ${suite} suite`);
  for (const id of mine.tasks) if (core.tasks.get(id)) await core.tasks.delete(id);
  await core.store.write(w => {
    for (const id of mine.sessions) {
      w.run('DELETE FROM checkpoints WHERE session_id = ?', [id]);
      w.run('DELETE FROM sessions WHERE id = ?', [id]);
    }
    w.run('DELETE FROM execution_steps');
  });
}
