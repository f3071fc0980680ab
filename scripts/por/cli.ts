/**
 * `npm run por -- --at <position|ISO time|latest> --out <dir> [--assets <file.json>]
 *                 [--audit-id <id>] [--secret-dir <dir>] [--json]`
 *
 * Folds the log to the latest quiescent position at or before `--at`, publishes the audit into
 * `--out` (root.json, proofs/, excluded.json, reconciliation.json), keeps the audit secret in
 * `--secret-dir` (default DATA_DIR/reserves/secrets) and prints the reconciliation.
 * Exit codes: 0 reconciled; 1 any mismatch (the files are still written: the report is the
 * evidence); 2 bad arguments, an unreadable file or store, or an output that already exists.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openEmbeddedStore } from '../../eventstore/embedded/index.js';
import type { EventStore } from '../../eventstore/port.js';
import { ReserveInputError } from '../../reserves/errors.js';
import { BadReplayArgument, resolveTarget } from '../replay/target.js';
import { AttestationError, readAttestation } from './attested.js';
import type { ReconciliationReport } from './reconcile.js';
import { runAndWriteProofOfReserves } from './run.js';

export interface PorIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** injected by tests; otherwise opened from EVENTSTORE_URL / DATA_DIR */
  eventStore?: EventStore;
  /** injected by tests to pin the files; otherwise 32 random bytes */
  auditSecret?: Buffer;
}

const USAGE = 'usage: proof-of-reserves --at <position|ISO time|latest> --out <dir> [--assets <file.json>] [--audit-id <id>] [--secret-dir <dir>] [--json]';

class UsageError extends Error {}

async function openStore(env: NodeJS.ProcessEnv): Promise<EventStore> {
  if (env.EVENTSTORE_URL) {
    const { createEsdbEventStore } = await import('../../eventstore/esdb/store.js');
    return createEsdbEventStore({ connectionString: env.EVENTSTORE_URL });
  }
  return openEmbeddedStore({ dir: path.resolve(env.DATA_DIR || './data', 'events') });
}

export function humanReport(report: ReconciliationReport, files: { outDir: string; secretFile: string }, ms: number): string {
  const lines = [
    `proof of reserves ${report.ok ? 'RECONCILED' : 'NOT RECONCILED'} — audit ${report.auditId}`,
    `  log position ${report.logPosition}${report.requestedPosition !== null && report.requestedPosition !== report.logPosition ? ` (latest quiescent position at or before ${report.requestedPosition})` : ''}, state hash ${report.stateHash}`,
    `  users in the tree ${report.userCount}, excluded (negative equity) ${report.excludedUserCount}`,
  ];
  for (const a of report.assets) {
    lines.push(
      `  ${a.asset}: tree total ${a.treeTotal} + excluded ${a.excludedNegative} = ${a.userEquity}; ledger userFunds ${a.ledger.userFunds} − clearing.pnl ${a.ledger.clearingPnl} − insurance uPnL ${a.insuranceUnrealizedPnl} = ${a.expectedUserEquity}; difference ${a.difference}`,
      `  ${a.asset}: custody (${a.custody.source}) ${a.custody.amount} − tree total = ${a.custodySurplus}; receivables ${a.receivables}; insurance fund ${a.ledger.insuranceFund}`,
    );
  }
  for (const m of report.mismatches) lines.push(`  MISMATCH ${m.kind}${m.eventIds && m.eventIds.length > 0 ? ` [${m.eventIds.join(', ')}]` : ''}: ${m.detail}`);
  lines.push(`  published in ${files.outDir}; secret kept in ${files.secretFile}; ${ms} ms`);
  return lines.join('\n');
}

export async function runPorCli(argv: readonly string[], io: PorIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { at: { type: 'string' }, out: { type: 'string' }, assets: { type: 'string' }, 'audit-id': { type: 'string' }, 'secret-dir': { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
    }));
    if (values.out === undefined) throw new UsageError('--out <dir> is required');
  } catch (error) {
    io.stderr(`proof-of-reserves: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let store: EventStore | undefined;
  try {
    const attestation = values.assets === undefined ? undefined : await readAttestation(values.assets);
    store = io.eventStore ?? (await openStore(io.env));
    const atText = values.at ?? 'latest';
    const at = atText === 'latest' ? 'latest' : await resolveTarget(store, atText);
    const started = performance.now();
    const outDir = path.resolve(values.out);
    const secretDir = path.resolve(values['secret-dir'] ?? path.join(io.env.DATA_DIR || './data', 'reserves', 'secrets'));
    const { result, written } = await runAndWriteProofOfReserves(store, {
      at,
      ...(values['audit-id'] !== undefined ? { auditId: values['audit-id'] } : {}),
      ...(io.auditSecret ? { auditSecret: io.auditSecret } : {}),
      ...(attestation ? { attestation } : {}),
    }, outDir, secretDir);
    const ms = Math.round(performance.now() - started);
    io.stdout(values.json
      ? `${JSON.stringify({ ...result.report, files: { root: written.rootFile, proofs: written.proofFiles.size, excluded: written.excludedFile, reconciliation: written.reconciliationFile }, timingsMs: { ...result.timingsMs, total: ms } })}\n`
      : `${humanReport(result.report, { outDir, secretFile: written.secretFile }, ms)}\n`);
    return result.report.ok ? 0 : 1;
  } catch (error) {
    const known = error instanceof AttestationError || error instanceof BadReplayArgument || error instanceof ReserveInputError || (error as NodeJS.ErrnoException).code === 'EEXIST';
    io.stderr(`proof-of-reserves: ${known ? '' : `${(error as Error).name}: `}${(error as Error).message}\n`);
    return 2;
  } finally {
    if (store && !io.eventStore) await store.close();
  }
}
