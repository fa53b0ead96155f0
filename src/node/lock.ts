// LockPort over proper-lockfile: a lock folder whose mtime is the heartbeat (refreshed every
// few seconds) and is taken over once stale. Who holds it is written beside it, so a second
// window can tell the user which process is writing, and so the holder can tell, after a stall,
// whether the lock on disk is still its own.
import * as nodeFs from 'fs';
import { promises as fsp } from 'fs';
import { performance } from 'perf_hooks';
import * as lockfile from 'proper-lockfile';
import type { HeldLock, LockOwner, LockPort } from '../core/ports';
import { defaultLockStaleMs, lockFolder, lockOwnerFile, ownerIsGone } from './lockOwner';

export interface NodeLockOptions {
  /** A lock not refreshed for this long is taken over (default 15 s; proper-lockfile's least is 2 s). */
  staleMs?: number;
  /** How often the holder refreshes it (default 5 s; between 1 s and half the stale limit). */
  updateMs?: number;
}

/** proper-lockfile raises a shorter stale limit to this; the messages name the limit it really uses. */
export const leastStaleMs = 2_000;
/** How long before the lock could look stale to others verify() asks the disk again (clock steps, slow stats). */
const trustMarginMs = 1_000;

/**
 * Lock folders this process held and then found taken over by another process (see release):
 * proper-lockfile removes the folder at a lock's path when it is released and, for a lock it still
 * counts as held, when the process exits; those removals leave these alone.
 */
const disowned = new Set<string>();

/** The file system proper-lockfile uses: one for the process, as it keeps its probe of the time precision on it. */
const lockFs = {
  mkdir: nodeFs.mkdir,
  stat: nodeFs.stat,
  utimes: nodeFs.utimes,
  realpath: nodeFs.realpath,
  rmdir: (p: string, callback: (err: NodeJS.ErrnoException | null) => void) =>
    disowned.has(p) ? callback(null) : nodeFs.rmdir(p, callback),
  rmdirSync: (p: string) => {
    if (!disowned.has(p)) nodeFs.rmdirSync(p);
  },
};

export function nodeLock(options: NodeLockOptions = {}): LockPort {
  const stale = Math.max(options.staleMs ?? defaultLockStaleMs, leastStaleMs);
  const update = Math.max(Math.min(options.updateMs ?? Math.min(5_000, Math.floor(stale / 3)), stale / 2), 1_000);
  return {
    async acquire(path, owner) {
      const ownerFile = lockOwnerFile(path);
      const lockDir = lockFolder(path);
      const lostListeners: Array<(reason: string) => void> = [];
      let compromised: string | undefined;
      const take = () =>
        lockfile.lock(path, {
          fs: lockFs,
          realpath: false,
          lockfilePath: lockDir,
          stale,
          update,
          retries: 0,
          onCompromised: err => {
            // proper-lockfile's words are an errno or its own; say what happened instead.
            const reason =
              (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).syscall === 'stat'
                ? `its lock was taken over or removed while this process was stalled (suspended, stopped or busy) for longer than ${stale / 1000} s`
                : `the lock could not be kept fresh within ${stale / 1000} s (${err.message})`;
            compromised ??= reason;
            for (const l of lostListeners) l(reason);
          },
        });
      let release!: () => Promise<void>;
      let ino!: number;
      /** Says who holds the lock now that this process took it; gives it back if it cannot. */
      const claim = async (taken: () => Promise<void>) => {
        try {
          ino = (await fsp.stat(lockDir)).ino;
          await fsp.writeFile(ownerFile, JSON.stringify(owner));
        } catch (err) {
          // A full disk can take the lock folder and refuse the owner file: give the lock back, so
          // that no folder naming nobody is left behind, and let the store say what is wrong.
          await taken().catch(() => undefined); // the error above is the one to report
          await fsp.rm(ownerFile, { force: true }).catch(() => undefined);
          throw err;
        }
        release = taken;
        disowned.delete(lockDir); // this process's again
      };
      let first: (() => Promise<void>) | undefined;
      try {
        first = await take();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
        first = undefined;
      }
      if (first) await claim(first);
      else {
        const seenIno = await inodeOf(lockDir);
        const heldBy = await readOwnerSoon(ownerFile);
        if (heldBy ? !ownerIsGone(heldBy) : !(await abandoned(lockDir, update))) return { heldBy };
        // The holder died without releasing (a reloaded or killed window, or one killed while it
        // took the lock, before it wrote who it is): no need to wait until the lock is stale. Others
        // may be taking it over at this instant too (the clients of a killed holder all do): one at
        // a time, and each says who it is before the next one looks.
        const breaking = await enterBreaking(`${lockDir}.breaking`);
        if (!breaking) return { heldBy: undefined };
        try {
          const now = await readOwner(ownerFile);
          if (now && (!heldBy || !sameOwner(now, heldBy))) return { heldBy: now }; // taken over by another, who said so
          const nowIno = await inodeOf(lockDir);
          if (nowIno !== undefined && nowIno !== seenIno) return { heldBy: undefined }; // made anew a moment ago by one that has not said who it is yet
          await fsp.rm(lockDir, { recursive: true, force: true });
          let again: () => Promise<void>;
          try {
            again = await take();
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
            return { heldBy: await readOwner(ownerFile) };
          }
          await claim(again);
        } finally {
          await fsp.rmdir(breaking).catch(() => undefined);
        }
      }
      // No other process takes a lock over before its mtime is older than the stale limit (or, with
      // no owner file to read, than `update` + 1 s: see abandoned()), by the same clock this one
      // reads. So until shortly before that moment, asking the disk again cannot find it taken: the
      // store asks before and after every journal append, and the answer is the same without two
      // stats and a read per append. A stall (a suspend, SIGSTOP, a long GC) moves both clocks past
      // the limit, and the next verify() asks the disk. The monotonic clock guards against the wall
      // clock being set back while this process stands still.
      let trustedUntil = 0;
      let trustedUntilMonotonic = 0;
      const trust = (mtimeMs: number) => {
        const fresh = mtimeMs + Math.min(stale, update + 1_000) - trustMarginMs;
        trustedUntil = fresh;
        trustedUntilMonotonic = performance.now() + (fresh - Date.now());
      };
      const held: HeldLock = {
        onLost: listener => {
          lostListeners.push(listener);
        },
        async verify() {
          if (compromised) return compromised;
          if (Date.now() < trustedUntil && performance.now() < trustedUntilMonotonic) return undefined;
          let dir;
          try {
            dir = await fsp.stat(lockDir);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'its lock folder was removed';
            throw err;
          }
          const now = await readOwner(ownerFile);
          if (dir.ino !== ino || (now && !sameOwner(now, owner))) {
            return `${now && !sameOwner(now, owner) ? `${now.description} (pid ${now.pid} on ${now.host})` : 'another process'} took it over while this process was stalled (suspended, stopped or busy) for longer than ${stale / 1000} s`;
          }
          trust(dir.mtimeMs);
          return undefined;
        },
        release: async () => {
          // The lock first, then who held it, and that only if it is still this process (after a
          // takeover the file names the new holder): a crash between the two leaves no lock folder
          // that names nobody. After a takeover the folder there is the new holder's (this process
          // found it taken over before its own refresh did): proper-lockfile is released (its refresh
          // stops, and it no longer removes the folder when the process exits) but leaves it alone.
          const lost = compromised ? undefined : await held.verify();
          if (lost !== undefined) {
            compromised = lost;
            lostListeners.length = 0;
            disowned.add(lockDir);
          }
          await release().catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ERELEASED' && err.code !== 'ECOMPROMISED') throw err;
          });
          const now = await readOwner(ownerFile);
          if (!compromised && now && sameOwner(now, owner)) await fsp.rm(ownerFile, { force: true });
        },
      };
      return held;
    },
  };
}

async function inodeOf(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).ino;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Takes the right to break a dead holder's lock (a folder of its own, made atomically); undefined
 * while another process is breaking it. One left by a process killed while breaking is stale after 10 s.
 */
async function enterBreaking(folder: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fsp.mkdir(folder);
      return folder;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await fsp.stat(folder).then(
        st => Date.now() - st.mtimeMs,
        () => 0,
      );
      if (age < 10_000) return undefined;
      await fsp.rmdir(folder).catch(() => undefined);
    }
  }
  return undefined;
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && a.host === b.host && a.since === b.since;
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as LockOwner;
  } catch {
    return undefined; // written a moment after the lock itself; the caller says "another process"
  }
}

/** The owner file, waiting briefly for it: a holder writes it just after taking the lock. */
async function readOwnerSoon(file: string): Promise<LockOwner | undefined> {
  for (let i = 0; i < 5; i++) {
    const owner = await readOwner(file);
    if (owner) return owner;
    await new Promise(r => setTimeout(r, 50));
  }
  return undefined;
}

/**
 * Whether a lock folder that names no holder was left behind: a live holder refreshes its mtime
 * every `update` ms, so one older than that (with a margin) is not being refreshed by anyone.
 */
async function abandoned(lockDir: string, update: number): Promise<boolean> {
  try {
    return Date.now() - (await fsp.stat(lockDir)).mtimeMs > update + 1_000;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}
