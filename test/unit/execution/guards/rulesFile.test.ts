import * as assert from 'assert';
import { readRulesFile } from '../../../../src/core/execution/guards/rulesFile';

describe('rules file', () => {
  it('reads valid rules', () => {
    const r = readRulesFile(
      '{ "rules": [ { "match": { "errorClass": "lock" }, "then": { "do": "retry", "attempts": 3 } } ] }',
    );
    assert.ok('rules' in r && r.rules[0].then.do === 'retry');
  });

  it('locates a bad value in the text', () => {
    const text = '{\n  "rules": [\n    { "match": { "errorClass": "lock" }, "then": { "do": "explode" } }\n  ]\n}';
    const r = readRulesFile(text);
    assert.ok('problems' in r);
    const p = r.problems[0];
    assert.match(p.message, /rules\.0\.then.*previous rules stay in force/);
    assert.ok(text.slice(p.offset, p.offset + p.length).includes('explode'), text.slice(p.offset, p.offset + p.length));
  });

  it('locates a syntax error', () => {
    const r = readRulesFile('{ "rules": [ }');
    assert.ok('problems' in r && /not valid JSON/.test(r.problems[0].message) && r.problems[0].offset > 0);
  });
});
