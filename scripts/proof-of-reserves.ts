/**
 * Proof of reserves (DESIGN §11): per-user equity at a quiescent log position → Merkle-sum tree,
 * root, per-user proofs, and the reconciliation with the platform ledger and custody.
 * See scripts/por/cli.ts for the options and exit codes; docs/proof-of-reserves.md for the tree.
 */
import { runPorCli } from './por/cli.js';
import { ensureReplayHeap } from './replay/heap.js';

// the fold is the replay's: same heap settings (a larger young generation, old space sized to the machine)
ensureReplayHeap();

const code = await runPorCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
process.exitCode = code;
