import * as assert from 'assert';
import * as path from 'path';
import { classifyFailure } from '../../../src/core/execution/classify';
import { commandSpec, describeCommand, splitCommandLine, workspaceCwd } from '../../../src/core/execution/commandLine';
import { jitteredExponential, defaultResilience } from '../../../src/core/execution/resilience';
import { describeSummary, formatDuration } from '../../../src/core/execution/summary';
import { describeTracks, independentTracks } from '../../../src/core/execution/tracks';
import { plainTerminalText } from '../../../src/core/execution/terminalText';

describe('failure classification', () => {
  const cases: Array<[string, Parameters<typeof classifyFailure>[0], 'transient' | 'deterministic']> = [
    ['a timeout', { phase: 'run', timedOut: true }, 'transient'],
    ['a connection reset reported by the OS', { phase: 'run', errorCode: 'ECONNRESET' }, 'transient'],
    [
      'a connection reset in the output',
      { phase: 'run', exitCode: 1, output: 'npm ERR! network read ECONNRESET' },
      'transient',
    ],
    [
      'a busy file',
      { phase: 'run', exitCode: 1, output: "EBUSY: resource busy or locked, rename 'dist'" },
      'transient',
    ],
    [
      'a locked git index',
      { phase: 'run', exitCode: 128, output: "fatal: Unable to create '/repo/.git/index.lock': File exists." },
      'transient',
    ],
    ['a locked database', { phase: 'run', exitCode: 1, output: 'Error: database is locked' }, 'transient'],
    ['a 503 from a registry', { phase: 'run', exitCode: 1, output: '503 Service Unavailable' }, 'transient'],
    ['a process killed from outside', { phase: 'run', exitCode: null, signal: 'SIGKILL' }, 'transient'],
    [
      'a TypeScript compile error',
      { phase: 'run', exitCode: 2, output: "src/x.ts(3,1): error TS2304: Cannot find name 'foo'." },
      'deterministic',
    ],
    [
      'a compile error that mentions a timeout',
      { phase: 'run', exitCode: 2, output: 'error TS2339: Property timeout does not exist' },
      'deterministic',
    ],
    ['a missing program', { phase: 'run', exitCode: null, errorCode: 'ENOENT' }, 'deterministic'],
    ['command not found', { phase: 'run', exitCode: 127 }, 'deterministic'],
    ['a missing module', { phase: 'run', exitCode: 1, output: "Error: Cannot find module './gone'" }, 'deterministic'],
    ['a missing file', { phase: 'run', exitCode: 1, output: 'cat: x.txt: No such file or directory' }, 'deterministic'],
    [
      'a failing verify, even with a timeout in its output',
      { phase: 'verify', exitCode: 1, output: 'timed out' },
      'deterministic',
    ],
    ['an unknown failure', { phase: 'run', exitCode: 1, output: 'something went wrong' }, 'deterministic'],
  ];
  for (const [what, facts, kind] of cases) {
    it(`treats ${what} as ${kind}`, () => {
      const c = classifyFailure(facts);
      assert.strictEqual(c.kind, kind, c.reason);
      assert.ok(c.reason.length > 5);
    });
  }
});

describe('command lines', () => {
  it('splits a plain command line into a program and arguments, honouring quotes', () => {
    assert.deepStrictEqual(splitCommandLine(`node "my script.js" --name='a b' x\\ y`), [
      'node',
      'my script.js',
      '--name=a b',
      'x y',
    ]);
  });

  it('needs a shell for pipes, &&, redirections, variables and globs', () => {
    for (const line of ['a | b', 'a && b', 'echo x > f', 'echo $HOME', 'ls *.ts', 'echo "$(id)"', 'a; b']) {
      assert.strictEqual(splitCommandLine(line), undefined, line);
    }
  });

  it('runs without a shell where possible, through one only when asked or needed', () => {
    assert.deepStrictEqual(commandSpec('npm run build', undefined, undefined), {
      command: 'npm',
      args: ['run', 'build'],
      shell: false,
    });
    assert.deepStrictEqual(commandSpec('npm test && npm run lint', undefined, undefined), {
      command: 'npm test && npm run lint',
      args: [],
      shell: true,
    });
    assert.deepStrictEqual(commandSpec('git', ['commit', '-m', 'a; rm -rf /'], undefined), {
      command: 'git',
      args: ['commit', '-m', 'a; rm -rf /'],
      shell: false,
    });
    assert.deepStrictEqual(commandSpec('echo hi', undefined, true), { command: 'echo hi', args: [], shell: true });
    assert.throws(() => commandSpec('  ', undefined, undefined), /empty command/);
  });

  it('shows an argument with blanks quoted', () => {
    assert.strictEqual(
      describeCommand({ command: 'git', args: ['commit', '-m', "it's done"], shell: false }),
      `git commit -m 'it'\\''s done'`,
    );
  });

  it('keeps the folder inside the workspace and refuses one outside it', () => {
    const ws = path.resolve('/work/ws');
    assert.strictEqual(workspaceCwd(ws, undefined), ws);
    assert.strictEqual(workspaceCwd(ws, 'packages/a'), path.join(ws, 'packages/a'));
    assert.strictEqual(workspaceCwd(ws, '..foo'), path.join(ws, '..foo'));
    assert.throws(() => workspaceCwd(ws, '../other'), /outside the workspace/);
    assert.throws(() => workspaceCwd(ws, '/etc'), /outside the workspace/);
    assert.throws(() => workspaceCwd(ws, 'a/../../..'), /outside the workspace/);
  });
});

describe('independent tracks', () => {
  const t = (id: string, ...dependsOn: string[]) => ({ id, title: id.toUpperCase(), dependsOn });

  it('groups tasks linked by dependencies, each track in dependency order', () => {
    const tracks = independentTracks([t('c', 'b'), t('a'), t('b', 'a'), t('d'), t('e', 'd'), t('f')]);
    assert.deepStrictEqual(
      tracks.map(x => x.tasks.map(y => y.id)),
      [['a', 'b', 'c'], ['d', 'e'], ['f']],
    );
    assert.strictEqual(describeTracks(tracks), "3 independent tracks: 'A' → 'B' → 'C'; 'D' → 'E'; 'F'");
  });

  it('joins two chains that meet in one task, and ignores dependencies outside the session', () => {
    const tracks = independentTracks([t('a', 'outside'), t('b'), t('c', 'a', 'b')]);
    assert.strictEqual(tracks.length, 1);
    assert.deepStrictEqual(
      tracks[0].tasks.map(x => x.id),
      ['a', 'b', 'c'],
    );
  });
});

describe('retry backoff', () => {
  it('waits about 2 s, then about 4 s: exponential with ±20 % jitter', () => {
    const options = {
      initialDelay: defaultResilience.baseDelayMs,
      exponent: defaultResilience.factor,
      maxDelay: defaultResilience.maxDelayMs,
      generator: jitteredExponential(),
    };
    for (const [r, first, second] of [
      [0, 1600, 3200],
      [0.5, 2000, 4000],
      [0.999, 2399, 4798],
    ] as const) {
      const gen = jitteredExponential(() => r);
      const [d1, s1] = gen(undefined, options);
      const [d2] = gen(s1, options);
      assert.deepStrictEqual([d1, d2], [first, second]);
    }
  });
});

describe('run summary', () => {
  it('says what happened and what to do next', () => {
    assert.strictEqual(formatDuration(200_000), '3 min 20 s');
    assert.strictEqual(formatDuration(3_720_000), '1 h 2 min');
    const text = describeSummary({
      sessionId: 's',
      sessionName: 'Night run',
      outcome: 'needs-attention',
      total: 5,
      done: 3,
      failed: 1,
      skipped: 0,
      notStarted: 1,
      doneThisRun: 3,
      durationMs: 65_000,
      failures: [{ taskId: 't', title: 'Build', error: 'exit 2' }],
    });
    assert.strictEqual(
      text,
      "Session 'Night run' paused with work left: 3 done, 1 failed, 0 skipped, 1 not started of 5, in 1 min 5 s. Failed: 'Build'. Fix the cause, use Retry on the failed tasks, then Resume Session.",
    );
  });
});

describe('terminal output as plain text', () => {
  it('takes out colours, cursor moves and shell-integration marks, and ends lines with \\n', () => {
    const raw =
      '\x1b]633;C\x07\x1b[32mchecked\x1b[0m by a task\r\n\x1b[2Kprogress 50%\rprogress 100%\r\n\x1b]633;D;0\x1b\\\x1b=done';
    assert.strictEqual(plainTerminalText(raw), 'checked by a task\nprogress 50%\nprogress 100%\ndone');
  });
});
