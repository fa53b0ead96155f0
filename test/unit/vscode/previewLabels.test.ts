import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parsePlan } from '../../../src/core/tasks/plan';
import { phaseSeparatorLabel, separatorRoom } from '../../../src/vscode/plans/previewLabels';

describe("the import preview pick's phase separators", () => {
  const plan = parsePlan(
    fs.readFileSync(path.join(__dirname, '../../journeys/fixtures/connection-pool-plan.md'), 'utf8'),
    'connection-pool-plan.md',
  );
  const labelOf = (number: string) => {
    const phase = plan.phases.find(p => p.number === number)!;
    return phaseSeparatorLabel(plan, phase, phase.parentKey ? 1 : 0);
  };

  it("say the phase's number, title, priority and what it waits for, by number", () => {
    assert.equal(labelOf('2.1'), '· 2.1 Health Check System · high · after 1.1');
    assert.equal(labelOf('1'), '1 Foundations · critical');
  });

  it('stay short enough that the first task\'s title in the row is not squeezed to "…"', () => {
    for (const phase of plan.phases) {
      const label = phaseSeparatorLabel(plan, phase, 3);
      assert.ok(label.length <= separatorRoom, `${label} (${label.length})`);
    }
  });
});
