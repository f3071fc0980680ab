import test from 'ava';
import { Scenario } from '../support/scenario.js';
import { scenarios } from '../support/scenarioList.js';

/** Every domain scenario through the command API, real matching and real workflows (embedded store). */
for (const [name, run] of Object.entries(scenarios)) {
  test(name, async (t) => {
    const s = await Scenario.start();
    try {
      await run(t, s);
      t.deepEqual(await s.audit(), [], 'audit of the whole log');
    } finally {
      await s.stop();
    }
  });
}
