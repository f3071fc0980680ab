/**
 * The byte layouts of docs/proof-of-reserves.md §3–§5. Builder and verifier share these so they
 * cannot disagree; the tests check them against an independent re-implementation and vectors.
 */
import { createHmac, hash as oneShotHash } from 'node:crypto';
import { writeU128, writeU64 } from './amounts.js';
import { HASH_BYTES, LEAF_BALANCE_BYTES, LEAF_PREFIX, NODE_PREFIX, NODE_SUM_BYTES, SALT_TAG, SHUFFLE_TAG } from './method.js';

const NUL = Buffer.from([0]);

/** One-shot hashing: about twice as fast as a Hash object for the ~400,000 hashes of a large audit. */
export function sha256(input: Buffer): Buffer {
  return oneShotHash('sha256', input, 'buffer');
}

/** salt_user = HMAC-SHA256(auditSecret, "oec-por-v1/user-salt" ‖ 0x00 ‖ auditId ‖ 0x00 ‖ userId) */
export function userSalt(auditSecret: Buffer, auditId: string, userId: string): Buffer {
  return createHmac('sha256', auditSecret)
    .update(Buffer.from(SALT_TAG, 'utf8'))
    .update(NUL)
    .update(Buffer.from(auditId, 'utf8'))
    .update(NUL)
    .update(Buffer.from(userId, 'utf8'))
    .digest();
}

/** userHash = SHA-256(salt_user ‖ utf8(userId)) */
export function userHash(salt: Buffer, userId: string): Buffer {
  return sha256(Buffer.concat([salt, Buffer.from(userId, 'utf8')]));
}

/** SHA-256's block size: the HMAC key is padded (or first hashed) to it (RFC 2104) */
const SHA256_BLOCK_BYTES = 64;

/**
 * userSalt and userHash of many users of one audit. The HMAC of userSalt is computed from its
 * definition (RFC 2104: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message))) with one-shot hashes, the
 * padded keys and the message prefix shared by every user prepared once: a createHmac object
 * per user cost more than the three hashes of the user together. Same bytes as userSalt and
 * userHash (tested against them).
 */
export class UserHasher {
  /** (K ⊕ ipad) ‖ tag ‖ 0x00 ‖ auditId ‖ 0x00: what every user's inner hash starts with */
  private readonly innerPrefix: Buffer;
  private readonly outerKey: Buffer;

  constructor(auditSecret: Buffer, auditId: string) {
    const key = Buffer.alloc(SHA256_BLOCK_BYTES);
    (auditSecret.length > SHA256_BLOCK_BYTES ? sha256(auditSecret) : auditSecret).copy(key);
    const innerKey = Buffer.alloc(SHA256_BLOCK_BYTES);
    this.outerKey = Buffer.alloc(SHA256_BLOCK_BYTES + HASH_BYTES);
    for (let i = 0; i < SHA256_BLOCK_BYTES; i += 1) {
      innerKey[i] = key[i]! ^ 0x36;
      this.outerKey[i] = key[i]! ^ 0x5c;
    }
    this.innerPrefix = Buffer.concat([innerKey, Buffer.from(SALT_TAG, 'utf8'), NUL, Buffer.from(auditId, 'utf8'), NUL]);
  }

  /** the user's salt and salted hash */
  of(userId: string): { salt: Buffer; hash: Buffer } {
    const id = Buffer.from(userId, 'utf8');
    const inner = sha256(Buffer.concat([this.innerPrefix, id]));
    // outerKey's last 32 bytes are scratch for the inner hash: one-shot hashing reads them now
    inner.copy(this.outerKey, SHA256_BLOCK_BYTES);
    const salt = sha256(this.outerKey);
    return { salt, hash: sha256(Buffer.concat([salt, id])) };
  }
}

/** shuffle seed = HMAC-SHA256(auditSecret, "oec-por-v1/shuffle" ‖ 0x00 ‖ auditId) */
export function shuffleSeed(auditSecret: Buffer, auditId: string): Buffer {
  return createHmac('sha256', auditSecret)
    .update(Buffer.from(SHUFFLE_TAG, 'utf8'))
    .update(NUL)
    .update(Buffer.from(auditId, 'utf8'))
    .digest();
}

/**
 * The bytes a leaf or node hash is taken of are laid out here, then hashed in one shot (which
 * reads them at once): a fresh small Buffer per hash cost more in allocation and GC than the hash
 * for the ~260,000 nodes of a 100,000-user tree.
 */
let scratch = Buffer.alloc(256);

function checkHashBytes(hash: Buffer): void {
  // the scratch holds earlier bytes: a shorter hash must not pick them up
  if (hash.length !== HASH_BYTES) throw new RangeError(`a hash is ${HASH_BYTES} bytes, got ${hash.length}`);
}

function scratchOf(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.alloc(Math.max(bytes, 2 * scratch.length));
  return scratch;
}

/** leaf = SHA-256(0x00 ‖ userHash ‖ u64be(balance_a) for each asset a in order); balances in range */
export function leafHash(userHashBytes: Buffer, balances: readonly bigint[]): Buffer {
  const bytes = 1 + HASH_BYTES + balances.length * LEAF_BALANCE_BYTES;
  checkHashBytes(userHashBytes);
  const input = scratchOf(bytes);
  input[0] = LEAF_PREFIX;
  userHashBytes.copy(input, 1, 0, HASH_BYTES);
  let offset = 1 + HASH_BYTES;
  for (const balance of balances) {
    writeU64(input, balance, offset);
    offset += LEAF_BALANCE_BYTES;
  }
  return sha256(input.subarray(0, bytes));
}

/** node = SHA-256(0x01 ‖ leftHash ‖ u128be(leftSums) ‖ rightHash ‖ u128be(rightSums)); sums in range */
export function nodeHash(leftHash: Buffer, leftSums: readonly bigint[], rightHash: Buffer, rightSums: readonly bigint[]): Buffer {
  const childBytes = HASH_BYTES + leftSums.length * NODE_SUM_BYTES;
  const bytes = 1 + 2 * childBytes;
  checkHashBytes(leftHash);
  checkHashBytes(rightHash);
  const input = scratchOf(bytes);
  input[0] = NODE_PREFIX;
  writeChild(input, 1, leftHash, leftSums);
  writeChild(input, 1 + childBytes, rightHash, rightSums);
  return sha256(input.subarray(0, bytes));
}

function writeChild(input: Buffer, start: number, hash: Buffer, sums: readonly bigint[]): void {
  hash.copy(input, start, 0, HASH_BYTES);
  let offset = start + HASH_BYTES;
  for (const sum of sums) {
    writeU128(input, sum, offset);
    offset += NODE_SUM_BYTES;
  }
}

/** The padding leaf: the leaf formula with a userHash of 32 zero bytes and every balance 0. */
export function zeroLeafHash(assetCount: number): Buffer {
  return leafHash(Buffer.alloc(HASH_BYTES), new Array<bigint>(assetCount).fill(0n));
}
