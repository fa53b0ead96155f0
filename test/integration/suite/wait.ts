// Polling for what the extension shows asynchronously (status bar text, a notification, a file).

export type Until = <T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs?: number,
) => Promise<T>;

/** `until(what, probe)`: resolves with the first truthy value of `probe`, or fails naming `what` after the timeout. */
export function poller(defaultTimeoutMs: number): Until {
  return async (what, probe, timeoutMs = defaultTimeoutMs) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise(r => setTimeout(r, 100));
    }
  };
}
