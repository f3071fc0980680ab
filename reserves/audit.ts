/**
 * buildReserveAudit: per-user, per-asset equities → Merkle-sum tree, root document, one inclusion
 * proof per included user, and the negative equities kept out of the tree.
 */
import { formatMinorUnits, parseInputAmount } from './amounts.js';
import { normaliseAssets, type ReserveAsset } from './assets.js';
import type { AssetAmount, ExcludedDeficit, ProofDoc, ReserveProofStep, RootDoc } from './documents.js';
import { ReserveInputError } from './errors.js';
import { UserHasher, leafHash, shuffleSeed, zeroLeafHash } from './hashing.js';
import {
  AUDIT_ID_PATTERN,
  HEX_HASH_PATTERN,
  LEAF_LIMIT,
  LOG_POSITION_PATTERN,
  MAX_USERS,
  MAX_USER_ID_BYTES,
  METHOD_VERSION,
  MIN_AUDIT_SECRET_BYTES,
} from './method.js';
import { CounterDrbg, fisherYates } from './shuffle.js';
import { buildMerkleSumTree, depthFor, type MerkleSumTree, type TreeLevel } from './tree.js';

export interface ReserveAuditInput {
  readonly auditId: string;
  /** per-audit secret (≥ 32 bytes); derives every salt and the shuffle seed; never published */
  readonly auditSecret: Buffer;
  readonly assets: readonly ReserveAsset[];
  readonly logPosition: string;
  readonly stateHash: string;
  /** userId → asset code → equity as a decimal string (may be negative); a missing asset is 0 */
  readonly equities: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export interface ReserveAudit {
  readonly root: RootDoc;
  /** keyed by userId; only included users have a proof */
  readonly proofs: ReadonlyMap<string, ProofDoc>;
  /** sorted by userId, then asset order */
  readonly excluded: readonly ExcludedDeficit[];
  /** per asset, Σ of `excluded` (≤ 0), every asset listed */
  readonly excludedTotals: readonly AssetAmount[];
}

interface IncludedUser {
  readonly userId: string;
  readonly salt: Buffer;
  readonly hash: Buffer;
  /** lowercase hex sorts exactly as the bytes do, and is cheaper to compare than Buffers */
  readonly hashHex: string;
  readonly balances: bigint[];
}

/** the tree's input: everything but the state hash, which only the root carries */
export type ReserveTreeInput = Omit<ReserveAuditInput, 'stateHash'>;

/**
 * An audit before its root carries the fold's state hash: the proofs, which do not depend on it,
 * can be published while the hash is still being computed (stampStateHash completes it).
 */
export interface ReserveTree extends Omit<ReserveAudit, 'root'> {
  readonly unstampedRoot: Omit<RootDoc, 'stateHash'>;
}

function checkStateHash(stateHash: unknown): asserts stateHash is string {
  if (typeof stateHash !== 'string' || !HEX_HASH_PATTERN.test(stateHash)) {
    throw new ReserveInputError('BAD_STATE_HASH', 'stateHash must be 64 lowercase hex digits');
  }
}

function checkHeader(input: ReserveTreeInput & { stateHash?: unknown }, withStateHash: boolean): ReserveAsset[] {
  if (typeof input.auditId !== 'string' || !AUDIT_ID_PATTERN.test(input.auditId)) {
    throw new ReserveInputError('BAD_AUDIT_ID', `auditId must match ${AUDIT_ID_PATTERN}`);
  }
  if (!Buffer.isBuffer(input.auditSecret) || input.auditSecret.length < MIN_AUDIT_SECRET_BYTES) {
    throw new ReserveInputError('BAD_AUDIT_SECRET', `auditSecret must be a Buffer of at least ${MIN_AUDIT_SECRET_BYTES} bytes`);
  }
  if (typeof input.logPosition !== 'string' || !LOG_POSITION_PATTERN.test(input.logPosition)) {
    throw new ReserveInputError('BAD_LOG_POSITION', 'logPosition must be a decimal integer string');
  }
  if (withStateHash) checkStateHash(input.stateHash);
  const assets = normaliseAssets(input.assets);
  if (!assets.ok) throw new ReserveInputError('BAD_ASSETS', assets.message);
  // Shared by the root and every proof, so it must not be mutable through any one of them.
  return Object.freeze(assets.assets.map((asset) => Object.freeze(asset))) as ReserveAsset[];
}

/** One user's equities in asset order, in minor units; throws on anything not exact or out of range. */
function userAmounts(userId: string, equity: ReadonlyMap<string, string>, assets: readonly ReserveAsset[], assetIndex: ReadonlyMap<string, number>): bigint[] {
  const amounts = new Array<bigint>(assets.length).fill(0n);
  for (const [code, text] of equity) {
    const index = assetIndex.get(code);
    if (index === undefined) throw new ReserveInputError('UNKNOWN_ASSET', `user ${userId}: asset ${code} is not in the audit's asset list`);
    const scale = assets[index]!.scale;
    const parsed = parseInputAmount(text, scale);
    if (!parsed.ok) {
      const why = parsed.problem === 'scale' ? `more than ${scale} decimals` : 'not a plain decimal';
      throw new ReserveInputError('BAD_AMOUNT', `user ${userId}, ${code}: ${JSON.stringify(text)} is ${why}`);
    }
    // Above the leaf range the tree cannot hold the liability; dropping or capping it would
    // understate liabilities, so the audit refuses to run instead.
    if (parsed.minorUnits >= LEAF_LIMIT) {
      throw new ReserveInputError('BALANCE_OUT_OF_RANGE', `user ${userId}, ${code}: ${text} is not below 2^64 minor units`);
    }
    amounts[index] = parsed.minorUnits;
  }
  return amounts;
}

function checkUserId(userId: unknown): asserts userId is string {
  if (typeof userId !== 'string' || userId.length === 0 || Buffer.byteLength(userId, 'utf8') > MAX_USER_ID_BYTES) {
    throw new ReserveInputError('BAD_USER_ID', `userId must be a non-empty string of at most ${MAX_USER_ID_BYTES} UTF-8 bytes`);
  }
}

function amountsOf(sums: readonly bigint[], assets: readonly ReserveAsset[]): AssetAmount[] {
  return assets.map((asset, a) => Object.freeze({ asset: asset.code, amount: formatMinorUnits(sums[a]!, asset.scale) }));
}

export function buildReserveAudit(input: ReserveAuditInput): ReserveAudit {
  // every check in the documented order (the state hash before the assets), then the tree
  checkHeader(input, true);
  return stampStateHash(buildReserveTree(input), input.stateHash);
}

/** The root completed with the fold's state hash: the audit as buildReserveAudit gives it. */
export function stampStateHash(tree: ReserveTree, stateHash: string): ReserveAudit {
  checkStateHash(stateHash);
  const r = tree.unstampedRoot;
  const root: RootDoc = {
    method: r.method,
    auditId: r.auditId,
    logPosition: r.logPosition,
    stateHash,
    assets: r.assets,
    rootHash: r.rootHash,
    totals: r.totals,
    userCount: r.userCount,
    leafCount: r.leafCount,
    treeDepth: r.treeDepth,
    excludedUserCount: r.excludedUserCount,
    excludedNegative: r.excludedNegative,
  };
  return { root, proofs: tree.proofs, excluded: tree.excluded, excludedTotals: tree.excludedTotals };
}

export function buildReserveTree(input: ReserveTreeInput): ReserveTree {
  const assets = checkHeader(input, false);
  const assetIndex = new Map(assets.map((asset, i) => [asset.code, i] as const));

  const included: IncludedUser[] = [];
  const excluded: ExcludedDeficit[] = [];
  const deficitTotals = new Array<bigint>(assets.length).fill(0n);
  const excludedUsers = new Set<string>();
  const hasher = new UserHasher(input.auditSecret, input.auditId);
  const userIds = [...input.equities.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const userId of userIds) {
    checkUserId(userId);
    const amounts = userAmounts(userId, input.equities.get(userId)!, assets, assetIndex);
    let hasPositive = false;
    let hasNegative = false;
    for (let a = 0; a < assets.length; a += 1) {
      const amount = amounts[a]!;
      if (amount > 0n) hasPositive = true;
      if (amount < 0n) {
        // A deficit is a receivable of the platform, not a negative liability: it is listed on
        // its own and the leaf carries 0 for it, so it can never offset another user's balance.
        hasNegative = true;
        excluded.push({ userId, asset: assets[a]!.code, amount: formatMinorUnits(amount, assets[a]!.scale) });
        deficitTotals[a] = deficitTotals[a]! + amount;
        amounts[a] = 0n;
      }
    }
    if (hasNegative && !hasPositive) {
      excludedUsers.add(userId);
      continue;
    }
    const { salt, hash } = hasher.of(userId);
    included.push({ userId, salt, hash, hashHex: hash.toString('hex'), balances: amounts });
  }
  if (included.length > MAX_USERS) throw new ReserveInputError('TOO_MANY_USERS', `at most ${MAX_USERS} users per audit`);

  // Canonical order first (by userHash) so the shuffle does not depend on the caller's map order.
  included.sort((a, b) => (a.hashHex < b.hashHex ? -1 : a.hashHex > b.hashHex ? 1 : 0));
  fisherYates(included, new CounterDrbg(shuffleSeed(input.auditSecret, input.auditId)));

  const depth = depthFor(included.length);
  const leafCount = 2 ** depth;
  const leaves: TreeLevel = { hashes: new Array<Buffer>(leafCount), sums: new Array<bigint[]>(leafCount) };
  const zeroHash = zeroLeafHash(assets.length);
  const zeroSums = new Array<bigint>(assets.length).fill(0n);
  for (let i = 0; i < leafCount; i += 1) {
    const user = included[i];
    leaves.hashes[i] = user === undefined ? zeroHash : leafHash(user.hash, user.balances);
    leaves.sums[i] = user === undefined ? zeroSums : user.balances;
  }
  const tree = buildMerkleSumTree(leaves);
  const top = tree.levels[tree.depth]!;
  const rootHash = top.hashes[0]!.toString('hex');

  const unstampedRoot: Omit<RootDoc, 'stateHash'> = {
    method: METHOD_VERSION,
    auditId: input.auditId,
    logPosition: input.logPosition,
    assets,
    rootHash,
    totals: amountsOf(top.sums[0]!, assets),
    userCount: included.length,
    leafCount,
    treeDepth: tree.depth,
    excludedUserCount: excludedUsers.size,
    excludedNegative: amountsOf(deficitTotals, assets),
  };

  const steps = new StepCache(tree, assets);
  const proofs = new Map<string, ProofDoc>();
  included.forEach((user, leafIndex) => {
    const path: ReserveProofStep[] = [];
    let index = leafIndex;
    for (let level = 0; level < tree.depth; level += 1) {
      path.push(steps.stepFor(level, index));
      index >>= 1;
    }
    proofs.set(user.userId, {
      method: METHOD_VERSION,
      auditId: input.auditId,
      logPosition: input.logPosition,
      assets,
      rootHash,
      userSalt: user.salt.toString('hex'),
      userHash: user.hashHex,
      leafHash: leaves.hashes[leafIndex]!.toString('hex'),
      leafIndex,
      balances: amountsOf(user.balances, assets),
      path,
    });
  });

  return { unstampedRoot, proofs, excluded, excludedTotals: amountsOf(deficitTotals, assets) };
}

/**
 * Each node is a sibling in the proofs of every leaf under its sibling, so its step is formatted
 * once and shared (read-only) by all of them: 100,000 proofs reuse ~2^18 steps.
 */
class StepCache {
  private readonly cache: Array<Array<ReserveProofStep | undefined>>;

  constructor(
    private readonly tree: MerkleSumTree,
    private readonly assets: readonly ReserveAsset[],
  ) {
    this.cache = tree.levels.map((level) => new Array<ReserveProofStep | undefined>(level.hashes.length));
  }

  /** The step for the node at (level, index): its sibling and on which side the sibling sits. */
  stepFor(level: number, index: number): ReserveProofStep {
    const siblingOnLeft = (index & 1) === 1;
    const cached = this.cache[level]![index];
    if (cached !== undefined) return cached;
    const sibling = index ^ 1;
    const nodes = this.tree.levels[level]!;
    const step: ReserveProofStep = Object.freeze({
      siblingHash: nodes.hashes[sibling]!.toString('hex'),
      siblingSums: Object.freeze(amountsOf(nodes.sums[sibling]!, this.assets)),
      siblingOnLeft,
    });
    this.cache[level]![index] = step;
    return step;
  }
}
