import * as assert from 'node:assert/strict';
import { gitErrorMessage } from '../../../src/core/git/gitError';
import { GitRunner } from '../../../src/core/git/gitRunner';
import { cleanup, git, tempDir } from './realRepo';

describe("git errors in the person's words", () => {
  it("says what failed and what to do, with git's words after, for a real git failure", async () => {
    const root = tempDir('err');
    try {
      git(root, 'init', '-q');
      const runner = new GitRunner({ gitDir: `${root}/.git`, workTree: root });
      const err = await runner
        .run(['diff-tree', '-r', '4b825dc642cb6eb9a060e54bf8d69288fee4904', 'HEAD'], { bare: true })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      const message = gitErrorMessage(err, 'show the files of this checkpoint');
      assert.match(message, /^Continuum could not show the files of this checkpoint: /);
      assert.match(message, /\. [A-Z][^.]*\./, 'a sentence saying what to do');
      assert.match(message, /git said: .*fatal/);
      assert.ok(!message.includes('\n'), 'one line, not raw stderr');
    } finally {
      cleanup(root);
    }
  });

  it('keeps messages already written for people as they are', () => {
    assert.equal(gitErrorMessage(new Error('This checkpoint has no snapshot.')), 'This checkpoint has no snapshot.');
  });
});
