// The run's ready query (readyInSessionOfKinds): per kind, a crash's running tasks first, then the
// pending tasks whose dependencies are done, in the ready order, at most the kind's limit; nothing of
// another session, no to-do, no task an agent holds; and the first few read from the index, not all.
import * as assert from 'assert';
import {
  pendingOfKind,
  pendingOfKindFromSession,
  readyInSessionOfKinds,
  readyWalk,
} from '../../../src/core/tasks/sessionTasks';
import { makeWorld } from '../helpers';

const shell = { kind: 'shell' as const, command: 'true' };
const lm = { kind: 'lm' as const };

describe("a session's ready tasks per kind", () => {
  it('gives a crash’s running tasks first, then the ready pending ones in order, at most each kind’s limit', async () => {
    const { store, tasks, clock } = await makeWorld();
    const [lowShell, highShell, leftRunning, blockedShell, criticalLm, agentsLm, todo, signOff, elsewhere] =
      await tasks.createMany([
        { title: 'low shell', priority: 'low', action: shell },
        { title: 'high shell', priority: 'high', action: shell },
        { title: 'left running', priority: 'low', action: shell },
        { title: 'blocked shell', priority: 'critical', action: shell },
        { title: 'critical lm', priority: 'critical', action: lm },
        { title: "agent's lm", priority: 'critical', action: lm },
        { title: 'a to-do', priority: 'critical' },
        { title: 'sign off', priority: 'low', action: { kind: 'manual' } },
        { title: 'other session', priority: 'critical', action: shell },
      ]);
    await tasks.addDependency(blockedShell.id, lowShell.id);
    const session = 'session-1';
    await store.write(w => {
      w.run("INSERT INTO sessions (id, name, status, created_at, updated_at) VALUES (?, 's', 'running', 0, 0)", [
        session,
      ]);
      for (const t of [lowShell, highShell, leftRunning, blockedShell, criticalLm, agentsLm, todo, signOff])
        w.run('INSERT INTO session_tasks (session_id, task_id) VALUES (?, ?)', [session, t.id]);
      tasks.setStatusIn(w, leftRunning.id, 'running', 'executor');
      tasks.setStatusIn(w, agentsLm.id, 'running', 'agent');
      w.run("UPDATE tasks SET claimed_by = 'agent-1', lease_until = ? WHERE id = ?", [
        clock.now() + 60_000,
        agentsLm.id,
      ]);
    });
    const titles = (limits: Parameters<typeof readyInSessionOfKinds>[2]) =>
      readyInSessionOfKinds(store, session, limits, clock.now()).map(r => tasks.get(r.id)!.title);

    assert.deepStrictEqual(titles({ shell: 2, lm: 1, manual: -1 }), [
      'left running',
      'critical lm',
      'high shell',
      'sign off',
    ]);
    assert.deepStrictEqual(titles({ shell: -1 }), ['left running', 'high shell', 'low shell']);
    assert.deepStrictEqual(titles({ shell: 1 }), ['left running']);
    assert.deepStrictEqual(titles({ shell: 0 }), [], 'a limit below the running tasks never reads every pending one');
    assert.deepStrictEqual(titles({ lm: 5 }), ['critical lm'], "the agent's task is not the run's");
    assert.deepStrictEqual(titles({}), []);
    // the lease ended: the run takes the task back as one a crash left running
    clock.advance(120_000);
    assert.deepStrictEqual(titles({ lm: 5 }), ["agent's lm", 'critical lm']);
    void elsewhere;
  });

  it('reads the first ready tasks of a kind from the index in order, without sorting the others', async () => {
    const { store } = await makeWorld();
    const plan = store
      .all<{ detail: string }>(`EXPLAIN QUERY PLAN ${pendingOfKind}`, ['shell', 's', 1, readyWalk])
      .map(r => r.detail)
      .join('\n');
    assert.match(plan, /USING INDEX tasks_ready_by_kind/);
    assert.doesNotMatch(plan, /TEMP B-TREE/, plan);
    const fromSession = store
      .all<{ detail: string }>(`EXPLAIN QUERY PLAN ${pendingOfKindFromSession}`, ['shell', 's', 1])
      .map(r => r.detail)
      .join('\n');
    assert.match(fromSession, /SEARCH st USING/, fromSession);
    assert.doesNotMatch(fromSession, /SCAN t\b/, fromSession);
  });

  it("finds a session's ready tasks in order behind more than a walk's worth of other sessions' ready tasks", async () => {
    const { store, tasks, clock } = await makeWorld();
    const others = await tasks.createMany(
      Array.from({ length: readyWalk + 40 }, (_, i) => ({
        title: `other ${i}`,
        priority: 'critical' as const,
        action: shell,
      })),
    );
    const mine = await tasks.createMany([
      { title: 'mine low', priority: 'low', action: shell },
      { title: 'mine high', priority: 'high', action: shell },
      { title: 'mine medium', action: shell },
      { title: 'mine lm', priority: 'low', action: lm },
    ]);
    await store.write(w => {
      for (const [id, list] of [
        ['busy', others],
        ['mine', mine],
      ] as const) {
        w.run("INSERT INTO sessions (id, name, status, created_at, updated_at) VALUES (?, ?, 'running', 0, 0)", [
          id,
          id,
        ]);
        for (const t of list) w.run('INSERT INTO session_tasks (session_id, task_id) VALUES (?, ?)', [id, t.id]);
      }
    });
    const titles = (session: string, limits: Parameters<typeof readyInSessionOfKinds>[2]) =>
      readyInSessionOfKinds(store, session, limits, clock.now()).map(r => tasks.get(r.id)!.title);
    assert.deepStrictEqual(titles('mine', { shell: 2, lm: 1 }), ['mine high', 'mine medium', 'mine lm']);
    assert.deepStrictEqual(titles('mine', { shell: -1 }), ['mine high', 'mine medium', 'mine low']);
    assert.deepStrictEqual(titles('busy', { shell: 2 }), ['other 0', 'other 1']);
    // fewer others than a walk: the walk itself sees every ready task of the kind
    await store.write(w => {
      w.run(
        "UPDATE tasks SET status = 'done' WHERE id IN (SELECT task_id FROM session_tasks WHERE session_id = 'busy') AND title != 'other 7'",
      );
    });
    assert.deepStrictEqual(titles('mine', { shell: 5 }), ['mine high', 'mine medium', 'mine low']);
    assert.deepStrictEqual(titles('busy', { shell: 5 }), ['other 7']);
  });
});
