// The endpoint's proof that a client is the same user as the holder, beyond the socket's
// permissions (which a Windows named pipe does not get from Node: it keeps the system's default
// security). The holder writes a random token into an owner-only file of the store folder before
// it listens; a client reads it and sends it in its hello; the holder refuses a hello without it.
// Only a process that can read the store's own files can connect, on every platform.
import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';

/** The token's file in the store folder: readable and writable by its owner only (0600). */
export const tokenFile = 'endpoint.token';

/**
 * Writes a new random token for a holder that starts serving, atomically (a temporary file made
 * 0600, synced, renamed into place) so a client never reads half of one. It is left in place when
 * the holder closes: the next holder replaces it, and removing it could remove that one's.
 */
export async function writeEndpointToken(storeFolder: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const file = path.join(storeFolder, tokenFile);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fsp.open(tmp, 'wx', 0o600);
  try {
    try {
      await handle.chmod(0o600); // whatever the umask, and on a file system that ignored the mode
      await handle.writeFile(token);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  return token;
}

/** The token the store's holder wrote; undefined when this process cannot read it (another user's store, no holder yet). */
export async function readEndpointToken(storeFolder: string): Promise<string | undefined> {
  try {
    return (await fsp.readFile(path.join(storeFolder, tokenFile), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Whether `given` is the token, compared in constant time (hashed first, so lengths give nothing away). */
export function isEndpointToken(token: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(token), digest(given));
}
