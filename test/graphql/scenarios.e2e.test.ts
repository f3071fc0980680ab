import test from 'ava';
import { auditLog } from '../support/ledgerAudit.js';
import { scenarios } from '../support/scenarioList.js';
import { ApiScenario } from './support/apiScenario.js';
import { startTestExchange } from './support/exchange.js';
import { apiLedgerProblems } from './support/ledgerChecks.js';

/**
 * The domain scenario list (test/support/scenarioList.ts — the same cases and hand-computed
 * numbers the command-API run checks) through the real server over HTTP, each on a fresh main
 * job. Every scenario ends with the ledger as the API shows it (balance sheets, journals,
 * liability.userFunds = Σ wallets + margins) and the audit of the server's whole log.
 */
for (const [name, run] of Object.entries(scenarios)) {
  test(`over the API: ${name}`, async (t) => {
    const x = await startTestExchange((fn) => t.teardown(fn));
    const s = new ApiScenario(x);
    await run(t, s.asScenario());
    await x.waitIdle();
    t.deepEqual(await apiLedgerProblems(x, s.participants()), [], 'the ledger through the API');
    t.deepEqual((await auditLog(x.job.store)).problems, [], 'audit of the server\'s log');
  });
}
