import { strict as assert } from 'node:assert';
import { parsePlan, type ParsedPlan, type PlanTaskSpec } from '../../../src/core/tasks/plan';

const src = 'docs/plan.md';

function parse(lines: string[]): ParsedPlan {
  return parsePlan(lines.join('\n'), src);
}

function task(plan: ParsedPlan, title: string): PlanTaskSpec {
  const found = plan.tasks.filter(t => t.title === title);
  assert.equal(
    found.length,
    1,
    `expected one task titled ${JSON.stringify(title)}, got ${found.length}: ${JSON.stringify(plan.tasks.map(t => t.title))}`,
  );
  return found[0];
}

function problemAt(plan: ParsedPlan, line: number, pattern: RegExp): void {
  const hit = plan.problems.some(p => p.line === line && pattern.test(p.message));
  assert.ok(hit, `expected a problem on line ${line} matching ${pattern}; got ${JSON.stringify(plan.problems)}`);
}

describe('parsePlan', () => {
  describe('phases and tasks', () => {
    it('turns headings into phases and records the numbers written in them', () => {
      const plan = parse([
        '## Phase 1: Setup',
        '- [ ] a',
        '## 2. Build',
        '- [ ] b',
        '### 2.2 Login',
        '- [ ] c',
        '#### Polish',
        '- [ ] d',
      ]);
      assert.deepEqual(
        plan.phases.map(p => [p.title, p.number, p.line, p.position]),
        [
          ['Setup', '1', 1, 0],
          ['Build', '2', 3, 1],
          ['Login', '2.2', 5, 2],
          ['Polish', undefined, 7, 3],
        ],
      );
      assert.equal(task(plan, 'a').phaseKey, plan.phases[0].key);
      assert.equal(task(plan, 'c').phaseKey, plan.phases[2].key);
      assert.equal(task(plan, 'd').phaseKey, plan.phases[3].key);
      assert.deepEqual(plan.problems, []);
    });

    it('keeps a heading that is only a number as its title', () => {
      const plan = parse(['## Phase 3', '- [ ] a']);
      assert.deepEqual(
        plan.phases.map(p => [p.title, p.number]),
        [['Phase 3', '3']],
      );
    });

    it('puts items before any heading in no phase, and makes no phase of a heading without items', () => {
      const plan = parse(['- [ ] early', '', '# Project plan', '', 'Intro.', '', '## Work', '- [ ] later']);
      assert.equal(task(plan, 'early').phaseKey, undefined);
      assert.deepEqual(
        plan.phases.map(p => p.title),
        ['Work'],
      );
      assert.equal(task(plan, 'later').phaseKey, plan.phases[0].key);
    });

    it('turns -, *, + and ordered checklist items into tasks and [x] or [X] into done tasks', () => {
      const plan = parse(['- [ ] dash', '* [x] star', '+ [X] plus', '1. [ ] one', '2) [x] two']);
      assert.deepEqual(
        plan.tasks.map(t => [t.title, t.done, t.line]),
        [
          ['dash', false, 1],
          ['star', true, 2],
          ['plus', true, 3],
          ['one', false, 4],
          ['two', true, 5],
        ],
      );
      assert.deepEqual(plan.problems, []);
    });

    it('turns a nested checklist into subtasks', () => {
      const plan = parse([
        '- [ ] parent',
        '  - [ ] child',
        '    - [x] grandchild',
        '  - [ ] second child',
        '- [ ] sibling',
      ]);
      const parent = task(plan, 'parent');
      const child = task(plan, 'child');
      assert.equal(parent.parentKey, undefined);
      assert.equal(child.parentKey, parent.key);
      assert.equal(task(plan, 'grandchild').parentKey, child.key);
      assert.equal(task(plan, 'grandchild').done, true);
      assert.equal(task(plan, 'second child').parentKey, parent.key);
      assert.equal(task(plan, 'sibling').parentKey, undefined);
    });

    it('treats checklists under a plain bullet as top-level items', () => {
      const plan = parse(['- Backend', '  - [ ] api', '  - [ ] db']);
      assert.deepEqual(
        plan.tasks.map(t => [t.title, t.parentKey]),
        [
          ['api', undefined],
          ['db', undefined],
        ],
      );
    });

    it('finds checklist items inside block quotes but not inside code', () => {
      const plan = parse(['> - [ ] quoted', '', '```', '- [ ] fenced', '```', '', '    - [ ] indented code']);
      assert.deepEqual(
        plan.tasks.map(t => t.title),
        ['quoted'],
      );
      assert.deepEqual(plan.problems, []);
    });
  });

  describe('numbers and titles', () => {
    it('records the item numbers that were written, in all their forms', () => {
      const plan = parse([
        '- [ ] 1.1 Create login page',
        '- [ ] 1.2. Add validation',
        '- [ ] **1.3** Style it',
        '- [ ] Task 1.4: Test it',
        '- [ ] **5** Bold single number',
        '- [ ] 6. Dotted single number',
      ]);
      assert.deepEqual(
        plan.tasks.map(t => [t.number, t.title]),
        [
          ['1.1', 'Create login page'],
          ['1.2', 'Add validation'],
          ['1.3', 'Style it'],
          ['1.4', 'Test it'],
          ['5', 'Bold single number'],
          ['6', 'Dotted single number'],
        ],
      );
    });

    it('invents no numbers, and reads none from titles that merely start with a figure', () => {
      const plan = parse(['## Setup', '- [ ] first', '- [ ] 3 tests fail on CI', '1. [ ] ordered']);
      assert.deepEqual(
        plan.tasks.map(t => [t.number, t.title]),
        [
          [undefined, 'first'],
          [undefined, '3 tests fail on CI'],
          [undefined, 'ordered'],
        ],
      );
      assert.equal(plan.phases[0].number, undefined);
    });

    it('strips inline markdown from titles but keeps HTML as literal text', () => {
      const plan = parse([
        '- [ ] Make **bold** and _soft_ `code` [links](https://x.invalid) ![img alt](a.png) \\*escaped\\* &amp; more',
        '- [ ] <script>alert(1)</script> <b>x</b>',
      ]);
      assert.equal(plan.tasks[0].title, 'Make bold and soft code links img alt *escaped* & more');
      assert.equal(plan.tasks[1].title, '<script>alert(1)</script> <b>x</b>');
    });

    it('reports items numbered twice in one phase', () => {
      const plan = parse(['- [ ] 1.1 a', '- [ ] 1.1 b']);
      problemAt(plan, 2, /1\.1 is used twice/);
      assert.equal(new Set(plan.tasks.map(t => t.key)).size, 2);
    });
  });

  describe('priority, description and actions', () => {
    it('reads the priority from a line under the item or from the title', () => {
      const plan = parse([
        '- [ ] a',
        '  Priority: HIGH',
        '- [ ] b',
        '  - **Priority:** critical',
        '- [ ] c (priority: Low)',
        '- [ ] d',
        '  Priority: medium',
        '- [ ] e',
        '  Priority: P0',
        '- [ ] f',
        '  Priority: p3',
        '- [ ] g',
        '  Priority: normal',
        '- [ ] h',
      ]);
      assert.deepEqual(
        plan.tasks.map(t => [t.title, t.priority]),
        [
          ['a', 'high'],
          ['b', 'critical'],
          ['c', 'low'],
          ['d', 'normal'],
          ['e', 'critical'],
          ['f', 'low'],
          ['g', 'normal'],
          ['h', undefined],
        ],
      );
      assert.deepEqual(plan.problems, []);
    });

    it('reports a priority with an unknown value and keeps the item', () => {
      const plan = parse(['- [ ] a', '  Priority: someday', '- [ ] b (priority: whenever)']);
      problemAt(plan, 2, /unknown priority "someday"/);
      problemAt(plan, 3, /unknown priority "whenever"/);
      assert.equal(task(plan, 'a').priority, undefined);
      assert.equal(task(plan, 'b').priority, undefined);
    });

    it('turns Run: into a shell action and Verify: into its check, or a manual action without Run', () => {
      const plan = parse([
        '- [ ] build',
        '  Run: `npm run build -- --prod`',
        '  Verify: test -f dist/extension.js',
        '- [ ] lint',
        '  - **Run:** npx eslint src/*.ts',
        '- [ ] look at it',
        '  Verify: the page renders',
        '- [ ] nothing to run',
      ]);
      assert.deepEqual(task(plan, 'build').action, {
        kind: 'shell',
        command: 'npm run build -- --prod',
        verify: 'test -f dist/extension.js',
      });
      assert.deepEqual(task(plan, 'lint').action, { kind: 'shell', command: 'npx eslint src/*.ts' });
      assert.deepEqual(task(plan, 'look at it').action, { kind: 'manual', verify: 'the page renders' });
      assert.equal(task(plan, 'nothing to run').action, undefined);
    });

    it('turns Kind: lm into a language-model task with its Verify:, and keeps Kind: lines with other words as text', () => {
      const plan = parse([
        '- [ ] Add a login form',
        '  **Kind:** lm',
        '  Verify: `npm test`',
        '- [ ] Write the docs',
        '  - Kind: `model`',
        '- [ ] Deploy',
        '  Kind: to-do',
        '- [ ] Build',
        '  Kind: shell',
        '  Run: npm run build',
        '- [ ] Style it',
        '  Kind: feature',
      ]);
      assert.deepEqual(task(plan, 'Add a login form').action, { kind: 'lm', verify: 'npm test' });
      assert.equal(task(plan, 'Add a login form').description, '');
      assert.deepEqual(task(plan, 'Write the docs').action, { kind: 'lm' });
      assert.equal(task(plan, 'Deploy').action, undefined);
      assert.deepEqual(task(plan, 'Build').action, { kind: 'shell', command: 'npm run build' });
      assert.equal(task(plan, 'Style it').action, undefined);
      assert.equal(task(plan, 'Style it').description, 'Kind: feature');
      assert.deepEqual(plan.problems, []);
      assert.deepEqual(plan.unused, []);
    });

    it('says when Kind: contradicts Run:, when Kind: shell has no command, and when Kind: sits under a heading', () => {
      const plan = parse([
        '## Setup',
        'Kind: lm',
        '- [ ] a',
        '  Kind: lm',
        '  Run: make',
        '- [ ] b',
        '  Kind: shell',
        '- [ ] c',
        '  Kind: lm',
        '  Kind: shell',
      ]);
      problemAt(plan, 2, /Kind: line under a heading is ignored/);
      problemAt(plan, 4, /Kind: lm and a Run: command on the same item; the Run: command is not used/);
      problemAt(plan, 7, /Kind: shell needs a Run: line/);
      problemAt(plan, 10, /second Kind: line/);
      assert.deepEqual(task(plan, 'a').action, { kind: 'lm' });
      assert.equal(task(plan, 'b').action, undefined);
      assert.deepEqual(task(plan, 'c').action, { kind: 'lm' });
    });

    it('reports an empty Run: line and a second one', () => {
      const plan = parse(['- [ ] a', '  Run:', '- [ ] b', '  Run: one', '  Run: two']);
      problemAt(plan, 2, /no command/);
      problemAt(plan, 5, /second Run/);
      assert.deepEqual(task(plan, 'b').action, { kind: 'shell', command: 'one' });
    });

    it("collects the item's other lines as plain-text description", () => {
      const plan = parse([
        '- [ ] a',
        '  First line with **bold**.',
        '  Priority: low',
        '',
        '  A second paragraph.',
        '  - a plain bullet',
        '  - [ ] a subtask',
        '    its own text',
      ]);
      assert.equal(task(plan, 'a').description, 'First line with bold.\nA second paragraph.\na plain bullet');
      assert.equal(task(plan, 'a subtask').description, 'its own text');
    });
  });

  describe('dependencies', () => {
    const numbered = [
      '## Phase 1: Setup',
      '- [ ] 1.1 Create repo',
      '- [ ] 1.2 Install tools',
      '## Phase 2: Build',
      '- [ ] 2.1 Login page',
      '  - [ ] Login form',
      '- [ ] 2.2 Signup page',
    ];

    it('resolves references by number, with or without "Phase", "Task" or "#"', () => {
      const plan = parse([
        ...numbered,
        '## Phase 3',
        '- [ ] 3.1 Ship',
        '  Dependencies: Phase 1.1, 2.1',
        '  Depends: #1.2',
        '  Requires: Task 2.2',
      ]);
      const keys = (title: string) => plan.tasks.find(t => t.title === title)!.key;
      assert.deepEqual(task(plan, 'Ship').dependsOnKeys, [
        keys('Create repo'),
        keys('Login page'),
        keys('Install tools'),
        keys('Signup page'),
      ]);
      assert.deepEqual(plan.problems, []);
    });

    it('resolves "Phase 2" to phase 2, which stands for all of its tasks', () => {
      const plan = parse([...numbered, '## Phase 3', '- [ ] 3.1 Ship', '  Depends on: Phase 2']);
      assert.deepEqual(task(plan, 'Ship').dependsOnKeys, ['docs/plan.md#p2']);
    });

    it('makes numbered headings referable by their number, sub-headings included', () => {
      const plan = parse([
        '## 1. Frontend',
        '### 1.1 Login',
        '- [ ] form',
        '### 1.2 Signup',
        '- [ ] page',
        '## 2. Release',
        '- [ ] tag',
        '  Depends on: 1.1',
        '- [ ] publish',
        '  Depends on: Phase 1',
      ]);
      assert.deepEqual(task(plan, 'tag').dependsOnKeys, ['docs/plan.md#p1.1']);
      assert.deepEqual(task(plan, 'publish').dependsOnKeys, ['docs/plan.md#p1']);
      assert.deepEqual(
        plan.phases.map(p => [p.number, p.parentKey]),
        [
          ['1', undefined],
          ['1.1', 'docs/plan.md#p1'],
          ['1.2', 'docs/plan.md#p1'],
          ['2', undefined],
        ],
      );
    });

    it('resolves "Phase 1" to the items numbered 1.x when no heading carries the number', () => {
      const plan = parse(['- [ ] 1.1 a', '- [ ] 1.2 b', '- [ ] 2.1 c', '  Depends on: Phase 1']);
      assert.deepEqual(task(plan, 'c').dependsOnKeys, [task(plan, 'a').key, task(plan, 'b').key]);
    });

    it('resolves references by title, case-insensitively, and to later items too', () => {
      const plan = parse([
        '- [ ] Deploy',
        '  Depends on:  run the TESTS ',
        '- [ ] Run the tests',
        '- [ ] Write docs, examples',
        '- [ ] Review',
        '  Depends on: Write docs, examples',
      ]);
      assert.deepEqual(task(plan, 'Deploy').dependsOnKeys, [task(plan, 'Run the tests').key]);
      assert.deepEqual(task(plan, 'Review').dependsOnKeys, [task(plan, 'Write docs, examples').key]);
      assert.deepEqual(plan.problems, []);
    });

    it('reports an ambiguous title, naming the candidates, and prefers a match in the same phase', () => {
      const plan = parse([
        '## A',
        '- [ ] Tests',
        '## B',
        '- [ ] Tests',
        '- [ ] Local',
        '  Depends on: tests',
        '## C',
        '- [ ] Far',
        '  Depends on: Tests',
      ]);
      assert.deepEqual(task(plan, 'Local').dependsOnKeys, [plan.tasks[1].key]);
      problemAt(plan, 9, /"Tests" is ambiguous.*line 2.*line 4/);
      assert.deepEqual(task(plan, 'Far').dependsOnKeys, []);
    });

    it('reports an unresolved reference with its line and still imports the item', () => {
      const plan = parse(['- [ ] a', '- [ ] b', '  Depends on: a, nonexistent thing, 9.9']);
      problemAt(plan, 3, /"nonexistent thing" matches no item/);
      problemAt(plan, 3, /"9\.9" matches no item/);
      assert.deepEqual(task(plan, 'b').dependsOnKeys, [task(plan, 'a').key]);
    });

    it('reads "none", "-" and "n/a" as no dependencies', () => {
      const plan = parse([
        '- [ ] a',
        '  Depends on: none',
        '- [ ] b',
        '  Dependencies: -',
        '- [ ] c',
        '  Requires: N/A',
      ]);
      assert.ok(plan.tasks.every(t => t.dependsOnKeys.length === 0));
      assert.deepEqual(plan.problems, []);
    });

    it('reads "Depends on" without a colon only before a number, leaving prose as description', () => {
      const plan = parse(['- [ ] 1.1 a', '- [ ] b', '  Depends on 1.1', '- [ ] c', '  Depends on the weather.']);
      assert.deepEqual(task(plan, 'b').dependsOnKeys, [task(plan, 'a').key]);
      assert.equal(task(plan, 'c').description, 'Depends on the weather.');
      assert.deepEqual(plan.problems, []);
    });

    it('reports a dependency on a group containing the item itself and keeps the rest of the group', () => {
      const plan = parse(['## Phase 1', '- [ ] a', '- [ ] b', '  Depends on: Phase 1']);
      problemAt(plan, 4, /group that contains itself/);
      assert.deepEqual(task(plan, 'b').dependsOnKeys, [task(plan, 'a').key]);
    });

    it('reports a self-reference and drops that edge', () => {
      const plan = parse(['- [ ] 1.1 a', '  Depends on: 1.1', '- [ ] 1.2 b', '  Depends on: b']);
      problemAt(plan, 2, /depends on itself/);
      problemAt(plan, 4, /depends on itself/);
      assert.ok(plan.tasks.every(t => t.dependsOnKeys.length === 0));
    });

    it('accepts dependencies written as a nested plain bullet', () => {
      const plan = parse(['- [ ] a', '- [ ] b', '  - Depends on: a', '  - some note']);
      assert.deepEqual(task(plan, 'b').dependsOnKeys, [task(plan, 'a').key]);
      assert.equal(task(plan, 'b').description, 'some note');
    });

    it('gives dependencies under a heading to the phase and to every task under it, sub-phases and subtasks included', () => {
      const plan = parse([
        '## Phase 1',
        '- [ ] a',
        '## Phase 2',
        'Depends on: Phase 1',
        '',
        '- [ ] b',
        '  - [ ] b1',
        '- [ ] c',
        '  Depends on: b',
        '### 2.1 Sub',
        '- [ ] d',
      ]);
      const p1 = 'docs/plan.md#p1';
      const phase2 = plan.phases.find(p => p.number === '2')!;
      assert.deepEqual(phase2.dependsOnKeys, [p1]);
      assert.deepEqual(task(plan, 'b').dependsOnKeys, [p1]);
      assert.deepEqual(task(plan, 'b1').dependsOnKeys, [p1]);
      assert.deepEqual(task(plan, 'c').dependsOnKeys, [task(plan, 'b').key, p1]);
      assert.deepEqual(plan.phases.find(p => p.number === '2.1')!.dependsOnKeys, []);
      assert.equal(plan.phases.find(p => p.number === '2.1')!.parentKey, phase2.key);
      assert.deepEqual(task(plan, 'd').dependsOnKeys, [p1]);
    });

    it('reports a phase that depends on itself', () => {
      const plan = parse(['## Phase 1', 'Depends on: Phase 1', '- [ ] a']);
      problemAt(plan, 2, /cannot depend on its own phase/);
      assert.deepEqual(plan.phases[0].dependsOnKeys, []);
      assert.deepEqual(task(plan, 'a').dependsOnKeys, []);
    });

    it('gives metadata lines after the items of a heading to the heading', () => {
      const plan = parse(['## Phase 1', '- [ ] a', '', 'Depends on: a', '', 'Priority: high']);
      problemAt(plan, 4, /cannot depend on its own item "a"/);
      assert.equal(plan.phases[0].priority, 'high');
      assert.equal(task(plan, 'a').priority, 'high');
      assert.equal(task(plan, 'a').ownPriority, undefined);
    });

    it('reports metadata lines outside any phase or item', () => {
      const plan = parse(['- [ ] a', '', 'Depends on: a', '', 'Priority: high']);
      problemAt(plan, 3, /dependency line .* ignored/);
      problemAt(plan, 5, /Priority line .* ignored/);
    });

    it('names a dependency cycle as a problem on the line that closes it, and keeps the edges for the preview', () => {
      const plan = parse(['- [ ] a', '  Depends on: b', '- [ ] b', '  Depends on: a']);
      assert.deepEqual(task(plan, 'a').dependsOnKeys, [task(plan, 'b').key]);
      assert.deepEqual(task(plan, 'b').dependsOnKeys, [task(plan, 'a').key]);
      assert.deepEqual(plan.cycle, [task(plan, 'a').key, task(plan, 'b').key, task(plan, 'a').key]);
      problemAt(plan, 2, /dependency cycle: 'a' \(line 1\) → 'b' \(line 3\) → 'a' \(line 1\)/);
    });

    it('finds a cycle that runs through phases: a phase waits for a task that waits for the phase', () => {
      const plan = parse([
        '## Phase 1: Build',
        '**Dependencies:** 2.1',
        '- [ ] 1.1 compile',
        '## Phase 2: Ship',
        '- [ ] 2.1 upload',
        '  Depends on: Phase 1',
      ]);
      assert.ok(plan.cycle, JSON.stringify(plan.problems));
      problemAt(plan, 2, /dependency cycle: .*'2\.1 upload'.*'Phase 1 Build'/);
    });
  });

  describe('problems', () => {
    it('reports malformed checklist items with their line numbers', () => {
      const plan = parse([
        '- [ ] good',
        '- []',
        '-[ ] no space',
        '- [ ]',
        '- [?] odd',
        '- [ ]tight',
        '  [ ] no bullet',
      ]);
      assert.deepEqual(
        plan.tasks.map(t => t.title),
        ['good'],
      );
      problemAt(plan, 2, /malformed checkbox "\[\]"/);
      problemAt(plan, 3, /no space after the bullet/);
      problemAt(plan, 4, /no title/);
      problemAt(plan, 5, /malformed checkbox "\[\?\]"/);
      problemAt(plan, 6, /space between the checkbox and its title/);
      problemAt(plan, 7, /not a list item/);
    });

    it('does not report ordinary prose, plain bullets or links', () => {
      const plan = parse([
        '# Plan',
        '',
        'This plan has some prose. It mentions 1.1 and [a link](https://x.invalid).',
        '',
        '- a plain bullet',
        '- [reference] style text',
        '',
        '## Work',
        'More prose: with a colon.',
        '- [ ] a',
      ]);
      assert.deepEqual(plan.problems, []);
    });
  });

  describe('limits and hostile input', () => {
    it('refuses input over 5 MB with a single problem and no tasks', () => {
      const plan = parsePlan('- [ ] x\n'.repeat(700_000), src);
      assert.deepEqual(plan.tasks, []);
      assert.deepEqual(plan.problems, [{ line: 1, message: 'plan is too large (5.3 MB; the limit is 5 MB)' }]);
    });

    it('truncates titles over 500 characters and says so', () => {
      const plan = parse(['## ' + 'h'.repeat(600), '- [ ] ' + 'a'.repeat(600), '- [ ] ' + '😀'.repeat(300)]);
      assert.equal(plan.phases[0].title.length, 500);
      assert.equal(plan.tasks[0].title.length, 500);
      assert.ok(plan.tasks[1].title.length <= 500 && plan.tasks[1].title.endsWith('😀…'));
      problemAt(plan, 1, /longer than 500/);
      problemAt(plan, 2, /longer than 500/);
      problemAt(plan, 3, /longer than 500/);
    });

    it('flattens checklists nested deeper than 8 levels to level 8', () => {
      const lines = Array.from({ length: 10 }, (_, i) => '  '.repeat(i) + `- [ ] level ${i + 1}`);
      const plan = parse(lines);
      assert.equal(plan.tasks.length, 10);
      const depth = (t: PlanTaskSpec): number =>
        t.parentKey ? depth(plan.tasks.find(p => p.key === t.parentKey)!) + 1 : 1;
      assert.deepEqual(plan.tasks.map(depth), [1, 2, 3, 4, 5, 6, 7, 8, 8, 8]);
      assert.equal(task(plan, 'level 9').parentKey, task(plan, 'level 7').key);
      problemAt(plan, 9, /deeper than 8/);
      problemAt(plan, 10, /deeper than 8/);
    });

    it('imports at most the limit of tasks and reports the rest', () => {
      const plan = parsePlan('- [ ] item\n  Priority: low\n'.repeat(105), src, { limits: { maxTasks: 100 } });
      assert.equal(plan.tasks.length, 100);
      assert.equal(plan.problems.length, 1);
      problemAt(plan, 201, /more than 100 tasks/);
    });

    it('refuses a Run: command over the command limit, like an oversized command elsewhere', () => {
      const plan = parse(['- [ ] build', `  Run: ${'x'.repeat(1024 * 1024)}`]);
      assert.equal(task(plan, 'build').action, undefined);
      problemAt(plan, 2, /command is 1048576 characters long; the limit is 10000/);
    });

    it('handles CRLF and lone CR line endings, a BOM and NULs', () => {
      const plan = parsePlan('\uFEFF## Phase 1\r\n- [ ] a\0b\r\n  Priority: high\r- [x] c\r\n', src);
      assert.deepEqual(
        plan.tasks.map(t => [t.title, t.line, t.priority ?? null, t.done]),
        [
          ['a\uFFFDb', 2, 'high', false],
          ['c', 4, null, true],
        ],
      );
      assert.equal(plan.phases[0].line, 1);
    });

    it('survives 10,000 levels of quotes or list nesting, huge strings and unmatched backticks', () => {
      const inputs = [
        '>'.repeat(10_000) + ' - [ ] deep',
        '- '.repeat(10_000) + '[ ] deep',
        Array.from({ length: 2_000 }, (_, i) => ' '.repeat(2 * i) + '- [ ] n' + i).join('\n'),
        'x'.repeat(10 * 1024 * 1024),
        '- [ ] ' + '`'.repeat(50_000) + ' a ``` b',
        '- [ ] ' + '*'.repeat(50_000) + '['.repeat(50_000),
      ];
      for (const input of inputs) {
        const started = Date.now();
        const plan = parsePlan(input, src);
        assert.ok(Date.now() - started < 5_000, 'took too long');
        assert.ok(
          plan.problems.every(p => !/internal error/.test(p.message)),
          JSON.stringify(plan.problems.slice(0, 3)),
        );
      }
      problemAt(parsePlan(inputs[0], src), 1, /nested too deeply/);
    });
  });

  describe('keys', () => {
    const plan1 = [
      '## Phase 1: Setup',
      '- [ ] 1.1 Create repo',
      '- [ ] Install tools',
      '  - [ ] node',
      '## Polish',
      '- [ ] Docs',
    ];

    it('derives keys from the source, the phase and the item number or title path', () => {
      const plan = parse(plan1);
      assert.deepEqual(
        plan.phases.map(p => p.key),
        ['docs/plan.md#p1', 'docs/plan.md#polish'],
      );
      assert.deepEqual(
        plan.tasks.map(t => t.key),
        [
          'docs/plan.md#p1/1.1',
          'docs/plan.md#p1/install-tools',
          'docs/plan.md#p1/install-tools/node',
          'docs/plan.md#polish/docs',
        ],
      );
      assert.ok(parsePlan(plan1.join('\n'), 'other.md').tasks.every(t => t.key.startsWith('other.md#')));
    });

    it('yields identical keys when the same text is parsed again', () => {
      assert.deepEqual(parse(plan1), parse(plan1));
    });

    it('keeps keys when an unrelated item is inserted elsewhere', () => {
      const before = parse(plan1).tasks.map(t => t.key);
      const after = parse([
        '- [ ] New first item',
        ...plan1.slice(0, 4),
        '- [ ] Inserted',
        ...plan1.slice(4),
      ]).tasks.map(t => t.key);
      assert.ok(
        before.every(k => after.includes(k)),
        `${JSON.stringify(before)} vs ${JSON.stringify(after)}`,
      );
    });

    it('keeps the key of a numbered item whose title is edited', () => {
      const edited = plan1.map(l => l.replace('Create repo', 'Create the repository'));
      assert.equal(parse(edited).tasks[0].key, parse(plan1).tasks[0].key);
    });

    it('makes duplicate titles unique deterministically', () => {
      const plan = parse(['- [ ] Same', '- [ ] Same', '## Same', '- [ ] x', '## Same', '- [ ] x']);
      const keys = [...plan.tasks.map(t => t.key), ...plan.phases.map(p => p.key)];
      assert.equal(new Set(keys).size, keys.length);
      assert.deepEqual(
        plan.tasks.map(t => t.key),
        ['docs/plan.md#-/same', 'docs/plan.md#-/same~2', 'docs/plan.md#same/x', 'docs/plan.md#same~2/x'],
      );
    });
  });
});
