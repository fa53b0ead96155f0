// What merging Continuum's part into one of an agent's files comes to. Every merge is a pure
// function of the file's text: nothing here reads or writes a file.

/** A file Continuum cannot merge into (malformed JSON, a TOML form it does not edit …): nothing is written. */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}

export type MergeOutcome =
  /** The new text of the file (Continuum's part added, everything else kept). */
  | { kind: 'write'; text: string }
  /** The file already holds exactly Continuum's part. */
  | { kind: 'unchanged' }
  /**
   * The file holds a different Continuum part (another path, arguments someone edited): `text` is
   * the file with it replaced, to be written only when the person says so.
   */
  | {
      kind: 'conflict';
      text: string;
      existing: string;
      /** The file with only the parts that replace nothing, when the person keeps the old part (undefined: nothing else to write). */
      otherwise?: string;
    };

/** The end-of-line sequence a text uses (CRLF when its first line break is one), '\n' for a new file. */
export function eolOf(text: string | undefined): '\n' | '\r\n' {
  const at = text?.indexOf('\n') ?? -1;
  return at > 0 && text![at - 1] === '\r' ? '\r\n' : '\n';
}

/** 'line 3, column 7' of an offset in a text. */
export function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
