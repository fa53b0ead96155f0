// The CLI's side of the daemon (daemon.ts) holding a store: every command but `graph build` (which
// asks it to build) has it step aside first and then opens the store as if nobody held it; `graph
// build` waits for a daemon that has taken the store but is not serving it yet.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lockFile } from '../core/store/layout';
import type { LockOwner } from '../core/ports';
import { connectToHolder } from '../node/endpoint/client';
import { ownerIsGone } from '../node/lockOwner';
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
 * a live daemon on this machine that holds the store's lock (opening the store). A `graph build` then
 * waits for it rather than take the store first or find it held.
 */
export function daemonIsOpening(store: string): boolean {
  return daemonStarting(store) || daemonHoldsLock(store);
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

function daemonHoldsLock(store: string): boolean {
  let owner: LockOwner;
  try {
    owner = JSON.parse(fs.readFileSync(path.join(store, `${lockFile}.owner.json`), 'utf8')) as LockOwner;
  } catch {
    return false; // nobody took the lock yet, or its owner file is being written: not a daemon to wait for
  }
  if (owner.description !== daemonOwner || owner.host !== os.hostname()) return false;
  if (!fs.existsSync(path.join(store, `${lockFile}.lock`))) return false;
  return !ownerIsGone(owner);
}
