// An agent's claim holds against Continuum's own executor too: a session's run never starts a task
// an agent is working on (issue 16: no task is worked on by two at once).
import * as assert from 'assert';
import type { Task } from '../../../src/core/tasks/model';
import { makeExecWorld } from '../execution/world';

describe("the executor and agents' claims", () => {
  it('does not run a task an agent holds, and runs the others', async () => {
    const w = await makeExecWorld();
    const held = await w.shell('Held by an agent', 'echo agent');
    const free = await w.shell('Free', 'echo free');
    const claimed = await w.tasks.claimNext(
      { id: 'claude#1', name: 'Claude Code' },
      { kinds: ['shell'], leaseMs: 600_000, taskId: held },
    );
    assert.strictEqual(claimed?.id, held);
    const run = await w.executor.run(await w.session([held, free]));
    const summary = await run.finished;
    assert.deepStrictEqual(w.processes.lines(), ['echo free']);
    assert.strictEqual(summary.outcome, 'needs-attention', 'the run ends with work left: the agent is still on it');
    assert.strictEqual(w.tasks.get(held)!.status, 'running');
    assert.strictEqual(w.tasks.claimOf(held)?.agentName, 'Claude Code');
  });

  it("lets only one of an agent's claim and the run's start win the same task, whichever comes between the run's pick and its start", async () => {
    let claimed: Task | undefined;
    const w = await makeExecWorld({
      hooks: {
        // the run has picked the task and asks before starting it: the agent claims it right then
        beforeTask: async task => {
          claimed = await w.tasks.claimNext(
            { id: 'claude#1', name: 'Claude Code' },
            { kinds: ['shell'], leaseMs: 600_000, taskId: task.id },
          );
          return { run: true };
        },
        taskStarted: () => undefined,
        tryFailed: () => ({ retry: false }),
        taskFinished: () => undefined,
      },
    });
    const contested = await w.shell('Contested', 'echo contested');
    const run = await w.executor.run(await w.session([contested]));
    await run.finished;
    const executorRan = w.processes.lines().includes('echo contested');
    const agentHolds = claimed !== undefined;
    assert.ok(
      executorRan !== agentHolds,
      `exactly one wins (executor ran: ${executorRan}, agent holds: ${agentHolds})`,
    );
    if (agentHolds) {
      assert.strictEqual(w.tasks.claimOf(contested)?.agentName, 'Claude Code');
      assert.strictEqual(w.tasks.get(contested)!.status, 'running', "the agent's to finish");
    }
  });
});
