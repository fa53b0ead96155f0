// Where a store's holder listens: a Unix domain socket in an owner-only (0700) folder of the store
// (`endpoint/holder.sock`), or a named pipe on Windows. A socket path longer than the platform's
// limit (sun_path: 104 bytes on macOS, 108 on Linux) cannot be bound, so a store in a deep folder
// gets its socket in a per-user 0700 folder under the system's temporary folder instead, named by a
// hash of the store folder. Every process computes the same address from the store folder alone;
// the holder also writes it into the store folder (endpoint.json) for people and tools to read.
import { createHash } from 'crypto';
import * as fs from 'fs';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Conservative: macOS's sun_path is 104 bytes including the terminating NUL. */
const maxSocketPathBytes = 100;

export interface EndpointAddress {
  /** The socket (or pipe) path to listen on or connect to. */
  path: string;
  /** The owner-only folder the socket lives in; undefined for a Windows pipe. */
  folder?: string;
}

export function endpointAddress(
  storeFolder: string,
  platform: NodeJS.Platform = process.platform,
  tmpdir: string = os.tmpdir(),
): EndpointAddress {
  const resolved = path.resolve(storeFolder);
  const hash = createHash('sha256').update(resolved).digest('hex').slice(0, 24);
  if (platform === 'win32') return { path: `\\\\.\\pipe\\continuum-${userTag()}-${hash}` };
  const inStore = path.join(resolved, 'endpoint');
  const socket = path.join(inStore, 'holder.sock');
  // the holder binds a temporary name beside it first (see bindName), which must fit too
  if (Buffer.byteLength(path.join(inStore, bindName(4_194_304))) <= maxSocketPathBytes)
    return { path: socket, folder: inStore };
  const perUser = path.join(tmpdir, `continuum-${userTag()}`);
  return { path: path.join(perUser, `${hash}.sock`), folder: perUser };
}

/**
 * The name a holder binds before renaming its socket into place: the rename replaces a dead
 * holder's socket at once, and when this holder's server closes, the name it unlinks is this one
 * (gone since the rename), never the socket a newer holder put in place.
 */
export function bindName(pid: number, nonce = '00000000'): string {
  return `.${pid}-${nonce}.sock`;
}

function userTag(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return uid !== undefined
    ? String(uid)
    : createHash('sha256').update(os.userInfo().username).digest('hex').slice(0, 8);
}

/**
 * Makes the socket's folder, owner-only, and checks that it is this user's own: a folder someone
 * else made (in a shared temporary folder, say) is refused rather than used.
 */
export async function prepareEndpointFolder(address: EndpointAddress): Promise<void> {
  if (!address.folder) return;
  await fsp.mkdir(address.folder, { recursive: true, mode: 0o700 });
  const stat = await fsp.lstat(address.folder);
  if (!stat.isDirectory())
    throw new Error(
      `${address.folder} is not a folder, so Continuum cannot put its endpoint there; remove it and try again.`,
    );
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid !== undefined && stat.uid !== uid) {
    throw new Error(
      `${address.folder} belongs to another user (uid ${stat.uid}), so Continuum will not put its endpoint there; remove it, or move the store to a shorter path.`,
    );
  }
  if ((stat.mode & 0o077) !== 0) await fsp.chmod(address.folder, 0o700);
}

/** The file in the store folder that says where its holder listens and who it is. */
export const announcementFile = 'endpoint.json';

/**
 * What the store's holder announced (`path`, `pid`, `kind`, `protocol`: unchecked, as written), or
 * undefined when nobody did or it is being rewritten. Read synchronously: a hundred bytes, where a
 * first asynchronous read started the thread pool and took 1–12 ms of a CLI's `graph build`.
 */
export function readAnnouncement(storeFolder: string): Record<string, unknown> | undefined {
  try {
    const said: unknown = JSON.parse(fs.readFileSync(path.join(storeFolder, announcementFile), 'utf8'));
    return typeof said === 'object' && said !== null ? (said as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // no holder announced itself (or it is being rewritten)
  }
}
