/**
 * One proof-of-reserves audit: fold the log to a quiescent position (the replay fold, reused),
 * value every user's equity, build the Merkle-sum tree and proofs, reconcile with the ledger;
 * then, separately, write the published files and keep the audit secret private.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventStore, Position } from '../../eventstore/port.js';
import { ASSET_SCALE } from '../../domain/instrument/validate.js';
import { buildReserveTree, stampStateHash, type ReserveAudit, type ReserveTree } from '../../reserves/audit.js';
import { writeReserveAudit, writeReserveTree, type WrittenAudit } from '../../reserves/write.js';
import { AUDIT_ID_PATTERN } from '../../reserves/method.js';
import { foldLog, type FoldResult } from '../replay/fold.js';
import type { Attestation } from './attested.js';
import { computeEquities, type Equities } from './equity.js';
import { reconcile, type ReconciliationReport } from './reconcile.js';

export interface PorOptions {
  /** fold to the latest quiescent position at or before this one; 'latest' = the end of the log */
  at: Position | 'latest';
  auditId?: string;
  /** generated per audit (32 random bytes) unless given (tests pin it for reproducible files) */
  auditSecret?: Buffer;
  attestation?: Attestation;
  clock?: () => Date;
  onProgress?: (progress: { events: number; position: Position }) => void;
  /** false: fold in this thread only (FoldOptions.parallel; the result is the same) */
  parallelFold?: boolean;
}

export interface PorResult {
  fold: FoldResult;
  equities: Equities;
  audit: ReserveAudit;
  report: ReconciliationReport;
  auditSecret: Buffer;
  /** stateHash: reading the fold's state hash (computed then when the fold deferred it) */
  timingsMs: { fold: number; equity: number; tree: number; stateHash: number; reconcile: number };
}

/** The default audit asset when the log names none yet (an empty exchange still publishes a root). */
const DEFAULT_ASSET = 'USDT';

export function newAuditId(position: Position, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `por-${stamp}-p${position}-${randomBytes(4).toString('hex')}`;
}

/**
 * 'latest': one pass; only when the log ends mid-work (a live system) a second pass folds up to
 * the latest quiescent position, because the fold's models are those of its last event.
 */
async function foldAt(store: EventStore, at: Position | 'latest', options: PorOptions, deferStateHash: boolean): Promise<FoldResult> {
  const fold = { parallel: options.parallelFold ?? true, deferStateHash, ...(options.onProgress ? { onProgress: options.onProgress } : {}) };
  if (at !== 'latest') return foldLog(store, { to: at, ...fold });
  const whole = await foldLog(store, { allowPendingAtEnd: true, ...fold });
  if (whole.quiescentAtEnd) return whole;
  return foldLog(store, { to: whole.quiescentPosition, ...fold });
}

/** An audit up to its tree: everything but what needs the fold's state hash. */
interface Prepared {
  options: PorOptions;
  fold: FoldResult;
  equities: Equities;
  tree: ReserveTree;
  auditSecret: Buffer;
  timingsMs: { fold: number; equity: number; tree: number };
}

function stopwatch(): () => number {
  let mark = performance.now();
  return () => {
    const now = performance.now();
    const ms = Math.round(now - mark);
    mark = now;
    return ms;
  };
}

async function prepare(store: EventStore, options: PorOptions, deferStateHash: boolean): Promise<Prepared> {
  const clock = options.clock ?? (() => new Date());
  const lap = stopwatch();
  const fold = await foldAt(store, options.at, options, deferStateHash);
  const foldMs = lap();
  const equities = computeEquities(fold);
  const assets = [...equities.assets];
  for (const a of options.attestation?.assets ?? []) if (!assets.some((x) => x.code === a.asset)) assets.push({ code: a.asset, scale: ASSET_SCALE });
  if (assets.length === 0) assets.push({ code: DEFAULT_ASSET, scale: ASSET_SCALE });
  const equityMs = lap();
  const auditSecret = options.auditSecret ?? randomBytes(32);
  const tree = buildReserveTree({
    auditId: options.auditId ?? newAuditId(fold.position, clock()),
    auditSecret,
    assets,
    logPosition: fold.position,
    equities: equities.equities,
  });
  return { options, fold, equities, tree, auditSecret, timingsMs: { fold: foldMs, equity: equityMs, tree: lap() } };
}

/** the root stamped with the fold's state hash, and the reconciliation */
function complete(prepared: Prepared): PorResult {
  const { options, fold, equities, auditSecret } = prepared;
  const lap = stopwatch();
  const audit = stampStateHash(prepared.tree, fold.stateHash);
  const stateHashMs = lap();
  const report = reconcile({
    fold, equities, audit,
    requestedPosition: options.at === 'latest' ? null : options.at,
    ...(options.attestation ? { attestation: options.attestation } : {}),
  });
  return { fold, equities, audit, report, auditSecret, timingsMs: { ...prepared.timingsMs, stateHash: stateHashMs, reconcile: lap() } };
}

/** The audit, computed (nothing written): the fold, the equities, the tree and the reconciliation. */
export async function runProofOfReserves(store: EventStore, options: PorOptions): Promise<PorResult> {
  return complete(await prepare(store, options, false));
}

/**
 * runProofOfReserves then writeProofOfReserves, with the fold's state hash (needed by the root
 * and the report only) computed while another thread writes the proof files. `outDir` may
 * depend on the audit's id (the service keeps one directory per audit).
 */
export async function runAndWriteProofOfReserves(store: EventStore, options: PorOptions, outDir: string | ((auditId: string) => string), secretDir: string): Promise<{ result: PorResult; written: WrittenAudit & { secretFile: string } }> {
  const prepared = await prepare(store, options, true);
  const { auditId } = prepared.tree.unstampedRoot;
  const secretFile = await writeSecret(auditId, prepared.auditSecret, secretDir);
  let result: PorResult | undefined;
  const written = await writeReserveTree(typeof outDir === 'string' ? outDir : outDir(auditId), prepared.tree, () => {
    result = complete(prepared);
    return { root: result.audit.root, reconciliation: result.report };
  });
  return { result: result!, written: { ...written, secretFile } };
}

/**
 * The secret goes to `secretDir/<auditId>.secret` (mode 0600), never next to the published
 * files: with it anyone could recompute every user's salted hash.
 */
async function writeSecret(auditId: string, auditSecret: Buffer, secretDir: string): Promise<string> {
  if (!AUDIT_ID_PATTERN.test(auditId)) throw new Error(`auditId ${JSON.stringify(auditId)} is not a safe file name`);
  await mkdir(secretDir, { recursive: true, mode: 0o700 });
  const secretFile = join(secretDir, `${auditId}.secret`);
  await writeFile(secretFile, `${auditSecret.toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  return secretFile;
}

/**
 * `outDir` gets the published audit (root.json, proofs/, excluded.json, reconciliation.json);
 * the secret goes to `secretDir/<auditId>.secret` (writeSecret).
 */
export async function writeProofOfReserves(result: PorResult, outDir: string, secretDir: string): Promise<WrittenAudit & { secretFile: string }> {
  const secretFile = await writeSecret(result.audit.root.auditId, result.auditSecret, secretDir);
  const written = await writeReserveAudit(outDir, result.audit, { reconciliation: result.report });
  return { ...written, secretFile };
}
