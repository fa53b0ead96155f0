import * as assert from 'assert';
import { ModelError } from '../../../src/core/lm/model';
import {
  changedSpan,
  chatTools,
  chatTurns,
  chooseModel,
  modelErrorOf,
  modelSelector,
  noModelReason,
  requestText,
} from '../../../src/vscode/lm/chatMapping';

describe('VS Code chat model mapping', () => {
  describe('chatTurns', () => {
    it('opens the first user message with the system prompt, as vscode.lm has no system role', () => {
      const turns = chatTurns({ system: 'Be careful.', messages: [{ role: 'user', content: 'Fix the bug.' }] });
      assert.deepStrictEqual(turns, [
        {
          role: 'user',
          parts: [
            { kind: 'text', text: 'Be careful.' },
            { kind: 'text', text: 'Fix the bug.' },
          ],
        },
      ]);
    });

    it("gives the assistant's tool calls as parts and all results of one turn back in one user message", () => {
      const turns = chatTurns({
        system: 'S',
        messages: [
          { role: 'user', content: 'Do it.' },
          {
            role: 'assistant',
            content: 'Reading.',
            toolCalls: [
              { id: 'a', name: 'read_file', input: { path: 'x.ts' } },
              { id: 'b', name: 'list_files', input: {} },
            ],
          },
          { role: 'tool', toolCallId: 'a', name: 'read_file', content: 'text of x' },
          { role: 'tool', toolCallId: 'b', name: 'list_files', content: 'no such folder', isError: true },
          { role: 'assistant', content: 'Done.' },
          { role: 'user', content: 'The verify command failed.' },
        ],
      });
      assert.deepStrictEqual(
        turns.map(t => t.role),
        ['user', 'assistant', 'user', 'assistant', 'user'],
      );
      assert.deepStrictEqual(turns[1].parts, [
        { kind: 'text', text: 'Reading.' },
        { kind: 'toolCall', callId: 'a', name: 'read_file', input: { path: 'x.ts' } },
        { kind: 'toolCall', callId: 'b', name: 'list_files', input: {} },
      ]);
      assert.deepStrictEqual(turns[2].parts, [
        { kind: 'toolResult', callId: 'a', text: 'text of x' },
        { kind: 'toolResult', callId: 'b', text: 'Error: no such folder' },
      ]);
    });

    it('sends an assistant message with only tool calls without an empty text, and an empty answer as words', () => {
      const turns = chatTurns({
        system: '',
        messages: [
          { role: 'user', content: 'Go.' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'list_files', input: 'odd' }] },
          { role: 'tool', toolCallId: 'c', name: 'list_files', content: '(no files)' },
          { role: 'assistant', content: '' },
        ],
      });
      assert.deepStrictEqual(turns[1].parts, [
        { kind: 'toolCall', callId: 'c', name: 'list_files', input: { value: 'odd' } },
      ]);
      assert.deepStrictEqual(turns[3].parts, [{ kind: 'text', text: '(no answer)' }]);
    });
  });

  it('passes the tools with their schemas, and counts them in the text of a request', () => {
    const tools = [{ name: 'read_file', description: 'Reads.', inputSchema: { type: 'object' } }];
    assert.deepStrictEqual(chatTools(tools), [
      { name: 'read_file', description: 'Reads.', inputSchema: { type: 'object' } },
    ]);
    const text = requestText({ system: 'S', messages: [{ role: 'user', content: 'U' }], tools });
    assert.match(text, /^S\nU\n.*read_file/s);
  });

  describe('modelErrorOf', () => {
    it('says how to allow Continuum when VS Code refused it the model (NoPermissions, Blocked)', () => {
      for (const code of ['NoPermissions', 'Blocked']) {
        const e = modelErrorOf({ code, message: 'not allowed' }, 'GPT (copilot/gpt-4o)');
        assert.ok(e instanceof ModelError);
        assert.strictEqual(e.kind, 'auth', code);
        assert.strictEqual(e.transient, false);
        assert.match(e.message, /GPT \(copilot\/gpt-4o\)/);
        assert.match(e.message, /Manage Language Model Access/);
        assert.match(e.message, /Choose Model/);
      }
    });

    it('counts a model that went away (NotFound) as unavailable, which passes', () => {
      const e = modelErrorOf({ code: 'NotFound', message: 'gone' }, 'M');
      assert.strictEqual(e.kind, 'unavailable');
      assert.ok(e.transient);
    });

    it("reads an unknown error's message and cause for a rate limit, a prompt too long or the network", () => {
      assert.strictEqual(modelErrorOf({ code: 'Unknown', message: 'Rate limit exceeded' }, 'M').kind, 'rate-limited');
      assert.strictEqual(
        modelErrorOf({ code: 'Unknown', message: 'x', cause: new Error('429 Too Many Requests') }, 'M').kind,
        'rate-limited',
      );
      assert.strictEqual(
        modelErrorOf({ message: "This model's maximum context length is 128000 tokens" }, 'M').kind,
        'too-long',
      );
      assert.strictEqual(modelErrorOf({ message: 'connect ECONNREFUSED 127.0.0.1:443' }, 'M').kind, 'network');
      const other = modelErrorOf({ code: 'Unknown', message: 'boom' }, 'M');
      assert.strictEqual(other.kind, 'unavailable');
      assert.match(other.message, /M failed: boom/);
    });
  });

  describe('choosing a model', () => {
    const m = (vendor: string, family: string, id = family) => ({ vendor, family, id, version: '1', name: id });

    it('chooses the same model whatever order VS Code lists them in', () => {
      const models = [m('copilot', 'gpt-4o'), m('copilot', 'claude-sonnet-4'), m('acme', 'zeta')];
      const first = chooseModel(models);
      assert.deepStrictEqual(first, m('acme', 'zeta'));
      assert.deepStrictEqual(chooseModel([...models].reverse()), first);
      assert.strictEqual(chooseModel([]), undefined);
    });

    it('selects any model when the settings are empty, and the vendor and family they name otherwise', () => {
      assert.deepStrictEqual(modelSelector('', ' '), {});
      assert.deepStrictEqual(modelSelector('copilot', ''), { vendor: 'copilot' });
      assert.deepStrictEqual(modelSelector(' copilot ', 'gpt-4o'), { vendor: 'copilot', family: 'gpt-4o' });
    });

    it('says why there is no model and what to do', () => {
      assert.match(noModelReason({ vendor: 'nobody' }, true), /vendor 'nobody'.*Choose Model/);
      assert.match(noModelReason({}, false), /install or sign in to a model provider/);
      assert.match(noModelReason({}, false, true), /chat\.disableAIFeatures/);
    });
  });

  describe('changedSpan', () => {
    const apply = (before: string, after: string) => {
      const span = changedSpan(before, after);
      if (!span) return before;
      return before.slice(0, span.start) + after.slice(span.start, span.endAfter) + before.slice(span.endBefore);
    };

    it('replaces only the span that differs, and nothing when the text is the same', () => {
      assert.deepStrictEqual(changedSpan('a\nbb\nc\n', 'a\nXYZ\nc\n'), { start: 2, endBefore: 4, endAfter: 5 });
      assert.strictEqual(changedSpan('same', 'same'), undefined);
    });

    it('gives the new text back for insertions, deletions, repeated letters and surrogate pairs', () => {
      const cases: Array<[string, string]> = [
        ['abc', 'abXc'],
        ['abXc', 'abc'],
        ['aaaa', 'aaaaaa'],
        ['', 'new file'],
        ['old', ''],
        ['x\u{1F600}y', 'x\u{1F601}y'],
        ['\u{1F600}', '\u{1F600}\u{1F600}'],
      ];
      for (const [before, after] of cases) {
        assert.strictEqual(apply(before, after), after, JSON.stringify([before, after]));
        const span = changedSpan(before, after)!;
        const cut = (s: string, i: number) => i > 0 && i < s.length && /[\udc00-\udfff]/.test(s[i]);
        assert.ok(!cut(before, span.start) && !cut(before, span.endBefore), `no pair split: ${JSON.stringify(span)}`);
      }
    });
  });
});
