import * as assert from 'assert';
import {
  blockEnd,
  blockStart,
  instructionsBlock,
  mergeInstructions,
  SetupError,
} from '../../../../src/core/agents/setup';

describe('the instructions block in AGENTS.md and CLAUDE.md', () => {
  const block = instructionsBlock();

  it('tells the agent to start from the briefing and report through the tools', () => {
    assert.match(block, /continuum_briefing/);
    assert.match(block, /continuum_update_task/);
    assert.ok(block.startsWith(blockStart) && block.endsWith(blockEnd));
  });

  it("is appended after the file's own text, separated by a blank line", () => {
    const out = mergeInstructions('# Project\n\nUse pnpm.\n', 'AGENTS.md');
    assert.deepStrictEqual(out, { kind: 'write', text: `# Project\n\nUse pnpm.\n\n${block}\n` });
    assert.deepStrictEqual(mergeInstructions(undefined, 'AGENTS.md'), { kind: 'write', text: `${block}\n` });
  });

  it('replaces an older block in place and keeps what is around it', () => {
    const text = `# Project\n\n${blockStart}\nold words\n${blockEnd}\n\n## After\nmore\n`;
    assert.deepStrictEqual(mergeInstructions(text, 'CLAUDE.md'), {
      kind: 'write',
      text: `# Project\n\n${block}\n\n## After\nmore\n`,
    });
  });

  it('says unchanged when the block is already current, also with CRLF line ends', () => {
    assert.deepStrictEqual(mergeInstructions(`intro\n\n${block}\n`, 'AGENTS.md'), { kind: 'unchanged' });
    const crlf = `intro\r\n\r\n${block.replace(/\n/g, '\r\n')}\r\n`;
    assert.deepStrictEqual(mergeInstructions(crlf, 'AGENTS.md'), { kind: 'unchanged' });
  });

  it('refuses markers out of order, alone or twice', () => {
    for (const text of [
      `${blockEnd}\n${blockStart}\n`,
      `${blockStart}\nno end\n`,
      `${blockStart}\n${blockEnd}\n${blockStart}\n${blockEnd}\n`,
    ]) {
      assert.throws(
        () => mergeInstructions(text, 'AGENTS.md'),
        (e: unknown) => e instanceof SetupError && /markers/.test(e.message),
        text,
      );
    }
  });
});
