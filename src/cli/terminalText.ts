// Texts of the core and the store, as a terminal shows them.

/**
 * A text of the core or the store for a terminal: clauses that speak of reloading a window (VS
 * Code's remedies) are left out; the CLI says what to do instead. Pure.
 */
export function forTerminal(text: string): string {
  return text
    .split(/(?<=[.!?])\s+/)
    .map(sentence => {
      const clauses = sentence.split(/;\s+/);
      if (/\bthis window\b/i.test(clauses[0])) return ''; // a sentence about the window itself
      const kept = clauses
        .map(c => c.replace(/,?\s+(?:and |then )*reload (?:this|the) window\b[^;]*$/i, ''))
        .filter(c => !/\breload\b|\bthis window\b/i.test(c));
      if (!kept.length) return '';
      const joined = kept.join('; ');
      return /[.!?]$/.test(joined) ? joined : `${joined.replace(/[,;:]$/, '')}.`;
    })
    .filter(Boolean)
    .join(' ');
}
