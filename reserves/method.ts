/**
 * The pinned-down constants of the proof-of-reserves tree method (docs/proof-of-reserves.md).
 * Changing any of them changes every hash: bump METHOD_VERSION and the test vectors together.
 */

export const METHOD_VERSION = 'oec-por-merkle-sum-v1';

export const HASH_BYTES = 32;
/** leaf balance field per asset: u64 big-endian */
export const LEAF_BALANCE_BYTES = 8;
/** node sum field per asset: u128 big-endian */
export const NODE_SUM_BYTES = 16;

export const LEAF_PREFIX = 0x00;
export const NODE_PREFIX = 0x01;

/** exclusive upper bound of a leaf balance in minor units */
export const LEAF_LIMIT = 1n << 64n;
/** exclusive upper bound of any node sum in minor units */
export const SUM_LIMIT = 1n << 128n;

/** HMAC message tags; a NUL byte separates the tag from the fields that follow it. */
export const SALT_TAG = 'oec-por-v1/user-salt';
export const SHUFFLE_TAG = 'oec-por-v1/shuffle';

// Limits (TigerBeetle: put a limit on everything). Depth 32 covers every count the u32 shuffle
// generator can index, so a longer path in a proof is malformed by definition.
export const MAX_TREE_DEPTH = 32;
export const MAX_USERS = 2 ** 32;
export const MAX_ASSETS = 64;
export const MAX_ASSET_SCALE = 18;
export const MAX_USER_ID_BYTES = 256;
export const MIN_AUDIT_SECRET_BYTES = 32;
/** auditId is restricted so it can never contain the NUL separator and is safe in file names */
export const AUDIT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** asset codes are ASCII so code-point order and byte order agree */
export const ASSET_CODE_PATTERN = /^[A-Z0-9_]{1,32}$/;
export const HEX_HASH_PATTERN = /^[0-9a-f]{64}$/;
/** a log position is a decimal integer string (eventstore/port.ts) */
export const LOG_POSITION_PATTERN = /^(0|[1-9][0-9]{0,38})$/;
