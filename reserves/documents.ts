/**
 * The published documents (docs/proof-of-reserves.md §8). Field names follow the GraphQL
 * contract types ReserveAudit / ReserveProof / ReserveProofStep; the extra fields are what a
 * verifier without the log needs (method, asset list with scales, leaf index, tree depth, salt).
 * Amounts are canonical decimal strings in asset units (DESIGN §4), hashes lowercase hex.
 */
import type { ReserveAsset } from './assets.js';

export interface AssetAmount {
  readonly asset: string;
  readonly amount: string;
}

export interface ReserveProofStep {
  readonly siblingHash: string;
  readonly siblingSums: readonly AssetAmount[];
  /** the path bit of this level: true when the proven node is the right child */
  readonly siblingOnLeft: boolean;
}

/** root.json: public. */
export interface RootDoc {
  readonly method: string;
  readonly auditId: string;
  readonly logPosition: string;
  /** state hash of the log fold the equities came from (hex SHA-256) */
  readonly stateHash: string;
  readonly assets: readonly ReserveAsset[];
  readonly rootHash: string;
  /** per-asset sums of the root node = total liabilities in the tree */
  readonly totals: readonly AssetAmount[];
  /** included users; padding leaves are not counted */
  readonly userCount: number;
  /** 2^treeDepth: included users plus zero padding leaves */
  readonly leafCount: number;
  readonly treeDepth: number;
  /** users left out of the tree because all their non-zero equities are negative */
  readonly excludedUserCount: number;
  /** per-asset Σ of negative equities kept out of the tree (≤ 0; "0" when none) */
  readonly excludedNegative: readonly AssetAmount[];
}

/** proofs/<hh>/<userHash>.json (hh: the hash's first two hex digits): private to its user (it carries the user's salt). */
export interface ProofDoc {
  readonly method: string;
  readonly auditId: string;
  readonly logPosition: string;
  readonly assets: readonly ReserveAsset[];
  readonly rootHash: string;
  /** hex of salt_user; with their own userId the user checks userHash = SHA-256(salt ‖ userId) */
  readonly userSalt: string;
  readonly userHash: string;
  readonly leafHash: string;
  /** position of the leaf in the padded tree; its bits, low bit first, are the path bits */
  readonly leafIndex: number;
  readonly balances: readonly AssetAmount[];
  /** leaf level first, root's children last */
  readonly path: readonly ReserveProofStep[];
}

/** A negative equity kept out of the tree (never netted against anything). */
export interface ExcludedDeficit {
  readonly userId: string;
  readonly asset: string;
  /** negative canonical decimal */
  readonly amount: string;
}
