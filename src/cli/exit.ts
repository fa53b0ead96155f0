// How the CLI's processes end (the whole CLI and its graph-only bundle alike).

/** Exit status when this process lost the store's lock to another one (EX_TEMPFAIL): it stopped, and saved nothing after that. */
export const lockLostExitCode = 75;

/**
 * Ends the process once stdout and stderr have taken what was written. Everything is closed by
 * then; waiting for Node to wind down by itself costs another 25–30 ms of tearing down the heap.
 */
export function exit(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
