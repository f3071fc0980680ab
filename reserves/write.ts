/**
 * Writes an audit to a directory. The one module of reserves/ that touches the file system; the
 * rest stays pure so the verifier can run anywhere.
 *
 *   <dir>/root.json                 public
 *   <dir>/proofs/<userHash>.json    one per included user, private to that user (carries the salt)
 *   <dir>/excluded.json             private to the operator and auditors (names users with deficits)
 *   <dir>/reconciliation.json       when given by the caller (the ledger reconciliation report)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReserveAudit } from './audit.js';

/** bounded so 100,000 proofs do not open 100,000 files at once */
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
  const pending = [...audit.proofs];
  const worker = async (): Promise<void> => {
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [userId, proof] = next;
      const file = join(proofsDir, `${proof.userHash}.json`);
      await writeFile(file, `${JSON.stringify(proof)}\n`, { flag: 'wx' });
      proofFiles.set(userId, file);
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));

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
