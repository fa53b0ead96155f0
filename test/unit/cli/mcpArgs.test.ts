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

  it("takes a workspace with its store: the files are the workspace's, the store the one named", () => {
    assert.deepStrictEqual(parseMcpArgs(['--workspace', '/w', '--store', '/s']), {
      workspace: '/w',
      store: '/s',
      tools: 'lean',
      help: false,
    });
  });

  it('refuses an unknown tool set, a missing value and an unknown option', () => {
    assert.throws(
      () => parseMcpArgs(['--tools', 'all']),
      (e: Error) => e instanceof McpUsageError && /'lean' or 'full'/.test(e.message),
    );
    assert.throws(() => parseMcpArgs(['--store']), /--store needs a value/);
    assert.throws(() => parseMcpArgs(['--verbose']), /unknown option '--verbose'/);
  });
});
