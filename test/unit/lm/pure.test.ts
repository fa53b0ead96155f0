// The pure parts of lm tasks: where a path may lead, how an edit is planned and applied at most
// once, the diff the task log shows, and how providers' answers are read.
import * as assert from 'assert';
import { absent, applyDecision, lineDiff, planEdit, textHash } from '../../../src/core/lm/edits';
import { ToolRefused, workspacePath } from '../../../src/core/lm/files';
import { modelErrorKind, parseRetryAfter } from '../../../src/core/lm/model';
import { instructions } from '../../../src/core/execution/actions/lmRun';
import { serverEvents } from '../../../src/node/lm/http';
import { MemoryWorkspace } from './fakes';

const root = '/work/ws';

describe('lm tasks, pure parts', () => {
  describe('workspace paths', () => {
    const ws = new MemoryWorkspace(root, { 'src/a.ts': 'a' });
    ws.links.set(`${root}/up`, '/work');
    ws.links.set(`${root}/inner`, `${root}/src`);

    it('resolves a path inside the workspace, also a file that does not exist yet', async () => {
      assert.strictEqual(await workspacePath(root, 'src/a.ts', ws), `${root}/src/a.ts`);
      assert.strictEqual(await workspacePath(root, 'src/new/b.ts', ws, true), `${root}/src/new/b.ts`);
      assert.strictEqual(
        await workspacePath(root, 'inner/a.ts', ws),
        `${root}/inner/a.ts`,
        'a link that stays inside is fine',
      );
    });

    it('refuses "..", absolute paths elsewhere, links leading out, and writes into .git', async () => {
      for (const [p, why] of [
        ['../x', /outside the workspace/],
        ['/etc/passwd', /outside the workspace/],
        ['up/other/x', /through a symbolic link/],
        ['.git/config', /\.git folder/],
      ] as const) {
        await assert.rejects(
          workspacePath(root, p, ws, true),
          (err: unknown) => err instanceof ToolRefused && why.test(err.message),
          p,
        );
      }
    });
  });

  describe('edits', () => {
    it('replaces text that occurs once, and refuses text that is missing or occurs twice', () => {
      const plan = planEdit({ path: 'a', oldText: 'b', newText: 'B' }, 'abc');
      assert.strictEqual(plan.after, 'aBc');
      assert.strictEqual(plan.beforeHash, textHash('abc'));
      assert.strictEqual(plan.afterHash, textHash('aBc'));
      assert.throws(() => planEdit({ path: 'a', oldText: 'x', newText: 'y' }, 'abc'), /was not found/);
      assert.throws(() => planEdit({ path: 'a', oldText: 'a', newText: 'y' }, 'aa'), /more than once/);
      assert.throws(() => planEdit({ path: 'a', oldText: 'a', newText: 'y' }, undefined), /does not exist/);
      assert.strictEqual(planEdit({ path: 'n', newText: 'new' }, undefined).beforeHash, absent);
    });

    it('writes only over the text it was planned on, counts its own result as done, and stops on anything else', () => {
      const plan = planEdit({ path: 'a', oldText: 'b', newText: 'B' }, 'abc');
      assert.strictEqual(applyDecision(plan, 'abc'), 'write');
      assert.strictEqual(applyDecision(plan, 'aBc'), 'already-applied');
      assert.strictEqual(applyDecision(plan, 'xyz'), 'changed-underneath');
      assert.strictEqual(applyDecision(plan, undefined), 'changed-underneath');
      const create = planEdit({ path: 'n', newText: 'new' }, undefined);
      assert.strictEqual(applyDecision(create, undefined), 'write');
    });

    it('shows the changed lines with three lines of context', () => {
      const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n');
      const after = before.replace('5', 'five');
      assert.strictEqual(
        lineDiff('f', before, after),
        '--- f\n+++ f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n',
      );
      assert.match(lineDiff('n', '', 'x\n', true), /^--- \/dev\/null\n\+\+\+ n\n@@ -1,0 \+1,2 @@\n\+x\n\+\n$/);
    });
  });

  describe('providers', () => {
    it('reads Retry-After as seconds or as a date', () => {
      assert.strictEqual(parseRetryAfter('3', 0), 3000);
      assert.strictEqual(parseRetryAfter('0.5', 0), 500);
      assert.strictEqual(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
      assert.strictEqual(parseRetryAfter('soon', 0), undefined);
      assert.strictEqual(parseRetryAfter(null, 0), undefined);
    });

    it('classifies HTTP statuses: 429 a rate limit, 401/403 refused credentials, 5xx unavailable, other 4xx a bad request', () => {
      assert.deepStrictEqual([429, 401, 403, 500, 503, 529, 400, 404, 413].map(modelErrorKind), [
        'rate-limited',
        'auth',
        'auth',
        'unavailable',
        'unavailable',
        'unavailable',
        'bad-request',
        'bad-request',
        'too-long',
      ]);
    });

    it('reads server-sent events split anywhere, with CRLF line ends, comments and multi-line data', async () => {
      const text = 'event: a\r\ndata: {"x":\r\ndata: 1}\r\n\r\n: ping\n\ndata: last\n\n';
      const bytes = new TextEncoder().encode(text);
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += 3) c.enqueue(bytes.slice(i, i + 3));
          c.close();
        },
      });
      const events = [];
      for await (const e of serverEvents(body)) events.push(e);
      assert.deepStrictEqual(events, [
        { event: 'a', data: '{"x":\n1}' },
        { event: 'message', data: 'last' },
      ]);
    });
  });

  it("tells the model the task's title, description, acceptance notes and verify command", () => {
    const text = instructions(
      { title: 'Add login', description: 'A form.' },
      { kind: 'lm', acceptance: '- tests pass', verify: 'npm test' },
    );
    assert.strictEqual(
      text,
      'Task: Add login\n\nA form.\n\nDone when:\n- tests pass\n\nWhen you say you are done, this command must pass: npm test',
    );
  });
});
