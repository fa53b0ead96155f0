// The agent tools one by one (issue 16): update with verify-on-done, add tasks and plans, checkpoint,
// context, graph, known errors; who may change a task; an untrusted workspace; the lean set's size.
import * as assert from 'assert';
import { z } from 'zod/v4';
import { agentTools, callAgentTool, findAgentTool, leanAgentTools } from '../../../src/core/agents/index';
import type { AddTasksAnswer } from '../../../src/core/agents/addTasks';
import type { CheckpointAnswer } from '../../../src/core/agents/checkpoint';
import type { ContextAnswer } from '../../../src/core/agents/context';
import type { GraphAnswer } from '../../../src/core/agents/graph';
import type { KnownErrorsAnswer } from '../../../src/core/agents/knownErrors';
import type { UpdateAnswer } from '../../../src/core/agents/updateTask';
import { ErrorLearning } from '../../../src/core/execution/guards/learning';
import { planOfTask } from '../../../src/core/execution/confirmations';
import { fakeVerify, makeAgentWorld, type AgentWorld } from './world';

const isToolError = (pattern: RegExp) => (err: Error) => {
  assert.strictEqual(err.name, 'AgentToolError', err.stack);
  assert.match(err.message, pattern);
  return true;
};

describe('the agent tools', () => {
  let w: AgentWorld;
  beforeEach(async () => {
    w = await makeAgentWorld();
  });
  afterEach(() => w.close());

  describe('update task', () => {
    it('records progress as a fraction or a percent, and notes, on the task the agent holds', async () => {
      const [task] = await w.core.tasks.createMany([{ title: 'Write docs' }]);
      const a = w.as('Claude Code');
      await w.call(a, 'continuum_next_task');
      assert.strictEqual(
        (await w.call<UpdateAnswer>(a, 'continuum_update_task', { taskId: task.id, progress: 0.4 })).structured
          .progress,
        40,
      );
      assert.strictEqual(
        (
          await w.call<UpdateAnswer>(a, 'continuum_update_task', {
            taskId: task.id,
            progress: 65,
            note: 'half the pages',
          })
        ).structured.progress,
        65,
      );
      const note = w.core.tasks.events(task.id).find(e => e.kind === 'note');
      assert.deepStrictEqual([note?.detail.note, note?.agent, note?.actor], ['half the pages', 'Claude Code', 'agent']);
    });

    it('runs the verify command on done, and keeps the task open and held with the output when it fails', async () => {
      const [task] = await w.core.tasks.createMany([
        { title: 'Fix the parser', action: { kind: 'manual', verify: 'npm test' } },
      ]);
      const verify = fakeVerify(false);
      const a = w.as('Claude Code', { verify });
      await w.call(a, 'continuum_next_task');
      const answer = await w.call<UpdateAnswer>(a, 'continuum_update_task', { taskId: task.id, status: 'done' });
      assert.deepStrictEqual(verify.ran, [task.id]);
      assert.strictEqual(answer.structured.status, 'running');
      assert.strictEqual(answer.structured.verify?.passed, false);
      assert.match(answer.summary, /Not done: the verify command failed[\s\S]*AssertionError: expected 2 to equal 3/);
      assert.strictEqual(w.core.tasks.get(task.id)!.status, 'running');
      assert.strictEqual(w.core.tasks.claimOf(task.id)?.agentName, 'Claude Code', 'the claim is kept');
    });

    it('marks the task done when its verify passes, and releases it', async () => {
      const [task] = await w.core.tasks.createMany([
        { title: 'Fix the parser', action: { kind: 'manual', verify: 'npm test' } },
      ]);
      const a = w.as('Claude Code', { verify: fakeVerify(true) });
      await w.call(a, 'continuum_next_task');
      const answer = await w.call<UpdateAnswer>(a, 'continuum_update_task', {
        taskId: task.id,
        status: 'done',
        result: 'parser fixed',
      });
      assert.strictEqual(answer.structured.status, 'done');
      const done = w.core.tasks.get(task.id)!;
      assert.deepStrictEqual([done.status, done.progress, done.result], ['done', 100, 'parser fixed']);
      assert.strictEqual(w.core.tasks.claimOf(task.id), undefined);
    });

    it('refuses done for a task with a verify command where the host cannot run it', async () => {
      const [task] = await w.core.tasks.createMany([
        { title: 'Fix the parser', action: { kind: 'manual', verify: 'npm test' } },
      ]);
      const a = w.as('Claude Code');
      await w.call(a, 'continuum_next_task');
      await assert.rejects(
        w.call(a, 'continuum_update_task', { taskId: task.id, status: 'done' }),
        isToolError(/verification needs a trusted workspace/),
      );
      assert.strictEqual(w.core.tasks.get(task.id)!.status, 'running');
    });

    it('marks a task done without verification when it has no verify command', async () => {
      const [task] = await w.core.tasks.createMany([{ title: 'Tidy up' }]);
      await w.call(w.as('Cline'), 'continuum_update_task', { taskId: task.id, status: 'done' });
      assert.strictEqual(w.core.tasks.get(task.id)!.status, 'done');
    });

    it('sends a failure to error learning under its signature', async () => {
      const [task] = await w.core.tasks.createMany([{ title: 'Install' }]);
      const a = w.as('Cursor');
      await w.call(a, 'continuum_next_task');
      await w.call(a, 'continuum_update_task', {
        taskId: task.id,
        status: 'failed',
        error: "Error: Cannot find module 'left-pad' from /home/x/app/index.js:12:3",
      });
      assert.strictEqual(w.core.tasks.get(task.id)!.status, 'failed');
      const known = new ErrorLearning(w.core.store, w.core.clock).all();
      assert.strictEqual(known.length, 1);
      assert.strictEqual(known[0].errorClass, 'missing-module');
      assert.match(known[0].signature, /Cannot find module 'left-pad' from <path>/);
      const lookup = await w.call<KnownErrorsAnswer>(a, 'continuum_known_errors', {
        error: "Error: Cannot find module 'left-pad' from /other/place/main.js:1:1",
      });
      assert.strictEqual(lookup.structured.occurrences, 1, 'the same mistake elsewhere has the same signature');
    });

    it('refuses done while a dependency is unfinished', async () => {
      const [first, second] = await w.core.tasks.createMany([{ title: 'First' }, { title: 'Second' }]);
      await w.core.tasks.addDependency(second.id, first.id);
      await assert.rejects(
        w.call(w.as('Cline'), 'continuum_update_task', { taskId: second.id, status: 'done' }),
        isToolError(/cannot be done yet: it depends on 'First' \(pending\)/),
      );
      assert.strictEqual(w.core.tasks.get(second.id)!.status, 'pending');
    });

    it('counts a failed task done again as a fix that worked for its error', async () => {
      const [task] = await w.core.tasks.createMany([{ title: 'Install deps' }]);
      const a = w.as('Cursor');
      await w.call(a, 'continuum_update_task', { taskId: task.id, status: 'failed', error: "Cannot find module 'pg'" });
      await w.call(a, 'continuum_update_task', { taskId: task.id, status: 'in_progress' });
      await w.call(a, 'continuum_update_task', { taskId: task.id, status: 'done' });
      const lookup = await w.call<KnownErrorsAnswer>(a, 'continuum_known_errors', { error: "Cannot find module 'pg'" });
      assert.deepStrictEqual(
        lookup.structured.fixes.map(f => [f.fix, f.tries, f.successRate]),
        [["task 'Install deps'", 1, 1]],
      );
    });

    it('needs a reason to block a task, and an error to fail it', async () => {
      const [task] = await w.core.tasks.createMany([{ title: 'Deploy' }]);
      await assert.rejects(
        w.call(w.as('Cline'), 'continuum_update_task', { taskId: task.id, status: 'blocked' }),
        isToolError(/field 'reason'/),
      );
      await assert.rejects(
        w.call(w.as('Cline'), 'continuum_update_task', { taskId: task.id, status: 'failed' }),
        isToolError(/field 'error'/),
      );
      await w.call(w.as('Cline'), 'continuum_update_task', {
        taskId: task.id,
        status: 'blocked',
        reason: 'needs the production password',
      });
      assert.strictEqual(w.core.tasks.get(task.id)!.status, 'blocked');
    });

    it('refuses a change to a task another agent holds, saying who and until when', async () => {
      const [task] = await w.core.tasks.createMany([{ title: 'Shared' }]);
      await w.call(w.as('Claude Code'), 'continuum_next_task');
      const until = new Date(w.clock.now() + 10 * 60_000).toISOString();
      await assert.rejects(
        w.call(w.as('Cursor'), 'continuum_update_task', { taskId: task.id, progress: 50 }),
        isToolError(new RegExp(`worked on by Claude Code until ${until.replace(/\./g, '\\.')}`)),
      );
      assert.strictEqual(w.core.tasks.get(task.id)!.progress, 0);
    });

    it('says there is no such task', async () => {
      await assert.rejects(
        w.call(w.as('Cline'), 'continuum_update_task', { taskId: 'task-404', progress: 1 }),
        isToolError(/no task with the id 'task-404'/),
      );
    });
  });

  describe('add tasks', () => {
    it('adds tasks that depend on each other by local refs and on existing tasks by id', async () => {
      const [existing] = await w.core.tasks.createMany([{ title: 'Existing' }]);
      const answer = await w.call<AddTasksAnswer>(w.as('Claude Code'), 'continuum_add_tasks', {
        tasks: [
          { ref: 'api', title: 'API', priority: 'high', dependsOn: [existing.id] },
          { title: 'UI', dependsOn: ['api'], files: ['src/ui.tsx'] },
        ],
      });
      const [api, ui] = answer.structured.created;
      assert.deepStrictEqual(w.core.tasks.get(ui.id)!.dependsOn, [api.id]);
      assert.deepStrictEqual(w.core.tasks.get(api.id)!.dependsOn, [existing.id]);
      assert.strictEqual(w.core.tasks.get(api.id)!.priority, 'high');
      assert.match(w.core.tasks.get(ui.id)!.description, /Files: src\/ui\.tsx/);
      const created = w.core.tasks.events(api.id).find(e => e.kind === 'created');
      assert.deepStrictEqual([created?.actor, created?.agent], ['agent', 'Claude Code']);
    });

    it("marks an agent's commands as coming from an agent, so a person confirms them before they run", async () => {
      const answer = await w.call<AddTasksAnswer>(w.as('Claude Code'), 'continuum_add_tasks', {
        tasks: [{ title: 'Clean', command: 'rm -rf build', verify: 'test ! -d build' }],
      });
      const task = w.core.tasks.get(answer.structured.created[0].id)!;
      assert.deepStrictEqual(task.action, { kind: 'shell', command: 'rm -rf build', verify: 'test ! -d build' });
      assert.strictEqual(planOfTask(w.core.store, task), 'an agent');
      assert.match(answer.summary, /a person confirms before it first runs/);
    });

    it('refuses a dependency on an unknown task and adds nothing', async () => {
      await assert.rejects(
        w.call(w.as('Cline'), 'continuum_add_tasks', { tasks: [{ title: 'A' }, { title: 'B', dependsOn: ['nope'] }] }),
        isToolError(/not a known task/),
      );
      assert.strictEqual(w.core.tasks.list().length, 0);
    });

    it('previews a markdown plan on a dry run without changing anything, then imports it', async () => {
      const plan =
        '# Plan\n\n## 1. Backend\n- [ ] Schema\n- [ ] API\n  - Dependencies: Schema\n\n## 2. Frontend\n- [ ] Login page\n';
      const dry = await w.call<AddTasksAnswer>(w.as('Claude Code'), 'continuum_add_tasks', { plan, dryRun: true });
      assert.deepStrictEqual(
        dry.structured.preview?.plan.tasks.map(t => t.title),
        ['Schema', 'API', 'Login page'],
      );
      assert.match(dry.summary, /Nothing was changed/);
      assert.strictEqual(w.core.tasks.list().length, 0);
      const done = await w.call<AddTasksAnswer>(w.as('Claude Code'), 'continuum_add_tasks', { plan, name: 'backend' });
      assert.deepStrictEqual(done.structured.imported, { created: 3, updated: 0 });
      const again = await w.call<AddTasksAnswer>(w.as('Claude Code'), 'continuum_add_tasks', { plan, name: 'backend' });
      assert.strictEqual(again.structured.imported?.created, 0, 'the same plan again duplicates nothing');
      assert.strictEqual(w.core.tasks.list().length, 3);
    });

    it('wants either tasks or a plan', async () => {
      await assert.rejects(w.call(w.as('Cline'), 'continuum_add_tasks', {}), isToolError(/either 'tasks'.*or 'plan'/));
    });

    it('names the field of a task that is not valid', async () => {
      await assert.rejects(
        callAgentTool(w.as('Cline'), 'continuum_add_tasks', { tasks: [{ title: 'ok' }, { title: 'x'.repeat(501) }] }),
        isToolError(/field 'tasks\.1\.title'/),
      );
      await assert.rejects(
        callAgentTool(w.as('Cline'), 'continuum_add_tasks', { tasks: [{ title: 'ok', priority: 'urgent' }] }),
        isToolError(/field 'tasks\.0\.priority'/),
      );
    });
  });

  describe('checkpoint', () => {
    it('saves a state-only checkpoint where there are no workspace files, says so, and lists it', async () => {
      await w.core.tasks.createMany([{ title: 'A' }]);
      const a = w.as('Claude Code');
      const saved = await w.call<CheckpointAnswer>(a, 'continuum_checkpoint', { note: 'before the refactor' });
      assert.match(saved.summary, /task state only/);
      assert.strictEqual(saved.structured.checkpoint?.note, 'Claude Code: before the refactor');
      assert.strictEqual(saved.structured.checkpoint?.files, false);
      const listed = await w.call<CheckpointAnswer>(a, 'continuum_checkpoint', { action: 'list' });
      assert.deepStrictEqual(
        listed.structured.checkpoints?.map(c => c.id),
        [saved.structured.checkpoint?.id],
      );
    });

    it('offers no restore', () => {
      assert.ok(!agentTools.some(t => /restore/i.test(t.name)));
      assert.ok(!agentTools.some(t => t.destructive));
    });
  });

  describe('context', () => {
    it('adds a decision authored by the agent as a new version, and reads it back', async () => {
      const a = w.as('Claude Code');
      const added = await w.call<ContextAnswer>(a, 'continuum_context', {
        action: 'add',
        kind: 'decision',
        title: 'Use zod',
        body: 'All inputs are checked with zod.',
      });
      assert.strictEqual(added.structured.added?.version, 1);
      assert.strictEqual(w.core.context.history()[0].actor, 'agent');
      const read = await w.call<ContextAnswer>(a, 'continuum_context');
      assert.deepStrictEqual(
        read.structured.notes?.map(n => [n.title, n.tags]),
        [['Use zod', ['decision', 'by Claude Code']]],
      );
      assert.match(read.summary, /Use zod \[decision, by Claude Code\]/);
    });

    it('needs a title and a body to add', async () => {
      await assert.rejects(
        w.call(w.as('Cline'), 'continuum_context', { action: 'add', title: 'x' }),
        isToolError(/'title' and 'body'/),
      );
    });
  });

  describe('known errors', () => {
    it("records a fix's outcome and reports how often it worked", async () => {
      const a = w.as('Cline');
      const error = 'ENOENT: no such file or directory, open /tmp/build-123/out.json';
      await w.call(a, 'continuum_known_errors', { action: 'record', error, fixCommand: 'npm run build', worked: true });
      await w.call(a, 'continuum_known_errors', {
        action: 'record',
        error,
        fixCommand: 'npm run build',
        worked: false,
      });
      const lookup = await w.call<KnownErrorsAnswer>(a, 'continuum_known_errors', {
        error: 'ENOENT: no such file or directory, open /tmp/build-999/out.json',
      });
      assert.strictEqual(lookup.structured.known, true);
      assert.deepStrictEqual(
        lookup.structured.fixes.map(f => [f.fix, f.tries, f.successRate]),
        [['npm run build', 2, 0.5]],
      );
      assert.match(lookup.summary, /npm run build: worked 50% over 2 tries/);
    });

    it('says an error was not seen before', async () => {
      const lookup = await w.call<KnownErrorsAnswer>(w.as('Cline'), 'continuum_known_errors', {
        error: 'something new',
      });
      assert.strictEqual(lookup.structured.known, false);
      assert.match(lookup.summary, /not been seen before/);
    });
  });

  describe('graph', () => {
    it('says what to run when no graph is built', async () => {
      await assert.rejects(
        w.call(w.as('Cline'), 'continuum_graph', { target: 'src/a.ts' }),
        isToolError(/No knowledge graph is built.*continuum graph build/),
      );
    });

    it("answers a file's affected components, dependencies and dependents", async () => {
      const g = await makeAgentWorld({
        'src/a.ts': 'export const a = 1;\n',
        'src/b.ts': "import { a } from './a';\nexport const b = a + 1;\n",
        'src/c.ts': "import { b } from './b';\nexport const c = b + 1;\n",
      });
      try {
        await g.core.graph.build({ roots: ['/ws'] });
        const agent = g.as('Cline');
        const affected = await g.call<GraphAnswer>(agent, 'continuum_graph', { target: 'src/a.ts' });
        assert.deepStrictEqual(
          affected.structured.components.map(c => c.id).filter(id => !id.includes('#')),
          ['src/b.ts', 'src/c.ts'],
        );
        const deps = await g.call<GraphAnswer>(agent, 'continuum_graph', { target: 'src/c.ts', query: 'dependencies' });
        assert.deepStrictEqual(
          deps.structured.components.map(c => c.id),
          ['src/b.ts'],
        );
        const dependents = await g.call<GraphAnswer>(agent, 'continuum_graph', {
          target: 'src/a.ts',
          query: 'dependents',
          recursive: true,
        });
        assert.deepStrictEqual(dependents.structured.components.map(c => c.id).sort(), ['src/b.ts', 'src/c.ts']);
        await assert.rejects(
          g.call(agent, 'continuum_graph', { target: 'src/zzz.ts' }),
          isToolError(/knows no file or component 'src\/zzz\.ts'/),
        );
      } finally {
        await g.close();
      }
    });
  });

  describe('list and get tasks (the full set)', () => {
    it('lists tasks with the agent holding each, and gives one task with what it needs', async () => {
      const [a] = await w.core.tasks.createMany([
        { title: 'Held', description: 'Edit src/app.ts.', action: { kind: 'manual', verify: 'npm test' } },
        { title: 'Free' },
      ]);
      await w.call(w.as('Claude Code'), 'continuum_next_task');
      const list = await w.call<{ tasks: Array<{ title: string; heldBy?: string }> }>(
        w.as('Cline'),
        'continuum_list_tasks',
        { status: ['running', 'pending'] },
      );
      assert.deepStrictEqual(
        list.structured.tasks.map(t => [t.title, t.heldBy]),
        [
          ['Held', 'Claude Code'],
          ['Free', undefined],
        ],
      );
      const one = await w.call(w.as('Cline'), 'continuum_get_task', { taskId: a.id });
      assert.match(
        one.summary,
        /^Task task_1: Held \(running, normal, manual\)\n\nEdit src\/app\.ts\.\n\nVerify \(must pass before done\): npm test/,
      );
      assert.match(one.summary, /Files: src\/app\.ts\nAffected components: No knowledge graph is built/);
    });
  });

  describe('in an untrusted workspace', () => {
    it('refuses every change and still reads', async () => {
      const [task] = await w.core.tasks.createMany([{ title: 'A' }]);
      const u = w.as('Copilot', { trusted: false });
      const writes: Array<[string, unknown]> = [
        ['continuum_next_task', {}],
        ['continuum_update_task', { taskId: task.id, progress: 50 }],
        ['continuum_add_tasks', { tasks: [{ title: 'B' }] }],
        ['continuum_add_tasks', { plan: '- [ ] C' }],
        ['continuum_checkpoint', { note: 'x' }],
        ['continuum_context', { action: 'add', title: 't', body: 'b' }],
        ['continuum_known_errors', { action: 'record', error: 'e', fixCommand: 'f', worked: true }],
      ];
      for (const [name, input] of writes)
        await assert.rejects(w.call(u, name, input), isToolError(/not trusted/), name);
      assert.deepStrictEqual(
        w.core.tasks.list().map(t => [t.title, t.status, t.progress]),
        [['A', 'pending', 0]],
      );
      assert.strictEqual(w.core.context.current(), undefined);
      assert.deepStrictEqual(w.core.sessions.listCheckpoints(), []);
      for (const [name, input] of [
        ['continuum_briefing', {}],
        ['continuum_list_tasks', {}],
        ['continuum_get_task', { taskId: task.id }],
        ['continuum_checkpoint', { action: 'list' }],
        ['continuum_context', {}],
        ['continuum_known_errors', { error: 'e' }],
        ['continuum_add_tasks', { plan: '- [ ] C', dryRun: true }],
      ] as const) {
        await w.call(u, name, input);
      }
      const every = writes.map(([n]) => n);
      for (const t of agentTools.filter(x => !x.readOnly))
        assert.ok(every.includes(t.name), `${t.name} writes: test its refusal here`);
    });
  });

  describe('the tool list', () => {
    it('has unique continuum_ names, strict object inputs, and at most 10 lean tools', () => {
      const names = agentTools.map(t => t.name);
      assert.strictEqual(new Set(names).size, names.length);
      for (const t of agentTools) {
        assert.match(t.name, /^continuum_[a-z_]+$/);
        assert.strictEqual((z.toJSONSchema(t.input) as { type?: string }).type, 'object', t.name);
        assert.strictEqual(findAgentTool(t.name), t);
      }
      assert.deepStrictEqual(
        leanAgentTools.map(t => t.name),
        [
          'continuum_briefing',
          'continuum_next_task',
          'continuum_update_task',
          'continuum_add_tasks',
          'continuum_checkpoint',
          'continuum_context',
          'continuum_known_errors',
          'continuum_graph',
        ],
      );
    });

    it('keeps every string and array input bounded', () => {
      const unbounded: string[] = [];
      const walk = (schema: unknown, path: string) => {
        if (!schema || typeof schema !== 'object') return;
        const s = schema as Record<string, unknown>;
        if (s.type === 'string' && s.maxLength === undefined && s.enum === undefined && s.const === undefined)
          unbounded.push(path);
        if (s.type === 'array' && s.maxItems === undefined) unbounded.push(path);
        for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${path}.${k}`);
        if (s.items) walk(s.items, `${path}[]`);
        for (const k of ['anyOf', 'oneOf', 'allOf'])
          for (const v of (s[k] as unknown[] | undefined) ?? []) walk(v, path);
      };
      for (const t of agentTools) walk(z.toJSONSchema(t.input), t.name);
      assert.deepStrictEqual(unbounded, []);
    });

    it("keeps the lean set's tools/list under 3,000 tokens (JSON characters / 4)", () => {
      const list = {
        tools: leanAgentTools.map(t => ({
          name: t.name,
          title: t.title,
          description: t.description,
          inputSchema: z.toJSONSchema(t.input),
          annotations: { readOnlyHint: t.readOnly, destructiveHint: t.destructive },
        })),
      };
      const tokens = Math.ceil(JSON.stringify(list).length / 4);
      console.log(`      lean tools/list: ${leanAgentTools.length} tools, ≈${tokens} tokens`);
      assert.ok(tokens < 3000, `${tokens} tokens`);
    });

    it('refuses an unknown tool, naming the tools there are', async () => {
      await assert.rejects(
        callAgentTool(w.as('Cline'), 'continuum_delete_everything', {}),
        isToolError(/no Continuum tool 'continuum_delete_everything'.*continuum_briefing/),
      );
    });
  });
});
