import * as assert from 'assert';
import {
  decide,
  describeDecision,
  errorClassOf,
  missingModuleName,
  type FailureToDecide,
} from '../../../../src/core/execution/guards/rulebook';
import { parseRulesFile } from '../../../../src/core/execution/guards/rulesSchema';

const failure = (
  message: string,
  base: 'transient' | 'deterministic' = 'deterministic',
  actionKind = 'shell',
): FailureToDecide => ({ message, signature: message, errorClass: errorClassOf(message, base), actionKind });

describe('decision rulebook', () => {
  it('retries lock contention by default', () => {
    const d = decide([], failure("fatal: Unable to create '/r/.git/index.lock': File exists."));
    assert.deepStrictEqual([d?.action.do, d?.rule], ['retry', 'built-in: lock contention']);
  });

  it('proposes installing a missing module, asking first, with the name as one argument', () => {
    const d = decide([], failure("Error: Cannot find module 'left-pad'"));
    assert.strictEqual(d?.action.do, 'fix');
    assert.deepStrictEqual(d?.command, { command: 'npm', args: ['install', 'left-pad'] });
    assert.strictEqual(
      describeDecision(d!),
      "run 'npm install left-pad' (asking first), then retry (built-in: missing module)",
    );
  });

  it('never proposes installing a relative path or an option-like name', () => {
    assert.strictEqual(missingModuleName("Cannot find module './gone'"), undefined);
    assert.strictEqual(missingModuleName("Cannot find module '--global; rm -rf /'"), undefined);
    assert.strictEqual(missingModuleName("Cannot find module '@scope/pkg/sub/path'"), '@scope/pkg');
    assert.strictEqual(decide([], failure("Cannot find module './gone'")), undefined);
  });

  it('fails a failing test and pauses on out of memory or disk', () => {
    assert.strictEqual(decide([], failure('  3 failing'))?.action.do, 'fail');
    assert.strictEqual(decide([], failure('FATAL ERROR: JavaScript heap out of memory'))?.action.do, 'pause');
    assert.strictEqual(decide([], failure('ENOSPC: no space left on device, write'))?.action.do, 'pause');
  });

  it("lets the user's rules come first, matched on regex, class and action kind", () => {
    const rules = [
      {
        name: 'flaky e2e',
        match: { regex: 'e2e.*timed out', actionKind: 'shell' as const },
        then: { do: 'retry' as const, attempts: 2 },
      },
      { match: { errorClass: 'failing-test' as const }, then: { do: 'ask' as const } },
    ];
    assert.strictEqual(decide(rules, failure('e2e suite TIMED OUT'))?.rule, 'flaky e2e');
    assert.strictEqual(decide(rules, failure('e2e suite timed out', 'transient', 'vscodeTask')), undefined);
    assert.deepStrictEqual(decide(rules, failure('2 failing')), {
      action: { do: 'ask' },
      rule: 'rule 2 of rules.json',
    });
  });

  it('leaves an unmatched failure to the executor', () => {
    assert.strictEqual(decide([], failure('something odd')), undefined);
  });

  it('parses a rules file, or lists every problem with its JSON path', () => {
    const good = parseRulesFile(JSON.stringify({ rules: [{ match: { errorClass: 'lock' }, then: { do: 'skip' } }] }));
    assert.ok('rules' in good && good.rules.length === 1);
    const bad = parseRulesFile(
      JSON.stringify({
        rules: [
          { match: { regex: '(' }, then: { do: 'explode' } },
          { match: {}, then: { do: 'skip' } },
        ],
      }),
    );
    assert.ok('problems' in bad);
    const paths = bad.problems.map(p => p.path.join('.'));
    assert.ok(paths.includes('rules.0.match.regex'), paths.join());
    assert.ok(
      paths.some(p => p.startsWith('rules.0.then')),
      paths.join(),
    );
    assert.ok(paths.includes('rules.1.match'), paths.join());
    const notJson = parseRulesFile('{ rules: [');
    assert.ok('problems' in notJson && /not valid JSON/.test(notJson.problems[0].message));
  });
});
