// Verify-on-done outside a session run: the task's verify command, under the executor's rules.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executorVerifyPort } from '../../../src/core/agents/verify';
import { FakeProcesses } from '../fakes/fakeProcesses';
import { makeAgentWorld, type AgentWorld } from './world';

describe('verify on done, outside a session run', () => {
  let world: AgentWorld;
  let workspace: string;
  beforeEach(async () => {
    world = await makeAgentWorld();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'continuum-verify-'));
  });
  afterEach(async () => {
    await world.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });
  const port = (processes: FakeProcesses, trusted = true) =>
    executorVerifyPort(world.core, {
      workspace,
      processes: Object.assign(processes, { realPath: async (p: string) => fs.realpathSync(p) }),
      trusted: () => trusted,
    });

  it('runs the command without a shell, in the workspace, and passes only on exit code 0', async () => {
    const task = await world.core.tasks.create({
      title: 't',
      action: { kind: 'manual', verify: 'npm test -- --grep parser' },
    });
    const processes = new FakeProcesses().script('npm test -- --grep parser', { code: 1, output: 'parser: 1 failing' });
    const ran = await port(processes).run(task.id);
    assert.strictEqual(ran.passed, false);
    assert.match(ran.output, /parser: 1 failing/);
    assert.strictEqual(processes.started[0].spec.shell, false);
    assert.strictEqual(processes.started[0].spec.cwd, workspace);
  });

  it('runs nothing in an untrusted workspace', async () => {
    const task = await world.core.tasks.create({ title: 't', action: { kind: 'manual', verify: 'npm test' } });
    const processes = new FakeProcesses();
    const ran = await port(processes, false).run(task.id);
    assert.strictEqual(ran.passed, false);
    assert.match(ran.output, /trusted/);
    assert.strictEqual(processes.started.length, 0);
  });

  it("runs an agent's or a plan's verify command only once a person confirmed that source's commands", async () => {
    const [task] = await world.core.tasks.createMany(
      [{ title: 't', action: { kind: 'manual', verify: 'rm -rf ~' } }],
      'agent',
      { agent: 'Some Agent' },
    );
    const processes = new FakeProcesses();
    const ran = await port(processes).run(task.id);
    assert.strictEqual(ran.passed, false, ran.output);
    assert.match(ran.output, /has not confirmed/);
    assert.strictEqual(processes.started.length, 0);
  });
});
