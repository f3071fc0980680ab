import test from 'ava';
import type { RecordedEvent } from '../../eventstore/port.js';
import { Scenario, type ScenarioOptions } from '../support/scenario.js';
import { scenarios } from '../support/scenarioList.js';
import type { WorkflowThread } from '../../runtime/workflows/threadHost.js';

/**
 * The workflow runner in its own thread (runtime option workflowsThread) decides exactly what it
 * decides in process: the same scenario ends in the very same log (every stream, event by event:
 * ids, types, payloads) and the audit holds.
 */
function streamsOf(events: readonly RecordedEvent[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) (out[e.stream] ??= []).push(`${e.revision} ${e.id} ${e.type} ${JSON.stringify(e.data)} ${JSON.stringify(e.metadata)}`);
  return out;
}

async function run(name: string, options: ScenarioOptions) {
  const s = await Scenario.start(options);
  try {
    const t = { like() {}, is() {}, deepEqual() {}, true() {}, false() {} };
    await scenarios[name]!(t as never, s);
    await s.settle();
    return { streams: streamsOf(await s.events()), audit: await s.audit(), errors: s.errors };
  } finally {
    await s.stop();
  }
}

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
