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
import { buildReserveAudit, type ReserveAudit } from '../../reserves/audit.js';
import { writeReserveAudit, type WrittenAudit } from '../../reserves/write.js';
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
  timingsMs: { fold: number; equity: number; tree: number; reconcile: number };
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
async function foldAt(store: EventStore, at: Position | 'latest', onProgress: PorOptions['onProgress'], parallel: boolean): Promise<FoldResult> {
  const progress = { parallel, ...(onProgress ? { onProgress } : {}) };
  if (at !== 'latest') return foldLog(store, { to: at, ...progress });
  const whole = await foldLog(store, { allowPendingAtEnd: true, ...progress });
  if (whole.quiescentAtEnd) return whole;
  return foldLog(store, { to: whole.quiescentPosition, ...progress });
}

export async function runProofOfReserves(store: EventStore, options: PorOptions): Promise<PorResult> {
  const clock = options.clock ?? (() => new Date());
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = Math.round(now - mark);
    mark = now;
    return ms;
  };
  const fold = await foldAt(store, options.at, options.onProgress, options.parallelFold ?? true);
  const foldMs = lap();
  const equities = computeEquities(fold);
  const assets = [...equities.assets];
  for (const a of options.attestation?.assets ?? []) if (!assets.some((x) => x.code === a.asset)) assets.push({ code: a.asset, scale: ASSET_SCALE });
  if (assets.length === 0) assets.push({ code: DEFAULT_ASSET, scale: ASSET_SCALE });
  const equityMs = lap();
  const auditSecret = options.auditSecret ?? randomBytes(32);
  const audit = buildReserveAudit({
    auditId: options.auditId ?? newAuditId(fold.position, clock()),
    auditSecret,
    assets,
    logPosition: fold.position,
    stateHash: fold.stateHash,
    equities: equities.equities,
  });
  const treeMs = lap();
  const report = reconcile({
    fold, equities, audit,
    requestedPosition: options.at === 'latest' ? null : options.at,
    ...(options.attestation ? { attestation: options.attestation } : {}),
  });
  const reconcileMs = lap();
  return { fold, equities, audit, report, auditSecret, timingsMs: { fold: foldMs, equity: equityMs, tree: treeMs, reconcile: reconcileMs } };
}

/**
 * `outDir` gets the published audit (root.json, proofs/, excluded.json, reconciliation.json);
 * the secret goes to `secretDir/<auditId>.secret` (mode 0600), never next to the published files:
 * with it anyone could recompute every user's salted hash.
 */
export async function writeProofOfReserves(result: PorResult, outDir: string, secretDir: string): Promise<WrittenAudit & { secretFile: string }> {
  const auditId = result.audit.root.auditId;
  if (!AUDIT_ID_PATTERN.test(auditId)) throw new Error(`auditId ${JSON.stringify(auditId)} is not a safe file name`);
  await mkdir(secretDir, { recursive: true, mode: 0o700 });
  const secretFile = join(secretDir, `${auditId}.secret`);
  await writeFile(secretFile, `${result.auditSecret.toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  const written = await writeReserveAudit(outDir, result.audit, { reconciliation: result.report });
  return { ...written, secretFile };
}
