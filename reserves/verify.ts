/**
 * verifyProof: checks one user's inclusion proof against a root document with nothing else — no
 * log, no secret. Every reason is a value; the first failing check in the precedence order of
 * docs/proof-of-reserves.md §9 is reported.
 */
import { formatMinorUnits, parseCanonicalAmount } from './amounts.js';
import { checkDocumentAssets, sameAssets, type ReserveAsset } from './assets.js';
import type { AssetAmount } from './documents.js';
import { leafHash, nodeHash, userHash } from './hashing.js';
import { AUDIT_ID_PATTERN, HEX_HASH_PATTERN, LEAF_LIMIT, LOG_POSITION_PATTERN, MAX_TREE_DEPTH, METHOD_VERSION, SUM_LIMIT } from './method.js';

export type VerifyRejection =
  | 'MALFORMED_ROOT'
  | 'MALFORMED_PROOF'
  | 'METHOD_UNSUPPORTED'
  | 'AUDIT_MISMATCH'
  | 'ASSETS_MISMATCH'
  | 'LOG_POSITION_MISMATCH'
  | 'STATED_ROOT_MISMATCH'
  | 'USER_HASH_MISMATCH'
  | 'MALFORMED_AMOUNT'
  | 'BALANCE_OUT_OF_RANGE'
  | 'SUM_OUT_OF_RANGE'
  | 'LEAF_HASH_MISMATCH'
  | 'PATH_LENGTH_MISMATCH'
  | 'LEAF_INDEX_OUT_OF_RANGE'
  | 'PATH_BITS_MISMATCH'
  | 'ROOT_HASH_MISMATCH'
  | 'ROOT_TOTALS_MISMATCH';

export type VerifyResult =
  | { ok: true; auditId: string; rootHash: string; userHash: string; balances: AssetAmount[] }
  | { ok: false; reason: VerifyRejection; message: string };

export interface VerifyOptions {
  /** the user's own id: when given, userHash must equal SHA-256(userSalt ‖ utf8(userId)) */
  readonly userId?: string;
}

class Rejected extends Error {
  constructor(
    readonly reason: VerifyRejection,
    message: string,
  ) {
    super(message);
  }
}

function reject(reason: VerifyRejection, message: string): never {
  throw new Rejected(reason, message);
}

type Doc = Record<string, unknown>;

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

function isHash(value: unknown): value is string {
  return typeof value === 'string' && HEX_HASH_PATTERN.test(value);
}

interface RootView {
  method: string;
  auditId: string;
  logPosition: string;
  assets: ReserveAsset[];
  rootHash: string;
  totals: unknown;
  userCount: number;
  leafCount: number;
  treeDepth: number;
}

function readRoot(root: unknown): RootView {
  const bad = (why: string): never => reject('MALFORMED_ROOT', `root: ${why}`);
  if (!isObject(root)) return bad('not an object');
  const { method, auditId, logPosition, assets, rootHash, totals, userCount, leafCount, treeDepth } = root;
  if (typeof method !== 'string') bad('method missing');
  if (typeof auditId !== 'string' || !AUDIT_ID_PATTERN.test(auditId)) bad('auditId malformed');
  if (typeof logPosition !== 'string' || !LOG_POSITION_PATTERN.test(logPosition)) bad('logPosition malformed');
  if (!isHash(rootHash)) bad('rootHash must be 64 lowercase hex digits');
  if (!Array.isArray(totals)) bad('totals must be a list');
  if (!isCount(treeDepth, MAX_TREE_DEPTH)) bad(`treeDepth must be an integer in 0..${MAX_TREE_DEPTH}`);
  if (leafCount !== 2 ** (treeDepth as number)) bad('leafCount must be 2^treeDepth');
  if (!isCount(userCount, leafCount as number)) bad('userCount must be an integer in 0..leafCount');
  const checked = checkDocumentAssets(assets);
  if (!checked.ok) return bad(checked.message);
  return {
    method: method as string,
    auditId: auditId as string,
    logPosition: logPosition as string,
    assets: checked.assets,
    rootHash: rootHash as string,
    totals,
    userCount: userCount as number,
    leafCount: leafCount as number,
    treeDepth: treeDepth as number,
  };
}

interface StepView {
  siblingHash: string;
  siblingSums: unknown;
  siblingOnLeft: boolean;
}

interface ProofView {
  method: string;
  auditId: string;
  logPosition: string;
  assets: unknown;
  rootHash: string;
  userSalt: string;
  userHash: string;
  leafHash: string;
  leafIndex: number;
  balances: unknown;
  path: StepView[];
}

function readProof(proof: unknown): ProofView {
  const bad = (why: string): never => reject('MALFORMED_PROOF', `proof: ${why}`);
  if (!isObject(proof)) return bad('not an object');
  const { method, auditId, logPosition, assets, rootHash, userSalt, userHash, leafHash: leaf, leafIndex, balances, path } = proof;
  if (typeof method !== 'string') bad('method missing');
  if (typeof auditId !== 'string') bad('auditId missing');
  if (typeof logPosition !== 'string') bad('logPosition missing');
  if (!isHash(rootHash)) bad('rootHash must be 64 lowercase hex digits');
  if (!isHash(userSalt)) bad('userSalt must be 64 lowercase hex digits');
  if (!isHash(userHash)) bad('userHash must be 64 lowercase hex digits');
  if (!isHash(leaf)) bad('leafHash must be 64 lowercase hex digits');
  if (!isCount(leafIndex, 2 ** MAX_TREE_DEPTH - 1)) bad('leafIndex must be a non-negative integer');
  if (!Array.isArray(balances)) bad('balances must be a list');
  if (!Array.isArray(path) || path.length > MAX_TREE_DEPTH) bad(`path must be a list of at most ${MAX_TREE_DEPTH} steps`);
  const steps = (path as unknown[]).map((step, level): StepView => {
    if (!isObject(step)) return bad(`path[${level}] is not an object`);
    if (!isHash(step.siblingHash)) bad(`path[${level}].siblingHash must be 64 lowercase hex digits`);
    if (typeof step.siblingOnLeft !== 'boolean') bad(`path[${level}].siblingOnLeft must be a boolean`);
    if (!Array.isArray(step.siblingSums)) bad(`path[${level}].siblingSums must be a list`);
    return { siblingHash: step.siblingHash as string, siblingSums: step.siblingSums, siblingOnLeft: step.siblingOnLeft as boolean };
  });
  return {
    method: method as string,
    auditId: auditId as string,
    logPosition: logPosition as string,
    assets,
    rootHash: rootHash as string,
    userSalt: userSalt as string,
    userHash: userHash as string,
    leafHash: leaf as string,
    leafIndex: leafIndex as number,
    balances,
    path: steps,
  };
}

/** A list of {asset, amount} in exactly the audit's asset order, as (signed) minor units. */
function readAmounts(list: unknown, assets: readonly ReserveAsset[], where: string): bigint[] {
  if (!Array.isArray(list) || list.length !== assets.length) reject('MALFORMED_AMOUNT', `${where}: one amount per asset expected`);
  return assets.map((asset, a) => {
    const entry: unknown = (list as unknown[])[a];
    if (!isObject(entry) || entry.asset !== asset.code) reject('MALFORMED_AMOUNT', `${where}[${a}]: asset ${asset.code} expected`);
    const parsed = parseCanonicalAmount((entry as Doc).amount, asset.scale);
    if (!parsed.ok) reject('MALFORMED_AMOUNT', `${where}[${a}]: not a canonical amount with at most ${asset.scale} decimals`);
    return (parsed as { minorUnits: bigint }).minorUnits;
  });
}

/** 0 ≤ v < limit for each value: 2^64 for a leaf's balances, 2^128 for a node's sums. */
function checkRange(values: readonly bigint[], assets: readonly ReserveAsset[], where: string, leaf: boolean): void {
  const limit = leaf ? LEAF_LIMIT : SUM_LIMIT;
  const reason: VerifyRejection = leaf ? 'BALANCE_OUT_OF_RANGE' : 'SUM_OUT_OF_RANGE';
  values.forEach((value, a) => {
    if (value < 0n) reject(reason, `${where}: ${assets[a]!.code} is negative`);
    if (value >= limit) reject(reason, `${where}: ${assets[a]!.code} is not below 2^${leaf ? 64 : 128} minor units`);
  });
}

function checkProof(proofInput: unknown, rootInput: unknown, options: VerifyOptions): VerifyResult {
  const root = readRoot(rootInput);
  const proof = readProof(proofInput);

  if (root.method !== METHOD_VERSION || proof.method !== METHOD_VERSION) {
    reject('METHOD_UNSUPPORTED', `this verifier implements ${METHOD_VERSION}; root says ${root.method}, proof says ${proof.method}`);
  }
  if (proof.auditId !== root.auditId) reject('AUDIT_MISMATCH', `proof is from audit ${proof.auditId}, root is audit ${root.auditId}`);
  const proofAssets = checkDocumentAssets(proof.assets);
  if (!proofAssets.ok || !sameAssets(proofAssets.assets, root.assets)) reject('ASSETS_MISMATCH', 'proof and root list different assets or scales');
  if (proof.logPosition !== root.logPosition) reject('LOG_POSITION_MISMATCH', `proof is at ${proof.logPosition}, root at ${root.logPosition}`);
  if (proof.rootHash !== root.rootHash) reject('STATED_ROOT_MISMATCH', 'the proof names a different root hash');
  if (options.userId !== undefined) {
    const expected = userHash(Buffer.from(proof.userSalt, 'hex'), options.userId).toString('hex');
    if (expected !== proof.userHash) reject('USER_HASH_MISMATCH', 'userHash is not SHA-256(userSalt ‖ userId) for this userId');
  }

  const assets = root.assets;
  const balances = readAmounts(proof.balances, assets, 'balances');
  const stepSums = proof.path.map((step, level) => readAmounts(step.siblingSums, assets, `path[${level}].siblingSums`));
  const totals = readAmounts(root.totals, assets, 'root.totals');
  checkRange(balances, assets, 'balances', true);
  // The level-0 sibling is a leaf: its sums are balances and must pass the leaf range too.
  if (stepSums.length > 0) checkRange(stepSums[0]!, assets, 'path[0].siblingSums', true);
  stepSums.forEach((sums, level) => checkRange(sums, assets, `path[${level}].siblingSums`, false));
  checkRange(totals, assets, 'root.totals', false);

  let hash = leafHash(Buffer.from(proof.userHash, 'hex'), balances);
  if (hash.toString('hex') !== proof.leafHash) reject('LEAF_HASH_MISMATCH', 'leafHash does not match the userHash and balances');
  if (proof.path.length !== root.treeDepth) reject('PATH_LENGTH_MISMATCH', `path has ${proof.path.length} steps, the tree has depth ${root.treeDepth}`);
  // Included users fill the first userCount leaves; a proof pointing into the padding is forged.
  if (proof.leafIndex >= root.userCount) reject('LEAF_INDEX_OUT_OF_RANGE', `leafIndex ${proof.leafIndex} is not below userCount ${root.userCount}`);

  let sums: bigint[] = balances;
  proof.path.forEach((step, level) => {
    const bitSaysLeft = Math.floor(proof.leafIndex / 2 ** level) % 2 === 1;
    if (step.siblingOnLeft !== bitSaysLeft) reject('PATH_BITS_MISMATCH', `path[${level}].siblingOnLeft disagrees with bit ${level} of leafIndex`);
    const siblingHash = Buffer.from(step.siblingHash, 'hex');
    const siblingSums = stepSums[level]!;
    hash = step.siblingOnLeft ? nodeHash(siblingHash, siblingSums, hash, sums) : nodeHash(hash, sums, siblingHash, siblingSums);
    sums = sums.map((own, a) => {
      const total = own + siblingSums[a]!;
      if (total >= SUM_LIMIT) reject('SUM_OUT_OF_RANGE', `level ${level + 1}: ${assets[a]!.code} sum reaches 2^128`);
      return total;
    });
  });

  if (hash.toString('hex') !== root.rootHash) reject('ROOT_HASH_MISMATCH', 'the recomputed root hash differs from root.json');
  if (sums.some((sum, a) => sum !== totals[a])) reject('ROOT_TOTALS_MISMATCH', 'the recomputed root sums differ from root.json totals');

  return {
    ok: true,
    auditId: root.auditId,
    rootHash: root.rootHash,
    userHash: proof.userHash,
    balances: assets.map((asset, a) => ({ asset: asset.code, amount: formatMinorUnits(balances[a]!, asset.scale) })),
  };
}

/** `proof` and `root` are parsed JSON of unknown shape; nothing is trusted before it is checked. */
export function verifyProof(proof: unknown, root: unknown, options: VerifyOptions = {}): VerifyResult {
  try {
    return checkProof(proof, root, options);
  } catch (error) {
    if (error instanceof Rejected) return { ok: false, reason: error.reason, message: error.message };
    throw error;
  }
}
