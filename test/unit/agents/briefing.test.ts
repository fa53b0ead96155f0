// The briefing: where the work stands for an agent starting or resuming (issue 16, tool 1).
import * as assert from 'assert';
import {
  briefingMarkdown,
  briefingOf,
  callAgentTool,
  findAgentTool,
  type Briefing,
} from '../../../src/core/agents/index';
import { ErrorLearning } from '../../../src/core/execution/guards/learning';
import { makeAgentWorld, type AgentWorld } from './world';

describe('the agent briefing', () => {
  let w: AgentWorld;
  beforeEach(async () => {
    w = await makeAgentWorld();
  });
  afterEach(() => w.close());

  it('tells an agent with an empty store that there is nothing yet and how to add tasks', async () => {
    const { structured, summary } = await w.call<Briefing>(w.as('Claude Code'), 'continuum_briefing');
    assert.strictEqual(structured.tasks.total, 0);
    assert.deepStrictEqual(structured.ready, []);
    assert.match(structured.advice, /continuum_add_tasks/);
    assert.match(summary, /# Continuum briefing/);
    assert.match(summary, /For Claude Code/);
  });

  it('gathers the context, the session to resume, ready tasks, failures with their known fixes and the last checkpoint', async () => {
    const { core } = w;
    await core.context.addNote(
      { title: 'Use pnpm', body: 'We decided on pnpm workspaces.', tags: ['decision'] },
      'user',
    );
    const [a, b, c] = await core.tasks.createMany([
      { title: 'Set up the database', priority: 'high' },
      { title: 'Write the login page' },
      { title: 'Build', action: { kind: 'shell', command: 'make' } },
    ]);
    await core.tasks.addDependency(b.id, a.id);
    await core.tasks.setStatus(c.id, 'failed', 'executor', {
      error: "make: *** [all] Error 2\nsrc/db.ts:12:3 - error TS2307: Cannot find module 'pg'",
    });
    const learning = new ErrorLearning(core.store, core.clock);
    const { signatureOf } = await import('../../../src/core/agents/briefing');
    const signature = signatureOf(core.tasks.get(c.id)!.error!);
    await learning.fixTried(signature, { kind: 'command', command: 'npm', args: ['install', 'pg'] }, true);
    const session = await core.sessions.create({ name: 'Sprint 1', taskIds: [a.id, b.id, c.id] });
    await core.sessions.start(session.id);
    await core.sessions.pause(session.id, 'lunch');

    const brief = briefingOf(core, { id: 'x#1', name: 'Claude Code' }, 'concise');
    assert.strictEqual(brief.project.contextVersion, 1);
    assert.deepStrictEqual(
      brief.project.notes.map(n => [n.title, n.tags]),
      [['Use pnpm', ['decision']]],
    );
    assert.deepStrictEqual(
      brief.ready.map(t => t.title),
      ['Set up the database'],
      'the login page waits for the database; the build failed',
    );
    assert.strictEqual(brief.session?.status, 'paused');
    assert.match(brief.session!.continues, /continues at 'Set up the database'/);
    assert.strictEqual(brief.failures.length, 1);
    assert.match(brief.failures[0].error, /Cannot find module 'pg'/);
    assert.deepStrictEqual(
      brief.failures[0].fixes.map(f => [f.fix, f.tries]),
      [['npm install pg', 1]],
    );
    assert.strictEqual(brief.lastCheckpoint?.trigger, 'pause');
    assert.strictEqual(brief.lastCheckpoint?.note, 'lunch');
    const md = briefingMarkdown(brief);
    assert.match(md, /known fix: npm install pg \(worked 100% over 1 tries\)/);
    assert.match(md, /1\. Set up the database/);
  });

  it('keeps stored strings inert in its markdown', async () => {
    await w.core.context.addNote(
      { title: '[open](command:workbench.action.terminal.new)', body: '# not a heading <img src=x onerror=alert(1)>' },
      'user',
    );
    await w.core.tasks.create({ title: '**bold** `code` <script>' });
    const md = briefingMarkdown(briefingOf(w.core, undefined));
    assert.ok(!md.includes('[open](command:'), md);
    assert.ok(md.includes('\\[open\\]\\(command\\:'), md);
    assert.ok(!/(^|[^\\])</m.test(md), `an unescaped < in:\n${md}`);
    assert.ok(md.includes('\\*\\*bold\\*\\* \\`code\\`'), md);
  });

  it('is longer when detailed than when concise', async () => {
    await w.core.tasks.createMany(Array.from({ length: 12 }, (_, i) => ({ title: `Task ${i + 1}` })));
    const concise = briefingOf(w.core, undefined, 'concise');
    const detailed = briefingOf(w.core, undefined, 'detailed');
    assert.strictEqual(concise.ready.length, 5);
    assert.strictEqual(detailed.ready.length, 12);
  });

  it('refuses a detail it does not know, naming the field', async () => {
    assert.ok(findAgentTool('continuum_briefing')?.readOnly);
    await assert.rejects(
      callAgentTool(w.as('Cline'), 'continuum_briefing', { detail: 'everything' }),
      (err: Error) => err.name === 'AgentToolError' && /field 'detail'/.test(err.message),
    );
    await assert.rejects(
      callAgentTool(w.as('Cline'), 'continuum_briefing', { detial: 'concise' }),
      /unknown field\(s\) 'detial'/,
    );
  });

  it('works in an untrusted workspace: it only reads', async () => {
    await w.core.tasks.create({ title: 'Read me' });
    const { structured } = await w.call<Briefing>(w.as('Copilot', { trusted: false }), 'continuum_briefing', {
      detail: 'detailed',
    });
    assert.deepStrictEqual(
      structured.ready.map(t => t.title),
      ['Read me'],
    );
  });
});
