// Every fallback is reported to the degradation registry with its level, so Health shows it:
// graph parse → import scan, file snapshot → state-only checkpoint, pull request → push only →
// local branch, VS Code task → its declared shell equivalent.
import * as assert from 'assert';
import { openContinuum } from '../../../../src/core/continuum';
import { DegradationRegistry, type Degradation } from '../../../../src/core/execution/guards/degradation';
import { reportDelivery, watchGraphParsing } from '../../../../src/core/execution/guards/fallbacks';
import { ExecutionGuards } from '../../../../src/core/execution/guards/guards';
import { healthReport } from '../../../../src/core/execution/guards/reports';
import { CheckpointFiles } from '../../../../src/core/git/checkpointFiles';
import { SessionManager } from '../../../../src/core/sessions/sessionManager';
import { FakeClock } from '../../fakes/fakeClock';
import { MemoryFileSystem } from '../../fakes/memoryFileSystem';
import { graphWorld } from '../../graph/world';
import { makeWorld } from '../../helpers';
import { makeExecWorld } from '../world';

describe('degradations reported where the fallbacks happen', () => {
  it('says once when a capability steps down, and again only when it steps further', () => {
    const registry = new DegradationRegistry();
    const seen: string[] = [];
    registry.onDidDegrade(d => seen.push(`${d.capability}: ${d.using} (${d.level})`));
    reportDelivery(registry, { kind: 'pushed', reason: 'not signed in' });
    reportDelivery(registry, { kind: 'pushed', reason: 'not signed in' });
    reportDelivery(registry, { kind: 'local-branch', reason: 'the push was refused' });
    assert.deepStrictEqual(seen, ['pullRequest: push only (minor)', 'pullRequest: local branch (moderate)']);
    assert.strictEqual(registry.degradations()[0].reason, 'the push was refused');
    reportDelivery(registry, { kind: 'pull-request' });
    assert.deepStrictEqual(registry.degradations(), [], 'a pull request opened again is full service');
  });

  it('reports files of the knowledge graph that do not parse (import scan, moderate) until they parse again', async () => {
    const w = await graphWorld({
      'src/a.ts': 'export const a = 1;\n',
      'src/b.ts': "import { a } from './a';\nexport function b( {\n",
    });
    const registry = new DegradationRegistry(undefined, () => w.clock.now());
    const watch = watchGraphParsing(w.store, listener => w.graph.onDidChange(listener), registry);
    assert.deepStrictEqual(registry.degradations(), [], 'nothing built yet: nothing degraded');
    await w.build();
    const [d] = registry.degradations();
    assert.ok(d, 'the graph is degraded');
    assert.strictEqual(d.capability, 'graph');
    assert.strictEqual(d.using, 'import scan');
    assert.strictEqual(d.level, 'moderate');
    assert.match(d.reason, /^1 file does not parse \(src\/b\.ts: line \d+: .*\); only its imports are known/);
    w.write({ 'src/b.ts': "import { a } from './a';\nexport function b() { return a; }\n" });
    await w.graph.updateFiles(['/ws/src/b.ts']);
    assert.deepStrictEqual(registry.degradations(), [], 'full service once the file parses');
    watch.dispose();
  });

  it('reports checkpoints as state only when no workspace folder is open, in Health', async () => {
    const core = await openContinuum({
      folder: '/store',
      fs: new MemoryFileSystem(),
      clock: new FakeClock(),
      idleCompactMs: 0,
    });
    try {
      const [d] = core.degradations.degradations();
      assert.strictEqual(d.capability, 'checkpoint');
      assert.strictEqual(d.level, 'severe');
      const health = healthReport({
        store: { folder: '/store', journalRecords: 0, journalBytes: 0, readOnly: false, recovery: [] },
        executor: { running: 0, circuits: [] },
        budget: { limit: 10, remaining: 10, spentBy: [] },
        flow: { state: 'idle', actionsPerMinute: 0, errorRate: 0 } as never,
        graph: { built: false, line: 'not built' },
        degradations: core.degradations.degradations(),
        now: 0,
      });
      assert.match(health, /checkpoints: \*\*severe\*\*, using state only .* no trusted workspace folder is open/);
    } finally {
      await core.close();
    }
  });

  it('reports a checkpoint whose workspace snapshot failed as state only (severe)', async () => {
    const w = await makeWorld();
    const sessions = new SessionManager(w.store, w.clock);
    const registry = new DegradationRegistry(undefined, () => w.clock.now());
    const files = new CheckpointFiles(
      w.store,
      sessions,
      async () => {
        throw new Error('git is not installed');
      },
      w.clock,
      {
        snapshots: {
          failed: reason => registry.use('checkpoint', 'state only', reason),
          taken: () => registry.restore('checkpoint'),
        },
      },
    );
    const seen: Degradation[] = [];
    registry.onDidDegrade(d => seen.push(d));
    const session = await sessions.create({ name: 's', taskIds: [] });
    const checkpoint = await sessions.createCheckpoint({ sessionId: session.id, trigger: 'manual' });
    assert.strictEqual(await files.filesFor(checkpoint.id).catch(() => undefined), undefined);
    await new Promise(r => setTimeout(r, 0));
    assert.strictEqual(seen.length, 1);
    assert.match(seen[0].reason, /git is not installed/);
    assert.strictEqual(seen[0].level, 'severe');
    files.dispose();
  });

  it('runs a VS Code task’s declared shell equivalent when the host has no such task, and reports it', async () => {
    const base = await makeWorld();
    const guards = new ExecutionGuards({
      store: base.store,
      clock: base.clock,
      questions: { allowLowConfidenceTask: async () => 'allow', runFix: async () => 'fail' },
    });
    const w = await makeExecWorld({ hooks: guards, settings: () => ({ concurrency: 1, checkpointEvery: 0 }) }, base);
    w.processes.script('task:build', {
      code: null,
      error: { code: 'ENOENT', message: "no task labelled 'build' in tasks.json" },
    });
    const withEquivalent = (
      await w.tasks.create({
        title: 'Build',
        action: { kind: 'vscodeTask', label: 'build', shellEquivalent: 'npm run build' },
      })
    ).id;
    await (
      await w.executor.run(await w.session([withEquivalent]))
    ).finished;
    assert.strictEqual(w.tasks.get(withEquivalent)!.status, 'done');
    assert.deepStrictEqual(w.processes.lines(), ['task:build', 'npm run build']);
    const [d] = guards.degradations.degradations();
    assert.strictEqual(d.capability, 'vscodeTask');
    assert.strictEqual(d.using, 'shell equivalent');
    assert.strictEqual(d.level, 'minor');
    assert.match(w.logs.logs.get(withEquivalent) ?? '', /its declared shell equivalent ran instead/);
    // without a declared equivalent the task fails, saying what to do
    const without = (await w.tasks.create({ title: 'Build 2', action: { kind: 'vscodeTask', label: 'build' } })).id;
    await (
      await w.executor.run(await w.session([without]))
    ).finished;
    assert.strictEqual(w.tasks.get(without)!.status, 'failed');
    assert.match(w.tasks.get(without)!.error ?? '', /no task labelled 'build'/);
  });
});
