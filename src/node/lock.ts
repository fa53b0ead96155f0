// LockPort over proper-lockfile: a lock folder whose mtime is the heartbeat (refreshed every
// few seconds) and is taken over once stale. Who holds it is written beside it, so a second
// window can tell the user which process is writing.
import { promises as fsp } from 'fs';
import * as lockfile from 'proper-lockfile';
import type { HeldLock, LockOwner, LockPort } from '../core/ports';
import { ownerIsGone } from './lockOwner';

export interface NodeLockOptions {
  /** A lock not refreshed for this long is taken over (default 15 s). */
  staleMs?: number;
  /** How often the holder refreshes it (default 5 s). */
  updateMs?: number;
}

export function nodeLock(options: NodeLockOptions = {}): LockPort {
  const stale = options.staleMs ?? 15_000;
  const update = options.updateMs ?? Math.min(5_000, Math.floor(stale / 3));
  return {
    async acquire(path, owner) {
      const ownerFile = `${path}.owner.json`;
      const lostListeners: Array<(reason: string) => void> = [];
      const take = () => lockfile.lock(path, {
        realpath: false,
        lockfilePath: `${path}.lock`,
        stale,
        update,
        retries: 0,
        onCompromised: err => {
          for (const l of lostListeners) l(err.message);
        },
      });
      let release: () => Promise<void>;
      try {
        release = await take();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
        const heldBy = await readOwner(ownerFile);
        if (!heldBy || !ownerIsGone(heldBy)) return { heldBy };
        // The holder died without releasing (a reloaded or killed window): no need to wait until it is stale.
        await fsp.rm(`${path}.lock`, { recursive: true, force: true });
        try {
          release = await take();
        } catch (again) {
          if ((again as NodeJS.ErrnoException).code !== 'ELOCKED') throw again;
          return { heldBy: await readOwner(ownerFile) };
        }
      }
      await fsp.writeFile(ownerFile, JSON.stringify(owner));
      const held: HeldLock = {
        onLost: listener => {
          lostListeners.push(listener);
        },
        release: async () => {
          await fsp.rm(ownerFile, { force: true });
          await release().catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ERELEASED') throw err;
          });
        },
      };
      return held;
    },
  };
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as LockOwner;
  } catch {
    return undefined; // written a moment after the lock itself; the caller says "another process"
  }
}
