// Strings from the store (task titles, notes, errors) shown in chat are data: escaped so that no
// markdown, HTML, link or command in them takes effect. Pure (no vscode import), unit-tested.

/** One line of text with every markdown and HTML control character escaped, trimmed to `max` characters. */
export function escapeMarkdown(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const short = oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
  // a backslash before every ASCII punctuation character markdown may read (CommonMark allows escaping any of them)
  return short.replace(/[\\`*_{}[\]()#+\-.!|<>~&:"'=$^]/g, c => `\\${c}`);
}

/** A fenced code block holding `text` verbatim: its fence is longer than any run of backticks inside. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), m => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}
