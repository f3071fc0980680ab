import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys: 32 random bytes, shown once at creation; only their SHA-256 is stored (in the
 * UserRegistered event). Keys have 256 bits of entropy, so a fast hash is enough (no password
 * stretching needed) and comparing hashes in constant time leaks nothing useful.
 */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'admin' }
  | { kind: 'user'; userId: string };

export const API_KEY_PREFIX = 'oxk_';

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export function constantTimeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The bearer token of an Authorization header; undefined when absent, null when malformed. */
export function bearerToken(header: string | null | undefined): string | undefined | null {
  if (header === null || header === undefined || header === '') return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/.exec(header.trim());
  return match ? match[1]! : null;
}

export interface KeyDirectory {
  /** userId of the user whose stored key hash equals this hash, if any */
  userIdByKeyHash(keyHash: string): Promise<{ userId: string; keyHash: string } | undefined>;
}

export type AuthResult = { ok: true; caller: Caller } | { ok: false };

/** An absent key makes an anonymous caller; a present but unknown or malformed key fails. */
export async function authenticate(header: string | null | undefined, adminKeyHash: string, directory: KeyDirectory): Promise<AuthResult> {
  const token = bearerToken(header);
  if (token === undefined) return { ok: true, caller: { kind: 'anonymous' } };
  if (token === null) return { ok: false };
  const keyHash = hashApiKey(token);
  if (constantTimeEqualHex(keyHash, adminKeyHash)) return { ok: true, caller: { kind: 'admin' } };
  const found = await directory.userIdByKeyHash(keyHash);
  if (found && constantTimeEqualHex(found.keyHash, keyHash)) return { ok: true, caller: { kind: 'user', userId: found.userId } };
  return { ok: false };
}
