// The settings table (src/core/settings.ts) and package.json's contributes.configuration describe the
// same settings: a setting added to one and not the other, or a default or limit changed in one
// place only, fails here.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readSetting, settingDefinitions, type SettingKey } from '../../../src/core/settings';

interface Declared {
  type: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
}

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Declared> } };
};
const declared = Object.fromEntries(
  Object.entries(manifest.contributes.configuration.properties)
    .filter(([key]) => key.startsWith('continuum.'))
    .map(([key, value]) => [key.slice('continuum.'.length), value]),
);

describe('settings', () => {
  it('declares in package.json exactly the settings the table reads', () => {
    assert.deepStrictEqual(Object.keys(settingDefinitions).sort(), Object.keys(declared).sort());
  });

  it('has the type, default and limits package.json declares for every setting', () => {
    for (const [key, definition] of Object.entries(settingDefinitions)) {
      const d = declared[key];
      assert.ok(d, `continuum.${key} is not in package.json`);
      assert.strictEqual(definition.type, d.type, `type of continuum.${key}`);
      assert.deepStrictEqual(definition.default, d.default, `default of continuum.${key}`);
      assert.strictEqual(
        'minimum' in definition ? definition.minimum : undefined,
        d.minimum,
        `minimum of continuum.${key}`,
      );
      assert.strictEqual(
        'maximum' in definition ? definition.maximum : undefined,
        d.maximum,
        `maximum of continuum.${key}`,
      );
    }
  });

  it('gives the default for a missing value or one of the wrong type', () => {
    const source = (values: Record<string, unknown>) => (key: string) => values[key];
    assert.strictEqual(readSetting(source({}), 'executor.concurrency'), 2);
    assert.strictEqual(readSetting(source({ 'executor.concurrency': 'four' }), 'executor.concurrency'), 2);
    assert.strictEqual(readSetting(source({ 'git.remote': 42 }), 'git.remote'), 'origin');
    assert.deepStrictEqual(readSetting(source({ 'graph.exclude': ['a/', 3, 'b/'] }), 'graph.exclude'), ['a/', 'b/']);
  });

  it('clamps numbers to their limits and drops fractions', () => {
    const one = (key: SettingKey, value: unknown) => readSetting(k => (k === key ? value : undefined), key);
    assert.strictEqual(one('executor.concurrency', 500), 64);
    assert.strictEqual(one('executor.concurrency', 0), 1);
    assert.strictEqual(one('guards.errorBudget', 2.9), 2);
    assert.strictEqual(one('executor.checkpointEvery', -3), 0);
  });

  it('keeps only the known error types, each at least one, in the per-type budget', () => {
    const read = (value: unknown) =>
      readSetting(k => (k === 'guards.errorBudgetPerType' ? value : undefined), 'guards.errorBudgetPerType');
    assert.deepStrictEqual(read({ transient: 4.5, deterministic: 0, network: 3 }), { transient: 4 });
    assert.deepStrictEqual(read('lots'), {});
  });
});
