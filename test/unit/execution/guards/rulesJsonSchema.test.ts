// media/rules.schema.json (what the editor checks .continuum/rules.json against) is generated from the
// zod schema the executor reads rules with, so the two never disagree. After changing rulesSchema.ts:
//   UPDATE_RULES_SCHEMA=1 npx mocha --no-config -n import=tsx --extension ts test/unit/execution/guards/rulesJsonSchema.test.ts
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { rulesJsonSchema } from '../../../../src/core/execution/guards/rulesSchema';
import { actionKinds } from '../../../../src/core/tasks/model';

const file = path.resolve(__dirname, '../../../../media/rules.schema.json');

describe('the rules file schema for the editor', () => {
  it('is the JSON schema generated from the rules schema the executor reads', () => {
    if (process.env.UPDATE_RULES_SCHEMA) fs.writeFileSync(file, rulesJsonSchema());
    assert.strictEqual(
      fs.readFileSync(file, 'utf8'),
      rulesJsonSchema(),
      'media/rules.schema.json is out of date: regenerate it (see the top of this test)',
    );
  });

  it('offers exactly the action kinds tasks can have', () => {
    const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      properties: { rules: { items: { properties: { match: { properties: { actionKind: { enum: string[] } } } } } } };
    };
    assert.deepStrictEqual(schema.properties.rules.items.properties.match.properties.actionKind.enum, [...actionKinds]);
  });
});
