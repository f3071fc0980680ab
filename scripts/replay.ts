/**
 * Replay + audit + time travel (DESIGN §11): folds the whole log (or up to `--to`) into fresh
 * in-memory read models, audits it, optionally diffs the live Redis models, prints a report.
 * See scripts/replay/cli.ts for the options and exit codes.
 */
import { runReplay } from './replay/cli.js';
import { ensureReplayHeap } from './replay/heap.js';

ensureReplayHeap();

const code = await runReplay(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: process.stderr.isTTY === true,
});
process.exitCode = code;
