import * as assert from 'assert';
import { inert, quoted } from '../../../src/shared/text';

describe('inert text', () => {
  it('defuses markdown links so a title cannot become a command link in a notification', () => {
    const out = inert('[click me](command:workbench.action.terminal.new)');
    assert.ok(!out.includes(']('));
    assert.ok(out.includes('click me'));
  });

  it('keeps HTML as literal text', () => {
    assert.strictEqual(inert('<img src=x onerror=alert(1)>'), '<img src=x onerror=alert(1)>');
  });

  it('folds whitespace to one line and shortens long text', () => {
    assert.strictEqual(inert('a\n\n  b', 10), 'a b');
    assert.strictEqual(inert('x'.repeat(20), 10), `${'x'.repeat(9)}…`);
  });

  it('quotes a name inside a sentence', () => {
    assert.strictEqual(quoted('Build'), "'Build'");
  });
});
