/**
 * Standalone proof-of-reserves verifier: checks one inclusion proof against a published root,
 * with no access to the log or the audit secret.
 *
 *   npm run por:verify -- <proof.json> <root.json> [--user-id <your id>] [--json]
 *
 * Exit 0: verified (prints the user's verified balances); 1: rejected (prints the reason);
 * 2: usage error or unreadable file.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { verifyProof, type VerifyResult } from '../reserves/verify.js';

/** a proof of a 2^32-user tree with 64 assets stays far below this */
const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

const USAGE = 'usage: por-verify <proof.json> <root.json> [--user-id <id>] [--json]';

class UsageError extends Error {}

async function readDocument(file: string): Promise<unknown> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (size > MAX_DOCUMENT_BYTES) throw new UsageError(`${file} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: hand the verifier a non-object so it reports the document as malformed.
    return undefined;
  }
}

function report(result: VerifyResult, asJson: boolean): string {
  if (asJson) return JSON.stringify(result);
  if (!result.ok) return `REJECTED ${result.reason}: ${result.message}`;
  const width = Math.max(...result.balances.map((b) => b.asset.length));
  return [
    `VERIFIED audit ${result.auditId}`,
    `  root     ${result.rootHash}`,
    `  userHash ${result.userHash}`,
    '  balances:',
    ...result.balances.map((b) => `    ${b.asset.padEnd(width)}  ${b.amount}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { 'user-id': { type: 'string' }, json: { type: 'boolean' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== 2) throw new UsageError('expected exactly two files');
  const [proofFile, rootFile] = parsed.positionals as [string, string];
  const [proof, root] = await Promise.all([readDocument(proofFile), readDocument(rootFile)]);
  const userId = parsed.values['user-id'];
  const result = verifyProof(proof, root, userId === undefined ? {} : { userId });
  process.stdout.write(`${report(result, parsed.values.json === true)}\n`);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
