// Stored strings in markdown an agent or VS Code's chat renders: always as inert text, never as
// markup (a note titled "[click](command:…)" or "# heading" shows as those characters). Pure.

const special = /[\\`*_{}[\]()#!|<>~&$]/g;

/** `text` on one line, every markdown character escaped. */
export function mdText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(special, ch => `\\${ch}`);
}

/** A multi-line `text` as a fenced block, the fence longer than any run of backticks inside. */
export function mdBlock(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map(m => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}
