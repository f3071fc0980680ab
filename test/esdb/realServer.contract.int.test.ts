import test from 'ava';
import { EsdbEventStore } from '../../eventstore/esdb/store.js';
import { withValidation } from '../../eventstore/validating.js';
import { runEventStoreContract } from '../eventstore/contract.js';

/** The same contract against a real EventStoreDB, e.g. ESDB_TEST_URL=esdb://127.0.0.1:2113?tls=false */
const url = process.env.ESDB_TEST_URL;

if (url) {
  runEventStoreContract('esdb adapter against a real EventStoreDB', async () => {
    const store = withValidation(new EsdbEventStore({ connectionString: url }));
    return { store, cleanup: () => store.close() };
  });
} else {
  test.skip('esdb adapter against a real EventStoreDB (set ESDB_TEST_URL)', () => undefined);
}
