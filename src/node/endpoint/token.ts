// The endpoint's proof that a client is the same user as the holder, beyond the socket's
// permissions (which a Windows named pipe does not get from Node: it keeps the system's default
// security). The holder writes a random token into an owner-only file of the store folder before
// it listens; a client reads it and proves in its hello that it knows it; the holder refuses a
// hello without that proof, and proves in its answer that it knows the token too. The token itself
// never crosses the endpoint: each side sends an HMAC of the client's random nonce keyed with it,
// so a process squatting the endpoint's name (possible for a Windows pipe while no holder listens)
// learns nothing it could use, and a client does not take it for the holder. Only a process that
// can read the store's own files can connect, on every platform.
import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../fileSystem';

/** The token's file in the store folder: readable and writable by its owner only (0600). */
export const tokenFile = 'endpoint.token';

/**
 * Writes a new random token for a holder that starts serving, atomically and owner-only (0600), so a
 * client never reads half of one. It is left in place when
 * the holder closes: the next holder replaces it, and removing it could remove that one's.
 */
export async function writeEndpointToken(storeFolder: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(path.join(storeFolder, tokenFile), token, { mode: 0o600 });
  return token;
}

/**
 * The token the store's holder wrote; undefined when this process cannot read it (another user's
 * store, no holder yet). Read synchronously: a few dozen bytes, which a client reads as it
 * connects, where starting the thread pool for it cost more than the read.
 */
export function readEndpointToken(storeFolder: string): string | undefined {
  try {
    return fs.readFileSync(path.join(storeFolder, tokenFile), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Who proves knowing the token: the client in its hello, the holder in its answer (so one's proof is never the other's). */
export type ProofBy = 'client' | 'holder';

/** A fresh random nonce for one hello. */
export function helloNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** The proof that `by` knows `token`, for the hello with `nonce`. */
export function tokenProof(token: string, by: ProofBy, nonce: string): string {
  return createHmac('sha256', token).update(`continuum endpoint ${by}:${nonce}`).digest('base64url');
}

/** Whether `proof` shows that `by` knows `token`, for the hello with `nonce`; compared in constant time. */
export function isTokenProof(token: string, by: ProofBy, nonce: unknown, proof: unknown): boolean {
  if (typeof nonce !== 'string' || nonce.length < 16 || nonce.length > 100 || typeof proof !== 'string') return false;
  const expected = Buffer.from(tokenProof(token, by, nonce));
  const given = Buffer.from(proof);
  // an HMAC's length is no secret
  return given.length === expected.length && timingSafeEqual(expected, given);
}
