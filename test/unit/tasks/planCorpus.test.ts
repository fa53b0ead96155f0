// The plan corpus: plans in the styles people and agents really write (test/fixtures/plans/*.md),
// each with what importing it must give — phases, tasks, dependencies, priorities, lines not used
// and problems — in the JSON form `continuum plan import --json` prints (<name>.expected.json).
// To look at a plan's result: `continuum plan import test/fixtures/plans/<name>.md --dry-run`.
import { strict as assert } from 'node:assert';
import * as fs from 'fs';
import * as path from 'path';
import { parsePlan } from '../../../src/core/tasks/plan';
import { planToJson } from '../../../src/core/tasks/planView';

const folder = path.join(__dirname, '..', '..', 'fixtures', 'plans');
const plans = fs
  .readdirSync(folder)
  .filter(f => f.endsWith('.md'))
  .sort();

describe('the plan corpus', () => {
  it('holds at least 8 plans, each with its expected result', () => {
    assert.ok(plans.length >= 8, `${plans.length} plans`);
    for (const p of plans)
      assert.ok(fs.existsSync(path.join(folder, p.replace(/\.md$/, '.expected.json'))), `${p} has no expected JSON`);
  });

  for (const name of plans) {
    it(`reads ${name} as its expected phases, tasks, dependencies, priorities and unused lines`, () => {
      const text = fs.readFileSync(path.join(folder, name), 'utf8');
      const actual = planToJson(parsePlan(text, name));
      const expected = JSON.parse(
        fs.readFileSync(path.join(folder, name.replace(/\.md$/, '.expected.json')), 'utf8'),
      ) as unknown;
      assert.deepEqual(actual, expected);
    });
  }
});
