import * as os from 'os';
import type { LockOwner } from '../core/ports';

export function currentOwner(description: string): LockOwner {
  return { description, pid: process.pid, host: os.hostname(), since: Date.now() };
}

/** Whether `owner` is a process on this machine that no longer exists (its lock can be taken at once). */
export function ownerIsGone(owner: LockOwner): boolean {
  if (owner.host !== os.hostname() || owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
