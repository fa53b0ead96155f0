// Text from the store (titles, notes, labels) shown to the user must stay text. VS Code renders
// `[label](command:…)` in notifications as a link, so user text is defused before it goes there.

/** Defuses markdown links and trims to one line of at most `max` characters. */
export function inert(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const short = oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
  return short.replace(/\]\(/g, ']\u200B(');
}

/** 'Title' in quotes, defused: how a task or session is named inside a sentence. */
export function quoted(text: string, max = 80): string {
  return `'${inert(text, max)}'`;
}
