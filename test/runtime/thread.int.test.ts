import test from 'ava';
import type { RecordedEvent } from '../../eventstore/port.js';
import { Scenario, type ScenarioOptions } from '../support/scenario.js';
import { scenarios } from '../support/scenarioList.js';

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
