// What @continuum /plan writes in chat about a proposed plan, and what Plan from Goal accepts as its argument.
import * as assert from 'assert';
import { parsePlan } from '../../../src/core/tasks/plan';
import { planArgument } from '../../../src/vscode/plans/planArgument';
import { planSummaryMarkdown } from '../../../src/vscode/plans/planText';

describe('the proposed plan in chat', () => {
  const plan = parsePlan(
    [
      '## Phase 1: Set up',
      '- [ ] 1.1 Add zod',
      '  Kind: shell',
      '  Run: npm install zod',
      '- [ ] 1.2 Write the schema',
      '  Kind: lm',
      '  Priority: high',
      '## Phase 2: Check',
      '- [ ] 2.1 Try the form [click](command:workbench.action.terminal.new) <img src=x>',
    ].join('\n'),
    'Plan for "x"',
  );

  it('sums up the phases and each task with its kind, titles escaped, and says nothing is imported yet', () => {
    const text = planSummaryMarkdown(plan);
    assert.match(text, /^\*\*Proposed plan:\*\* 2 phases, 3 tasks \(1 by a language model, 1 command, 1 to-do\)\.\n/);
    assert.match(
      text,
      /\*\*1 Set up\*\*\n\n- 1\\\.1 Add zod _\(command\)_\n- 1\\\.2 Write the schema _\(model, high\)_/,
    );
    assert.match(text, /\n\n\*\*2 Check\*\*\n\n- 2\\\.1 Try the form click \\<img src\\=x\\> _\(to-do\)_/);
    assert.doesNotMatch(text, /\]\(command:/, 'no link survives');
    assert.doesNotMatch(text, /[^\\]<img/, 'the tag is escaped');
    assert.match(text, /Nothing is imported until you look at the preview and confirm\.$/);
  });

  it('shows the first tasks and counts the rest, and carries warnings', () => {
    const text = planSummaryMarkdown(plan, ['the answer was cut off'], 2);
    assert.doesNotMatch(text, /Try the form/);
    assert.match(text, /… and 1 more in the preview\./);
    assert.match(text, /⚠ the answer was cut off/);
  });

  it('reads Plan from Goal’s argument: a goal, a proposed plan, or nothing', () => {
    assert.deepStrictEqual(planArgument(undefined), {});
    assert.deepStrictEqual(planArgument('Add login'), { goal: 'Add login' });
    assert.deepStrictEqual(planArgument({ goal: 'g', markdown: '- [ ] a' }), { goal: 'g', markdown: '- [ ] a' });
    assert.deepStrictEqual(planArgument({ goal: 3, markdown: null }), {});
    assert.deepStrictEqual(planArgument(vscodeUriLike()), {});
  });
});

/** What a command gets when run from a context menu on a file. */
function vscodeUriLike(): unknown {
  return { scheme: 'file', path: '/ws/PLAN.md' };
}
