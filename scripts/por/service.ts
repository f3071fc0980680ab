/**
 * The proof-of-reserves service behind GraphQL's `Reserves` port (`runReserveAudit`,
 * `Account.reserveProof`). It runs an audit at the latest quiescent position of the log and keeps
 * it on disk, so a restart serves the same latest audit:
 *
 *   DATA_DIR/reserves/<auditId>/          root.json, proofs/<hh>/<userHash>.json, excluded.json, reconciliation.json
 *   DATA_DIR/reserves/secrets/<auditId>.secret   the audit secret (0600), never published
 *   DATA_DIR/reserves/latest.json         which audit is the latest
 *
 * A caller's proof is found without any userId index: the secret re-derives the caller's salted
 * user hash, which names the proof file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../eventstore/atomicFile.js';
import type { EventStore } from '../../eventstore/port.js';
import type { Reserves } from '../../graphql/ports.js';
import type { ReserveAuditView, ReserveProofView } from '../../graphql/views.js';
import type { ProofDoc, RootDoc } from '../../reserves/documents.js';
import { userHash, userSalt } from '../../reserves/hashing.js';
import { proofFile } from '../../reserves/write.js';
import { AUDIT_ID_PATTERN } from '../../reserves/method.js';
import { runAndWriteProofOfReserves } from './run.js';

export interface ReserveServiceOptions {
  store: EventStore;
  dataDir: string;
  clock?: () => Date;
  /** told about each audit run (id, position, reconciled, duration) */
  log?: (line: string) => void;
}

interface LatestAudit {
  auditId: string;
  secret: Buffer;
  root: RootDoc;
  reconciled: boolean;
}

interface LatestPointer {
  auditId: string;
  logPosition: string;
  reconciled: boolean;
}

export interface ReserveService extends Reserves {
  /** the directory of the latest audit's published files, or null before the first audit */
  latestAuditDir(): Promise<string | null>;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

export function createReserveService(options: ReserveServiceOptions): ReserveService {
  const base = join(options.dataDir, 'reserves');
  const secretsDir = join(base, 'secrets');
  const latestFile = join(base, 'latest.json');
  let latest: LatestAudit | null | undefined;
  // one audit at a time: each folds the whole log, and the latest pointer must move in order
  let running: Promise<unknown> = Promise.resolve();

  async function loadLatest(): Promise<LatestAudit | null> {
    if (latest !== undefined) return latest;
    let pointer: LatestPointer;
    try {
      pointer = JSON.parse(await readFile(latestFile, 'utf8')) as LatestPointer;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    if (!AUDIT_ID_PATTERN.test(pointer.auditId)) throw new Error(`${latestFile} names an invalid auditId`);
    const secret = Buffer.from((await readFile(join(secretsDir, `${pointer.auditId}.secret`), 'utf8')).trim(), 'hex');
    const root = JSON.parse(await readFile(join(base, pointer.auditId, 'root.json'), 'utf8')) as RootDoc;
    latest = { auditId: pointer.auditId, secret, root, reconciled: pointer.reconciled };
    return latest;
  }

  async function audit(): Promise<ReserveAuditView> {
    const started = performance.now();
    const { result } = await runAndWriteProofOfReserves(options.store, { at: 'latest', ...(options.clock ? { clock: options.clock } : {}) }, (auditId) => join(base, auditId), secretsDir);
    const { root } = result.audit;
    const pointer: LatestPointer = { auditId: root.auditId, logPosition: root.logPosition, reconciled: result.report.ok };
    await mkdir(base, { recursive: true });
    await writeFileAtomic(latestFile, `${JSON.stringify(pointer)}\n`);
    latest = { auditId: root.auditId, secret: result.auditSecret, root, reconciled: result.report.ok };
    options.log?.(`reserve audit ${root.auditId} at ${root.logPosition}: ${result.report.ok ? 'reconciled' : `${result.report.mismatches.length} mismatches`}, ${root.userCount} users, ${Math.round(performance.now() - started)} ms`);
    return auditView(latest);
  }

  return {
    runAudit(): Promise<ReserveAuditView> {
      const next = running.then(audit, audit);
      running = next.catch(() => undefined);
      return next;
    },

    async latestProof(userId: string): Promise<ReserveProofView | null> {
      const current = await loadLatest();
      if (current === null) return null;
      const hash = userHash(userSalt(current.secret, current.auditId, userId), userId).toString('hex');
      let proof: ProofDoc;
      try {
        proof = JSON.parse(await readFile(proofFile(join(base, current.auditId), hash), 'utf8')) as ProofDoc;
      } catch (error) {
        // not in the latest audit: registered after it, or excluded with a negative equity
        if (isMissing(error)) return null;
        throw error;
      }
      return proofView(proof);
    },

    async latestAuditDir(): Promise<string | null> {
      const current = await loadLatest();
      return current === null ? null : join(base, current.auditId);
    },
  };
}

function auditView(audit: LatestAudit): ReserveAuditView {
  const { root } = audit;
  return {
    auditId: root.auditId,
    logPosition: root.logPosition,
    rootHash: root.rootHash,
    totals: root.totals.map((a) => ({ ...a })),
    userCount: root.userCount,
    excludedNegative: root.excludedNegative.map((a) => ({ ...a })),
    reconciled: audit.reconciled,
  };
}

function proofView(proof: ProofDoc): ReserveProofView {
  return {
    auditId: proof.auditId,
    logPosition: proof.logPosition,
    rootHash: proof.rootHash,
    userHash: proof.userHash,
    leafHash: proof.leafHash,
    balances: proof.balances.map((a) => ({ ...a })),
    path: proof.path.map((s) => ({ siblingHash: s.siblingHash, siblingSums: s.siblingSums.map((a) => ({ ...a })), siblingOnLeft: s.siblingOnLeft })),
  };
}
