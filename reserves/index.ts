/** The proof-of-reserves tree: build an audit, verify a proof, write the files. */
export { buildReserveAudit, buildReserveTree, stampStateHash, type ReserveAudit, type ReserveAuditInput, type ReserveTree, type ReserveTreeInput } from './audit.js';
export { verifyProof, type VerifyOptions, type VerifyRejection, type VerifyResult } from './verify.js';
export { proofFile, writeReserveAudit, writeReserveTree, type AuditEnd, type WrittenAudit } from './write.js';
export { ReserveInputError, type ReserveInputReason } from './errors.js';
export type { AssetAmount, ExcludedDeficit, ProofDoc, ReserveProofStep, RootDoc } from './documents.js';
export type { ReserveAsset } from './assets.js';
export { METHOD_VERSION } from './method.js';
