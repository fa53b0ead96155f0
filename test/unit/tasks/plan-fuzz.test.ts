import { strict as assert } from 'node:assert';
import { parsePlan, type ParsedPlan } from '../../../src/core/tasks/plan';
import { seededRandom as mulberry32 } from '../fakes/random';

const tokens = [
  '- [ ] ',
  '- [x] ',
  '* [X] ',
  '+ [ ] ',
  '1. [ ] ',
  '2) [x] ',
  '- [] ',
  '-[ ] ',
  '- [?] ',
  '[ ] ',
  '- ',
  '* ',
  '1. ',
  '# ',
  '## Phase 1: ',
  '### 1.2 ',
  '#### ',
  'Phase 2',
  '> ',
  '>>>> ',
  '  ',
  '    ',
  '\t',
  '\n',
  '\n',
  '\n',
  '\r\n',
  '\r',
  'Priority: high',
  'Priority: P0',
  'Priority: bogus',
  '(priority: low)',
  'Depends on: ',
  'Dependencies: Phase 1, 2.3',
  'Depends: #1.2',
  'Requires: ',
  'none',
  'n/a',
  'Run: `npm test`',
  'Verify: ',
  'Run:',
  '1.1 ',
  '**1.1** ',
  'Task 2.1: ',
  'Login',
  'login',
  'Setup',
  'title',
  ', ',
  '; ',
  '`',
  '```',
  '```\n',
  '~~~',
  '**',
  '_',
  '*',
  '[',
  ']',
  '(',
  ')',
  '![',
  '](x)',
  '<script>alert(1)</script>',
  '<div>',
  '&amp;',
  '&#0;',
  '\\',
  '\0',
  '\uFEFF',
  '\u2028',
  '😀',
  'ä',
  '---',
  '===',
  '|',
  ':',
];

function soup(rand: () => number): string {
  const n = Math.floor(rand() * 80);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(tokens[Math.floor(rand() * tokens.length)]);
  return parts.join('');
}

const titles = ['Login', 'Setup', 'Build', 'Ship it', 'login', 'Tests'];
const refs = [
  '1',
  '1.1',
  '1.2',
  '2.1',
  'Phase 1',
  'Phase 2',
  'Task 1.1',
  '#2.1',
  'Login',
  'Setup',
  'Tests',
  'none',
  'nothing here',
  '-',
];

/** Line-shaped random plans: headings, items at random depths, metadata and prose, so references resolve. */
function planLike(rand: () => number): string {
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  const lines: string[] = [];
  const n = Math.floor(rand() * 40);
  for (let i = 0; i < n; i++) {
    const indent = '  '.repeat(Math.floor(rand() * 4));
    const r = rand();
    const num = rand() < 0.5 ? `${1 + Math.floor(rand() * 2)}.${1 + Math.floor(rand() * 2)} ` : '';
    if (r < 0.15)
      lines.push(
        `${'#'.repeat(1 + Math.floor(rand() * 3))} ${rand() < 0.6 ? `Phase ${1 + Math.floor(rand() * 3)}: ` : ''}${pick(titles)}`,
      );
    else if (r < 0.55) lines.push(`${indent}${pick(['- [ ] ', '- [x] ', '* [ ] ', '1. [ ] '])}${num}${pick(titles)}`);
    else if (r < 0.8)
      lines.push(
        `${indent}  ${pick(['Depends on: ', 'Dependencies: ', 'Requires: ', '- Depends: '])}${Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(refs)).join(', ')}`,
      );
    else if (r < 0.9)
      lines.push(`${indent}  ${pick(['Priority: high', 'Priority: P2', 'Priority: soon', 'Run: make', 'Verify: ok'])}`);
    else lines.push(rand() < 0.5 ? '' : 'Some prose.');
  }
  return lines.join('\n');
}

function bytes(rand: () => number): string {
  const n = Math.floor(rand() * 400);
  let s = '';
  for (let i = 0; i < n; i++) {
    // mostly ASCII with newlines, now and then any UTF-16 code unit (lone surrogates included)
    const r = rand();
    s += String.fromCharCode(r < 0.1 ? 10 : r < 0.8 ? Math.floor(rand() * 128) : Math.floor(rand() * 65536));
  }
  return s;
}

function check(input: string, plan: ParsedPlan, seed: number): void {
  const lineCount = input.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).length;
  const where = `seed ${seed}: ${JSON.stringify(input.slice(0, 200))}`;
  for (const p of plan.problems) {
    assert.ok(
      Number.isInteger(p.line) && p.line >= 1 && p.line <= lineCount,
      `problem line ${p.line} outside 1..${lineCount} (${p.message}); ${where}`,
    );
    assert.ok(!/internal error/.test(p.message), `${p.message}; ${where}`);
  }
  const keys = new Set(plan.tasks.map(t => t.key));
  assert.equal(keys.size, plan.tasks.length, `duplicate task keys; ${where}`);
  const phaseKeys = new Set(plan.phases.map(p => p.key));
  assert.equal(phaseKeys.size, plan.phases.length, `duplicate phase keys; ${where}`);
  for (const p of plan.phases)
    if (p.parentKey !== undefined) assert.ok(phaseKeys.has(p.parentKey), `unknown parent phase; ${where}`);
  for (const u of plan.unused)
    assert.ok(u.line >= 1 && u.line <= lineCount && u.why, `unused line ${u.line}; ${where}`);
  if (plan.cycle)
    assert.ok(
      plan.problems.some(p => /dependency cycle/.test(p.message)),
      `cycle not named; ${where}`,
    );
  for (const t of plan.tasks) {
    assert.ok(t.line >= 1 && t.line <= lineCount, `task line ${t.line}; ${where}`);
    assert.ok(t.title.length > 0 && t.title.length <= 500, `title length ${t.title.length}; ${where}`);
    for (const d of t.dependsOnKeys) assert.ok(keys.has(d) || phaseKeys.has(d), `unknown dependency ${d}; ${where}`);
    assert.ok(!t.dependsOnKeys.includes(t.key), `self-dependency; ${where}`);
    if (t.parentKey !== undefined) assert.ok(keys.has(t.parentKey), `unknown parent; ${where}`);
    if (t.phaseKey !== undefined) assert.ok(phaseKeys.has(t.phaseKey), `unknown phase; ${where}`);
  }
  for (const p of plan.phases)
    for (const d of p.dependsOnKeys)
      assert.ok(keys.has(d) || phaseKeys.has(d), `unknown phase dependency ${d}; ${where}`);
}

describe('parsePlan under fuzzing', () => {
  it('never throws and keeps its invariants on 2,000 random inputs', function () {
    this.timeout(60_000);
    for (let seed = 1; seed <= 2_000; seed++) {
      const rand = mulberry32(seed);
      const input = seed % 3 === 0 ? soup(rand) : seed % 3 === 1 ? planLike(rand) : bytes(rand);
      let plan: ParsedPlan;
      try {
        plan = parsePlan(input, 'fuzz.md');
      } catch (err) {
        assert.fail(`threw on seed ${seed}: ${String(err)}`);
      }
      check(input, plan, seed);
      // the same text always gives the same result
      if (seed % 50 === 0) assert.deepEqual(parsePlan(input, 'fuzz.md'), plan, `not deterministic; seed ${seed}`);
    }
  });
});
