/** Child of test/runtime/nodeFlags.int.test.ts: ensures a flag, then reports how it runs. */
import { ensureNodeFlags } from '../../runtime/nodeFlags.js';

ensureNodeFlags(['--max-semi-space-size=33'], 'PROBE_DEFAULT_HEAP');
process.stdout.write(`${JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2) })}\n`);
process.exitCode = Number(process.argv[2] ?? 0);
