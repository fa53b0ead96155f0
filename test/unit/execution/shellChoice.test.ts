// `shell: false` is the task's explicit choice: a command line with shell metacharacters is then
// split into a program and literal arguments, never handed to a shell (issue 18, item 15).
import * as assert from 'assert';
import * as os from 'os';
import { commandSpec } from '../../../src/core/execution/commandLine';
import { nodeProcesses } from '../../../src/node/processes';

describe('a task that says shell: false', () => {
  it('runs a command line with shell metacharacters without a shell, the metacharacters as literal arguments', () => {
    assert.deepStrictEqual(commandSpec('echo a | wc -l', undefined, false), {
      command: 'echo',
      args: ['a', '|', 'wc', '-l'],
      shell: false,
    });
    assert.deepStrictEqual(commandSpec('echo "$HOME" `id` > out; rm *', undefined, false), {
      command: 'echo',
      args: ['$HOME', '`id`', '>', 'out;', 'rm', '*'],
      shell: false,
    });
    assert.deepStrictEqual(
      commandSpec('echo a | wc -l', undefined, undefined),
      { command: 'echo a | wc -l', args: [], shell: true },
      'without a choice, a shell line still goes through a shell',
    );
  });

  it('refuses a command line with an unclosed quote instead of guessing', () => {
    assert.throws(() => commandSpec('echo "a', undefined, false), /unclosed quote/);
  });

  it('prints the metacharacters instead of running a pipeline, as a real process', async () => {
    let out = '';
    const exit = await nodeProcesses.run(
      { ...commandSpec('echo a | wc -l; echo $HOME', undefined, false), cwd: os.tmpdir() },
      {
        signal: new AbortController().signal,
        onOutput: t => {
          out += t;
        },
      },
    );
    assert.strictEqual(exit.code, 0);
    assert.strictEqual(out, 'a | wc -l; echo $HOME\n');
  });
});
