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
import type { ReserveAudit, ReserveTree } from './audit.js';
import type { RootDoc } from './documents.js';
import { writeFilesInThread } from './proofWriter.js';
import { ProofRenderer } from './proofText.js';

/**
 * The proof file of a user hash inside an audit directory. Proofs are spread over 256
 * subdirectories: one synchronous loop creating 100,000 files measured 10–48 s in one ext4
 * directory here, and 2.5–12 s spread over 256 (the disk's state varies a lot between runs).
 */
export function proofFile(auditDir: string, userHashHex: string): string {
  return join(auditDir, 'proofs', userHashHex.slice(0, 2), `${userHashHex}.json`);
}

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

/**
 * Refuses to write into a directory that already holds an audit (or one being written): a
 * published audit is never rewritten in place. root.json is written last, so a directory with a
 * root.json holds a complete audit.
 */
export async function writeReserveAudit(dir: string, audit: ReserveAudit, extras: { reconciliation?: unknown } = {}): Promise<WrittenAudit> {
  return writeReserveTree(dir, { ...audit, unstampedRoot: audit.root }, () => ({ root: audit.root, ...extras }));
}

/** What completes an audit whose proofs are being written: its root, and the caller's report. */
export interface AuditEnd {
  readonly root: RootDoc;
  readonly reconciliation?: unknown;
}

/**
 * writeReserveAudit for a tree whose root is not known yet: `finish` is called (once, in this
 * thread) while the writer thread has proofs queued, so what it computes — the fold's state hash
 * — overlaps with writing them. Its root must be the tree's (same audit and root hash).
 */
export async function writeReserveTree(dir: string, tree: ReserveTree, finish: () => AuditEnd): Promise<WrittenAudit> {
  const proofsDir = join(dir, 'proofs');
  await mkdir(dir, { recursive: true });
  // the claim on the directory: EEXIST when another audit is (being) written there
  await mkdir(proofsDir);

  const proofFiles = new Map<string, string>();
  const shards = new Set<string>();
  for (const [userId, proof] of tree.proofs) {
    const file = proofFile(dir, proof.userHash);
    proofFiles.set(userId, file);
    shards.add(dirname(file));
  }
  for (const shard of shards) await mkdir(shard);
  let end: AuditEnd | undefined;
  await writeFilesInThread(proofTexts(tree, proofFiles), () => {
    end = finish();
  });
  const { root, reconciliation } = end!;
  if (root.auditId !== tree.unstampedRoot.auditId || root.rootHash !== tree.unstampedRoot.rootHash) {
    throw new Error(`the root to publish (${root.auditId}, ${root.rootHash}) is not the root of the proofs written (${tree.unstampedRoot.auditId}, ${tree.unstampedRoot.rootHash})`);
  }

  const excludedFile = join(dir, 'excluded.json');
  await writeFile(
    excludedFile,
    pretty({
      auditId: root.auditId,
      excludedUserCount: root.excludedUserCount,
      totals: tree.excludedTotals,
      deficits: tree.excluded,
    }),
    { flag: 'wx' },
  );
  let reconciliationFile: string | undefined;
  if (reconciliation !== undefined) {
    reconciliationFile = join(dir, 'reconciliation.json');
    await writeFile(reconciliationFile, pretty(reconciliation), { flag: 'wx' });
  }
  const rootFile = join(dir, 'root.json');
  await writeFile(rootFile, pretty(root), { flag: 'wx' });
  return reconciliationFile === undefined ? { rootFile, proofFiles, excludedFile } : { rootFile, proofFiles, excludedFile, reconciliationFile };
}

/** rendered as the writer thread asks for them, so rendering overlaps with writing */
function* proofTexts(audit: ReserveTree, proofFiles: ReadonlyMap<string, string>): Generator<readonly [string, string]> {
  const renderer = new ProofRenderer();
  for (const [userId, proof] of audit.proofs) yield [proofFiles.get(userId)!, `${renderer.render(proof)}\n`];
}
