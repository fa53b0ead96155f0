// Stored strings (task titles, notes, errors) in markdown that an agent, VS Code's chat or a
// language-model tool result renders: always inert text, never markup (a note titled
// "[click](command:…)" or "# heading" shows as those characters). Pure; the one escaper for every host.

/** Every ASCII punctuation character markdown may read (CommonMark lets any of them be escaped). */
const special = /[\\`*_{}[\]()#+\-.!|<>~&:"'=$^]/g;

/** `text` on one line, trimmed to `max` characters, every markdown and HTML control character escaped. */
export function mdText(text: string, max = Infinity): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const short = oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
  return short.replace(special, ch => `\\${ch}`);
}

/** A multi-line `text` verbatim as a fenced block, the fence longer than any run of backticks inside. */
export function mdBlock(text: string, language = 'text'): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map(m => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}
