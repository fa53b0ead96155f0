// Error signatures: an error message with the parts that change from one run to the next taken
// out (paths, line and column numbers, hex ids, timestamps, temporary names, counts), so the same
// mistake made twice is recognised as one. Pure.

const rules: Array<[RegExp, string]> = [
  // ISO and common log timestamps, before numbers are touched
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g, '<time>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
  // temporary names: tmp-1234-abcd, tmpXyZ12, .tmp files
  [/\b(?:tmp|temp)[-_.]?[A-Za-z0-9]{3,}(?:[-_][A-Za-z0-9]+)*\b/gi, '<tmp>'],
  // Windows paths, then relative paths with a file name, then POSIX paths
  [/\b[A-Za-z]:\\(?:[^\\\s'"`:<>|]+\\)*[^\\\s'"`:<>|(),]*/g, '<path>'],
  [/\b(?:[\w.@-]+\/)+[\w.@-]+\.[A-Za-z]{1,5}\b/g, '<path>'],
  [/(?:~|\.{1,2})?\/(?:[^/\s'"`:()<>,]+\/)*[^/\s'"`:()<>,]*/g, '<path>'],
  // uuids and hex ids (0x…, or 7+ hex characters with at least one digit)
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  [/\b0x[0-9a-f]+\b/gi, '<id>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, '<id>'],
  // line/column: file.ts:12:5, (12,5), line 12, column 5
  [/(<path>|\b[\w.-]+\.[A-Za-z]{1,5})[:(]\d+(?:[:,]\d+)?\)?/g, '$1:<line>'],
  [/\b(line|ln|column|col)\s*\d+/gi, '$1 <n>'],
  // any other number (pids, ports, counts, durations)
  [/\b\d+(?:\.\d+)?\b/g, '<n>'],
];

/** The message with its changing parts replaced by placeholders; whitespace collapsed, at most 300 characters. */
export function errorSignature(message: string): string {
  let s = message.length > 4000 ? message.slice(0, 4000) : message;
  for (const [pattern, replacement] of rules) s = s.replace(pattern, replacement);
  return s.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** The line of a command's output that says what went wrong: the last one naming an error, else the last non-empty line. */
export function errorLine(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l.length > 0);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/\b(?:error|exception|fatal|failed|cannot|not found|denied)\b/i.test(lines[i])) return lines[i];
  }
  return lines[lines.length - 1] ?? '';
}
