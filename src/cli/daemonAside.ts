// The CLI's side of the daemon (daemon.ts) holding a store: every command but `graph build` (which
// asks it to build) has it step aside first and then opens the store as if nobody held it; `graph
// build` waits for a daemon that has taken the store but is not serving it yet.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lockFile } from '../core/store/layout';
import type { LockOwner } from '../core/ports';
import { readAnnouncement } from '../node/endpoint/address';
import { connectToHolder } from '../node/endpoint/client';
import { defaultLockStaleMs, lockFolder, lockOwnerFile, ownerIsGone } from '../node/lockOwner';
import { daemonOwner, daemonStartingFile } from './daemonFiles';

/**
 * Has the daemon holding `store` give it up, for `what` (a command's name); resolves with its pid
 * once it has, or undefined when no daemon holds the store (another holder is left alone: the
 * command deals with it as before). Costs 1–2 ms when nobody serves the store.
 */
export async function askDaemonToStepAside(store: string, what: string): Promise<number | undefined> {
  const client = await connectToHolder(store, 'cli');
  if (!client) return undefined;
  try {
    if (client.holder.kind !== 'daemon') return undefined;
    await client.call('handover', { toRun: what });
    // it released the store before it answered; the connection closes next
    return client.holder.pid;
  } finally {
    client.close();
  }
}

/** How long after a build started the daemon another build waits for it (it serves within a second). */
const startingMs = 10_000;

/**
 * Whether a daemon is on its way to serve `store`: one a build just started (daemonStartingFile), or
 * a live daemon on this machine that holds the store's lock and has not yet said where it serves
 * (it is opening the store). A `graph build` then waits for it rather than take the store first or
 * find it held.
 */
export function daemonIsOpening(store: string): boolean {
  if (daemonStarting(store)) return true;
  const pid = daemonHoldingLock(store);
  // the announcement names the process that serves the store (or served it last)
  return pid !== undefined && readAnnouncement(store)?.pid !== pid;
}

function daemonStarting(store: string): boolean {
  let said: { pid?: unknown; at?: unknown };
  try {
    said = JSON.parse(fs.readFileSync(path.join(store, daemonStartingFile), 'utf8')) as typeof said;
  } catch {
    return false; // no daemon was started (or its note is being written): nothing to wait for
  }
  if (typeof said.pid !== 'number' || typeof said.at !== 'number' || Date.now() - said.at > startingMs) return false;
  return !ownerIsGone({ pid: said.pid, host: os.hostname(), description: daemonOwner, since: said.at });
}

/** The pid of a live daemon on this machine that holds `store`'s lock (kept fresh), if one does. */
export function daemonHoldingLock(store: string): number | undefined {
  let owner: LockOwner;
  try {
    owner = JSON.parse(fs.readFileSync(lockOwnerFile(path.join(store, lockFile)), 'utf8')) as LockOwner;
  } catch {
    return undefined; // nobody took the lock yet, or its owner file is being written: no daemon to wait for
  }
  if (owner.description !== daemonOwner || owner.host !== os.hostname()) return undefined;
  let refreshed: number;
  try {
    refreshed = fs.statSync(lockFolder(path.join(store, lockFile))).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // it let go of the store
    throw err;
  }
  // a lock left stale (its holder stopped for longer than that) is taken over: no daemon holds it then
  if (Date.now() - refreshed >= defaultLockStaleMs || ownerIsGone(owner)) return undefined;
  return owner.pid;
}
