/**
 * Writes an audit to a directory. The one module of reserves/ that touches the file system; the
 * rest stays pure so the verifier can run anywhere.
 *
 *   <dir>/root.json                 public
 *   <dir>/proofs/<hh>/<userHash>.json  one per included user, private to that user (carries the salt);
 *                                      <hh> = the hash's first two hex digits
 *   <dir>/excluded.json             private to the operator and auditors (names users with deficits)
 *   <dir>/reconciliation.json       when given by the caller (the ledger reconciliation report)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ReserveAudit } from './audit.js';

/**
 * The proof file of a user hash inside an audit directory. Proofs are spread over 256
 * subdirectories: one synchronous loop creating 100,000 files measured 10–48 s in one ext4
 * directory here, and 2.5–12 s spread over 256 (the disk's state varies a lot between runs).
 */
export function proofFile(auditDir: string, userHashHex: string): string {
  return join(auditDir, 'proofs', userHashHex.slice(0, 2), `${userHashHex}.json`);
}

/**
 * Bounded so 100,000 proofs do not open 100,000 files at once. File creation here waits in the
 * kernel (tens of µs to ms per create): writes in flight on the thread pool measured 7.5–8.7 s
 * for 100,000 proofs where one synchronous loop took 20–45 s.
 */
const WRITE_CONCURRENCY = 32;

export interface WrittenAudit {
  readonly rootFile: string;
  /** userId → proof file */
  readonly proofFiles: ReadonlyMap<string, string>;
  readonly excludedFile: string;
  readonly reconciliationFile?: string;
}

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Refuses to overwrite an existing root.json: a published audit is never rewritten in place. */
export async function writeReserveAudit(dir: string, audit: ReserveAudit, extras: { reconciliation?: unknown } = {}): Promise<WrittenAudit> {
  const proofsDir = join(dir, 'proofs');
  await mkdir(proofsDir, { recursive: true });
  const rootFile = join(dir, 'root.json');
  await writeFile(rootFile, pretty(audit.root), { flag: 'wx' });

  const proofFiles = new Map<string, string>();
  const shards = new Set<string>();
  for (const proof of audit.proofs.values()) shards.add(dirname(proofFile(dir, proof.userHash)));
  for (const shard of shards) await mkdir(shard, { recursive: true });
  const pending = [...audit.proofs];
  const writer = async (): Promise<void> => {
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [userId, proof] = next;
      const file = proofFile(dir, proof.userHash);
      await writeFile(file, `${JSON.stringify(proof)}\n`, { flag: 'wx' });
      proofFiles.set(userId, file);
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, writer));

  const excludedFile = join(dir, 'excluded.json');
  await writeFile(
    excludedFile,
    pretty({
      auditId: audit.root.auditId,
      excludedUserCount: audit.root.excludedUserCount,
      totals: audit.excludedTotals,
      deficits: audit.excluded,
    }),
    { flag: 'wx' },
  );

  if (extras.reconciliation === undefined) return { rootFile, proofFiles, excludedFile };
  const reconciliationFile = join(dir, 'reconciliation.json');
  await writeFile(reconciliationFile, pretty(extras.reconciliation), { flag: 'wx' });
  return { rootFile, proofFiles, excludedFile, reconciliationFile };
}
