import test from 'ava';
import { startEmulatorHarness } from '../esdb/support/harness.js';
import { Scenario } from '../support/scenario.js';
import { scenarios } from '../support/scenarioList.js';

/**
 * The same scenarios against the EventStoreDB adapter (the real @eventstore/db-client over real
 * gRPC to the wire emulator): appends are not pipelined per stream on a remote store.
 */
for (const [name, run] of Object.entries(scenarios)) {
  test(`over the EventStoreDB adapter: ${name}`, async (t) => {
    const harness = await startEmulatorHarness({ batchAppend: false });
    const s = await Scenario.start({ store: harness.connect(), runtime: { remoteStore: true } });
    try {
      await run(t, s);
      t.deepEqual(await s.audit(), [], 'audit of the whole log');
      t.deepEqual(s.errors, []);
    } finally {
      await s.stop();
      await harness.close();
    }
  });
}
