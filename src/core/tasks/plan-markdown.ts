// The markdown side of plan import: markdown-it's block parser turned into a small tree with line
// numbers, and inline markdown turned into plain text. Everything here is pure and never throws on
// well-formed strings; the plan semantics live in plan.ts.
import MarkdownIt from 'markdown-it';

type Token = MarkdownIt.Token;

/**
 * Block containers (quotes, lists, list items) nested deeper than this are not parsed: markdown-it
 * would otherwise skip them silently at its own limit, so we stop a little earlier and say where.
 * One level of list nesting costs two levels here (the list and its item).
 */
export const MAX_CONTAINER_LEVEL = 80;

export interface BlockNode {
  type: string;
  /** 1-based first line of the block. */
  line: number;
  /** 1-based line after the block's last line (where known; else line + 1). */
  end: number;
  /** Text of a paragraph, heading, code block or fence (container prefixes removed). */
  content: string;
  /** Heading level, 1–6 (headings only). */
  level?: number;
  children: BlockNode[];
}

export interface BlockTree {
  children: BlockNode[];
  /** 1-based lines where content was skipped for nesting deeper than MAX_CONTAINER_LEVEL. */
  tooDeep: number[];
}

interface DepthEnv extends MarkdownIt.Env {
  tooDeep: number[];
}

let instance: MarkdownIt.MarkdownIt | undefined;

function parser(): MarkdownIt.MarkdownIt {
  if (instance) return instance;
  // CommonMark without raw HTML: an HTML block would swallow the checklist lines after it, and tags
  // in titles are to stay literal text anyway.
  // maxNesting above our own limit, so that markdown-it's silent cut-off is never reached.
  const md = new MarkdownIt('commonmark', { html: false, maxNesting: MAX_CONTAINER_LEVEL + 20 });
  md.enable('table'); // plans written as tables of tasks (GitHub-flavoured tables)
  md.block.ruler.before('table', 'continuum_depth_limit', (state, startLine, endLine) => {
    if (state.level < MAX_CONTAINER_LEVEL) return false;
    (state.env as DepthEnv).tooDeep.push(startLine + 1);
    state.line = endLine;
    return true;
  });
  instance = md;
  return md;
}

/**
 * Parses blocks only (no inline pass: inline text is converted on demand by `toPlain`).
 * `firstLine` is the 1-based line of the text's first line in the whole document (for chunks).
 */
export function parseBlocks(text: string, firstLine = 1): BlockTree {
  const offset = firstLine - 1;
  const md = parser();
  const env: DepthEnv = { tooDeep: [] };
  const tokens: Token[] = [];
  md.block.parse(text, md, env, tokens);
  const root: BlockNode = { type: 'root', line: firstLine, end: firstLine, content: '', children: [] };
  const stack: BlockNode[] = [root];
  for (const token of tokens) {
    const top = stack[stack.length - 1];
    if (token.nesting === -1) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const line = token.map ? token.map[0] + 1 + offset : top.line;
    const end = token.map ? token.map[1] + 1 + offset : line + 1;
    if (token.type === 'inline') {
      top.content = token.content;
      continue;
    }
    const node: BlockNode = {
      type: token.nesting === 1 ? token.type.replace(/_open$/, '') : token.type,
      line,
      end,
      content: token.nesting === 1 ? '' : token.content,
      children: [],
    };
    if (node.type === 'heading') node.level = Number(token.tag.slice(1)) || 1;
    top.children.push(node);
    if (token.nesting === 1) stack.push(node);
  }
  return { children: root.children, tooDeep: env.tooDeep.map(l => l + offset) };
}

/**
 * Cuts a document into pieces that parse to the same blocks as the whole, so a long plan is
 * parsed a piece at a time with the event loop free in between. A piece starts only where a new
 * top-level block must start whatever came before: an ATX heading at column 0, or a bullet item
 * at column 0 (a list item interrupts a paragraph and ends any container), never inside a fenced
 * code block. `lines` are the document's lines; pieces are about `size` lines or more.
 */
export function* splitBlocks(lines: readonly string[], size: number): Generator<{ firstLine: number; text: string }> {
  let start = 0;
  let fence: { char: string; length: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1][0] === fence.char && f[1].length >= fence.length && /^\s*[`~]+\s*$/.test(line)) fence = undefined;
      continue;
    }
    if (f) {
      fence = { char: f[1][0], length: f[1].length };
      continue;
    }
    if (i - start < size) continue;
    if (/^#{1,6}(?:[ \t]|$)/.test(line) || /^[-*+][ \t]+\S/.test(line)) {
      yield { firstLine: start + 1, text: lines.slice(start, i).join('\n') };
      start = i;
    }
  }
  yield { firstLine: start + 1, text: lines.slice(start).join('\n') };
}

/** Inline markdown to plain text: emphasis, links and code spans lose their markup; HTML stays literal. */
export function toPlain(raw: string): string {
  if (!/[\\`*_[\]!<&]/.test(raw)) return raw;
  const out: string[] = [];
  for (const token of parser().parseInline(raw, {})) appendPlain(token.children ?? [], out);
  return out.join('');
}

function appendPlain(tokens: Token[], out: string[]): void {
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
      case 'text_special':
      case 'code_inline':
      case 'html_inline':
        out.push(t.content);
        break;
      case 'softbreak':
      case 'hardbreak':
        out.push(' ');
        break;
      case 'image':
        appendPlain(t.children ?? [], out);
        break;
      default:
        break;
    }
  }
}
