// continuum mcp's command line.
import * as assert from 'assert';
import { McpUsageError, parseMcpArgs } from '../../../src/cli/mcp';

describe("continuum mcp's options", () => {
  it('takes a store or a workspace, and the lean set unless told otherwise', () => {
    assert.deepStrictEqual(parseMcpArgs([]), { tools: 'lean', help: false });
    assert.deepStrictEqual(parseMcpArgs(['--store', '/s', '--tools', 'full']), {
      store: '/s',
      tools: 'full',
      help: false,
    });
    assert.deepStrictEqual(parseMcpArgs(['--workspace', '.']), { workspace: '.', tools: 'lean', help: false });
  });

  it('refuses both a store and a workspace, an unknown tool set, a missing value and an unknown option', () => {
    assert.throws(
      () => parseMcpArgs(['--store', '/s', '--workspace', '.']),
      (e: Error) => e instanceof McpUsageError && /not both/.test(e.message),
    );
    assert.throws(() => parseMcpArgs(['--tools', 'all']), /'lean' or 'full'/);
    assert.throws(() => parseMcpArgs(['--store']), /--store needs a value/);
    assert.throws(() => parseMcpArgs(['--verbose']), /unknown option '--verbose'/);
  });
});
