// What the core needs from its host. The VS Code layer (src/vscode) and the CLI (src/cli) each
// implement these; unit tests use the in-memory fakes in test/unit/fakes. Nothing here may import
// `vscode`.

/** Files, by absolute path. Every method that writes is durable when its promise resolves. */
export interface FileSystemPort {
  /** The whole file, or `undefined` when it does not exist. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  /** The file's bytes from `offset` to its end (none when it is not longer), or `undefined` when it does not exist. */
  readFrom(path: string, offset: number): Promise<Uint8Array | undefined>;
  /** Writes to a temporary file beside `path`, fsyncs it, renames it over `path`, fsyncs the folder. */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void>;
  /** Opens `path` for appending, creating it when missing. */
  openAppendOnly(path: string): Promise<AppendOnlyFile>;
  /** Names (not paths) of the entries of a folder; `[]` when it does not exist. */
  list(dir: string): Promise<string[]>;
  /** Creates the folder and its parents. */
  mkdirp(dir: string): Promise<void>;
  /** Removes a file; no error when it is already gone. */
  remove(path: string): Promise<void>;
  /** Size in bytes, or `undefined` when missing. */
  size(path: string): Promise<number | undefined>;
}

export interface AppendOnlyFile {
  /** Appends and flushes with fdatasync before resolving. */
  append(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Exclusive ownership of a store folder by one process or window. */
export interface LockPort {
  /**
   * Tries to take the lock at `path`. A lock whose heartbeat is older than its stale limit is taken
   * over. Resolves to the held lock, or to the current owner when another live writer holds it.
   */
  acquire(path: string, owner: LockOwner): Promise<HeldLock | { heldBy: LockOwner | undefined }>;
}

export interface LockOwner {
  /** Who holds it, in words a user recognises ("VS Code window, pid 1234", "continuum CLI"). */
  description: string;
  pid: number;
  host: string;
  since: number;
}

export interface HeldLock {
  /** Fires when the lock was lost (its folder removed, or taken over after a long stall). */
  onLost(listener: (reason: string) => void): void;
  /**
   * Looks at the lock on disk: undefined while this process still holds it, else why it does not
   * (taken over, removed, or not refreshed within its stale limit because this process stalled).
   * Asked before every journal write is acknowledged, so a process that wakes without its lock
   * acknowledges nothing more. It may answer without the disk while no other process can have
   * taken the lock yet (nodeLock does, until shortly before the lock could look stale).
   */
  verify(): Promise<string | undefined>;
  release(): Promise<void>;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

/** Creates unique ids. Injected so tests can make them predictable. */
export type IdFactory = (prefix: string) => string;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
