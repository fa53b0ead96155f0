import * as fs from 'fs';
import * as os from 'os';
import type { LockOwner } from '../core/ports';

/** Where a lock at `lockPath` says who holds it (written by its holder just after taking it). */
export function lockOwnerFile(lockPath: string): string {
  return `${lockPath}.owner.json`;
}

/** The lock folder itself, whose time its holder keeps fresh. */
export function lockFolder(lockPath: string): string {
  return `${lockPath}.lock`;
}

/** A store lock not refreshed for this long is taken over, unless the lock says otherwise (lock.ts). */
export const defaultLockStaleMs = 15_000;

export function currentOwner(description: string): LockOwner {
  return { description, pid: process.pid, host: os.hostname(), since: Date.now() };
}

/**
 * Whether `owner` is a process on this machine that no longer exists (its lock can be taken at once).
 * A zombie (dead, not yet reaped: in a container whose first process reaps no orphans, it can stay
 * so for long) no longer exists either.
 */
export function ownerIsGone(owner: LockOwner): boolean {
  if (owner.host !== os.hostname() || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  return isZombie(owner.pid);
}

/** Linux: the process's state in /proc is Z (dead, waiting to be reaped). Elsewhere false. */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ESRCH')
      return true; // reaped just now
    throw err;
  }
  // "pid (comm) S …": the name may hold spaces and parentheses; the state follows its last ')'
  return stat[stat.lastIndexOf(')') + 2] === 'Z';
}
