// The rows of a plan's preview: what does a task (a command, a language model) is kept apart from
// its other facts, so a view that shows it on a line of its own does not say it twice.
import * as assert from 'assert';
import { parsePlan } from '../../../src/core/tasks/plan';
import { planRows } from '../../../src/core/tasks/planView';

const plan = `# Plan

## Phase 1: Work

- [ ] 1.1 Tidy the parser
  Priority: HIGH
  Kind: lm
  Verify: \`npm test\`
- [ ] 1.2 Build
  Dependencies: 1.1
  Run: \`npm run build\`
- [ ] 1.3 Review it
`;

describe('the rows of a plan preview', () => {
  it('keeps what does each task apart from its other facts, and both in the detail', () => {
    const rows = planRows(parsePlan(plan, 'plan.md')).filter(r => r.kind === 'task');
    assert.deepStrictEqual(
      rows.map(r => [r.label, r.facts, r.detail]),
      [
        ['1.1 Tidy the parser', 'high', 'high · done by a language model'],
        ['1.2 Build', 'after 1.1 Tidy the parser', 'after 1.1 Tidy the parser · runs: npm run build'],
        ['1.3 Review it', '', ''],
      ],
    );
  });
});
