/**
 * A proof file's text, exactly JSON.stringify(proof), built from parts shared between proofs:
 * each step of a path is a node's sibling shared by every proof beneath it (100,000 proofs
 * reuse ~2^17 steps), and the audit header is the same in every proof. Only parts that cannot
 * change are reused: frozen steps (the builder freezes them) and header fields compared by
 * value (the asset list by identity, and only when frozen).
 */
import type { ReserveAsset } from './assets.js';
import type { ProofDoc, ReserveProofStep } from './documents.js';

/** the key order of the builder's proofs; any other order is rendered by JSON.stringify itself */
const PROOF_KEYS = ['method', 'auditId', 'logPosition', 'assets', 'rootHash', 'userSalt', 'userHash', 'leafHash', 'leafIndex', 'balances', 'path'] as const;

interface Header {
  method: string;
  auditId: string;
  logPosition: string;
  assets: readonly ReserveAsset[];
  rootHash: string;
  /** `{"method":…,…,"rootHash":…,` */
  text: string;
}

export class ProofRenderer {
  private readonly steps = new Map<ReserveProofStep, string>();
  private header: Header | undefined;

  render(proof: ProofDoc): string {
    if (!hasBuilderShape(proof)) return JSON.stringify(proof);
    let text = this.headerOf(proof);
    text += `"userSalt":${JSON.stringify(proof.userSalt)},"userHash":${JSON.stringify(proof.userHash)},"leafHash":${JSON.stringify(proof.leafHash)}`;
    text += `,"leafIndex":${JSON.stringify(proof.leafIndex)},"balances":${JSON.stringify(proof.balances)},"path":[`;
    const path = proof.path;
    for (let i = 0; i < path.length; i += 1) {
      if (i > 0) text += ',';
      text += this.stepText(path[i]!);
    }
    return `${text}]}`;
  }

  private headerOf(proof: ProofDoc): string {
    const h = this.header;
    if (h !== undefined && h.method === proof.method && h.auditId === proof.auditId && h.logPosition === proof.logPosition && h.assets === proof.assets && h.rootHash === proof.rootHash) return h.text;
    const text = `{"method":${JSON.stringify(proof.method)},"auditId":${JSON.stringify(proof.auditId)},"logPosition":${JSON.stringify(proof.logPosition)},"assets":${JSON.stringify(proof.assets)},"rootHash":${JSON.stringify(proof.rootHash)},`;
    if (isDeepFrozen(proof.assets)) this.header = { method: proof.method, auditId: proof.auditId, logPosition: proof.logPosition, assets: proof.assets, rootHash: proof.rootHash, text };
    return text;
  }

  private stepText(step: ReserveProofStep): string {
    const cached = this.steps.get(step);
    if (cached !== undefined) return cached;
    const text = JSON.stringify(step);
    if (isDeepFrozen(step)) this.steps.set(step, text);
    return text;
  }
}

/** own keys exactly PROOF_KEYS in that order, plain strings where the fast path splices them in */
function hasBuilderShape(proof: ProofDoc): boolean {
  const keys = Object.keys(proof);
  if (keys.length !== PROOF_KEYS.length) return false;
  for (let i = 0; i < keys.length; i += 1) if (keys[i] !== PROOF_KEYS[i]) return false;
  // toJSON or getters would make JSON.stringify write something else than the fields
  if (Object.getPrototypeOf(proof) !== Object.prototype) return false;
  // a field JSON.stringify would leave out (undefined) or spell differently must not be spliced in
  if (typeof proof.userSalt !== 'string' || typeof proof.userHash !== 'string' || typeof proof.leafHash !== 'string') return false;
  if (typeof proof.leafIndex !== 'number' || !Array.isArray(proof.balances)) return false;
  for (const key of ['method', 'auditId', 'logPosition', 'rootHash'] as const) if (typeof proof[key] !== 'string') return false;
  if (!Array.isArray(proof.assets)) return false;
  const path: unknown = proof.path;
  if (!Array.isArray(path) || Object.getPrototypeOf(path) !== Array.prototype) return false;
  for (let i = 0; i < path.length; i += 1) if (typeof path[i] !== 'object' || path[i] === null) return false;
  return true;
}

/** frozen all the way down (a frozen object's text can never change) */
function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (!Object.isFrozen(value)) return false;
  for (const key of Object.keys(value)) if (!isDeepFrozen((value as Record<string, unknown>)[key])) return false;
  return true;
}
