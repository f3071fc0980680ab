import test from 'ava';
import { Scenario, type ScenarioOptions } from '../support/scenario.js';
import { runScenarioLog } from '../support/scenarioRun.js';
import { scenarios } from '../support/scenarioList.js';
import type { WorkflowThread } from '../../runtime/workflows/threadHost.js';

/**
 * The workflow runner in its own thread (runtime option workflowsThread) decides exactly what it
 * decides in process: the same scenario ends in the very same log (every stream, event by event:
 * ids, types, payloads) and the audit holds.
 */
const run = (name: string, options: ScenarioOptions) => runScenarioLog(name, options, true);

const THREAD: ScenarioOptions = { runtime: { workflowsThread: true, runnerStateStore: undefined, snapshotStore: undefined } };

for (const name of Object.keys(scenarios)) {
  test(`workflows in a thread: ${name}`, async (t) => {
    const plain = await run(name, {});
    const threaded = await run(name, THREAD);
    t.deepEqual(threaded.streams, plain.streams);
    t.deepEqual(threaded.audit, []);
    t.deepEqual(threaded.errors, []);
  });
}

test('a workflows thread that dies is started again and finishes the work (its redelivery is harmless)', async (t) => {
  const s = await Scenario.start(THREAD);
  try {
    const thread = s.runtime.workflows as WorkflowThread;
    await s.listBtc();
    await s.users('alice', 'bob');
    await s.deposit('alice', '10000');
    await s.deposit('bob', '10000');
    await s.settle();
    const maker = await s.place('alice', 'SELL', '3', '50000');
    await thread.terminateThread();
    const taker = await s.place('bob', 'BUY', '2', '50000');
    await s.settle();
    t.is((await s.order(maker)).status, 'PARTIALLY_FILLED');
    t.is((await s.order(taker)).status, 'FILLED');
    t.is((await s.position('bob')).qty, '2');
    t.deepEqual(await s.audit(), []);
    t.true(s.errors.some((e) => /thread exited/.test(e)));
    t.true(s.errors.every((e) => /thread exited/.test(e)), s.errors.join('\n'));
  } finally {
    await s.stop();
  }
});
