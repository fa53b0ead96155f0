// @continuum's markdown: stored strings are data in chat, never markup, links or commands.
import * as assert from 'assert';
import MarkdownIt from 'markdown-it';
import { mdBlock, mdText } from '../../../src/core/agents/markdown';
import { nextTaskMarkdown } from '../../../src/vscode/agents/chatText';
import type { Task } from '../../../src/core/tasks/model';

const render = (md: string) => new MarkdownIt({ html: true, linkify: true }).render(md);

const task = (over: Partial<Task>): Task => ({
  id: 't1',
  title: 'T',
  description: '',
  status: 'pending',
  priority: 'normal',
  progress: 0,
  attempts: 0,
  maxAttempts: 3,
  capabilities: [],
  dependsOn: [],
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

describe('@continuum markdown', () => {
  const hostile = [
    '[click](command:continuum.importState)',
    '<img src=x onerror=alert(1)> **bold** `code`',
    'https://evil.example/x and www.evil.example',
    '# heading\n- list\n> quote',
    '![img](https://x/y.png) <https://auto.link>',
  ];

  it('renders stored strings as their own text: no link, image, HTML, emphasis or heading', () => {
    for (const text of hostile) {
      const html = render(mdText(text, 500));
      assert.doesNotMatch(html, /<(a|img|strong|em|code|h1|ul|blockquote)\b/, `${text} → ${html}`);
      assert.strictEqual(
        html
          .replace(/<\/?p>\n?/g, '')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&amp;/g, '&'),
        text.replace(/\s+/g, ' '),
        html,
      );
    }
  });

  it('trims long text to one line', () => {
    assert.strictEqual(mdText('a\nb    c', 300), 'a b c');
    assert.strictEqual(mdText('x'.repeat(50), 10), `${'x'.repeat(9)}…`);
  });

  it('keeps a code block closed whatever backticks the text holds', () => {
    const html = render(mdBlock('a ``` b ```` c', 'json'));
    assert.match(html, /^<pre><code class="language-json">a ``` b ```` c\n<\/code><\/pre>\n$/);
  });

  it('shows the next task with its description and verify command escaped', () => {
    const html = render(
      nextTaskMarkdown(
        task({
          title: '[x](command:evil)',
          description: '<b>hi</b>',
          action: { kind: 'shell', command: 'npm', verify: 'npm test -- --grep "[a](b)"' },
        }),
      ),
    );
    assert.doesNotMatch(html, /<a |<b>/);
    assert.match(html, /Next:/);
    assert.match(nextTaskMarkdown(undefined), /No task is ready/);
  });
});

describe('agents in the status bar', () => {
  it('counts the agents at work and names who holds what, as inert text', async () => {
    const { agentsStatusText } = await import('../../../src/vscode/agents/agentsStatus');
    assert.deepStrictEqual(agentsStatusText([]), { text: '', tooltip: '' });
    const s = agentsStatusText([
      { title: 'Parser', claim: { agentName: 'Claude Code' } },
      { title: '[x](command:evil)', claim: { agentName: 'Copilot' } },
      { title: 'Lexer', claim: { agentName: 'Claude Code' } },
    ]);
    assert.strictEqual(s.text, ' · $(hubot) 2');
    assert.strictEqual(
      s.tooltip,
      " Agents at work: Claude Code on 'Parser', Copilot on '[x]\u200B(command:evil)', Claude Code on 'Lexer'.",
    );
  });
});
