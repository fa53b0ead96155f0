// The confidence gate's impact factor from a real knowledge graph: the components affected by the
// files a task touches or links to; unknown (left out of the score) while the graph is not built.
import * as assert from 'assert';
import { ExecutionGuards } from '../../../../src/core/execution/guards/guards';
import { graphImpact, linkedPaths, taskImpact } from '../../../../src/core/execution/guards/impact';
import { graphWorld } from '../../graph/world';

const files = {
  'src/a.ts': 'export function a() { return 1; }\n',
  'src/b.ts': "import { a } from './a';\nexport function b() { return a(); }\n",
  'src/c.ts': "import { b } from './b';\nexport function c() { return b(); }\n",
  'src/lonely.ts': 'export const x = 1;\n',
};

describe('impact from the knowledge graph', () => {
  it('finds the files a task links to: its gap, its Location line, path-like words of its command', () => {
    assert.deepStrictEqual(
      linkedPaths({
        key: 'gap:src/a.ts:3:abc',
        description: 'TODO: x\n\nLocation: src/a.ts:3',
        action: { kind: 'manual' },
      }),
      ['src/a.ts'],
    );
    assert.deepStrictEqual(
      linkedPaths({
        description: '',
        action: { kind: 'shell', command: 'npx tsc --noEmit', args: ['./src/b.ts', '-p', 'tsconfig.json'] },
      }),
      ['src/b.ts'],
    );
    assert.deepStrictEqual(
      linkedPaths({ description: 'Location: the workspace', action: { kind: 'shell', command: 'npm test' } }),
      [],
    );
  });

  it('counts the components affected by a linked file, more for a file others depend on', async () => {
    const w = await graphWorld(files);
    const graph = graphImpact(w.graph);
    const linkedTo = (file: string) => ({
      key: `gap:${file}:1:h`,
      description: `Location: ${file}:1`,
      action: { kind: 'manual' as const },
    });
    assert.strictEqual(taskImpact(linkedTo('src/a.ts'), graph), undefined, 'no graph yet: impact unknown');
    await w.build();
    const ofA = taskImpact(linkedTo('src/a.ts'), graph)!;
    const ofC = taskImpact(linkedTo('src/c.ts'), graph)!;
    assert.ok(ofA >= 3, `a.ts affects b.ts and c.ts as well: ${ofA}`);
    assert.ok(ofC < ofA, `nothing depends on c.ts: ${ofC} < ${ofA}`);
    assert.strictEqual(taskImpact(linkedTo('src/lonely.ts'), graph), 1);
    assert.strictEqual(
      taskImpact(linkedTo('src/missing.ts'), graph),
      undefined,
      'a file the graph does not know: unknown',
    );
  });

  it('feeds the gate: impact lowers the score, and a graph that fails is left out', async () => {
    const w = await graphWorld(files);
    await w.build();
    let fail = false;
    const guards = new ExecutionGuards({
      store: w.store,
      clock: w.clock,
      questions: { allowLowConfidenceTask: async () => 'allow', runFix: async () => 'fail' },
      impact: () => {
        if (fail) throw new Error('the graph is being rebuilt');
        return taskImpact(
          { key: 'gap:src/a.ts:1:h', description: '', action: { kind: 'manual' } },
          graphImpact(w.graph),
        );
      },
    });
    const task = { id: 't1', title: 'Touch a', kind: 'shell' as const, sessionId: 's' };
    const first = await guards.beforeTask(task, new AbortController().signal);
    fail = true;
    const second = await guards.beforeTask({ ...task, id: 't2' }, new AbortController().signal);
    const scoreOf = (v: { note?: string }) => Number(/confidence (\d\.\d\d)/.exec(v.note ?? '')?.[1]);
    assert.ok(scoreOf(first) < scoreOf(second), `impact lowers the score: ${first.note} vs ${second.note}`);
  });
});
