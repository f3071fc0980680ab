import { EsdbEventStore } from '../../eventstore/esdb/store.js';
import { withValidation } from '../../eventstore/validating.js';
import { runEventStoreContract } from '../eventstore/contract.js';

/**
 * The same contract against a real EventStoreDB, e.g. ESDB_TEST_URL=esdb://127.0.0.1:2113?tls=false.
 * Run by `npm test` only when ESDB_TEST_URL is set (ava.esdb-live.config.mjs); no server can be
 * installed on the CI machines, so there the wire emulator stands in (test/esdb/).
 */
const url = process.env.ESDB_TEST_URL;
if (!url) throw new Error('set ESDB_TEST_URL to a real EventStoreDB, e.g. esdb://127.0.0.1:2113?tls=false');

runEventStoreContract('esdb adapter against a real EventStoreDB', async () => {
  const store = withValidation(new EsdbEventStore({ connectionString: url }));
  return { store, cleanup: () => store.close() };
});
