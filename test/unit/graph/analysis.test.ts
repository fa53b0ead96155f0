import * as assert from 'assert';
import { analyzeGraph, isTestFile, proposeTasks } from '../../../src/core/graph/analysis';
import { ContextManager } from '../../../src/core/context/contextManager';
import { sequentialIds } from '../../../src/core/ids';
import { TaskManager } from '../../../src/core/tasks/taskManager';
import { graphWorld } from './world';

const project = {
  'package.json': '{ "name": "shop", "main": "src/index.ts" }',
  'src/index.ts': "export { cart } from './cart';\nimport './missing';\n",
  'src/cart.ts':
    "import { price } from './price';\n// TODO: support coupons\nexport function cart() { return price(); }\n",
  'src/price.ts':
    "import { cart } from './cart';\n/* FIXME rounding is wrong */\nexport function price() { return 1; }\n",
  'src/broken.ts': 'export const = ;',
  'test/cart.test.ts': "import { cart } from '../src/cart';\ncart();\n",
};

describe('analysis of the workspace', () => {
  it('finds structure, features and gaps: TODO/FIXME with locations, parse failures, cycles, unresolved imports, untested modules', async () => {
    const w = await graphWorld(project);
    await w.build();
    const analysis = analyzeGraph(w.graph.index());
    const gaps = analysis.gaps.map(g => `${g.kind} ${g.file ?? ''}${g.line ? `:${g.line}` : ''} ${g.description}`);
    assert.deepStrictEqual(gaps, [
      'todo src/cart.ts:2 TODO: support coupons',
      'fixme src/price.ts:2 FIXME: rounding is wrong',
      `parse-failure src/broken.ts:1 Does not parse (${w.graph.index().file('src/broken.ts')!.error}); only its imports are known`,
      'import-cycle src/cart.ts Import cycle: src/cart.ts → src/price.ts → src/cart.ts',
      "unresolved-import src/index.ts:2 Import './missing' does not resolve to a file",
      'untested-module src/price.ts No test imports src/price.ts',
    ]);
    const structure = analysis.structure as {
      files: number;
      testFiles: number;
      packages: unknown[];
      entryPoints: string[];
    };
    assert.deepStrictEqual(
      [structure.files, structure.testFiles, structure.packages, structure.entryPoints],
      [5, 1, [{ name: 'shop', folder: '.' }], ['src/index.ts']],
    );
    assert.deepStrictEqual(
      analysis.features.map(f => f.name),
      ['src/cart.ts', 'src/price.ts'],
    );
    assert.match(analysis.features[0].description!, /exports function cart; used by 3 module\(s\)/);

    // a new context version holds it
    const context = new ContextManager(w.store, w.clock);
    const version = await context.updateAnalysis(analysis);
    assert.strictEqual(context.version(version)!.context.analysis.gaps.length, 6);
  });

  it('proposes a task per gap with a stable key, so proposing again after creating them proposes nothing', async () => {
    const w = await graphWorld(project);
    await w.build();
    const gaps = analyzeGraph(w.graph.index()).gaps;
    const proposals = proposeTasks(gaps);
    assert.strictEqual(proposals.length, 6);
    const todo = proposals[0];
    assert.match(todo.key, /^gap:src\/cart\.ts:2:[0-9a-f]{10}$/);
    assert.strictEqual(todo.task.title, 'TODO: support coupons (src/cart.ts:2)');
    assert.match(todo.task.description!, /Location: src\/cart\.ts:2/);
    assert.strictEqual(proposals[1].task.priority, 'high');

    const tasks = new TaskManager(w.store, w.clock, sequentialIds());
    await tasks.createMany(proposals.slice(0, 4).map(p => p.task));
    const existing = new Set(tasks.list().flatMap(t => (t.key ? [t.key] : [])));
    const again = proposeTasks(analyzeGraph(w.graph.index()).gaps, existing);
    assert.deepStrictEqual(
      again.map(p => p.key),
      proposals.slice(4).map(p => p.key),
    );
  });

  it('knows test files by folder and name', () => {
    assert.deepStrictEqual(
      ['test/a.ts', 'src/__tests__/b.ts', 'src/c.spec.tsx', 'src/d.test.mjs', 'src/testing.ts', 'src/latest.ts'].map(
        isTestFile,
      ),
      [true, true, true, true, false, false],
    );
  });
});
